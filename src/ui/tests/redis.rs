//! Redis/Valkey views: snapshots of each at 80×24 next to PostgreSQL targets, tiny sizes,
//! and the key-value behaviour (slow-log toggle, copied statements, keys in help).

use super::fixtures_redis::{TARGET, app_on};
use super::render::screen_text;
use crate::ui::action::{Action, Effect};
use crate::ui::app::App;
use crate::ui::app_state::Popup;
use crate::ui::keymap::{self, Context};
use crate::ui::tabs::Tab;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    crate::ui::draw(&mut terminal, app).unwrap();
    terminal.backend().to_string()
}

#[test]
fn fixture_selects_the_redis_target() {
    let app = app_on(Tab::Overview, true);
    assert_eq!(app.current().unwrap().info.id.0, TARGET);
    assert!(shows_key_value(&app));
}

#[test]
fn every_redis_view_at_80x24() {
    insta::assert_snapshot!("redis_overview_mixed_80x24", screen(&app_on(Tab::Overview, true), 80, 24));
    insta::assert_snapshot!("redis_activity_80x24", screen(&app_on(Tab::Activity, true), 80, 24));
    insta::assert_snapshot!("redis_queries_commands_80x24", screen(&app_on(Tab::Queries, true), 80, 24));
    let mut app = app_on(Tab::Queries, true);
    app.apply(Action::ToggleSlowLog);
    insta::assert_snapshot!("redis_queries_slowlog_80x24", screen(&app, 80, 24));
    insta::assert_snapshot!("redis_schema_keyspace_80x24", screen(&app_on(Tab::Schema, true), 80, 24));
    insta::assert_snapshot!("redis_schema_sampler_off_80x24", screen(&app_on(Tab::Schema, false), 80, 24));
    insta::assert_snapshot!("redis_health_80x24", screen(&app_on(Tab::Health, true), 80, 24));
}

#[test]
fn redis_popups() {
    let mut app = app_on(Tab::Activity, true);
    // Default sort puts the blocked client first.
    app.apply(Action::Detail);
    assert_eq!(app.popups.open, Some(Popup::Session { id: 13, scroll: 0 }));
    insta::assert_snapshot!("redis_client_detail_80x24", screen(&app, 80, 24));
    let mut app = app_on(Tab::Queries, true);
    app.apply(Action::ToggleSlowLog);
    app.apply(Action::Down);
    app.apply(Action::Down);
    app.apply(Action::Detail);
    assert_eq!(app.popups.open, Some(Popup::SlowEntry { id: 206, scroll: 0 }));
    insta::assert_snapshot!("redis_slow_entry_detail_80x24", screen(&app, 80, 24));
}

#[test]
fn overview_row_shows_the_detected_product() {
    let text = screen_text(&app_on(Tab::Overview, true), 120, 30);
    assert!(text.contains("Valkey") && text.contains("8.0.1"), "{text}");
    assert!(text.contains("Memory 2.2 GiB / 4.0 GiB (55.9%)") && text.contains("44/10k"), "{text}");
    assert!(text.contains("cache (Valkey 8.0.1)"), "the status line names the product: {text}");
    assert!(text.contains("PostgreSQL"), "PostgreSQL rows stay: {text}");
}

#[test]
fn no_panic_at_tiny_sizes_on_every_redis_view() {
    let mut sizes: Vec<(u16, u16)> = (0..=20).flat_map(|w| (0..=5).map(move |h| (w, h))).collect();
    sizes.extend([(1, 1), (60, 12), (61, 13), (200, 50), (1000, 1), (1, 100)]);
    for tab in Tab::ALL {
        for sampler_on in [true, false] {
            for extra in [None, Some(Action::ToggleSlowLog), Some(Action::Detail), Some(Action::Help)] {
                let mut app = app_on(tab, sampler_on);
                if let Some(action) = extra {
                    app.apply(action);
                }
                for (w, h) in &sizes {
                    let mut terminal = Terminal::new(TestBackend::new(*w, *h)).unwrap();
                    crate::ui::draw(&mut terminal, &app).unwrap();
                }
            }
        }
    }
}

#[test]
fn s_toggles_the_slow_log_and_keys_move_in_it() {
    let mut app = app_on(Tab::Queries, true);
    assert!(app.contexts().contains(&Context::SlowLog));
    let s = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('s'),
        crossterm::event::KeyModifiers::NONE,
    );
    let action = keymap::resolve(&app.contexts(), s).unwrap();
    app.apply(action);
    assert!(app.views.slow_log.slowlog_mode);
    assert_eq!(app.views.slow_log.slowlog_rows.len(), 4);
    app.apply(Action::Bottom);
    assert_eq!(app.focused_slow_entry().map(|e| e.id), Some(205));
    let effects = app.apply(Action::Copy);
    assert_eq!(effects, vec![Effect::Copy("ZRANGEBYSCORE leaderboard -inf +inf WITHSCORES".into())]);
    // The filter narrows the slow log by command and arguments.
    app.apply(Action::StartFilter);
    for c in "user:".chars() {
        app.apply(Action::FilterInput(c));
    }
    assert_eq!(app.views.slow_log.slowlog_rows.len(), 1);
    // A PostgreSQL target has no slow log: `s` is not bound there and the mode ends.
    app.apply(Action::FilterClear);
    app.apply(Action::NextTarget);
    assert!(!shows_key_value(&app) && !app.views.slow_log.slowlog_mode);
    assert!(!app.contexts().contains(&Context::SlowLog));
}

#[test]
fn redis_sessions_copy_client_unblock_and_kill_never_sql() {
    let mut app = app_on(Tab::Activity, true);
    assert_eq!(app.apply(Action::CopyCancel), vec![Effect::Copy("CLIENT UNBLOCK 13".into())]);
    assert_eq!(app.apply(Action::CopyTerminate), vec![Effect::Copy("CLIENT KILL ID 13".into())]);
    app.apply(Action::NextTarget);
    assert!(app.views.activity.selected_session(app.sessions()).is_some());
    match app.apply(Action::CopyTerminate).as_slice() {
        [Effect::Copy(text)] => assert!(text.starts_with("SELECT pg_terminate_backend("), "{text}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn redis_help_lists_its_own_keys() {
    let mut app = app_on(Tab::Queries, true);
    app.apply(Action::Help);
    let text = screen_text(&app, 200, 120);
    assert!(text.contains("slow-log entries / per-command statistics"), "{text}");
    let mut app = app_on(Tab::Schema, true);
    app.apply(Action::Help);
    let text = screen_text(&app, 200, 120);
    assert!(text.contains("run the big-key sampler now"), "{text}");
    assert!(!text.contains("schema tree / recent changes"), "the tree keys are PostgreSQL's: {text}");
}

#[test]
fn big_keys_list_moves_with_j_and_health_uses_the_redis_catalogue() {
    let mut app = app_on(Tab::Schema, true);
    app.apply(Action::Down);
    assert_eq!(app.views.schema.big_keys_list.selected, 1);
    let report = app.current().unwrap().health_report.as_ref().unwrap();
    assert!(report.checks.iter().all(|c| c.id.starts_with("redis.")));
    let auth = report.checks.iter().find(|c| c.id == "redis.auth").unwrap();
    assert_eq!(auth.status, crate::model::CheckStatus::Healthy);
}

#[test]
fn command_detail_shows_calls_and_microseconds_not_postgres_blocks() {
    let mut app = app_on(Tab::Queries, true);
    app.apply(Action::Bottom);
    let effects = app.apply(Action::Detail);
    assert!(
        matches!(effects.as_slice(), [Effect::LoadQueryHistory { query_id, .. }] if query_id == "cmd:client|list")
    );
    let text = screen_text(&app, 100, 40);
    assert!(text.contains("client|list") && text.contains("200.0µs"), "{text}");
    assert!(!text.contains("shared blks"), "{text}");
}

#[test]
fn slow_log_sorts_by_duration_with_the_offered_keys() {
    let mut app = app_on(Tab::Queries, true);
    app.apply(Action::ToggleSlowLog);
    let newest: Vec<u64> = app
        .views
        .slow_log
        .slowlog_rows
        .iter()
        .filter_map(|&i| app.slow_entries().nth(i))
        .map(|e| e.id)
        .collect();
    app.apply(Action::SortNext);
    let durations: Vec<u64> = app
        .views
        .slow_log
        .slowlog_rows
        .iter()
        .filter_map(|&i| app.slow_entries().nth(i))
        .map(|e| e.duration_us)
        .collect();
    assert!(durations.windows(2).all(|w| w[0] >= w[1]), "slowest first: {durations:?}");
    let text = screen_text(&app, 80, 24);
    assert!(text.contains("slowest first") && text.contains("Duration▼"), "{text}");
    assert!(text.contains("> sort"), "the footer offers what works: {text}");
    app.apply(Action::SortInvert);
    assert!(screen_text(&app, 80, 24).contains("fastest first"));
    app.apply(Action::SortNext);
    app.apply(Action::SortInvert);
    app.apply(Action::SortInvert);
    let back: Vec<u64> = app
        .views
        .slow_log
        .slowlog_rows
        .iter()
        .filter_map(|&i| app.slow_entries().nth(i))
        .map(|e| e.id)
        .collect();
    assert_eq!(back, newest, "time descending is the log's own order");
}

#[test]
fn no_blocking_tree_for_key_value_targets() {
    let mut app = app_on(Tab::Activity, true);
    assert!(
        app.contexts().contains(&Context::ActivityWithoutTree)
            && !app.contexts().contains(&Context::Activity)
    );
    let b = crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('b'),
        crossterm::event::KeyModifiers::NONE,
    );
    assert_eq!(keymap::resolve(&app.contexts(), b), None, "b is not bound for Redis");
    let footer = screen_text(&app, 120, 24);
    assert!(footer.contains("i hide idle") && !footer.contains("b blocking"), "{footer}");
    app.apply(Action::Help);
    let help = screen_text(&app, 200, 120);
    assert!(help.contains("hide/show idle clients") && !help.contains("blocking tree"), "{help}");
    assert!(help.contains("CLIENT UNBLOCK"), "client detail keys stay listed: {help}");
    app.apply(Action::Back);
    app.apply(Action::NextTarget);
    assert_eq!(keymap::resolve(&app.contexts(), b), Some(Action::ToggleBlocking), "PostgreSQL keeps it");
}

/// The target on screen is shown with the Redis/Valkey presentation.
fn shows_key_value(app: &App) -> bool {
    std::ptr::eq(app.presentation(), &crate::collectors::redis::present::PRESENTATION)
}
