use super::*;
use crate::board::Board;
use crate::config::TargetConfig;
use crate::model::{
    AlertEvent, Metric, QueryStat, QueryStatsSnapshot, Sample, SampleBody, Severity, StatsAvailability,
    TargetHealth, TargetId, TargetStatus, Tier, Timestamp, metric,
};
use std::sync::Arc;

fn sample(target: &str, tier: Tier, at: i64, body: SampleBody) -> Sample {
    Sample { target: TargetId(target.into()), tier, taken_at: Timestamp(at), body }
}

fn statement(id: &str, calls: u64, total_time_ms: f64) -> QueryStat {
    QueryStat { id: id.into(), text: format!("SELECT {id}"), calls, total_time_ms, ..QueryStat::default() }
}

fn fed_board() -> Board {
    let targets = [
        TargetConfig { name: "pg \"main\"".into(), ..TargetConfig::default() },
        TargetConfig { name: "down".into(), ..TargetConfig::default() },
    ];
    let board = Board::new(&targets, Arc::default());
    board.keep_top_statements(1);
    let health = TargetHealth {
        status: TargetStatus::Up { version: "16.2".into() },
        at: Timestamp(1),
        last_latency_ms: None,
    };
    board.observe(&[sample("pg \"main\"", Tier::High, 1, SampleBody::Status(health))]);
    let queries = QueryStatsSnapshot {
        availability: StatsAvailability::Available,
        since: Some(Timestamp(1_000)),
        stats: vec![statement("7/10/5", 3, 20.0), statement("8/10/5", 900, 1500.0)],
        tracked: 2,
        reset_detected: false,
        evicted: None,
    };
    board.observe(&[
        sample(
            "pg \"main\"",
            Tier::High,
            1,
            SampleBody::Metrics(vec![
                Metric::new(metric::TPS, 12.5),
                Metric::new(metric::LONGEST_QUERY_S, 3.5),
                Metric::new(metric::KEYS_TOTAL, 10.0),
                Metric::keyed(metric::SESSIONS_BY_STATE, "Idle in transaction", 2.0),
                Metric::keyed(metric::SESSIONS_BY_STATE, "a\\b\nc", 1.0),
                Metric::new(metric::CACHE_HIT_PCT, f64::NAN),
                Metric::new(metric::MEMORY_USED_PCT, 25.0),
            ]),
        ),
        sample(
            "pg \"main\"",
            Tier::High,
            1,
            SampleBody::Metrics(vec![Metric::keyed(metric::COLLECT_MS, "high", 40.0)]),
        ),
        sample(
            "pg \"main\"",
            Tier::High,
            1,
            SampleBody::Counters(vec![
                Metric::keyed(counter::TRANSACTIONS_COMMITTED, "app", 1234.0),
                Metric::new(counter::TEMP_BYTES, 4096.0),
                Metric::new("made_up", 1.0),
            ]),
        ),
        sample("pg \"main\"", Tier::Medium, 61_000, SampleBody::Queries(queries)),
    ]);
    board.recorded(42);
    board
}

#[test]
fn classic_text_has_targets_metrics_up_counters_and_own_costs() {
    let board = fed_board();
    Telemetry::add(&board.telemetry().forward_errors_total, 3);
    let stats = ProcessStats { resident_bytes: 1024, cpu_seconds: 1.5 };
    let text = render(&board.view(), board.telemetry(), Some(stats), Format::Text);
    for line in [
        "# TYPE logstag_up gauge",
        r#"logstag_up{target="pg \"main\"",engine="postgresql"} 1"#,
        r#"logstag_up{target="down",engine="postgresql"} 0"#,
        r#"logstag_collect_duration_seconds{target="pg \"main\"",tier="high"} 0.04"#,
        "# TYPE logstag_transactions_committed_total counter",
        r#"logstag_transactions_committed_total{target="pg \"main\"",engine="postgresql",key="app"} 1234"#,
        r#"logstag_temp_bytes_total{target="pg \"main\"",engine="postgresql"} 4096"#,
        r#"logstag_longest_query_seconds{target="pg \"main\"",engine="postgresql"} 3.5"#,
        r#"logstag_memory_used_ratio{target="pg \"main\"",engine="postgresql"} 0.25"#,
        r#"logstag_keys{target="pg \"main\"",engine="postgresql"} 10"#,
        r#"logstag_sessions_by_state{target="pg \"main\"",engine="postgresql",key="Idle in transaction"} 2"#,
        r#"logstag_sessions_by_state{target="pg \"main\"",engine="postgresql",key="a\\b\nc"} 1"#,
        r#"logstag_top_statement_time_seconds{target="pg \"main\"",engine="postgresql",statement_id="8/10/5"} 1.5"#,
        r#"logstag_top_statement_calls{target="pg \"main\"",engine="postgresql",statement_id="8/10/5"} 900"#,
        r#"logstag_top_statement_interval_seconds{target="pg \"main\"",engine="postgresql"} 60"#,
        "# TYPE logstag_samples_recorded_total counter",
        "logstag_samples_recorded_total 42",
        "logstag_forward_errors_total 3",
        "logstag_outbox_depth 0",
        "process_resident_memory_bytes 1024",
        "process_cpu_seconds_total 1.5",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    for absent in
        ["cache_hit", "logstag_tps", "made_up", "collect_ms", "last_success", "7/10/5", "SELECT", "# EOF"]
    {
        assert!(!text.contains(absent), "{absent} should be absent:\n{text}");
    }
}

#[test]
fn openmetrics_has_units_counter_families_and_eof() {
    let board = fed_board();
    let text = render(&board.view(), board.telemetry(), None, Format::OpenMetrics);
    for line in [
        "# TYPE logstag_transactions_committed counter",
        "# TYPE logstag_temp_bytes counter",
        "# UNIT logstag_temp_bytes bytes",
        "# UNIT logstag_longest_query_seconds seconds",
        "# TYPE logstag_samples_recorded counter",
        "logstag_samples_recorded_total 42",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    assert!(text.ends_with("# EOF\n"));
}

#[test]
fn counters_stay_on_the_board_until_the_target_goes_down() {
    let board = fed_board();
    let down = TargetHealth {
        status: TargetStatus::down("refused", std::time::Duration::from_secs(1)),
        at: Timestamp(2),
        last_latency_ms: None,
    };
    board.observe(&[sample("pg \"main\"", Tier::High, 2, SampleBody::Status(down))]);
    let text = render(&board.view(), board.telemetry(), None, Format::Text);
    assert!(!text.contains("transactions_committed") && !text.contains("top_statement"), "{text}");
}

fn firing(target: &str, severity: Severity) -> AlertEvent {
    AlertEvent::fired_for_tests(target, "pg.blocked_sessions", severity, Timestamp(1))
}

#[test]
fn alerts_firing_are_counted_by_severity_with_zeros_and_replaced_each_round() {
    let board = fed_board();
    let text = render(&board.view(), board.telemetry(), None, Format::Text);
    assert!(!text.contains("logstag_alerts_firing"), "no alert engine has reported yet:\n{text}");
    board.alerts_active(&[
        firing("pg \"main\"", Severity::Critical),
        firing("pg \"main\"", Severity::Critical),
    ]);
    let text = render(&board.view(), board.telemetry(), None, Format::Text);
    for line in [
        "# TYPE logstag_alerts_firing gauge",
        r#"logstag_alerts_firing{target="pg \"main\"",engine="postgresql",severity="critical"} 2"#,
        r#"logstag_alerts_firing{target="pg \"main\"",engine="postgresql",severity="medium"} 0"#,
        r#"logstag_alerts_firing{target="down",engine="postgresql",severity="critical"} 0"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    board.alerts_active(&[]);
    let text = render(&board.view(), board.telemetry(), None, Format::Text);
    assert!(text.contains(
        r#"logstag_alerts_firing{target="pg \"main\"",engine="postgresql",severity="critical"} 0"#
    ));
}
