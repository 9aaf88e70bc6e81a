//! `logstag replay FILE`: a history file in the terminal UI, paused at its newest moment.
//! No collector starts and no server is contacted: everything on screen is read from
//! the file, so a DBA can study an incident on a copy taken from the agent's host (or on
//! the agent's own file, which is copied consistently first and never written).

use crate::config::Config;
use crate::store::Store;
use crate::ui;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Nothing is pruned while a file is replayed: retention is the recording host's business.
const KEEP_EVERYTHING: Duration = Duration::from_secs(100 * 365 * 86_400);

pub async fn run(path: &Path) -> anyhow::Result<ExitCode> {
    let name = path.display().to_string();
    let shown = crate::sanitize::text(&name);
    if !path.is_file() {
        eprintln!("{shown}: no such history file");
        return Ok(ExitCode::from(1));
    }
    // The file itself is never written: a private copy is (migrated if older), and goes
    // when the replay ends. Copying and opening are blocking I/O: off the runtime's workers.
    let scratch = match Scratch::create() {
        Ok(scratch) => scratch,
        Err(e) => {
            eprintln!("cannot make a private copy of {shown}: {e}");
            return Ok(ExitCode::from(1));
        }
    };
    let (owned, copy) = (path.to_path_buf(), scratch.0.join("history.sqlite3"));
    let opened =
        tokio::task::spawn_blocking(move || Store::open_copy(&owned, &copy, KEEP_EVERYTHING)).await?;
    let store = match opened {
        Ok(store) => store,
        Err(e) => {
            eprintln!("{}", crate::sanitize::text(&e.to_string()));
            return Ok(ExitCode::from(1));
        }
    };
    let targets = store.recorded_targets().await?;
    let Some((_, newest)) = store.recorded_range().await?.filter(|_| !targets.is_empty()) else {
        eprintln!("{shown}: no recorded rounds in this history file");
        return Ok(ExitCode::from(1));
    };
    let cfg = Config::default();
    let (_engine, alert_catalog) = crate::monitor::alert_engine(&cfg);
    // Nothing sends live updates; the UI reads only the file.
    let (_no_updates, updates) = mpsc::channel(1);
    let (shutdown, _) = watch::channel(false);
    let ctx = ui::UiContext {
        targets,
        updates,
        store,
        refresh: cfg.ui.refresh,
        chart_window: cfg.ui.chart_window,
        theme: cfg.ui.theme.clone(),
        shutdown,
        alert_catalog,
        bell: false,
        schema_refresh: Default::default(),
        retry_now: Default::default(),
        replay_end: Some(newest),
        // A recorded file has no server to plan on.
        planners: Default::default(),
    };
    let result = ui::run(ctx).await.map(|()| ExitCode::SUCCESS);
    drop(scratch);
    result
}

/// A private directory (0700: the history holds statement texts) for the copy, removed
/// when the replay ends, however it ends.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn create() -> std::io::Result<Scratch> {
        use std::os::unix::fs::DirBuilderExt;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let dir = std::env::temp_dir().join(format!("logstag-replay-{}-{nanos}", std::process::id()));
        std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
        Ok(Scratch(dir))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            tracing::debug!("removing {}: {e}", self.0.display());
        }
    }
}
