//! What the user sees: insta snapshots per tab and popup, tiny sizes, NO_COLOR.

use super::fixtures::{self, app};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::tabs::Tab;
use crate::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;

fn buffer(app: &App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    crate::ui::draw(&mut terminal, app).unwrap();
    terminal.backend().buffer().clone()
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    crate::ui::draw(&mut terminal, app).unwrap();
    terminal.backend().to_string()
}

fn text(buffer: &Buffer) -> String {
    let width = usize::from(buffer.area.width.max(1));
    let symbols: Vec<&str> = buffer.content.iter().map(|c| c.symbol()).collect();
    symbols.chunks(width).map(|row| row.concat()).collect::<Vec<_>>().join("\n")
}

pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    text(&buffer(app, width, height))
}

fn on(tab: Tab) -> App {
    let mut app = app();
    app.apply(Action::GoTab(tab));
    app
}

#[test]
fn every_tab_at_80x24_and_tiny() {
    for tab in Tab::ALL {
        let app = on(tab);
        insta::assert_snapshot!(format!("{}_80x24", tab.title().to_lowercase()), screen(&app, 80, 24));
        insta::assert_snapshot!(format!("{}_20x5", tab.title().to_lowercase()), screen(&app, 20, 5));
    }
}

#[test]
fn activity_wide_blocking_and_popups() {
    let mut app = on(Tab::Activity);
    insta::assert_snapshot!("activity_120x30", screen(&app, 120, 30));
    app.apply(Action::ToggleBlocking);
    insta::assert_snapshot!("activity_blocking_80x24", screen(&app, 80, 24));
    app.apply(Action::ToggleBlocking);
    app.apply(Action::Detail);
    insta::assert_snapshot!("activity_session_detail_100x40", screen(&app, 100, 40));
    let mut app = on(Tab::Queries);
    app.apply(Action::Detail);
    insta::assert_snapshot!("queries_detail_100x40", screen(&app, 100, 40));
    let stat = app.query_stats()[2].clone();
    let points = (0..30_i64)
        .map(|i| {
            let mut s = stat.clone();
            s.mean_time_ms = 20_000.0 + 1_000.0 * (i % 7) as f64;
            (crate::model::Timestamp(fixtures::NOW - (30 - i) * 60_000), s)
        })
        .collect();
    let target = app.current().unwrap().info.id.clone();
    app.update(crate::ui::UiUpdate::QueryHistory { target, query_id: stat.id.clone(), points });
    insta::assert_snapshot!("queries_detail_history_100x50", screen(&app, 100, 50));
    let mut app = on(Tab::Activity);
    app.apply(Action::Help);
    insta::assert_snapshot!("help_activity_80x24", screen(&app, 80, 24));
}

#[test]
fn queries_explain_unavailable_statistics_and_down_target() {
    // `[` walks the Overview's order up from prod-pg (worst first: reports, replica, prod).
    let mut app = on(Tab::Queries);
    app.apply(Action::PrevTarget);
    insta::assert_snapshot!("queries_unavailable_80x24", screen(&app, 80, 24));
    app.apply(Action::PrevTarget);
    app.apply(Action::GoTab(Tab::Activity));
    insta::assert_snapshot!("activity_down_target_80x24", screen(&app, 80, 24));
}

#[test]
fn queries_first_read_says_it_is_collecting_a_baseline() {
    let mut app = on(Tab::Queries);
    let target = app.current().unwrap().info.id.clone();
    let mut baseline = fixtures::queries();
    baseline.since = None;
    baseline.stats.clear();
    let sample = crate::model::Sample {
        target,
        tier: crate::model::Tier::Medium,
        taken_at: crate::model::Timestamp(fixtures::NOW),
        body: crate::model::SampleBody::Queries(baseline),
    };
    app.update(crate::ui::UiUpdate::Round(std::sync::Arc::new(vec![sample])));
    let screen = text(&buffer(&app, 80, 24));
    assert!(screen.contains("collecting baseline: first figures after one interval"), "{screen}");
}

#[test]
fn no_panic_at_any_small_or_odd_size_with_or_without_popups() {
    let mut sizes: Vec<(u16, u16)> = (0..=20).flat_map(|w| (0..=5).map(move |h| (w, h))).collect();
    sizes.extend([(1, 100), (300, 3), (59, 11), (60, 12), (61, 13), (80, 24), (200, 50), (7, 40), (1000, 1)]);
    for tab in Tab::ALL {
        for popup in [None, Some(Action::Help), Some(Action::Detail)] {
            let mut app = on(tab);
            if let Some(action) = popup {
                app.apply(action);
            }
            for (width, height) in &sizes {
                buffer(&app, *width, *height);
            }
        }
    }
}

#[test]
fn too_small_says_so_in_one_line() {
    let screen = text(&buffer(&app(), 59, 12));
    assert!(screen.starts_with("terminal too small (need 60x12)"), "{screen}");
}

#[test]
fn help_lists_every_binding_of_the_view() {
    for tab in Tab::ALL {
        let mut app = on(tab);
        let contexts = crate::ui::popups::help::help_contexts(&app);
        app.apply(Action::Help);
        let screen = text(&buffer(&app, 200, 120));
        for (_, keys, label) in crate::ui::popups::help::entries(&app, &contexts) {
            assert!(screen.contains(&label), "{tab:?}: help misses {label}");
            assert!(screen.contains(&keys), "{tab:?}: help misses keys {keys}");
        }
    }
}

#[test]
fn no_color_leaves_every_cell_uncoloured() {
    for tab in Tab::ALL {
        let mut app = fixtures::app_with(Theme::default().plain());
        app.apply(Action::GoTab(tab));
        let buffer = buffer(&app, 100, 30);
        for cell in &buffer.content {
            assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset), "{tab:?}: coloured cell {cell:?}");
        }
    }
}

#[test]
fn theme_roles_reach_the_screen() {
    let app = on(Tab::Activity);
    let theme = Theme::default();
    let buffer = buffer(&app, 120, 30);
    let waiting = buffer.content.iter().find(|c| c.symbol() == "w" && c.fg == theme.state_waiting);
    assert!(waiting.is_some(), "no cell in the state_waiting colour");
}

#[test]
fn session_pids_and_queries_are_plain_text() {
    let screen = text(&buffer(&on(Tab::Activity), 120, 30));
    assert!(screen.contains("Activity"));
    assert!(screen.contains("4102") && screen.contains("UPDATE orders SET total"), "{screen}");
}

#[test]
fn render_cost_of_large_session_lists() {
    for count in [1_000, 10_000] {
        let sessions = crate::ui::bench::sessions(count);
        let started = std::time::Instant::now();
        let app = crate::ui::bench::activity_app(sessions);
        println!("apply + sort + filter of {count} sessions: {:?}", started.elapsed());
        let first = crate::ui::bench::render_frame(200, 50, &app);
        let again = crate::ui::bench::render_frame(200, 50, &app);
        println!("activity frame 200x50 with {count} sessions: {first:?} / {again:?}");
        assert_eq!(app.views.activity.rows.len(), count);
    }
}

#[test]
fn render_cost_of_full_day_charts() {
    let mut app = fixtures::app();
    app.apply(Action::GoTab(Tab::Overview));
    app.time.window_index = crate::ui::app::WINDOWS_MIN.len() - 1;
    let view = &mut app.dashboard.targets[0];
    for series in view.charts.values_mut() {
        let history: Vec<(i64, f64)> =
            (0..8_640_i64).map(|i| (fixtures::NOW - (8_640 - i) * 10_000, (i % 97) as f64)).collect();
        series.merge(&history);
    }
    let first = crate::ui::bench::render_frame(200, 50, &app);
    let again = crate::ui::bench::render_frame(200, 50, &app);
    println!("overview frame 200x50, {} series x 8640 points: {first:?} / {again:?}", view_count(&app));
    assert!(screen_text(&app, 200, 50).contains("24 h"));
}

fn view_count(app: &App) -> usize {
    app.dashboard.targets[0].charts.len()
}
