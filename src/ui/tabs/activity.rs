//! Activity: who runs what right now. A counts line, then either the session table
//! (sortable on every column) or the blocking tree (`b`).

use super::super::app::App;
use super::super::format;
use super::super::views::{fitted_widths, fitting, rows_on_screen};
use super::super::widgets::data_table::{DataTable, headers};
use super::super::widgets::filter_input;
use crate::model::BlockingRole;
use crate::model::present::{Blocking, Tone};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

/// Three default high-tier intervals without a new sample.
const STALE_AFTER_MS: i64 = 30_000;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let filter = filter_input::line(
        &app.views.activity.filter,
        app.filter_editing,
        app.views.activity.rows.len(),
        app.sessions().len(),
        &app.theme,
    );
    let filter_height = u16::from(filter.is_some());
    // The wait summary is the first thing to give up on short terminals.
    let waits_height = u16::from(area.height >= 16 && !app.views.activity.top_waits.is_empty());
    let [counts_area, waits_area, filter_area, body] =
        Layout::vertical([Length(1), Length(waits_height), Length(filter_height), Fill(1)]).areas(area);
    frame.render_widget(Paragraph::new(counts_line(app)), counts_area);
    if waits_height > 0 {
        frame.render_widget(Paragraph::new(waits_line(app)), waits_area);
    }
    if let Some(line) = filter {
        frame.render_widget(Paragraph::new(line), filter_area);
    }
    if let Some(target) = app.current().filter(|_| app.activity_data().is_none()) {
        frame.render_widget(super::no_data(app, target, "activity", "activity"), body);
    } else if app.views.activity.blocking {
        render_tree(frame, body, app);
    } else {
        render_sessions(frame, body, app);
    }
}

fn counts_line(app: &App) -> Line<'static> {
    let theme = &app.theme;
    if app.activity_data().is_none() {
        return Line::from(Span::styled(" no activity sample yet", theme.muted()));
    }
    let c = app.views.activity.counts;
    let total = app.sessions().len();
    let columns = app.views.activity.columns;
    let sort_title = columns.get(app.views.activity.sort.column).or(columns.last()).map_or("", |c| c.title);
    let arrow = if app.views.activity.sort.descending { "▼" } else { "▲" };
    let presentation = app.presentation();
    let noun = presentation.nouns.sessions;
    let mut spans = vec![Span::styled(format!(" {total} {noun}: "), theme.header())];
    for (i, state) in presentation.counted_states.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted()));
        }
        spans.push(Span::styled(format!("{} {}", count_label(*state), c.of(*state)), theme.state(*state)));
    }
    // Sessions blocked by others are critical; sessions waiting in a blocking command for
    // data are shown like lock waiters.
    let blocked = c.blocked;
    let blocked_style = match (blocked, app.views.activity.blocking_kind) {
        (0, _) => theme.muted(),
        (_, Blocking::Tree) => theme.critical(),
        (_, Blocking::Waiting { .. }) => theme.state(crate::model::SessionState::WaitingForLock),
    };
    spans.push(Span::styled(" │ ", theme.muted()));
    spans.push(Span::styled(format!("Blocked {blocked}"), blocked_style));
    spans.push(Span::styled(format!(" │ sort {sort_title}{arrow}"), theme.muted()));
    if app.views.activity.hide_idle {
        spans.push(Span::styled(" │ idle hidden", theme.warn()));
    }
    // Old figures must not pass for live ones when the target stopped answering.
    let age_ms = app.activity_data().map_or(0, |(at, _)| app.time.now_ms - at.millis());
    if age_ms > STALE_AFTER_MS && !app.time.paused() {
        let age = format::duration_ms(u64::try_from(age_ms).unwrap_or(0));
        spans.insert(0, Span::styled(format!(" STALE: sample {age} old │"), theme.critical()));
    }
    Line::from(spans)
}

fn waits_line(app: &App) -> Line<'static> {
    let theme = &app.theme;
    let mut spans = vec![Span::styled(" Waits: ", theme.header())];
    for (i, (wait, count)) in app.views.activity.top_waits.iter().take(6).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted()));
        }
        spans.push(Span::styled(
            format!("{} {count}", wait.label()),
            theme.tone(Tone::of_wait(wait.category)),
        ));
    }
    Line::from(spans)
}

/// The word of the header counts: the state's label, shortened where it is long.
fn count_label(state: crate::model::SessionState) -> &'static str {
    use crate::model::SessionState as S;
    match state {
        S::IdleInTransaction => "Idle in tx",
        S::WaitingForLock => "Waiting",
        other => other.label(),
    }
}

fn render_sessions(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let sessions = app.sessions();
    let columns = app.views.activity.columns;
    let visible = fitting(columns, area.width.saturating_sub(2));
    let all_headers = headers(columns, app.views.activity.sort);
    let noun = app.presentation().nouns.sessions_title;
    let title = format!(" {noun} {} shown of {} ", app.views.activity.rows.len(), sessions.len());
    let empty = match app.views.activity.filter.is_empty() {
        true => format!(" no {}", app.presentation().nouns.sessions),
        false => format!(" no {} matches the filter", app.presentation().nouns.sessions),
    };
    let view = &app.views.activity;
    // Content widths come from the rows a screen can show, so a frame stays cheap.
    let on_screen = || rows_on_screen(&view.list, &view.rows, sessions, area.height);
    let table = DataTable {
        title: Line::from(Span::styled(title, theme.title())),
        header: visible.iter().filter_map(|&i| all_headers.get(i).cloned()).collect(),
        widths: fitted_widths(columns, &visible, on_screen),
        len: app.views.activity.rows.len(),
        list: &app.views.activity.list,
        empty_message: &empty,
    };
    table.render(frame, area, theme, |row| {
        let Some(s) = app.views.activity.rows.get(row).and_then(|&i| sessions.get(i)) else {
            return Row::default();
        };
        Row::new(visible.iter().filter_map(|&i| columns.get(i)).map(|c| {
            let cell = (c.cell)(s);
            Cell::from(Span::styled(cell.text, theme.tone(cell.tone)))
        }))
    });
}

fn render_tree(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let chains = app.views.activity.chains;
    let [tiles_area, table_area] = Layout::vertical([Length(1), Fill(1)]).areas(area);
    let longest = chains.longest_block_ms.map_or("-".to_owned(), format::duration_ms);
    let tile_style = if chains.chains > 0 { theme.critical() } else { theme.ok() };
    let tiles = Line::from(vec![
        Span::styled(format!(" Active chains {}", chains.chains), tile_style),
        Span::styled(" · ", theme.muted()),
        Span::styled(
            format!("Blocked {} {}", app.presentation().nouns.sessions, chains.blocked_sessions),
            tile_style,
        ),
        Span::styled(" · ", theme.muted()),
        Span::styled(format!("Longest block {longest}"), tile_style),
    ]);
    frame.render_widget(Paragraph::new(tiles), tiles_area);
    let sessions = app.sessions();
    let tree = &app.views.activity.tree;
    let table = DataTable {
        title: Line::from(Span::styled(" Blocking chains (roots first, worst first) ", theme.title())),
        header: [app.presentation().nouns.id, "Role", "Behind", "Held/Wait", "State", "User", "Query"]
            .map(str::to_owned)
            .to_vec(),
        widths: vec![Length(12), Length(16), Length(6), Length(9), Length(7), Length(9), Fill(1)],
        len: tree.len(),
        list: &app.views.activity.list,
        empty_message: " no blocking right now: no session waits on another",
    };
    table.render(frame, table_area, theme, |row| {
        let Some(node) = tree.get(row) else { return Row::default() };
        let session = sessions.iter().find(|s| s.id == node.session_id);
        let indent =
            if node.depth == 0 { String::new() } else { format!("{}└ ", "  ".repeat(node.depth - 1)) };
        let (role, role_style) = match node.role {
            BlockingRole::Holding => ("Holding", theme.critical()),
            BlockingRole::Blocked => ("Blocked", theme.warn()),
            BlockingRole::BlockedAndBlocking => ("Blocked+Blocking", theme.critical()),
        };
        let waited = session.and_then(|s| if node.depth > 0 { s.state_ms.or(s.query_ms) } else { s.xact_ms });
        Row::new(vec![
            Cell::from(format!("{indent}{}", node.session_id)),
            Cell::from(Span::styled(role, role_style)),
            Cell::from(node.blocked_count.to_string()),
            Cell::from(format::opt_duration_ms(waited)),
            Cell::from(
                session
                    .map_or(Span::raw("gone"), |s| Span::styled(s.state.short_label(), theme.state(s.state))),
            ),
            Cell::from(session.map_or("", |s| s.user.as_str())),
            Cell::from(session.map_or(String::new(), |s| format::one_line(&s.query))),
        ])
    });
}
