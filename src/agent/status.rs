//! What the agent says in its log: the collection plan at start (tiers on and off,
//! warm-up, update keys) and a status line every few minutes.

use crate::board::{Board, BoardView};
use crate::config::{Config, TargetConfig};
use crate::model::{TargetStatus, Tier};
use crate::telemetry::Telemetry;
use std::time::Duration;

/// Logs the plan once, at start.
pub fn log_plan(cfg: &Config) {
    // A configuration without targets is refused before this (config::require_targets).
    for t in &cfg.targets {
        tracing::info!("{}", plan_line(t));
    }
    if !cfg.agent.startup_warmup_delay.is_zero() {
        tracing::info!(
            "monitoring starts after the warm-up delay of {} s (startup_warmup_delay)",
            cfg.agent.startup_warmup_delay.as_secs()
        );
    }
    if cfg.agent.update_check_enabled || cfg.agent.auto_install_updates {
        tracing::info!(
            "update_check_enabled / auto_install_updates are accepted but Logstag does not update itself: \
             updates come from the package manager (apt, dnf) or a new container image"
        );
    }
}

/// `target prod (postgresql, monitor@db1:5432/app): high every 10 s, medium every 60 s,
/// low every 600 s; schema skipped (interval 0)`.
fn plan_line(t: &TargetConfig) -> String {
    let mut on = Vec::new();
    let mut off = Vec::new();
    for tier in Tier::ALL {
        match t.intervals.get(tier) {
            Some(every) => on.push(format!("{} every {} s", tier.name(), every.as_secs())),
            None => off.push(tier.name()),
        }
    }
    let engine = t.engine.key();
    let mut line = format!("target {} ({engine}, {}): ", t.name, t.endpoint());
    if on.is_empty() {
        line.push_str("every tier is off");
    } else {
        line.push_str(&on.join(", "));
    }
    if !off.is_empty() && !on.is_empty() {
        line.push_str(&format!("; {} skipped (interval 0)", off.join(", ")));
    }
    line
}

/// Logs a status line every `period`, until aborted.
pub async fn every(board: Board, period: Duration) {
    let mut recorded_before = board.view().samples_recorded;
    loop {
        tokio::time::sleep(period).await;
        let view = board.view();
        let depth = Telemetry::get(&board.telemetry().outbox_depth);
        tracing::info!("{}", line(&view, depth, Some((recorded_before, period))));
        recorded_before = view.samples_recorded;
    }
}

/// `status: 3 targets (2 up, 0 degraded, 1 down: pg2); 1520 samples recorded (+120 in
/// 5 min); outbox 0 rows`.
pub fn line(view: &BoardView, outbox_depth: u64, since: Option<(u64, Duration)>) -> String {
    let (mut up, mut degraded, mut waiting) = (0, 0, Vec::new());
    for (id, t) in &view.targets {
        match t.status {
            TargetStatus::Up { .. } => up += 1,
            TargetStatus::Degraded { .. } => degraded += 1,
            TargetStatus::Down { .. } | TargetStatus::Connecting => waiting.push(id.0.as_str()),
        }
    }
    let mut text = format!(
        "status: {} target(s) ({up} up, {degraded} degraded, {} down",
        view.targets.len(),
        waiting.len()
    );
    if !waiting.is_empty() {
        text.push_str(&format!(": {}", waiting.join(", ")));
    }
    text.push_str(&format!("); {} samples recorded", view.samples_recorded));
    if let Some((before, period)) = since {
        let minutes = (period.as_secs() / 60).max(1);
        text.push_str(&format!(" (+{} in {minutes} min)", view.samples_recorded.saturating_sub(before)));
    }
    if view.record_failures > 0 {
        text.push_str(&format!(", {} rounds failed to record", view.record_failures));
    }
    text.push_str(&format!("; outbox {outbox_depth} rows"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Intervals;
    use crate::model::{Sample, SampleBody, TargetHealth, TargetId, Timestamp};
    use std::sync::Arc;

    #[test]
    fn plan_names_the_tiers_that_are_off() {
        let t = TargetConfig {
            name: "prod".into(),
            username: "monitor".into(),
            intervals: Intervals { schema: None, ..Intervals::default() },
            ..TargetConfig::default()
        };
        assert_eq!(
            plan_line(&t),
            "target prod (postgresql, monitor@localhost:5432/postgres): high every 10 s, medium every 60 s, \
             low every 600 s; schema skipped (interval 0)"
        );
        let off =
            TargetConfig { intervals: Intervals { high: None, medium: None, low: None, schema: None }, ..t };
        assert!(plan_line(&off).ends_with("every tier is off"), "{}", plan_line(&off));
    }

    #[test]
    fn status_line_counts_targets_and_samples() {
        let targets = [
            TargetConfig { name: "a".into(), ..TargetConfig::default() },
            TargetConfig { name: "b".into(), ..TargetConfig::default() },
        ];
        let board = Board::new(&targets, Arc::default());
        let health = TargetHealth {
            status: TargetStatus::Up { version: "16".into() },
            at: Timestamp(1),
            last_latency_ms: None,
        };
        board.observe(&[Sample {
            target: TargetId("a".into()),
            tier: Tier::High,
            taken_at: Timestamp(1),
            body: SampleBody::Status(health),
        }]);
        board.recorded(30);
        let text = line(&board.view(), 7, Some((10, Duration::from_secs(300))));
        assert_eq!(
            text,
            "status: 2 target(s) (1 up, 0 degraded, 1 down: b); 30 samples recorded (+20 in 5 min); outbox 7 rows"
        );
    }
}
