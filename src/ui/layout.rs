//! The screen, top to bottom:
//!
//! ```text
//! ┌──────────────────────────────────────────────────────────────────────────────┐
//! │ Logstag │ ◀ prod-pg (PostgreSQL 15.4) UP ▶ 1/3        [RO]  12:04:05 UTC       │ header
//! │ 1 Overview  2 Activity  3 Queries  4 Schema  5 Alerts  6 Health              │ tab bar
//! │┌ body: the current tab ────────────────────────────────────────────────────┐│
//! ││ (tables, charts, tiles…)                                                  ││
//! │└───────────────────────────────────────────────────────────────────────────┘│
//! │ refreshed 12:04:03 · collect high 12ms │ last error │ ? help  q quit  / …   │ status line
//! └──────────────────────────────────────────────────────────────────────────────┘
//!   popups (help, detail) are drawn last, centred over the body.
//! ```
//!
//! Below `MIN_WIDTH`×`MIN_HEIGHT` only a one-line notice is drawn. Every rectangle
//! comes from ratatui's layout, which clamps to the frame, so no size can panic.

use super::app::App;
use super::keymap;
use super::{format, popups, tabs, widgets};
use crate::model::{Tier, metric};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 12;

pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})");
        frame.render_widget(Paragraph::new(notice).style(app.theme.warn()), area);
        return;
    }
    let [header, tab_bar, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    render_header(frame, header, app);
    render_tab_bar(frame, tab_bar, app);
    tabs::render(frame, body, app);
    render_status(frame, status, app);
    popups::render(frame, body, app);
}

fn render_header(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut spans = vec![Span::styled(" Logstag ", theme.title()), Span::styled("│ ", theme.muted())];
    match app.current() {
        Some(target) => {
            let engine = if target.info.engine.is_empty() { "?" } else { target.info.engine.as_str() };
            spans.push(Span::styled(target.info.id.to_string(), theme.header()));
            spans.push(Span::styled(format!(" ({engine}"), theme.text()));
            if let Some(version) = target.version() {
                spans.push(Span::styled(format!(" {version}"), theme.text()));
            }
            spans.push(Span::styled(") ", theme.text()));
            spans.push(widgets::status_badge::badge(target.status_label(), theme));
            spans.push(Span::styled(
                format!("  target {}/{} [ ]", app.target + 1, app.dashboard.targets.len()),
                theme.muted(),
            ));
        }
        None => spans.push(Span::styled("no targets configured", theme.warn())),
    }
    let right = format!("[RO] {} UTC ", format::clock(app.now_ms));
    let left_width: usize = spans.iter().map(|s| s.width()).sum();
    let pad = usize::from(area.width).saturating_sub(left_width + right.chars().count());
    spans.push(Span::raw(" ".repeat(pad)));
    spans.push(Span::styled(right, theme.info().add_modifier(Modifier::BOLD)));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_tab_bar(frame: &mut Frame, area: Rect, app: &App) {
    let titles = tabs::Tab::ALL.iter().map(|t| format!("{} {}", t.index() + 1, t.title()));
    let tabs = Tabs::new(titles)
        .select(app.tab.index())
        .style(app.theme.muted())
        .highlight_style(app.theme.selection().add_modifier(Modifier::BOLD))
        .divider(" ");
    frame.render_widget(tabs, area);
}

fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut spans: Vec<Span> = Vec::new();
    if let Some(notice) = &app.notice {
        spans.push(Span::styled(format!("{notice} "), theme.warn()));
    }
    if let Some(error) = &app.theme_error {
        spans.push(Span::styled(format!("{error} │ "), theme.critical()));
    }
    if let Some(target) = app.current() {
        let refreshed =
            target.last_sample_at.values().max().map_or("never".to_owned(), |t| format::clock(t.millis()));
        spans.push(Span::styled(format!("refreshed {refreshed}"), theme.muted()));
        if let Some(ms) = target.metric(metric::COLLECT_MS, Tier::High.name()) {
            spans.push(Span::styled(format!(" · collect {}", format::millis_f(ms)), theme.muted()));
        }
        if let Some(error) = target.last_error() {
            spans.push(Span::styled(" │ ", theme.muted()));
            spans.push(Span::styled(error, theme.critical()));
        }
    }
    if app.tab == tabs::Tab::Activity && !app.filter_editing && app.popup.is_none() {
        let idle =
            if app.activity.hide_idle { " │ idle hidden (i shows)" } else { " │ idle shown (i hides)" };
        spans.push(Span::styled(idle, theme.muted()));
    }
    spans.push(Span::styled(" │", theme.muted()));
    for (_, keys, label, hint) in keymap::describe(&app.contexts()) {
        if hint {
            spans.push(Span::styled(format!(" {keys}"), theme.header()));
            spans.push(Span::styled(format!(" {label}"), theme.muted()));
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
