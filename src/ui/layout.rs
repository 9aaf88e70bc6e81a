//! The screen, top to bottom:
//!
//! ```text
//!  Logstag │ prod-pg (PostgreSQL 16.2) [UP] [RO]  target 1/3 ([ ])      04:40:00 UTC   header
//!  1 Overview   2 Activity   3 Queries   4 Schema   5 Alerts   6 Health                 tab bar
//!  8 sessions: Active 2 · Idle 2 · Idle in tx 1 · Waiting 2 │ Blocked 2 │ sort State▲   ┐
//! ┌ Sessions 8 shown of 8 ─────────────────────────────────────────────────────────┐    │
//! │PID     User     State▲  Wait               Age     Blkd by  Query              │    │ body: the
//! │4102    bob      waiting Lock:transactionid 1m02s   4101     UPDATE orders SET… │    │ current tab
//! │…                                                                               │    │
//! └────────────────────────────────────────────────────────────────────────────────┘    ┘
//! last error │ ? help q quit / filter > sort …          refreshed 04:39:58 · collect 14ms  status line
//! ```
//!
//! Popups (help, details) are drawn last, centred over the body.
//! Below `MIN_WIDTH`×`MIN_HEIGHT` only a one-line notice is drawn. Every rectangle
//! comes from ratatui's layout, which clamps to the frame, so no size can panic.

use super::action::Action;
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
    render_all(frame, app);
    neutralise(frame.buffer_mut());
}

/// The screen's last pass through the one sanitiser (`crate::sanitize`): ratatui drops
/// C0/C1 controls when it writes a string, but not bidirectional overrides, which are
/// zero-width and reorder the row they sit in. One pass over the buffer covers every
/// tab, popup and notice, whatever text they were handed.
fn neutralise(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(crate::sanitize::is_unsafe) {
            let clean: String = cell.symbol().chars().filter(|c| !crate::sanitize::is_unsafe(*c)).collect();
            cell.set_symbol(if clean.is_empty() { " " } else { &clean });
        }
    }
}

fn render_all(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let notice = format!("terminal too small (need {MIN_WIDTH}x{MIN_HEIGHT})");
        // Wrapped, so even a 20-column terminal shows the whole sentence.
        let paragraph =
            Paragraph::new(notice).style(app.theme.warn()).wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(paragraph, area);
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
    // First on the line: past data must never be mistaken for live data.
    if let Some(travel) = &app.time.travel {
        let at = travel.at.millis();
        let loading = if travel.waiting.is_some() { " · reading…" } else { "" };
        let mode = if app.time.replay_end.is_some() { "REPLAY" } else { "PAUSED" };
        let banner = format!(
            " {mode} {} UTC · {}{loading} ",
            format::date_time(at),
            super::travel::distance(at, app.time.wall_ms)
        );
        spans.push(Span::styled(banner, theme.warn().add_modifier(Modifier::REVERSED)));
        spans.push(Span::styled(" ", theme.muted()));
    }
    match app.current() {
        Some(target) => {
            let engine = if target.product().is_empty() { "?" } else { target.product() };
            spans.push(Span::styled(target.info.id.to_string(), theme.header()));
            spans.push(Span::styled(format!(" ({engine}"), theme.text()));
            if let Some(version) = target.version() {
                spans.push(Span::styled(format!(" {version}"), theme.text()));
            }
            spans.push(Span::styled(") ", theme.text()));
            spans.push(widgets::status_badge::badge(target.status_label(), theme));
            spans.push(Span::styled(" [RO]", theme.info().add_modifier(Modifier::BOLD)));
        }
        None => spans.push(Span::styled("no targets configured [RO]", theme.warn())),
    }
    let position = app.current().map(|_| (app.target + 1, app.dashboard.targets.len()));
    let forwarding = app.dashboard.forwarding.as_ref().map(|s| {
        let (text, attention) = super::forwarding::indicator(s, app.time.now_ms);
        Span::styled(format!(" {text}  "), if attention { theme.warn() } else { theme.muted() })
    });
    let clock = Span::styled(format!("{} UTC ", format::clock(app.time.wall_ms)), theme.muted());
    frame.render_widget(
        Paragraph::new(header_right(spans, position, forwarding, clock, area.width, theme.muted())),
        area,
    );
}

/// Completes the header: the target position, the forwarding indicator and the clock,
/// right-aligned. When they do not all fit, the position loses its key hint, then the
/// clock goes, then the indicator: a forwarding problem matters more than the time.
fn header_right<'a>(
    left: Vec<Span<'a>>,
    position: Option<(usize, usize)>,
    forwarding: Option<Span<'a>>,
    clock: Span<'a>,
    width: u16,
    muted: ratatui::style::Style,
) -> Line<'a> {
    let width = usize::from(width);
    let used: usize = left.iter().map(Span::width).sum();
    let long = position.map(|(i, n)| format!("  target {i}/{n} ([ ])"));
    let short = position.map(|(i, n)| format!("  {i}/{n}"));
    // Without forwarding the header keeps its long form and drops the clock when tight.
    let candidates = match forwarding {
        Some(fwd) => vec![
            (long.clone(), Some(fwd.clone()), Some(clock.clone())),
            (short.clone(), Some(fwd.clone()), Some(clock)),
            (short, Some(fwd), None),
        ],
        None => vec![(long.clone(), None, Some(clock))],
    };
    let mut spans = left;
    for (position, forwarding, clock) in candidates {
        let right: Vec<Span> = forwarding.into_iter().chain(clock).collect();
        let position_width = position.as_ref().map_or(0, |p| p.chars().count());
        let right_width: usize = right.iter().map(Span::width).sum();
        if let Some(pad) = width.checked_sub(used + position_width + right_width) {
            spans.extend(position.map(|p| Span::styled(p, muted)));
            spans.push(Span::raw(" ".repeat(pad)));
            spans.extend(right);
            return Line::from(spans);
        }
    }
    // Nothing fits: the position stays, cut by the screen edge.
    spans.extend(long.map(|p| Span::styled(p, muted)));
    Line::from(spans)
}

fn render_tab_bar(frame: &mut Frame, area: Rect, app: &App) {
    let (alerts, worst) = app.dashboard.alerts.unmuted_count();
    let titles = tabs::Tab::ALL.iter().map(|&t| {
        let mut spans = vec![Span::raw(format!("{} {}", t.index() + 1, t.title()))];
        if let (tabs::Tab::Alerts, Some(worst)) = (t, worst) {
            let style = popups::alert::severity_style(worst, &app.theme).add_modifier(Modifier::BOLD);
            spans.push(Span::styled(format!(" ●{alerts}"), style));
        }
        Line::from(spans)
    });
    let tabs = Tabs::new(titles)
        .select(app.tab.index())
        .style(app.theme.muted())
        .highlight_style(app.theme.selection().add_modifier(Modifier::BOLD))
        .divider(" ");
    frame.render_widget(tabs, area);
}

fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    if let Some(query) = &app.jump {
        frame.render_widget(Paragraph::new(jump_prompt(app, query)), area);
        return;
    }
    if let Some(text) = &app.time.input {
        frame.render_widget(Paragraph::new(time_prompt(app, text)), area);
        return;
    }
    let width = usize::from(area.width);
    let mut spans: Vec<Span> = Vec::new();
    let problems = [
        app.notice.as_ref().map(|n| (n.clone(), theme.warn())),
        app.theme_error.as_ref().map(|e| (e.clone(), theme.critical())),
        app.current().and_then(|t| t.last_error()).map(|e| (e, theme.critical())),
    ];
    for (text, style) in problems.into_iter().flatten() {
        spans.push(Span::styled(format!("{} │ ", clip(&text, width / 2)), style));
    }
    let mut hints = keymap::hints(&app.contexts());
    // Paused, the keys that move in time come first: they are what the user needs next.
    if app.time.paused() {
        let travel = keymap::hints(&[keymap::Context::HistoryView]);
        hints.retain(|h| !travel.contains(h));
        hints.splice(0..0, travel);
    }
    for (key, action, hint) in hints {
        let hint = match action {
            Action::ToggleIdle if app.views.activity.hide_idle => "show idle",
            Action::ToggleIdle => "hide idle",
            Action::ToggleOwn if app.views.queries.show_own => "hide own",
            Action::ToggleOwn => "show own",
            // An alert has no statement to copy; the Detail context's hint would mislead.
            Action::Copy if matches!(app.popups.open, Some(super::app::Popup::Alert { .. })) => continue,
            // Engines without plans on demand say so in the detail; the footer keeps its room.
            Action::Plan if app.current().is_none_or(|t| t.engine.plan.is_none()) => continue,
            _ => hint,
        };
        spans.push(Span::styled(format!("{key} "), theme.header()));
        spans.push(Span::styled(format!("{hint} "), theme.muted()));
    }
    // The refresh time and collection latency always keep their place on the right.
    let right = app.current().map_or(String::new(), |target| {
        let refreshed =
            target.last_sample_at.values().max().map_or("never".to_owned(), |t| format::clock(t.millis()));
        let collect = target.metric(metric::COLLECT_MS, Tier::High.name()).map(format::millis_f);
        let used: usize = spans.iter().map(|s| s.width()).sum();
        let long = format!(
            " refreshed {refreshed}{}",
            collect.as_ref().map_or(String::new(), |c| format!(" · collect {c}"))
        );
        if used + long.chars().count() <= width {
            long
        } else {
            format!(" {refreshed}{}", collect.map_or(String::new(), |c| format!(" {c}")))
        }
    });
    let right_width = u16::try_from(right.chars().count()).unwrap_or(u16::MAX);
    let [left_area, right_area] =
        Layout::horizontal([Constraint::Fill(1), Constraint::Length(right_width)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(spans)), left_area);
    frame.render_widget(
        Paragraph::new(right).style(theme.muted()).alignment(ratatui::layout::Alignment::Right),
        right_area,
    );
}

/// `find target: pro█ → prod-eu-01 (3 match)  Enter go · Esc cancel`
fn jump_prompt<'a>(app: &App, query: &'a str) -> Line<'a> {
    let theme = &app.theme;
    let needle = query.trim().to_lowercase();
    let matching = match needle.is_empty() {
        true => 0,
        false => {
            app.dashboard.targets.iter().filter(|t| t.info.id.0.to_lowercase().contains(&needle)).count()
        }
    };
    let best = app.jump_target(query).and_then(|i| app.dashboard.targets.get(i));
    let mut spans = vec![
        Span::styled(" find target: ", theme.header()),
        Span::styled(query, theme.text()),
        Span::styled("█", theme.text()),
    ];
    match best {
        Some(t) => {
            spans.push(Span::styled(" → ", theme.muted()));
            spans.push(Span::styled(t.info.id.to_string(), theme.title()));
            let others = matching.saturating_sub(1);
            if others > 0 {
                spans.push(Span::styled(format!(" (+{others} more)"), theme.info()));
            }
        }
        None if needle.is_empty() => {}
        None => spans.push(Span::styled("  no match", theme.warn())),
    }
    spans.push(Span::styled("  Enter go · Esc cancel", theme.muted()));
    Line::from(spans)
}

/// `go to time (UTC): 03:1█ → 2026-12-06 03:01:00  Enter go · Esc cancel`
fn time_prompt<'a>(app: &App, text: &'a str) -> Line<'a> {
    let theme = &app.theme;
    let mut spans = vec![
        Span::styled(" go to time (UTC): ", theme.header()),
        Span::styled(text, theme.text()),
        Span::styled("█", theme.text()),
    ];
    match super::travel_time::parse(text, app.newest_ms()) {
        Ok(super::travel_time::Typed::Now) => spans.push(Span::styled(" → live", theme.title())),
        Ok(super::travel_time::Typed::At(ms)) => {
            spans.push(Span::styled(format!(" → {}", format::date_time(ms)), theme.title()));
        }
        Err(_) => spans.push(Span::styled(format!("  {}", super::travel_time::EXAMPLES), theme.muted())),
    }
    spans.push(Span::styled("  Enter go · Esc cancel", theme.muted()));
    Line::from(spans)
}

/// At most `max` characters, with an ellipsis when something was cut.
fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}
