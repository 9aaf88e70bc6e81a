//! The Overview's order: worst first, by name, grouped, filtered; and jump matching.

use super::*;
use crate::model::{AlertEvent, TargetHealth, TargetInfo, TargetStatus, Timestamp};

fn target(name: &str, engine: &str, tags: &[&str], status: Option<TargetStatus>) -> TargetView {
    let mut view = TargetView::new(TargetInfo {
        id: TargetId(name.into()),
        engine: engine.into(),
        endpoint: String::new(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
    });
    view.health = status.map(|status| TargetHealth { status, at: Timestamp(0), last_latency_ms: None });
    view
}

fn up() -> Option<TargetStatus> {
    Some(TargetStatus::Up { version: "16".into() })
}

fn alert(target: &str, rule: &str, severity: Severity) -> AlertEvent {
    AlertEvent::fired_for_tests(target, rule, severity, Timestamp(0))
}

/// A small fleet with one of each kind of trouble, named so that name order differs.
fn fleet() -> (Vec<TargetView>, AlertBook) {
    let degraded = Some(TargetStatus::Degraded { version: "16".into(), problems: vec!["x".into()] });
    let down = Some(TargetStatus::down("refused", std::time::Duration::from_secs(5)));
    let targets = vec![
        target("a-ok", "PostgreSQL", &["prod", "eu"], up()),
        target("b-degraded", "PostgreSQL", &["staging"], degraded),
        target("c-warning", "Redis", &["prod"], up()),
        target("d-down", "Redis", &[], down),
        target("e-critical", "PostgreSQL", &["prod"], up()),
        target("f-connecting", "MySQL", &["eu"], None),
        target("g-info", "PostgreSQL", &["staging"], up()),
    ];
    let mut alerts = AlertBook::default();
    alerts.apply(vec![
        alert("c-warning", "r1", Severity::Medium),
        alert("e-critical", "r1", Severity::Critical),
        alert("e-critical", "r2", Severity::Low),
        alert("g-info", "r3", Severity::Info),
        alert("a-ok", "muted", Severity::Critical),
    ]);
    alerts.toggle_mute(&TargetId("a-ok".into()), "muted");
    (targets, alerts)
}

fn names(view: &OverviewView, targets: &[TargetView]) -> Vec<String> {
    view.rows
        .iter()
        .map(|r| match r {
            OverviewRow::Target(i) => targets[*i].info.id.0.clone(),
            OverviewRow::Group { label, count, .. } => format!("[{label} {count}]"),
        })
        .collect()
}

#[test]
fn worst_first_puts_down_then_critical_then_warning_then_degraded() {
    let (targets, alerts) = fleet();
    let mut view = OverviewView::default();
    view.rebuild(&targets, &alerts);
    assert_eq!(
        names(&view, &targets),
        ["d-down", "e-critical", "c-warning", "b-degraded", "f-connecting", "a-ok", "g-info"],
        "a muted critical alert and an info finding do not move a target up"
    );
    view.by_name = true;
    view.rebuild(&targets, &alerts);
    assert_eq!(names(&view, &targets)[..3], ["a-ok", "b-degraded", "c-warning"]);
}

#[test]
fn grouping_by_engine_and_by_first_tag_with_headers_worst_group_first() {
    let (targets, alerts) = fleet();
    let mut view = OverviewView { grouping: Grouping::Engine, ..OverviewView::default() };
    view.rebuild(&targets, &alerts);
    assert_eq!(
        names(&view, &targets),
        [
            "[Redis 2]",
            "d-down",
            "c-warning",
            "[PostgreSQL 4]",
            "e-critical",
            "b-degraded",
            "a-ok",
            "g-info",
            "[MySQL 1]",
            "f-connecting"
        ]
    );
    assert!(matches!(view.rows[0], OverviewRow::Group { worst: Rank::Down, down: 1, .. }));
    view.grouping = view.grouping.next();
    view.rebuild(&targets, &alerts);
    assert_eq!(
        names(&view, &targets),
        [
            "[prod 3]",
            "e-critical",
            "c-warning",
            "a-ok",
            "[staging 2]",
            "b-degraded",
            "g-info",
            "[eu 1]",
            "f-connecting",
            "[(no tag) 1]",
            "d-down"
        ],
        "a target appears once, under its first tag; untagged last even when worst"
    );
    assert_eq!(view.order().count(), targets.len());
    assert_eq!(view.grouping.next(), Grouping::None);
}

#[test]
fn header_rows_are_skipped_in_both_directions() {
    let (targets, alerts) = fleet();
    let mut view = OverviewView { grouping: Grouping::Engine, ..OverviewView::default() };
    view.rebuild(&targets, &alerts);
    assert_eq!(view.target_row_near(0, false), Some(1), "nothing above the first header");
    assert_eq!(view.target_row_near(3, true), Some(4));
    assert_eq!(view.target_row_near(3, false), Some(2));
    assert_eq!(view.target_row_near(99, true), Some(9), "past the end: the last target");
    assert_eq!(view.row_of(3), Some(1), "d-down, dashboard target 3, is on row 1");
    assert_eq!(view.row_of(4), Some(4));
}

#[test]
fn filter_matches_name_engine_tag_status_and_alert_severity() {
    let (targets, alerts) = fleet();
    let mut view = OverviewView::default();
    let shown = |view: &mut OverviewView, filter: &str| {
        view.filter = filter.into();
        view.rebuild(&targets, &alerts);
        let mut names = names(view, &targets);
        names.sort();
        names
    };
    assert_eq!(shown(&mut view, "REDIS"), ["c-warning", "d-down"]);
    assert_eq!(shown(&mut view, "staging"), ["b-degraded", "g-info"]);
    assert_eq!(shown(&mut view, "down"), ["d-down"]);
    assert_eq!(shown(&mut view, "critical"), ["e-critical"], "muted alerts are not matched either");
    assert_eq!(shown(&mut view, "conn"), ["f-connecting"]);
    assert_eq!(shown(&mut view, "nothing-like-this"), Vec::<String>::new());
    assert_eq!(view.matched, 0);
    view.grouping = Grouping::Tag;
    assert_eq!(shown(&mut view, "eu"), ["[eu 1]", "[prod 1]", "a-ok", "f-connecting"]);
}

#[test]
fn jump_prefers_a_prefix_then_the_earliest_substring_then_the_shorter_name() {
    let names = ["db-prod-eu", "prod-eu-2", "prod-eu", "shop-prod", "cache"];
    let best = |q: &str| best_match(names.iter().copied(), q).map(|i| names[i]);
    assert_eq!(best("prod"), Some("prod-eu"), "prefix first, shorter of two prefixes");
    assert_eq!(best("PROD-EU-"), Some("prod-eu-2"));
    assert_eq!(best("eu"), Some("prod-eu"), "substring: earliest position, then shorter");
    assert_eq!(best("cache"), Some("cache"));
    assert_eq!(best("ache"), Some("cache"));
    assert_eq!(best("zzz"), None);
    assert_eq!(best("  "), None);
}
