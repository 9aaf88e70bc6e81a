//! Activity: who runs what right now. A counts line, then either the session table
//! (sortable on every column) or the blocking tree (`b`).

use super::super::app::App;
use super::super::format;
use super::super::views::activity::{is_blocked_client, short_state};
use super::super::widgets::data_table::{DataTable, headers};
use super::super::widgets::filter_input;
use crate::model::{BlockingRole, Session};
use ratatui::Frame;
use ratatui::layout::Constraint::{Fill, Length};
use ratatui::layout::{Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row};

/// Three default high-tier intervals without a new sample.
const STALE_AFTER_MS: i64 = 30_000;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let filter = filter_input::line(
        &app.activity.filter,
        app.filter_editing,
        app.activity.rows.len(),
        app.sessions().len(),
        &app.theme,
    );
    let filter_height = u16::from(filter.is_some());
    // The wait summary is the first thing to give up on short terminals.
    let waits_height = u16::from(area.height >= 16 && !app.activity.top_waits.is_empty());
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
    } else if app.activity.blocking {
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
    let c = app.activity.counts;
    let total = app.sessions().len();
    let columns = app.activity.columns();
    let sort = &columns[app.activity.sort.column.min(columns.len() - 1)];
    let arrow = if app.activity.sort.descending { "▼" } else { "▲" };
    let kv = app.activity.key_value;
    let noun = if kv { "clients" } else { "sessions" };
    let mut spans = vec![Span::styled(format!(" {total} {noun}: "), theme.header())];
    use crate::model::SessionState as S;
    let mut parts =
        vec![("Active", c.active, theme.state(S::Active)), ("Idle", c.idle, theme.state(S::Idle))];
    if !kv {
        parts.push(("Idle in tx", c.idle_in_tx, theme.state(S::IdleInTransaction)));
        parts.push(("Waiting", c.waiting, theme.state(S::WaitingForLock)));
    }
    parts.push(("Other", c.other, theme.state(S::Other)));
    for (i, (label, n, style)) in parts.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted()));
        }
        spans.push(Span::styled(format!("{label} {n}"), style));
    }
    // Redis clients block in BLPOP & co. by design: shown like lock waiters, not as critical.
    let (blocked, blocked_style) = if kv {
        (
            c.blocked_clients,
            if c.blocked_clients > 0 { theme.state(S::WaitingForLock) } else { theme.muted() },
        )
    } else {
        (c.blocked, if c.blocked > 0 { theme.critical() } else { theme.muted() })
    };
    spans.push(Span::styled(" │ ", theme.muted()));
    spans.push(Span::styled(format!("Blocked {blocked}"), blocked_style));
    spans.push(Span::styled(format!(" │ sort {}{arrow}", sort.title), theme.muted()));
    if app.activity.hide_idle {
        spans.push(Span::styled(" │ idle hidden", theme.warn()));
    }
    // Old figures must not pass for live ones when the target stopped answering.
    let age_ms = app.activity_data().map_or(0, |(at, _)| app.now_ms - at.millis());
    if age_ms > STALE_AFTER_MS && app.history.is_none() {
        let age = format::duration_ms(u64::try_from(age_ms).unwrap_or(0));
        spans.insert(0, Span::styled(format!(" STALE: sample {age} old │"), theme.critical()));
    }
    Line::from(spans)
}

fn waits_line(app: &App) -> Line<'static> {
    let theme = &app.theme;
    let mut spans = vec![Span::styled(" Waits: ", theme.header())];
    for (i, (wait, count)) in app.activity.top_waits.iter().take(6).enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", theme.muted()));
        }
        spans.push(Span::styled(format!("{} {count}", wait_label(wait)), wait_style(wait, theme)));
    }
    Line::from(spans)
}

fn render_sessions(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let sessions = app.sessions();
    let columns = app.activity.columns();
    let visible = app.activity.visible_columns(area.width.saturating_sub(2));
    let all_headers = headers(columns, app.activity.sort);
    let noun = if app.activity.key_value { "Clients" } else { "Sessions" };
    let title = format!(" {noun} {} shown of {} ", app.activity.rows.len(), sessions.len());
    let table = DataTable {
        title: Line::from(Span::styled(title, theme.title())),
        header: visible.iter().filter_map(|&i| all_headers.get(i).cloned()).collect(),
        widths: visible.iter().filter_map(|&i| columns.get(i).map(|c| c.width)).collect(),
        len: app.activity.rows.len(),
        list: &app.activity.list,
        empty_message: if app.activity.filter.is_empty() {
            " no sessions"
        } else {
            " no session matches the filter"
        },
    };
    table.render(frame, area, theme, |row| {
        let Some(s) = app.activity.rows.get(row).and_then(|&i| sessions.get(i)) else {
            return Row::default();
        };
        if app.activity.key_value {
            Row::new(visible.iter().map(|&column| client_cell(s, column, app)))
        } else {
            Row::new(visible.iter().map(|&column| session_cell(s, column, app)))
        }
    });
}

/// A Redis/Valkey client row; a blocked client is styled like a lock waiter.
fn client_cell<'a>(s: &'a Session, column: usize, app: &App) -> Cell<'a> {
    let theme = &app.theme;
    match column {
        0 => Cell::from(s.id.to_string()),
        1 => Cell::from(s.client.as_str()),
        2 => Cell::from(s.application.as_str()),
        3 => Cell::from(s.database.as_str()),
        4 => Cell::from(format::opt_duration_ms(s.backend_ms)),
        5 if is_blocked_client(s) => {
            Cell::from(Span::styled("blocked", theme.state(crate::model::SessionState::WaitingForLock)))
        }
        5 => Cell::from(Span::styled(short_state(s.state), theme.state(s.state))),
        6 => Cell::from(format::opt_duration_ms(s.state_ms)),
        7 => Cell::from(s.native_state.as_str()),
        _ => Cell::from(format::one_line(&s.query)),
    }
}

fn session_cell<'a>(s: &'a Session, column: usize, app: &App) -> Cell<'a> {
    let theme = &app.theme;
    match column {
        0 => Cell::from(s.id.to_string()),
        1 => Cell::from(s.user.as_str()),
        2 => Cell::from(s.database.as_str()),
        3 => Cell::from(s.application.as_str()),
        4 => Cell::from(if s.client.is_empty() { "local" } else { s.client.as_str() }),
        5 => Cell::from(Span::styled(short_state(s.state), theme.state(s.state))),
        6 => Cell::from(
            s.wait.as_ref().map_or(Span::raw(""), |w| Span::styled(wait_label(w), wait_style(w, theme))),
        ),
        7 => Cell::from(format::opt_duration_ms(s.query_ms)),
        8 => Cell::from(format::opt_duration_ms(s.xact_ms)),
        9 => Cell::from(Span::styled(blockers(s), theme.critical())),
        _ => Cell::from(format::one_line(&s.query)),
    }
}

/// The native event carries its class on PostgreSQL (`Lock:tuple`); otherwise prefix our category.
fn wait_label(wait: &crate::model::Wait) -> String {
    if wait.event.contains(':') {
        wait.event.clone()
    } else {
        format!("{}:{}", wait.category.label(), wait.event)
    }
}

/// Lock waits are what a DBA hunts; client waits are the application's own time.
fn wait_style(wait: &crate::model::Wait, theme: &super::super::theme::Theme) -> ratatui::style::Style {
    use crate::model::WaitCategory as C;
    match wait.category {
        C::Locks => theme.critical(),
        C::LwLocks | C::Io => theme.warn(),
        C::Client => theme.muted(),
        C::Other => theme.info(),
    }
}

pub fn blockers(s: &Session) -> String {
    s.blocked_by.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

fn render_tree(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let chains = app.activity.chains;
    let [tiles_area, table_area] = Layout::vertical([Length(1), Fill(1)]).areas(area);
    let longest = chains.longest_block_ms.map_or("-".to_owned(), format::duration_ms);
    let tile_style = if chains.chains > 0 { theme.critical() } else { theme.ok() };
    let tiles = Line::from(vec![
        Span::styled(format!(" Active chains {}", chains.chains), tile_style),
        Span::styled(" · ", theme.muted()),
        Span::styled(format!("Blocked sessions {}", chains.blocked_sessions), tile_style),
        Span::styled(" · ", theme.muted()),
        Span::styled(format!("Longest block {longest}"), tile_style),
    ]);
    frame.render_widget(Paragraph::new(tiles), tiles_area);
    let sessions = app.sessions();
    let tree = &app.activity.tree;
    let table = DataTable {
        title: Line::from(Span::styled(" Blocking chains (roots first, worst first) ", theme.title())),
        header: ["PID", "Role", "Behind", "Held/Wait", "State", "User", "Query"].map(str::to_owned).to_vec(),
        widths: vec![Length(12), Length(16), Length(6), Length(9), Length(7), Length(9), Fill(1)],
        len: tree.len(),
        list: &app.activity.list,
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
                    .map_or(Span::raw("gone"), |s| Span::styled(short_state(s.state), theme.state(s.state))),
            ),
            Cell::from(session.map_or("", |s| s.user.as_str())),
            Cell::from(session.map_or(String::new(), |s| format::one_line(&s.query))),
        ])
    });
}
