//! A fleet of 100 targets on the Overview (mixed engines, statuses, alerts and tags):
//! readable at 80×24, useful at 200×50; order, groups, filter and jump driven by keys.

use super::fixtures::NOW;
use super::render::screen_text;
use crate::model::*;
use crate::ui::UiUpdate;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::dashboard::headline;
use crate::ui::tabs::Tab;
use crate::ui::theme::Theme;
use crate::ui::views::overview::OverviewRow;
use std::sync::Arc;
use std::time::Duration;

/// (name, engine, tags): 60 PostgreSQL, 20 Redis, 10 MySQL, 10 MongoDB.
fn fleet_targets() -> Vec<TargetInfo> {
    let mut targets = Vec::new();
    let mut add = |name: String, engine: &str, tags: &[&str]| {
        targets.push(TargetInfo {
            id: TargetId(name.clone()),
            engine: engine.into(),
            endpoint: format!("monitor@{name}:5432/app"),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        });
    };
    for i in 1..=60 {
        let tags: &[&str] = if i % 3 == 0 { &["staging"] } else { &["prod", "eu"] };
        add(format!("pg-{i:03}"), "PostgreSQL", tags);
    }
    for i in 1..=20 {
        add(format!("redis-{i:02}"), "Redis", &["prod", "cache"]);
    }
    for i in 1..=10 {
        add(format!("mysql-{i:02}"), "MySQL", &["legacy"]);
    }
    for i in 1..=10 {
        add(format!("mongo-{i:02}"), "MongoDB", &[]);
    }
    targets
}

fn status(name: &str) -> TargetStatus {
    match name {
        "pg-017" | "redis-07" | "mongo-03" => {
            TargetStatus::down("connection refused", Duration::from_secs(9))
        }
        "pg-005" | "pg-044" | "mysql-02" | "redis-12" => TargetStatus::Degraded {
            version: "16.4".into(),
            problems: vec!["permission denied for view pg_stat_statements".into()],
        },
        "mongo-09" | "mongo-10" => TargetStatus::Connecting,
        _ => TargetStatus::Up { version: "16.4".into() },
    }
}

fn alert(target: &str, rule: &str, severity: Severity) -> AlertEvent {
    AlertEvent::fired_for_tests(target, rule, severity, Timestamp(NOW - 60_000))
}

/// 100 targets, each with a status and 15 minutes of its headline rate (up ones only).
pub fn fleet_app() -> App {
    let targets = fleet_targets();
    let mut app = App::new(targets.clone(), Theme::default(), Duration::from_secs(900));
    for (n, info) in targets.iter().enumerate() {
        let engine = crate::collectors::registry::by_display_name(&info.engine).unwrap();
        let at = |i: i64| Timestamp(NOW - (90 - i) * 10_000);
        let status = status(&info.id.0);
        let mut round = vec![Sample {
            target: info.id.clone(),
            tier: Tier::High,
            taken_at: at(90),
            body: SampleBody::Status(TargetHealth {
                status: status.clone(),
                at: at(90),
                last_latency_ms: Some(20),
            }),
        }];
        if matches!(status, TargetStatus::Up { .. } | TargetStatus::Degraded { .. }) {
            for i in 0..90_i64 {
                // Each target its own shape: a slow wave, a ramp, a spike.
                let value = 50.0
                    + (n as f64)
                    + 40.0 * ((i + n as i64) as f64 / 9.0).sin()
                    + (i % (n as i64 + 7)) as f64;
                let metrics = vec![
                    Metric::new(headline(engine), value),
                    Metric::new(metric::TPS, value),
                    Metric::new(metric::CACHE_HIT_PCT, 99.0),
                ];
                round.push(Sample {
                    target: info.id.clone(),
                    tier: Tier::High,
                    taken_at: at(i),
                    body: SampleBody::Metrics(metrics),
                });
            }
        }
        app.update(UiUpdate::Round(Arc::new(round)));
    }
    app.update(UiUpdate::Alerts(vec![
        alert("pg-033", "pg.connections", Severity::Critical),
        alert("redis-03", "redis.memory", Severity::Critical),
        alert("pg-050", "pg.idle_in_transaction", Severity::Medium),
        alert("pg-050", "pg.long_query", Severity::High),
        alert("mysql-05", "mysql.threads", Severity::Medium),
        alert("pg-002", "pg.autovacuum", Severity::Low),
    ]));
    app.popups.alerts.clear();
    app.time.tick(NOW);
    app.apply(Action::GoTab(Tab::Overview));
    app
}

fn keys(app: &mut App, actions: &[Action]) {
    for action in actions {
        app.apply(*action);
    }
}

fn typed(text: &str, input: fn(char) -> Action) -> Vec<Action> {
    text.chars().map(input).collect()
}

/// The names in the Overview's order.
fn order(app: &App) -> Vec<String> {
    app.views.overview.order().map(|i| app.dashboard.targets[i].info.id.0.clone()).collect()
}

#[test]
fn fleet_at_80x24_summary_worst_first_and_one_line_of_figures() {
    let mut app = fleet_app();
    // The table scrolls to the current target (pg-001, the first configured, row 20).
    let text = screen_text(&app, 80, 24);
    assert!(text.lines().any(|l| l.starts_with("│pg-001")), "{text}");
    keys(&mut app, &[Action::Top]);
    let text = screen_text(&app, 80, 24);
    insta::assert_snapshot!("fleet_overview_80x24", text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[2].trim_end(),
        " 100 targets: 91 up 4 degr 3 down 2 conn  alerts: 2 crit 1 high 2 med 1 low",
        "the compact summary at 80 columns"
    );
    let first_rows: Vec<&str> = lines[5..8].iter().map(|l| l.trim_start_matches('│')).collect();
    assert!(first_rows.iter().all(|row| row.contains("DOWN")), "down first:\n{text}");
    assert!(lines[8].contains("pg-033") && lines[9].contains("redis-03"), "then critical alerts:\n{text}");
    let table_rows = lines.iter().filter(|l| l.starts_with('│')).count();
    assert!(table_rows >= 15, "{table_rows} rows of the table at 80×24:\n{text}");
    assert!(lines[22].starts_with(" mongo-03 · Ops/s"), "figures below the table:\n{text}");
}

#[test]
fn fleet_at_200x50_keeps_charts_and_shows_a_trend_per_target() {
    let app = fleet_app();
    let text = screen_text(&app, 200, 50);
    insta::assert_snapshot!("fleet_overview_200x50", text);
    assert!(text.contains("TPS · 15 min"), "the selected target's charts:\n{text}");
    assert!(
        text.contains("100 targets: 91 up · 4 degraded · 3 down · 2 connecting   alerts: 2 critical · 1 high · 2 medium · 1 low"),
        "the full summary at 200 columns:\n{text}"
    );
    let rows_with_trend = text.lines().filter(|l| l.starts_with('│') && l.contains('█')).count();
    assert!(rows_with_trend >= 20, "trends drawn for every up target shown:\n{text}");
    assert!(text.lines().filter(|l| l.starts_with('│')).count() >= 25, "{text}");
}

#[test]
fn s_orders_by_name_and_selection_follows_the_target_not_the_row() {
    let mut app = fleet_app();
    keys(&mut app, &[Action::Top]);
    assert_eq!(
        order(&app)[..9],
        ["mongo-03", "pg-017", "redis-07", "pg-033", "redis-03", "pg-050", "mysql-05", "mysql-02", "pg-005"]
    );
    assert_eq!(app.current().unwrap().info.id.0, "mongo-03");
    keys(&mut app, &[Action::ToggleTargetOrder]);
    assert_eq!(order(&app)[..3], ["mongo-01", "mongo-02", "mongo-03"]);
    assert_eq!(app.current().unwrap().info.id.0, "mongo-03", "the same target stays current");
    assert_eq!(app.views.targets_list.selected, 2);
    assert!(screen_text(&app, 80, 24).contains("Targets · by name"));
    // A re-sort by new data (pg-001 goes down) keeps the selection on mongo-03 too.
    keys(&mut app, &[Action::ToggleTargetOrder]);
    let down = TargetStatus::down("gone", Duration::from_secs(1));
    app.update(UiUpdate::Round(Arc::new(vec![Sample {
        target: TargetId("pg-001".into()),
        tier: Tier::High,
        taken_at: Timestamp(NOW),
        body: SampleBody::Status(TargetHealth { status: down, at: Timestamp(NOW), last_latency_ms: None }),
    }])));
    assert_eq!(order(&app)[0], "mongo-03");
    assert_eq!(order(&app)[1], "pg-001");
    assert_eq!(app.current().unwrap().info.id.0, "mongo-03");
    assert_eq!(app.views.targets_list.selected, 0);
}

#[test]
fn b_groups_by_engine_then_tag_with_headers_that_j_and_k_skip() {
    let mut app = fleet_app();
    keys(&mut app, &[Action::CycleGrouping]);
    let text = screen_text(&app, 100, 30);
    assert!(text.contains("grouped by engine"), "{text}");
    assert!(text.contains("▾ PostgreSQL") && text.contains("60 targets, 1 down"), "{text}");
    keys(&mut app, &[Action::CycleGrouping]);
    let rows = &app.views.overview.rows;
    let headers: Vec<(&str, usize)> = rows
        .iter()
        .filter_map(|r| match r {
            OverviewRow::Group { label, count, .. } => Some((label.as_str(), *count)),
            OverviewRow::Target(_) => None,
        })
        .collect();
    assert_eq!(headers, [("prod", 60), ("staging", 20), ("legacy", 10), ("(no tag)", 10)]);
    keys(&mut app, &[Action::Top]);
    assert_eq!(app.views.targets_list.selected, 1, "Top lands on the first target, not its header");
    let first = app.current().unwrap().info.id.0.clone();
    // Down through the whole list never rests on a header and visits each target once.
    let mut seen = vec![first];
    for _ in 0..120 {
        keys(&mut app, &[Action::Down]);
        assert!(matches!(rows_at(&app), Some(OverviewRow::Target(_))));
        let now = app.current().unwrap().info.id.0.clone();
        if seen.last() != Some(&now) {
            seen.push(now);
        }
    }
    assert_eq!(seen.len(), 100);
    keys(&mut app, &[Action::CycleGrouping]);
    assert!(app.views.overview.rows.iter().all(|r| matches!(r, OverviewRow::Target(_))));
}

fn rows_at(app: &App) -> Option<&OverviewRow> {
    app.views.overview.rows.get(app.views.targets_list.selected)
}

#[test]
fn slash_filters_by_engine_tag_or_status_and_esc_clears() {
    let mut app = fleet_app();
    keys(&mut app, &[Action::StartFilter]);
    keys(&mut app, &typed("redis", Action::FilterInput));
    assert_eq!(app.views.overview.matched, 20);
    assert!(
        app.dashboard.targets[app.target].info.id.0.starts_with("redis"),
        "the selection moves into view"
    );
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("filter: redis") && text.contains("20/100 rows"), "{text}");
    keys(&mut app, &[Action::FilterKeep, Action::Back]);
    assert_eq!(app.views.overview.matched, 100);
    keys(&mut app, &[Action::StartFilter]);
    keys(&mut app, &typed("DOWN", Action::FilterInput));
    assert_eq!(order(&app), ["mongo-03", "pg-017", "redis-07"]);
    keys(&mut app, &[Action::FilterClear]);
    keys(&mut app, &[Action::StartFilter]);
    keys(&mut app, &typed("legacy", Action::FilterInput));
    assert_eq!(app.views.overview.matched, 10);
    keys(&mut app, &[Action::FilterBackspace; 6]);
    keys(&mut app, &typed("no such target", Action::FilterInput));
    assert!(screen_text(&app, 80, 24).contains("no target matches the filter"));
}

#[test]
fn f_jumps_from_any_tab_prefix_first_and_esc_cancels() {
    let mut app = fleet_app();
    keys(&mut app, &[Action::GoTab(Tab::Activity), Action::StartJump]);
    assert_eq!(app.contexts(), [crate::ui::keymap::Context::Jump]);
    keys(&mut app, &typed("sql-1", Action::JumpInput));
    keys(&mut app, &[Action::JumpBackspace]);
    keys(&mut app, &typed("0", Action::JumpInput));
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("find target: sql-0█ → mysql-01 (+8 more)"), "{text}");
    keys(&mut app, &[Action::JumpAccept]);
    assert_eq!(app.current().unwrap().info.id.0, "mysql-01");
    assert_eq!(app.tab, Tab::Activity, "the jump stays on the tab");
    assert!(app.jump.is_none());
    keys(&mut app, &[Action::StartJump]);
    keys(&mut app, &typed("redis-1", Action::JumpInput));
    keys(&mut app, &[Action::JumpCancel]);
    assert_eq!(app.current().unwrap().info.id.0, "mysql-01", "Esc cancels");
    keys(&mut app, &[Action::StartJump]);
    keys(&mut app, &typed("zzz", Action::JumpInput));
    assert!(screen_text(&app, 80, 24).contains("no match"));
    keys(&mut app, &[Action::JumpAccept]);
    assert_eq!(app.current().unwrap().info.id.0, "mysql-01");
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("zzz")));
    // A target the Overview's filter hides: the filter goes, so the selection is seen.
    keys(&mut app, &[Action::GoTab(Tab::Overview), Action::StartFilter]);
    keys(&mut app, &typed("mongo", Action::FilterInput));
    keys(&mut app, &[Action::FilterKeep, Action::StartJump]);
    keys(&mut app, &typed("PG-04", Action::JumpInput));
    keys(&mut app, &[Action::JumpAccept]);
    assert_eq!(app.current().unwrap().info.id.0, "pg-040", "a prefix, the shortest, then the first");
    assert!(app.views.overview.filter.is_empty());
    assert_eq!(rows_at(&app), Some(&OverviewRow::Target(app.target)));
}

#[test]
fn only_the_selected_target_keeps_every_chart_series() {
    let mut app = fleet_app();
    let full: Vec<&str> =
        app.dashboard.targets.iter().filter(|t| t.charts.len() > 1).map(|t| t.info.id.0.as_str()).collect();
    assert_eq!(full, ["pg-001"], "the selected target keeps TPS and the cache hit ratio");
    let headline_only = |app: &App| {
        app.dashboard.targets.iter().enumerate().filter(|(i, _)| *i != app.target).all(|(_, t)| {
            let keep = headline(t.engine);
            t.charts.keys().all(|(m, _)| m == keep)
        })
    };
    assert!(headline_only(&app));
    let with_trend = app.dashboard.targets.iter().filter(|t| !t.charts.is_empty()).count();
    assert_eq!(with_trend, 95, "every target with samples keeps its headline");
    keys(&mut app, &[Action::Down]);
    assert_ne!(app.current().unwrap().info.id.0, "pg-001");
    assert!(headline_only(&app), "pg-001 dropped all but its headline when left");
    assert_eq!(app.dashboard.targets[0].charts.len(), 1);
}
