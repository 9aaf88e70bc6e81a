//! `logstag replay FILE`: a history file in the terminal UI, paused at its newest moment.
//! No collector starts and no server is contacted: everything on screen is read from
//! the file, so a DBA can study an incident on a copy taken from the agent's host.

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
    let owned = path.to_path_buf();
    // Opening may migrate an older file (blocking I/O): off the runtime's workers.
    let opened = tokio::task::spawn_blocking(move || Store::open(&owned, KEEP_EVERYTHING)).await?;
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
    };
    ui::run(ctx).await.map(|()| ExitCode::SUCCESS)
}
