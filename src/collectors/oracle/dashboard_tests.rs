//! Every metric name the Oracle Grafana dashboard (`dashboards/grafana/logstag-oracle.json`)
//! queries is served on /metrics once the Oracle collector's rounds — replayed fixtures of
//! the high, medium and low tiers, through the worker thread — go through the board and
//! the exposition. The other dashboards are checked against a live agent
//! (`tests/integration/grafana_dashboards_live.rs`); no Oracle server can run here.

use super::replay::{Answer, Script};
use super::screen_tests::{TARGET, samples};
use crate::board::Board;
use crate::collectors::Collector;
use crate::collectors::testing;
use crate::config::TargetConfig;
use crate::model::{Sample, SampleBody, TargetHealth, TargetId, TargetStatus, Tier, Timestamp};
use std::collections::BTreeSet;

const STANDBY: &str = "sales-dg";

/// A medium round of an Active Data Guard standby 45 s behind (Data Guard lags exist only
/// on a standby).
fn standby_samples(target: &TargetConfig) -> Vec<Sample> {
    let s = super::medium::storage::STATEMENTS;
    let script = Script::new(19, "19.22.0.0.0");
    script
        .on(s[0], vec![Answer::Rows(include_str!("fixtures/storage_database_standby_adg_19c.tsv"))])
        .on(s[6], vec![Answer::Rows(include_str!("fixtures/storage_dg_stats_standby_19c.tsv"))])
        .on(s[7], vec![Answer::Rows(include_str!("fixtures/storage_dg_process_standby_19c.tsv"))]);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = script.collector(target);
        let version = c.ensure_connected().await.unwrap();
        let up = TargetHealth {
            status: TargetStatus::Up { version },
            at: Timestamp::now(),
            last_latency_ms: None,
        };
        let mut bodies = vec![SampleBody::Status(up)];
        bodies.extend(c.collect(Tier::Medium).await.unwrap().bodies);
        bodies
            .into_iter()
            .map(|body| Sample {
                target: TargetId(STANDBY.into()),
                tier: Tier::Medium,
                taken_at: Timestamp::now(),
                body,
            })
            .collect()
    })
}

const DASHBOARD: &str = include_str!("../../../dashboards/grafana/logstag-oracle.json");

fn names(text: &str, pattern: &str) -> BTreeSet<String> {
    let name = regex::Regex::new(pattern).unwrap();
    name.find_iter(text).map(|m| m.as_str().to_owned()).collect()
}

#[test]
fn every_dashboard_metric_is_served_for_an_oracle_target() {
    let mut primary = testing::unreachable_target(&super::spec::SPEC);
    primary.name = TARGET.into();
    let mut standby = primary.clone();
    standby.name = STANDBY.into();
    let board = Board::new(&[primary, standby.clone()], Default::default());
    board.observe(&samples());
    board.observe(&standby_samples(&standby));
    let text =
        crate::prometheus::render(&board.view(), board.telemetry(), None, crate::prometheus::Format::Text);
    let served: BTreeSet<String> = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_owned)
        .collect();
    let wanted = names(DASHBOARD, r"\blogstag_[a-z0-9_]+\b");
    assert!(wanted.len() > 20, "{wanted:?}");
    let missing: Vec<&String> = wanted.iter().filter(|n| !served.contains(*n)).collect();
    assert!(missing.is_empty(), "queried but not served: {missing:?}\n\nserved:\n{text}");
    // And the Oracle target's series carry its engine label.
    assert!(text.contains("logstag_tablespace_used_ratio{target=\"sales-ora\",engine=\"oracle\""), "{text}");
}
