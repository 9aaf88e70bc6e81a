//! The state machine, driven by actions and keys as the user would.

use super::fixtures::app;
use crate::model::{BlockingRole, SessionState};
use crate::ui::action::{Action, Effect};
use crate::ui::app::App;
use crate::ui::app_state::Popup;
use crate::ui::keymap;
use crate::ui::tabs::Tab;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    match keymap::resolve(&app.contexts(), event) {
        Some(action) => app.apply(action),
        None => Vec::new(),
    }
}

fn pids(app: &App) -> Vec<i64> {
    app.views.activity.rows.iter().map(|&i| app.sessions()[i].id).collect()
}

fn activity() -> App {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Activity));
    app
}

#[test]
fn default_sort_puts_lock_waiters_first() {
    let app = activity();
    let first = &app.sessions()[app.views.activity.rows[0]];
    assert_eq!(first.state, SessionState::WaitingForLock);
}

#[test]
fn every_column_sorts_and_invert_reverses() {
    let mut app = activity();
    let columns = app.views.activity.columns;
    let mut seen = Vec::new();
    for _ in 0..columns.len() {
        press(&mut app, KeyCode::Char('>'));
        let ascending_or_default = pids(&app);
        press(&mut app, KeyCode::Char('I'));
        let inverted = pids(&app);
        assert_ne!(
            ascending_or_default, inverted,
            "column {}",
            columns[app.views.activity.sort.column].title
        );
        press(&mut app, KeyCode::Char('I'));
        seen.push(app.views.activity.sort.column);
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..columns.len()).collect::<Vec<_>>());
    app.views.activity.sort = crate::ui::views::Sort { column: 0, descending: false };
    app.apply(Action::SortPrev);
    app.apply(Action::SortNext);
    assert_eq!(pids(&app), vec![4101, 4102, 4103, 4104, 4105, 4106, 4107, 4108]);
}

#[test]
fn filter_narrows_case_insensitively_and_q_types_instead_of_quitting() {
    let mut app = activity();
    press(&mut app, KeyCode::Char('/'));
    for c in "ORDERS".chars() {
        assert!(press(&mut app, KeyCode::Char(c)).is_empty());
    }
    assert_eq!(app.views.activity.rows.len(), 4);
    let effects = press(&mut app, KeyCode::Char('q'));
    assert!(!effects.contains(&Effect::Quit));
    assert_eq!(app.views.activity.filter, "ORDERSq");
    assert!(app.views.activity.rows.is_empty());
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Enter);
    assert!(!app.filter_editing);
    assert_eq!(app.views.activity.rows.len(), 4);
    press(&mut app, KeyCode::Char('/'));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.views.activity.rows.len(), 8);
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
}

#[test]
fn filter_matches_user_db_app_and_state() {
    let mut app = activity();
    for (needle, expected) in [("bob", 1), ("warehouse", 1), ("api-gw", 3), ("idle in", 1), ("idle", 3)] {
        press(&mut app, KeyCode::Char('/'));
        for c in needle.chars() {
            press(&mut app, KeyCode::Char(c));
        }
        assert_eq!(app.views.activity.rows.len(), expected, "{needle}");
        press(&mut app, KeyCode::Esc);
    }
}

#[test]
fn i_hides_and_shows_idle_sessions() {
    let mut app = activity();
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.views.activity.rows.len(), 6);
    assert!(app.views.activity.rows.iter().all(|&i| app.sessions()[i].state != SessionState::Idle));
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.views.activity.rows.len(), 8);
}

#[test]
fn enter_opens_detail_esc_closes_and_copies_statements() {
    let mut app = activity();
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Session { id, .. }) = app.popups.open.clone() else { panic!("{:?}", app.popups.open) };
    assert_eq!(
        press(&mut app, KeyCode::Char('c')),
        vec![Effect::Copy(format!("SELECT pg_cancel_backend({id});"))]
    );
    assert_eq!(
        press(&mut app, KeyCode::Char('t')),
        vec![Effect::Copy(format!("SELECT pg_terminate_backend({id});"))]
    );
    assert!(
        matches!(press(&mut app, KeyCode::Char('y')).as_slice(), [Effect::Copy(q)] if q.contains("orders"))
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.popups.open, None);
}

#[test]
fn queries_detail_asks_the_store_for_history() {
    let mut app = app();
    app.history_requests();
    press(&mut app, KeyCode::Char('3'));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(matches!(effects.as_slice(), [Effect::LoadQueryHistory { query_id, .. }] if query_id == "9001"));
    assert!(matches!(app.popups.open, Some(Popup::Query { .. })));
}

#[test]
fn queries_sort_by_calls_and_filter() {
    let mut app = app();
    press(&mut app, KeyCode::Char('3'));
    let order = |app: &App| {
        app.views.queries.rows.iter().map(|&i| app.query_stats()[i].id.clone()).collect::<Vec<_>>()
    };
    assert_eq!(order(&app), ["9001", "-812", "377", "55"]);
    press(&mut app, KeyCode::Char('>'));
    assert_eq!(order(&app), ["55", "-812", "377", "9001"]);
    press(&mut app, KeyCode::Char('/'));
    for c in "update".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    assert_eq!(order(&app), ["377"]);
}

#[test]
fn target_switching_wraps_and_requests_history() {
    let mut app = app();
    app.history_requests();
    assert_eq!(app.current().unwrap().info.id.0, "prod-pg");
    // `]` and `[` follow the Overview's order, worst first: reports-pg, replica-pg, prod-pg.
    let effects = press(&mut app, KeyCode::Char('['));
    assert_eq!(app.current().unwrap().info.id.0, "replica-pg");
    assert!(matches!(effects.as_slice(), [Effect::LoadSeries { .. }]));
    assert!(app.sessions().is_empty());
    press(&mut app, KeyCode::Char(']'));
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.current().unwrap().info.id.0, "reports-pg", "wraps past the end");
    press(&mut app, KeyCode::Char('1'));
    let effects = press(&mut app, KeyCode::Char('j'));
    assert_eq!(app.current().unwrap().info.id.0, "replica-pg", "j/k on Overview select the target");
    assert!(
        matches!(effects.as_slice(), [Effect::LoadSeries { target, .. }] if target.0 == "replica-pg"),
        "replica-pg kept only its headline while away, so its charts are loaded again: {effects:?}"
    );
    let replica = app.current().unwrap();
    assert!(
        replica.charts.keys().all(|(m, _)| m == crate::model::metric::TPS),
        "{:?}",
        replica.charts.keys()
    );
    let prod = app.dashboard.targets.iter().find(|t| t.info.id.0 == "prod-pg").unwrap();
    assert!(prod.charts.keys().all(|(m, _)| m == crate::model::metric::TPS), "prod-pg keeps its trend only");
    assert!(!prod.charts.is_empty());
}

#[test]
fn chart_window_grows_and_loads_history_once() {
    let mut app = app();
    let first = app.history_requests();
    assert!(matches!(first.as_slice(), [Effect::LoadSeries { window_ms: 900_000, .. }]));
    assert!(app.history_requests().is_empty());
    assert!(matches!(
        app.apply(Action::WindowGrow).as_slice(),
        [Effect::LoadSeries { window_ms: 3_600_000, .. }]
    ));
    assert!(app.apply(Action::WindowShrink).is_empty());
    assert_eq!(app.window_ms(), 900_000);
}

#[test]
fn blocking_view_shows_roots_first() {
    let mut app = activity();
    press(&mut app, KeyCode::Char('b'));
    let tree = &app.views.activity.tree;
    assert_eq!(tree[0].session_id, 4101);
    assert_eq!(tree[0].role, BlockingRole::Holding);
    assert_eq!((tree[1].session_id, tree[1].role), (4102, BlockingRole::BlockedAndBlocking));
    assert_eq!(app.views.activity.chains.chains, 1);
    assert_eq!(app.views.activity.chains.blocked_sessions, 2);
    assert_eq!(app.focused_session().map(|s| s.id), Some(4101));
    press(&mut app, KeyCode::Esc);
    assert!(!app.views.activity.blocking, "Esc goes back to the session list");
}

#[test]
fn tabs_cycle_with_tab_and_numbers() {
    let mut app = app();
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tab, Tab::Overview);
    press(&mut app, KeyCode::BackTab);
    assert_eq!(app.tab, Tab::Health);
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.tab, Tab::Overview);
}

#[test]
fn selection_follows_the_session_across_refreshes() {
    let mut app = activity();
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Char('j'));
    let before = app.focused_session().map(|s| s.id);
    for update in super::fixtures::updates() {
        app.update(update);
    }
    assert_eq!(app.focused_session().map(|s| s.id), before);
}

#[test]
fn old_activity_is_marked_stale() {
    let mut app = activity();
    let fresh = crate::ui::tests::render::screen_text(&app, 120, 30);
    assert!(!fresh.contains("STALE"));
    app.time.tick(app.time.now_ms + 120_000);
    let stale = crate::ui::tests::render::screen_text(&app, 120, 30);
    assert!(stale.contains("STALE: sample 2m02s old"), "{stale}");
}

#[test]
fn every_binding_is_safe_on_an_empty_app_and_on_every_tab() {
    use crate::ui::theme::Theme;
    use std::time::Duration;
    let actions: Vec<Action> =
        keymap::BINDINGS.iter().map(|b| b.action).filter(|a| *a != Action::Quit).collect();
    for mut app in [App::new(Vec::new(), Theme::default(), Duration::from_secs(60)), super::fixtures::app()] {
        for tab in Tab::ALL {
            app.apply(Action::GoTab(tab));
            for action in &actions {
                app.apply(*action);
                let _ = crate::ui::tests::render::screen_text(&app, 80, 24);
            }
            app.apply(Action::Back);
            app.apply(Action::FilterClear);
        }
    }
}

#[test]
fn wait_summary_ignores_idle_sessions_waiting_for_their_client() {
    let app = activity();
    let waits: Vec<(String, usize)> =
        app.views.activity.top_waits.iter().map(|(w, n)| (w.event.clone(), *n)).collect();
    assert_eq!(waits.len(), 4, "{waits:?}");
    assert!(
        waits.contains(&("Client:ClientRead".to_owned(), 1)),
        "only the idle-in-transaction one: {waits:?}"
    );
    assert_eq!(waits[0].0, "Lock:transactionid", "locks first among equals");
}

/// A target that went down keeps its last figures, shown as old: uptime stops at the last
/// sample and the row says how old the figures are.
#[test]
fn a_down_target_shows_its_last_figures_as_stale() {
    use crate::model::{Sample, SampleBody, TargetHealth, TargetId, TargetStatus, Tier, Timestamp};
    let mut app = super::fixtures::app();
    app.tab = crate::ui::tabs::Tab::Overview;
    let live = super::render::screen_text(&app, 160, 40);
    assert!(live.contains("3d04h"), "{live}");
    let down = TargetStatus::down("connection refused", std::time::Duration::from_secs(5));
    let now = app.time.now_ms;
    let status = TargetHealth { status: down, at: Timestamp(now), last_latency_ms: None };
    let round = vec![Sample {
        target: TargetId("prod-pg".into()),
        tier: Tier::High,
        taken_at: Timestamp(now),
        body: SampleBody::Status(status),
    }];
    app.update(crate::ui::UiUpdate::Round(std::sync::Arc::new(round)));
    app.time.tick(now + 2 * 3_600_000);
    let screen = super::render::screen_text(&app, 160, 40);
    let row = screen.lines().find(|l| l.starts_with("│prod-pg")).unwrap_or_default();
    // The instance was read 2 s before the fixture's now: 3d03h59m58s.
    assert!(row.contains("3d03h") && !row.contains("3d06h"), "uptime must not tick while down: {row}");
    assert!(row.contains("figures 2h00m old"), "{row}");
}

/// `R` retries the selected target now when it is down, and says so; on a target that is
/// up it changes nothing.
#[test]
fn r_retries_a_down_target_now() {
    let mut app = super::fixtures::app();
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::RetryNow(_))), "prod-pg is up: {effects:?}");
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("not down")));
    while app.current().is_some_and(|t| t.info.id.0 != "reports-pg") {
        app.apply(Action::NextTarget);
    }
    let effects = press(&mut app, KeyCode::Char('R'));
    assert!(effects.contains(&Effect::RetryNow(crate::model::TargetId("reports-pg".into()))), "{effects:?}");
    assert_eq!(app.notice.as_deref(), Some("retrying reports-pg now"));
}

/// Logstag's own monitoring statements are hidden from Queries by default; `o` shows
/// them and hides them again, and the summary line says how many are hidden.
#[test]
fn own_statements_are_hidden_until_o_shows_them() {
    use crate::model::{Sample, SampleBody, TargetId, Tier, Timestamp};
    let mut app = super::fixtures::app();
    app.apply(Action::GoTab(Tab::Queries));
    let mut queries = super::fixtures::queries();
    let listed = queries.stats.len();
    queries.stats[0].mark_own();
    let own_text = queries.stats[0].text.clone();
    let round = vec![Sample {
        target: TargetId("prod-pg".into()),
        tier: Tier::Medium,
        taken_at: Timestamp(app.time.now_ms),
        body: SampleBody::Queries(queries),
    }];
    app.update(crate::ui::UiUpdate::Round(std::sync::Arc::new(round)));
    assert_eq!(app.views.queries.rows.len(), listed - 1, "own statement hidden");
    let screen = super::render::screen_text(&app, 160, 40);
    assert!(screen.contains("1 of Logstag's own hidden") && screen.contains("o show own"), "{screen}");
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.views.queries.rows.len(), listed);
    let shown = super::render::screen_text(&app, 160, 40);
    assert!(shown.contains(&own_text[..20]) && shown.contains("o hide own"), "{shown}");
    assert!(shown.contains("1 of Logstag's own shown"), "{shown}");
    press(&mut app, KeyCode::Char('o'));
    assert_eq!(app.views.queries.rows.len(), listed - 1);
}
