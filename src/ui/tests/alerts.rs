//! Alerts in the UI: notification queue, filter input left alone, ack and mute, the
//! Alerts tab, and `J` / `L` (the moment an alert fired, and back), with snapshots of each.

use super::fixtures::{self, NOW, app};
use super::render::screen_text;
use crate::model::*;
use crate::ui::UiUpdate;
use crate::ui::action::{Action, Effect};
use crate::ui::alerts::{AlertCatalogInfo, RuleInfo};
use crate::ui::app::App;
use crate::ui::app_state::Popup;
use crate::ui::keymap::{self, Context};
use crate::ui::tabs::Tab;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub fn event(
    target: &str,
    rule: &str,
    key: &str,
    kind: AlertEventKind,
    severity: Severity,
    ago_s: i64,
) -> AlertEvent {
    let at = Timestamp(NOW - ago_s * 1000);
    AlertEvent {
        rule: rule.into(),
        name: match rule {
            "pg.idle_in_transaction" => "Idle in transaction".into(),
            "pg.blocked_sessions" => "Blocked sessions".into(),
            other => format!("Rule {other}"),
        },
        target: TargetId(target.into()),
        key: key.into(),
        kind,
        severity,
        category: AlertCategory::Performance,
        value: 320.0,
        threshold: 300.0,
        message: format!("{rule} {key}: 320 > 300"),
        first_seen: at,
        last_seen: Timestamp(NOW),
        count: 4,
        at,
    }
}

fn fired(target: &str, rule: &str, key: &str, severity: Severity, ago_s: i64) -> AlertEvent {
    event(target, rule, key, AlertEventKind::Fired, severity, ago_s)
}

fn catalog() -> AlertCatalogInfo {
    AlertCatalogInfo {
        rules: vec![RuleInfo {
            code: "pg.idle_in_transaction".into(),
            name: "Idle in transaction".into(),
            description: "A session opened a transaction and stopped sending statements.".into(),
            impact: "Its locks and snapshot hold back vacuum and block writers.".into(),
            causes: vec!["application forgot to commit".into(), "a user left psql open".into()],
            actions: vec![
                "find the client and fix it".into(),
                "set idle_in_transaction_session_timeout".into(),
            ],
        }],
        invalid_templates: vec!["templates/custom.toml:12: unknown metric `tpz`".into()],
    }
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    keymap::resolve(&app.contexts(), event).map_or_else(Vec::new, |action| app.apply(action))
}

/// Three active alerts on two targets, one resolved live, one resolved in the store.
fn alert_app() -> App {
    let mut app = app();
    app.dashboard.alerts.catalog = catalog();
    app.update(UiUpdate::AlertHistory(vec![
        event("reports-pg", "pg.replication_lag", "", AlertEventKind::Resolved, Severity::Medium, 7_200),
        event("reports-pg", "pg.replication_lag", "", AlertEventKind::Fired, Severity::Medium, 9_000),
    ]));
    app.update(UiUpdate::Alerts(vec![
        fired("prod-pg", "pg.blocked_sessions", "", Severity::High, 300),
        fired("prod-pg", "pg.idle_in_transaction", "4101", Severity::Critical, 200),
        fired("replica-pg", "pg.long_query", "77", Severity::Low, 600),
        fired("prod-pg", "pg.deadlocks", "", Severity::Medium, 900),
        event("prod-pg", "pg.deadlocks", "", AlertEventKind::Resolved, Severity::Medium, 60),
    ]));
    app
}

fn on_alerts() -> App {
    let mut app = alert_app();
    app.popups.alerts.clear();
    app.apply(Action::GoTab(Tab::Alerts));
    app
}

#[test]
fn popups_queue_in_arrival_order_and_esc_dismisses_the_top_one() {
    let mut app = alert_app();
    let rules: Vec<&str> = app.popups.alerts.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, ["pg.blocked_sessions", "pg.idle_in_transaction", "pg.long_query", "pg.deadlocks"]);
    assert!(app.take_bell());
    assert!(!app.take_bell(), "the bell rings once per arrival");
    assert_eq!(app.contexts()[0], Context::AlertPopup);
    assert!(screen_text(&app, 80, 24).contains("1 of 4"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.popups.alerts.front().map(|e| e.rule.as_str()), Some("pg.idle_in_transaction"));
    // Other keys still reach the view under the notification.
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Queries);
    for _ in 0..3 {
        press(&mut app, KeyCode::Esc);
    }
    assert!(app.popups.alerts.is_empty());
    assert!(!app.contexts().contains(&Context::AlertPopup));
}

#[test]
fn the_same_rule_on_many_targets_is_one_notification_and_one_esc() {
    let mut app = alert_app();
    app.popups.alerts.clear();
    let down: Vec<AlertEvent> =
        (0..40).map(|i| fired(&format!("pg-{i:03}"), "target.down", "", Severity::Critical, 30)).collect();
    app.update(UiUpdate::Alerts(down));
    app.update(UiUpdate::Alerts(vec![fired("prod-pg", "pg.long_query", "9", Severity::Low, 10)]));
    let screen = screen_text(&app, 100, 30);
    assert!(screen.contains("on 40 targets") && screen.contains("1 of 2"), "{screen}");
    assert!(screen.contains("pg-000, pg-001"), "{screen}");
    press(&mut app, KeyCode::Esc);
    let rules: Vec<&str> = app.popups.alerts.iter().map(|e| e.rule.as_str()).collect();
    assert_eq!(rules, ["pg.long_query"], "one Esc dismissed the 40");
    let screen = screen_text(&app, 100, 30);
    assert!(screen.contains("1 of 1") && screen.contains("prod-pg"), "{screen}");
    press(&mut app, KeyCode::Esc);
    assert!(app.popups.alerts.is_empty());
}

#[test]
fn escalation_pops_up_but_de_escalation_and_resolution_do_not() {
    let mut app = alert_app();
    app.popups.alerts.clear();
    let mut up =
        event("replica-pg", "pg.long_query", "77", AlertEventKind::SeverityChanged, Severity::High, 600);
    up.at = Timestamp(NOW);
    let down = event(
        "prod-pg",
        "pg.idle_in_transaction",
        "4101",
        AlertEventKind::SeverityChanged,
        Severity::Low,
        200,
    );
    let mut gone = event("prod-pg", "pg.blocked_sessions", "", AlertEventKind::Resolved, Severity::High, 300);
    gone.at = Timestamp(NOW);
    app.update(UiUpdate::Alerts(vec![up, down, gone]));
    assert_eq!(app.popups.alerts.len(), 1);
    assert_eq!(app.popups.alerts[0].severity, Severity::High);
    let book = &app.dashboard.alerts;
    assert_eq!(book.active.len(), 2);
    assert_eq!(book.history().first().map(|e| e.rule.as_str()), Some("pg.blocked_sessions"));
}

#[test]
fn typing_a_filter_is_never_stolen_by_a_popup() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Activity));
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Char('a'));
    app.update(UiUpdate::Alerts(vec![fired(
        "prod-pg",
        "pg.idle_in_transaction",
        "1",
        Severity::Critical,
        5,
    )]));
    // Shown (non-modal) while the user types.
    assert!(screen_text(&app, 80, 24).contains("ALERT CRITICAL"));
    for c in ['l', 'i', 'c', 'e'] {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(app.views.activity.filter, "alice");
    // Esc belongs to the filter while it is open: it clears the filter, the popup stays.
    press(&mut app, KeyCode::Esc);
    assert!(!app.filter_editing);
    assert_eq!(app.popups.alerts.len(), 1);
    press(&mut app, KeyCode::Esc);
    assert!(app.popups.alerts.is_empty());
}

#[test]
fn ack_and_mute_are_local_marks_and_mute_silences_popups() {
    let mut app = on_alerts();
    let order: Vec<Severity> = app.dashboard.alerts.sorted().iter().map(|a| a.event.severity).collect();
    assert_eq!(order, [Severity::Critical, Severity::High, Severity::Low]);
    assert_eq!(app.dashboard.alerts.unmuted_count(), (3, Some(Severity::Critical)));
    press(&mut app, KeyCode::Char('a'));
    assert!(app.dashboard.alerts.sorted()[0].acked);
    assert_eq!(app.dashboard.alerts.active.len(), 3, "acknowledged alerts stay listed");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.dashboard.alerts.unmuted_count(), (2, Some(Severity::High)));
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("muted for prod-pg")));
    app.update(UiUpdate::Alerts(vec![fired(
        "prod-pg",
        "pg.idle_in_transaction",
        "9",
        Severity::Critical,
        1,
    )]));
    assert!(app.popups.alerts.is_empty(), "muted rules do not pop up");
    let text = screen_text(&app, 80, 24);
    assert!(text.contains(" ●2"), "{text}");
    press(&mut app, KeyCode::Char('m'));
    assert_eq!(app.dashboard.alerts.unmuted_count().0, 4);
}

#[test]
fn enter_opens_the_rule_explanation() {
    let mut app = on_alerts();
    press(&mut app, KeyCode::Enter);
    assert!(matches!(&app.popups.open, Some(Popup::Alert { key, .. }) if key.1 == "pg.idle_in_transaction"));
    let text = screen_text(&app, 100, 40);
    for needle in ["Likely causes", "application forgot to commit", "threshold 300", "Count       4"] {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
    insta::assert_snapshot!("alert_detail_100x40", text);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.popups.open, None);
}

/// The request `J` made, for the alert 300 s old.
fn moment_request(effects: &[Effect]) -> crate::ui::travel::MomentRequest {
    match effects.iter().find(|e| matches!(e, Effect::LoadMoment(_))) {
        Some(Effect::LoadMoment(request)) => (**request).clone(),
        _ => panic!("no moment asked for: {effects:?}"),
    }
}

fn past_activity(target: &TargetId, at: Timestamp, sessions: usize) -> Sample {
    Sample {
        target: target.clone(),
        tier: Tier::High,
        taken_at: Timestamp(at.0 - 2_000),
        body: SampleBody::Activity(ActivitySnapshot {
            sessions: fixtures::sessions()[..sessions].to_vec(),
            locks: Vec::new(),
        }),
    }
}

#[test]
fn j_travels_to_the_moment_it_fired_and_l_returns_live() {
    let mut app = on_alerts();
    press(&mut app, KeyCode::Down);
    let effects = press(&mut app, KeyCode::Char('J'));
    let at = Timestamp(NOW - 300_000);
    let target = TargetId("prod-pg".into());
    let request = moment_request(&effects);
    assert_eq!((request.at, request.toward, &request.focus), (at, None, &target));
    assert_eq!(app.tab, Tab::Activity);
    assert!(screen_text(&app, 80, 24).contains("reading"), "{}", screen_text(&app, 80, 24));
    let moment =
        crate::store::Moment { samples: vec![past_activity(&target, at, 2)], schema_changes: vec![] };
    let answer = |id: u64, moment: crate::store::Moment| crate::ui::travel::MomentAnswer {
        id,
        at: Some(at),
        moments: vec![(target.clone(), moment)],
        series: Vec::new(),
        alerts: Vec::new(),
        chart_end_ms: at.0 + 60_000,
        problem: None,
    };
    // A late answer to an older request is ignored.
    app.update(UiUpdate::Moment(Box::new(answer(request.id + 7, Default::default()))));
    app.update(UiUpdate::Moment(Box::new(answer(request.id, moment))));
    assert_eq!(app.sessions().len(), 2);
    // Live rounds keep the live board current but do not replace the past rows.
    for update in fixtures::updates() {
        app.update(update);
    }
    assert_eq!(app.sessions().len(), 2);
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("PAUSED 2025-11-21 04:35:00 UTC · 5m00s ago"), "{text}");
    insta::assert_snapshot!("history_view_activity_80x24", text);
    press(&mut app, KeyCode::Char('3'));
    assert!(screen_text(&app, 80, 24).contains("recorded at or before that moment"));
    press(&mut app, KeyCode::Char('L'));
    assert!(!app.time.paused());
    assert_eq!(app.sessions().len(), fixtures::sessions().len());
    assert!(!screen_text(&app, 80, 24).contains("PAUSED"));
}

#[test]
fn j_from_the_detail_popup_and_switching_target_reads_that_target_at_the_same_moment() {
    let mut app = on_alerts();
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Char('J'));
    let first = moment_request(&effects);
    assert_eq!(app.popups.open, None);
    let effects = press(&mut app, KeyCode::Char(']'));
    let second = moment_request(&effects);
    assert!(app.time.paused());
    assert_eq!(second.at, first.at);
    assert_ne!(second.focus, first.focus);
    assert!(second.others.iter().any(|(t, _)| *t == first.focus));
}

#[test]
fn alerts_tab_and_notification_snapshots() {
    let app = on_alerts();
    insta::assert_snapshot!("alerts_active_80x24", screen_text(&app, 80, 24));
    insta::assert_snapshot!("alerts_active_20x5", screen_text(&app, 20, 5));
    let mut app = alert_app();
    app.apply(Action::GoTab(Tab::Activity));
    insta::assert_snapshot!("alert_popup_over_activity_80x24", screen_text(&app, 80, 24));
}

#[test]
fn help_lists_the_alert_keys() {
    let mut app = on_alerts();
    app.apply(Action::Help);
    let text = screen_text(&app, 100, 60);
    for needle in
        ["acknowledge", "mute / unmute", "jump to the moment", "back to live", "dismiss alert popup"]
    {
        assert!(text.contains(needle), "{needle} missing:\n{text}");
    }
}

#[test]
fn no_panic_at_any_size_with_alert_popups_and_history() {
    let mut sizes: Vec<(u16, u16)> = (0..=20).flat_map(|w| (0..=8).map(move |h| (w, h))).collect();
    sizes.extend([(1, 100), (300, 3), (59, 11), (60, 12), (61, 13), (70, 14), (80, 24), (200, 50)]);
    let mut detail = on_alerts();
    detail.apply(Action::Detail);
    let mut history = on_alerts();
    history.apply(Action::JumpToAlert);
    let mut queued = alert_app();
    queued.apply(Action::GoTab(Tab::Alerts));
    for app in [&detail, &history, &queued] {
        for (w, h) in &sizes {
            screen_text(app, *w, *h);
        }
    }
}

#[tokio::test]
async fn the_loaders_answer_from_the_store_and_the_app_shows_the_past() {
    use crate::store::Store;
    let store = Store::open_in_memory(std::time::Duration::from_secs(86_400)).unwrap();
    let target = TargetId("prod-pg".into());
    let at = Timestamp(NOW - 300_000);
    store.record(vec![past_activity(&target, at, 3)]).await.unwrap();
    let mut recent = event("prod-pg", "pg.deadlocks", "", AlertEventKind::Resolved, Severity::Medium, 0);
    recent.at = Timestamp::now();
    store.record_alerts(vec![recent.clone()]).await.unwrap();
    let mut fired_then =
        event("prod-pg", "pg.blocked_sessions", "", AlertEventKind::Fired, Severity::High, 0);
    fired_then.at = Timestamp(at.0 - 1_000);
    store.record_alerts(vec![fired_then]).await.unwrap();

    let mut app = on_alerts();
    press(&mut app, KeyCode::Down);
    let request = moment_request(&press(&mut app, KeyCode::Char('J')));
    let (tx, mut rx) = tokio::sync::mpsc::channel(8);
    crate::ui::history::load_moment(store.clone(), tx.clone(), request).await;
    crate::ui::history::load_alerts(store, tx).await;
    let mut updates = Vec::new();
    while let Some(update) = rx.recv().await {
        updates.push(update);
    }
    assert!(matches!(&updates[0], UiUpdate::Moment(answer) if answer.at == Some(at)));
    assert!(matches!(&updates[1], UiUpdate::AlertHistory(events) if events == &vec![recent.clone()]));
    for update in updates {
        app.update(update);
    }
    assert_eq!(app.sessions().len(), 3);
    // The Alerts tab shows what was active then: the one that had fired, not today's.
    let active: Vec<&str> = app.dashboard.alerts.active.values().map(|a| a.event.rule.as_str()).collect();
    assert_eq!(active, ["pg.blocked_sessions"]);
}
