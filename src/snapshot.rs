//! `logstag snapshot`: one round of every tier of every target, printed as JSON.

use crate::collectors::registry::{self, RunMode};
use crate::config::Config;
use crate::model::{Sample, SampleBody, TargetInfo, TargetStatus};
use crate::monitor;
use crate::store::Store;
use serde::Serialize;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

#[derive(Serialize)]
struct Report<'a> {
    logstag_version: &'static str,
    targets: Vec<TargetReport<'a>>,
}

#[derive(Serialize)]
struct TargetReport<'a> {
    #[serde(flatten)]
    info: TargetInfo,
    status: Option<&'a TargetStatus>,
    /// What the statement list holds: `totals_since_reset` on a single reading (its
    /// `since` is the reset, null where the engine does not tell it), `deltas` with
    /// `--interval` (its `since` is the first reading).
    statement_statistics: &'static str,
    samples: Vec<&'a Sample>,
}

/// Exit code 1 when any target could not be reached, so scripts can tell. With
/// `interval`, the medium tier reads twice that far apart and the statements printed are
/// what ran in between (the first reading's baseline is left out); without it they are the
/// totals since the engine's statistics were last reset.
pub async fn print_json(cfg: &Config, interval: Option<Duration>) -> anyhow::Result<ExitCode> {
    crate::logging::to_stderr("warn");
    let mode = match interval {
        Some(after) => RunMode::OnceWithDeltas { after },
        None => RunMode::Once,
    };
    let statement_statistics = if interval.is_some() { "deltas" } else { "totals_since_reset" };
    let samples = newest_statements_only(collect(cfg, mode).await?);
    let targets: Vec<TargetReport<'_>> = cfg
        .targets
        .iter()
        .map(|t| {
            let id = t.id();
            let mine: Vec<&Sample> = samples.iter().filter(|s| s.target == id).collect();
            let status = mine.iter().rev().find_map(|s| match &s.body {
                SampleBody::Status(h) => Some(&h.status),
                _ => None,
            });
            let mut info = t.info();
            // A redis:// target that answers as Valkey is a Valkey target: name the engine
            // the server reports (its INFO), as the version next to it does.
            if let Some(product) = mine.iter().rev().find_map(|s| match &s.body {
                SampleBody::Instance(i) if registry::by_display_name(&i.product).is_some() => {
                    Some(i.product.clone())
                }
                _ => None,
            }) {
                info.engine = product;
            }
            TargetReport { info, status, statement_statistics, samples: mine }
        })
        .collect();
    let any_down = targets.iter().any(|t| matches!(t.status, Some(TargetStatus::Down { .. }) | None));
    let report = Report { logstag_version: env!("CARGO_PKG_VERSION"), targets };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, &report)?;
    writeln!(out)?;
    Ok(if any_down { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Runs every target once through the same scheduler code as the TUI and returns what came out.
pub async fn collect_once(cfg: &Config) -> anyhow::Result<Vec<Sample>> {
    collect(cfg, RunMode::Once).await
}

/// The statement list of a target's last reading, without the baseline before it.
fn newest_statements_only(samples: Vec<Sample>) -> Vec<Sample> {
    let mut seen = std::collections::HashSet::new();
    let mut newest_first: Vec<Sample> = samples
        .into_iter()
        .rev()
        .filter(|s| !matches!(s.body, SampleBody::Queries(_)) || seen.insert(s.target.clone()))
        .collect();
    newest_first.reverse();
    newest_first
}

async fn collect(cfg: &Config, mode: RunMode) -> anyhow::Result<Vec<Sample>> {
    let store = Store::open_in_memory(cfg.history.retention)?;
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let running = monitor::start(cfg, store, Some(tx), None, mode).await;
    let mut samples = Vec::new();
    // The pipeline forwards every round; the channel closes when every collector is done.
    while let Some(update) = rx.recv().await {
        if let crate::ui::UiUpdate::Round(round) = update {
            samples.extend(round.iter().cloned());
        }
    }
    running.stop().await;
    Ok(samples)
}
