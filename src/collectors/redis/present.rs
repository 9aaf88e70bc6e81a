//! How Redis and Valkey targets are shown: clients (CLIENT LIST) instead of backends,
//! per-command statistics plus the slow log, memory and keyspace tiles, the keyspace
//! instead of a schema tree.

use crate::collectors::columns::{self, fixed};
use crate::collectors::counter_lines::counter_lines;
use crate::model::PLAIN_COUNTERS;
use crate::model::present::{
    Blocking, CellText, Chart, Column, DetailLine, Nouns, Presentation, SchemaView, Series, Tile, Tone, Unit,
    Width,
};
use crate::model::{QueryStat, Session, SessionState, metric};
use crate::ui::format;
use std::cmp::Ordering;

/// Whether a client sits in a blocking command (BLPOP, XREAD BLOCK, WAIT…).
pub fn is_blocked_client(s: &Session) -> bool {
    s.wait.as_ref().is_some_and(|w| w.event.starts_with("blocked"))
}

pub static PRESENTATION: Presentation = Presentation {
    nouns: Nouns {
        sessions: "clients",
        sessions_title: "Clients",
        id: "ID",
        statements: "commands",
        statement: "command",
    },
    activity_columns: &CLIENT_COLUMNS,
    activity_default_sort: 5,
    counted_states: &[SessionState::Active, SessionState::Idle, SessionState::Other],
    // A blocked client waits for data, not for another client: no tree.
    blocking: Blocking::Waiting { is_blocked: is_blocked_client },
    query_columns: &COMMAND_COLUMNS,
    queries_title: " Commands over the interval · s: slow log ",
    slow_log: true,
    tiles: &TILES,
    charts: [
        Chart { title: "Ops/s", metric: metric::TPS, series: Series::Single, unit: Unit::Count },
        Chart {
            title: "Clients by state",
            metric: metric::SESSIONS_BY_STATE,
            series: Series::Keyed(&SessionState::LABELS),
            unit: Unit::Count,
        },
        // Memory takes the place of waits: Redis has none.
        Chart {
            title: "Memory used",
            metric: metric::MEMORY_USED_BYTES,
            series: Series::Single,
            unit: Unit::Bytes,
        },
        Chart {
            title: "Keyspace hit %",
            metric: metric::CACHE_HIT_PCT,
            series: Series::Single,
            unit: Unit::Percent,
        },
    ],
    schema_view: SchemaView::Keyspace,
    session_title: " Client detail ",
    session_detail: client_detail,
    session_gone: |id| format!("Client {id} has disconnected (not in the latest sample)."),
    statement_detail: command_detail,
};

fn or_dash(text: &str) -> String {
    if text.is_empty() { "-".to_owned() } else { text.to_owned() }
}

fn client_detail(s: &Session, _all: &[Session]) -> Vec<DetailLine> {
    let blocked = is_blocked_client(s);
    let waiting = Tone::State(SessionState::WaitingForLock);
    let (state, state_tone) =
        if blocked { ("Blocked", waiting) } else { (s.state.label(), Tone::State(s.state)) };
    let mut lines = vec![
        DetailLine::Head(vec![
            CellText::toned(format!("Client {}  ", s.id), Tone::Header),
            CellText::toned(state, state_tone),
            CellText::toned(format!("  ({})", or_dash(&s.native_state)), Tone::Muted),
        ]),
        DetailLine::field("address", or_dash(&s.client)),
        DetailLine::field("name", or_dash(&s.application)),
        DetailLine::field("user", or_dash(&s.user)),
        DetailLine::field("database", or_dash(&s.database)),
        DetailLine::field("connected", format::opt_duration_ms(s.backend_ms)),
        DetailLine::field("idle", format::opt_duration_ms(s.state_ms)),
    ];
    if let Some(w) = &s.wait {
        lines.push(DetailLine::toned("waiting", w.event.clone(), if blocked { waiting } else { Tone::Text }));
    }
    for (name, value) in &s.extra {
        lines.push(DetailLine::field(name.clone(), value.clone()));
    }
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading("Last command (y copies):".into()));
    lines.push(DetailLine::Text(CellText::plain(or_dash(&s.query))));
    lines.push(DetailLine::Blank);
    lines.push(DetailLine::Heading(
        "To stop it, run one of these yourself in redis-cli (Logstag never does):".into(),
    ));
    lines.push(DetailLine::Head(vec![
        CellText::toned(" c  ", Tone::Title),
        CellText::toned((super::spec::REDIS.cancel)(s), Tone::Warn),
        CellText::toned("  (a blocked client gets a timeout reply)", Tone::Muted),
    ]));
    lines.push(DetailLine::Head(vec![
        CellText::toned(" t  ", Tone::Title),
        CellText::toned((super::spec::REDIS.terminate)(s), Tone::Critical),
    ]));
    lines
}

/// A command's figures over the interval (INFO commandstats deltas).
fn command_detail(q: &QueryStat) -> Vec<DetailLine> {
    let mut lines = vec![
        DetailLine::Field { name: "command".into(), value: CellText::toned(q.text.clone(), Tone::Header) },
        DetailLine::Blank,
        DetailLine::Heading("This interval:".into()),
        DetailLine::field("calls", q.calls.to_string()),
        DetailLine::field("total time", format::millis_f(q.total_time_ms)),
        DetailLine::field("mean time", format::micros_f(q.mean_time_ms)),
    ];
    // Failed and rejected calls, when there were any.
    lines.extend(counter_lines(&PLAIN_COUNTERS, q));
    lines.push(DetailLine::Blank);
    lines
}

/// The figures a Redis/Valkey user looks for first.
static TILES: [Tile; 6] = [
    Tile {
        label: "Memory",
        value: |m| match (m(metric::MEMORY_USED_BYTES, ""), m(metric::MEMORY_LIMIT_BYTES, "")) {
            (Some(used), Some(limit)) => format!(
                "{} / {} ({})",
                format::bytes(used as u64),
                format::bytes(limit as u64),
                format::percent(m(metric::MEMORY_USED_PCT, ""))
            ),
            (Some(used), None) => format!("{} (no limit)", format::bytes(used as u64)),
            _ => "-".to_owned(),
        },
    },
    Tile {
        label: "Keys",
        value: |m| m(metric::KEYS_TOTAL, "").map_or("-".to_owned(), |k| format::count(k as u64)),
    },
    Tile { label: "Ops/s", value: |m| m(metric::TPS, "").map_or("-".to_owned(), |v| format!("{v:.0}")) },
    Tile { label: "Hit", value: |m| format::percent(m(metric::CACHE_HIT_PCT, "")) },
    Tile {
        label: "Clients",
        value: |m| match (m(metric::CONNECTIONS, ""), m(metric::MAX_CONNECTIONS, "")) {
            (Some(c), Some(max)) => format!("{c:.0}/{max:.0}"),
            (Some(c), None) => format!("{c:.0}"),
            _ => "-".to_owned(),
        },
    },
    Tile {
        label: "Evicted",
        value: |m| m(metric::EVICTED_KEYS_PER_S, "").map_or("-".to_owned(), format::rate),
    },
];

/// CLIENT LIST: no transactions or lock waits, but an address, a name, idle time and
/// flags. State stays the sixth column so the default sort holds.
static CLIENT_COLUMNS: [Column<Session>; 9] = [
    Column {
        title: "ID",
        width: fixed(7),
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(s.id.to_string()),
        cmp: |a, b| a.id.cmp(&b.id),
    },
    Column {
        title: "Client",
        width: fixed(21),
        priority: 1,
        descending: false,
        cell: |s| CellText::plain(s.client.as_str()),
        cmp: |a, b| a.client.cmp(&b.client),
    },
    Column {
        title: "Name",
        width: fixed(12),
        priority: 2,
        descending: false,
        cell: |s| CellText::plain(s.application.as_str()),
        cmp: |a, b| a.application.to_lowercase().cmp(&b.application.to_lowercase()),
    },
    Column {
        title: "DB",
        width: fixed(3),
        priority: 4,
        descending: false,
        cell: |s| CellText::plain(s.database.as_str()),
        cmp: |a, b| a.database.len().cmp(&b.database.len()).then(a.database.cmp(&b.database)),
    },
    Column {
        title: "Age",
        width: fixed(7),
        priority: 3,
        descending: true,
        cell: |s| CellText::plain(format::opt_duration_ms(s.backend_ms)),
        cmp: |a, b| a.backend_ms.cmp(&b.backend_ms),
    },
    Column {
        title: "State",
        width: fixed(7),
        priority: 0,
        descending: false,
        cell: |s| {
            if is_blocked_client(s) {
                CellText::toned("blocked", Tone::State(SessionState::WaitingForLock))
            } else {
                CellText::toned(s.state.short_label(), Tone::State(s.state))
            }
        },
        cmp: |a, b| {
            is_blocked_client(b)
                .cmp(&is_blocked_client(a))
                .then(a.state.urgency().cmp(&b.state.urgency()))
                .then(a.state_ms.cmp(&b.state_ms))
        },
    },
    Column {
        title: "Idle",
        width: fixed(7),
        priority: 1,
        descending: true,
        cell: |s| CellText::plain(format::opt_duration_ms(s.state_ms)),
        cmp: |a, b| a.state_ms.cmp(&b.state_ms),
    },
    Column {
        title: "Flags",
        width: fixed(12),
        priority: 5,
        descending: false,
        cell: |s| CellText::plain(s.native_state.as_str()),
        cmp: |a, b| a.native_state.cmp(&b.native_state),
    },
    Column {
        title: "Last command",
        width: Width::Fill { min: 16 },
        priority: 0,
        descending: false,
        cell: |s| CellText::plain(format::one_line(&s.query)),
        cmp: |a, b| a.query.cmp(&b.query),
    },
];

/// INFO commandstats: no rows, blocks or users; commands take microseconds.
static COMMAND_COLUMNS: [Column<QueryStat>; 4] = [
    columns::TOTAL,
    columns::CALLS,
    Column {
        title: "Mean",
        width: fixed(8),
        priority: 0,
        descending: true,
        cell: |q| CellText::plain(format::micros_f(q.mean_time_ms)),
        cmp: |a, b| a.mean_time_ms.total_cmp(&b.mean_time_ms),
    },
    Column {
        title: "Command",
        width: Width::Fill { min: 0 },
        priority: 0,
        descending: false,
        cell: |q| CellText::plain(format::one_line(&q.text)),
        cmp: |a, b| a.text.cmp(&b.text).then(Ordering::Equal),
    },
];
