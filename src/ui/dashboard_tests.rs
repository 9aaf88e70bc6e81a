//! The dashboard state: rounds feed latest values, charts and history.

use super::*;
use crate::model::{Metric, Sample, TargetId};

fn info(name: &str) -> TargetInfo {
    TargetInfo {
        id: TargetId(name.into()),
        engine: "PostgreSQL".into(),
        endpoint: String::new(),
        tags: Vec::new(),
    }
}

#[test]
fn metrics_feed_charts_and_history_merges_before_them() {
    let mut dashboard = Dashboard::new(vec![info("a")]);
    let round = vec![Sample {
        target: TargetId("a".into()),
        tier: Tier::High,
        taken_at: Timestamp(50_000),
        body: SampleBody::Metrics(vec![
            Metric::new(metric::TPS, 7.0),
            Metric::keyed(metric::SESSIONS_BY_STATE, "Active", 2.0),
            Metric::new(metric::DEADLOCKS_PER_S, 0.0),
        ]),
    }];
    dashboard.apply(UiUpdate::Round(Arc::new(round)));
    let view = &dashboard.targets[0];
    assert_eq!(view.metric(metric::TPS, ""), Some(7.0));
    assert_eq!(view.charts.len(), 2, "only charted metrics keep history");
    dashboard.apply(UiUpdate::Series {
        target: TargetId("a".into()),
        metric: metric::TPS.into(),
        by_key: vec![(String::new(), vec![(Timestamp(30_000), 5.0), (Timestamp(40_000), 6.0)])],
    });
    let tps = dashboard.targets[0].chart_series(metric::TPS).next().map(|(_, s)| s.len());
    assert_eq!(tps, Some(3));
}

/// Every engine's Overview charts get history, not only the neutral metrics'.
#[test]
fn each_engines_chart_metrics_keep_history() {
    for engine in crate::collectors::registry::ENGINES {
        let mut target = info("e");
        target.engine = engine.name.into();
        let mut dashboard = Dashboard::new(vec![target]);
        let points: Vec<Metric> = engine.present.charts.iter().map(|c| Metric::new(c.metric, 1.0)).collect();
        for at in [10_000, 20_000] {
            let body = SampleBody::Metrics(points.clone());
            let round = vec![Sample {
                target: TargetId("e".into()),
                tier: Tier::High,
                taken_at: Timestamp(at),
                body,
            }];
            dashboard.apply(UiUpdate::Round(Arc::new(round)));
        }
        for chart in &engine.present.charts {
            let len = dashboard.targets[0].chart_series(chart.metric).next().map(|(_, s)| s.len());
            assert_eq!(len, Some(2), "{}: chart {} keeps no history", engine.name, chart.title);
            assert!(
                charted(engine).contains(&chart.metric),
                "{}: {} not loaded from the store",
                engine.name,
                chart.metric
            );
        }
    }
}

#[test]
fn samples_of_an_unknown_target_add_it_and_down_is_data() {
    let mut dashboard = Dashboard::new(vec![info("a")]);
    let health = TargetHealth {
        status: TargetStatus::down("refused", std::time::Duration::from_secs(4)),
        at: Timestamp(1),
        last_latency_ms: None,
    };
    let round = vec![Sample {
        target: TargetId("b".into()),
        tier: Tier::High,
        taken_at: Timestamp(1),
        body: SampleBody::Status(health),
    }];
    dashboard.apply(UiUpdate::Round(Arc::new(round)));
    assert_eq!(dashboard.targets.len(), 2);
    assert_eq!(dashboard.targets[1].status_label(), "DOWN");
    assert_eq!(dashboard.targets[1].last_error().as_deref(), Some("refused (retry in 4.0s)"));
    assert_eq!(dashboard.targets[0].status_label(), "CONNECTING");
}

#[test]
fn schema_samples_keep_the_latest_snapshot_and_changes_newest_first_capped() {
    use crate::model::{ChangeKind, SchemaChange, SchemaSnapshot};
    let mut dashboard = Dashboard::new(vec![info("a")]);
    let change = |at: i64| SchemaChange {
        at: Timestamp(at),
        database: "shop".into(),
        schema: "public".into(),
        object_type: "table".into(),
        object: format!("t{at}"),
        change: ChangeKind::Added,
        detail: String::new(),
    };
    let sample =
        |body| Sample { target: TargetId("a".into()), tier: Tier::Schema, taken_at: Timestamp(9), body };
    let first: Vec<SchemaChange> = (0..SCHEMA_CHANGES_CAP as i64).map(change).collect();
    dashboard.apply(UiUpdate::Round(Arc::new(vec![
        sample(SampleBody::Schema(SchemaSnapshot::default())),
        sample(SampleBody::SchemaChanges(first)),
    ])));
    let later = vec![change(5_001), change(5_000)];
    dashboard.apply(UiUpdate::Round(Arc::new(vec![sample(SampleBody::SchemaChanges(later))])));
    let view = &dashboard.targets[0];
    assert!(view.schema().is_some());
    assert_eq!(view.schema_version, 3);
    assert_eq!(view.schema_changes.len(), SCHEMA_CHANGES_CAP);
    let newest: Vec<i64> = view.schema_changes.iter().take(3).map(|c| c.at.0).collect();
    assert_eq!(newest, [5_001, 5_000, SCHEMA_CHANGES_CAP as i64 - 1]);
    assert_eq!(view.schema_changes.as_slices().0.len(), SCHEMA_CHANGES_CAP, "kept contiguous");
}
