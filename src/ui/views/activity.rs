//! Activity view state: sessions sorted, filtered and counted once per data change,
//! plus the blocking forest for the tree view.

use super::{ColumnSpec, ListState, Sort, matches};
use crate::model::{BlockingNode, Session, SessionState, blocking_forest};
use ratatui::layout::Constraint::{Fill, Length};
use std::cmp::Ordering;

pub const COLUMNS: [ColumnSpec; 11] = [
    ColumnSpec { title: "PID", width: Length(7), descending: false },
    ColumnSpec { title: "User", width: Length(8), descending: false },
    ColumnSpec { title: "DB", width: Length(8), descending: false },
    ColumnSpec { title: "App", width: Length(10), descending: false },
    ColumnSpec { title: "Client", width: Length(15), descending: false },
    ColumnSpec { title: "State", width: Length(7), descending: false },
    ColumnSpec { title: "Wait", width: Length(18), descending: false },
    ColumnSpec { title: "Age", width: Length(7), descending: true },
    ColumnSpec { title: "Xact", width: Length(7), descending: true },
    ColumnSpec { title: "Blkd by", width: Length(8), descending: true },
    ColumnSpec { title: "Query", width: Fill(1), descending: false },
];

/// Redis/Valkey clients (CLIENT LIST): no transactions or lock waits, but an address,
/// a name, idle time and flags. State stays at `STATE_COLUMN` so the default sort holds.
pub const KEY_VALUE_COLUMNS: [ColumnSpec; 9] = [
    ColumnSpec { title: "ID", width: Length(7), descending: false },
    ColumnSpec { title: "Client", width: Length(21), descending: false },
    ColumnSpec { title: "Name", width: Length(12), descending: false },
    ColumnSpec { title: "DB", width: Length(3), descending: false },
    ColumnSpec { title: "Age", width: Length(7), descending: true },
    ColumnSpec { title: "State", width: Length(7), descending: false },
    ColumnSpec { title: "Idle", width: Length(7), descending: true },
    ColumnSpec { title: "Flags", width: Length(12), descending: false },
    ColumnSpec { title: "Last command", width: Fill(1), descending: false },
];

/// Lower = kept longer as the terminal narrows; the query always keeps some room.
const PRIORITY: [u8; 11] = [0, 1, 3, 5, 6, 0, 1, 0, 4, 2, 0];
const KEY_VALUE_PRIORITY: [u8; 9] = [0, 1, 2, 4, 3, 0, 1, 5, 0];
const MIN_QUERY_WIDTH: u16 = 16;

/// Columns of `columns` (ranked by `priority`) that fit in `width`, in table order.
fn fitting(columns: &[ColumnSpec], priority: &[u8], width: u16) -> Vec<usize> {
    let mut budget = width.saturating_sub(MIN_QUERY_WIDTH);
    let mut chosen: Vec<usize> = Vec::new();
    for level in 0..=6 {
        for (i, column) in columns.iter().enumerate() {
            if priority.get(i) != Some(&level) {
                continue;
            }
            let need = match column.width {
                Length(w) => w + 1,
                _ => 0,
            };
            if need <= budget {
                budget -= need;
                chosen.push(i);
            }
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The default sort: State, which ranks the states a DBA must act on first.
pub const STATE_COLUMN: usize = 5;

/// Worst first: lock waiters, open idle transactions, running work, then the rest.
pub fn state_rank(state: SessionState) -> u8 {
    match state {
        SessionState::WaitingForLock => 0,
        SessionState::IdleInTransaction => 1,
        SessionState::Active => 2,
        SessionState::Other => 3,
        SessionState::Idle => 4,
    }
}

pub fn short_state(state: SessionState) -> &'static str {
    match state {
        SessionState::Active => "active",
        SessionState::Idle => "idle",
        SessionState::IdleInTransaction => "idle tx",
        SessionState::WaitingForLock => "waiting",
        SessionState::Other => "other",
    }
}

/// Columns that fit in `width`, in table order (PostgreSQL sessions).
pub fn visible_columns(width: u16) -> Vec<usize> {
    fitting(&COLUMNS, &PRIORITY, width)
}

/// Whether a key-value client sits in a blocking command (BLPOP, XREAD BLOCK, WAIT…).
pub fn is_blocked_client(s: &Session) -> bool {
    s.wait.as_ref().is_some_and(|w| w.event.starts_with("blocked"))
}

fn compare_key_value(a: &Session, b: &Session, column: usize) -> Ordering {
    match column {
        0 => a.id.cmp(&b.id),
        1 => a.client.cmp(&b.client),
        2 => a.application.to_lowercase().cmp(&b.application.to_lowercase()),
        3 => a.database.len().cmp(&b.database.len()).then(a.database.cmp(&b.database)),
        4 => a.backend_ms.cmp(&b.backend_ms),
        5 => is_blocked_client(b)
            .cmp(&is_blocked_client(a))
            .then(state_rank(a.state).cmp(&state_rank(b.state)))
            .then(a.state_ms.cmp(&b.state_ms)),
        6 => a.state_ms.cmp(&b.state_ms),
        7 => a.native_state.cmp(&b.native_state),
        _ => a.query.cmp(&b.query),
    }
}

fn compare(a: &Session, b: &Session, column: usize) -> Ordering {
    let text = |x: &str, y: &str| x.to_lowercase().cmp(&y.to_lowercase());
    match column {
        0 => a.id.cmp(&b.id),
        1 => text(&a.user, &b.user),
        2 => text(&a.database, &b.database),
        3 => text(&a.application, &b.application),
        4 => a.client.cmp(&b.client),
        5 => state_rank(a.state).cmp(&state_rank(b.state)).then(b.query_ms.cmp(&a.query_ms)),
        6 => {
            let key = |s: &Session| s.wait.as_ref().map(|w| (w.category, w.event.clone()));
            key(a).cmp(&key(b))
        }
        7 => a.query_ms.cmp(&b.query_ms),
        8 => a.xact_ms.cmp(&b.xact_ms),
        9 => a.blocked_by.len().cmp(&b.blocked_by.len()).then(a.blocked_by.cmp(&b.blocked_by)),
        _ => a.query.cmp(&b.query),
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    pub active: usize,
    pub idle: usize,
    pub idle_in_tx: usize,
    pub waiting: usize,
    pub other: usize,
    pub blocked: usize,
    /// Key-value clients in a blocking command.
    pub blocked_clients: usize,
}

/// Tiles of the blocking view (spec §3.3 4).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainSummary {
    pub chains: usize,
    pub blocked_sessions: usize,
    pub longest_block_ms: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct ActivityView {
    pub list: ListState,
    pub sort: Sort,
    pub filter: String,
    pub hide_idle: bool,
    pub blocking: bool,
    /// Indices into the current sessions, in display order.
    pub rows: Vec<usize>,
    pub tree: Vec<BlockingNode>,
    pub counts: StateCounts,
    pub chains: ChainSummary,
    /// Current waits of non-idle sessions: (wait, sessions), most common first.
    pub top_waits: Vec<(crate::model::Wait, usize)>,
    /// The target is Redis/Valkey: client columns instead of backend columns.
    pub key_value: bool,
}

impl Default for ActivityView {
    fn default() -> Self {
        Self {
            list: ListState::default(),
            sort: Sort { column: STATE_COLUMN, descending: false },
            filter: String::new(),
            hide_idle: false,
            blocking: false,
            rows: Vec::new(),
            tree: Vec::new(),
            counts: StateCounts::default(),
            chains: ChainSummary::default(),
            top_waits: Vec::new(),
            key_value: false,
        }
    }
}

impl ActivityView {
    pub fn columns(&self) -> &'static [ColumnSpec] {
        if self.key_value { &KEY_VALUE_COLUMNS } else { &COLUMNS }
    }

    pub fn visible_columns(&self, width: u16) -> Vec<usize> {
        if self.key_value {
            fitting(&KEY_VALUE_COLUMNS, &KEY_VALUE_PRIORITY, width)
        } else {
            visible_columns(width)
        }
    }

    /// Rebuilds rows, counts and the tree; keeps the selected session selected.
    pub fn refresh(&mut self, sessions: &[Session]) {
        let selected_id = self.selected_session(sessions).map(|s| s.id);
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..sessions.len())
            .filter(|&i| {
                let s = &sessions[i];
                let client = if self.key_value { s.client.as_str() } else { "" };
                !(self.hide_idle && s.state == SessionState::Idle)
                    && matches(
                        &needle,
                        &[
                            &s.user,
                            &s.database,
                            &s.application,
                            s.state.label(),
                            &s.native_state,
                            &s.query,
                            client,
                        ],
                    )
            })
            .collect();
        let Sort { column, descending } = self.sort;
        let compare = if self.key_value { compare_key_value } else { compare };
        rows.sort_by(|&x, &y| {
            let order = compare(&sessions[x], &sessions[y], column);
            let order = if descending { order.reverse() } else { order };
            order.then(sessions[x].id.cmp(&sessions[y].id))
        });
        self.rows = rows;
        self.counts = count_states(sessions);
        self.tree = blocking_forest(sessions);
        self.chains = summarise_chains(&self.tree, sessions);
        self.top_waits = top_waits(sessions);
        let len = self.row_count();
        if let Some(id) = selected_id
            && let Some(pos) = self.position_of(id, sessions)
        {
            self.list.selected = pos;
        }
        self.list.clamp(len);
    }

    /// Rows of the current mode (session list or blocking tree).
    pub fn row_count(&self) -> usize {
        if self.blocking { self.tree.len() } else { self.rows.len() }
    }

    fn position_of(&self, id: i64, sessions: &[Session]) -> Option<usize> {
        if self.blocking {
            self.tree.iter().position(|n| n.session_id == id)
        } else {
            self.rows.iter().position(|&i| sessions.get(i).is_some_and(|s| s.id == id))
        }
    }

    pub fn selected_session<'a>(&self, sessions: &'a [Session]) -> Option<&'a Session> {
        if self.blocking {
            let id = self.tree.get(self.list.selected)?.session_id;
            sessions.iter().find(|s| s.id == id)
        } else {
            sessions.get(*self.rows.get(self.list.selected)?)
        }
    }
}

fn count_states(sessions: &[Session]) -> StateCounts {
    let mut c = StateCounts::default();
    for s in sessions {
        match s.state {
            SessionState::Active => c.active += 1,
            SessionState::Idle => c.idle += 1,
            SessionState::IdleInTransaction => c.idle_in_tx += 1,
            SessionState::WaitingForLock => c.waiting += 1,
            SessionState::Other => c.other += 1,
        }
        if !s.blocked_by.is_empty() {
            c.blocked += 1;
        }
        if is_blocked_client(s) {
            c.blocked_clients += 1;
        }
    }
    c
}

fn summarise_chains(tree: &[BlockingNode], sessions: &[Session]) -> ChainSummary {
    let mut blocked: Vec<i64> = tree.iter().filter(|n| n.depth > 0).map(|n| n.session_id).collect();
    blocked.sort_unstable();
    blocked.dedup();
    let longest_block_ms = sessions
        .iter()
        .filter(|s| blocked.binary_search(&s.id).is_ok())
        .filter_map(|s| s.state_ms.or(s.query_ms))
        .max();
    ChainSummary {
        chains: tree.iter().filter(|n| n.depth == 0).count(),
        blocked_sessions: blocked.len(),
        longest_block_ms,
    }
}

/// Idle sessions always "wait" for their client; counting them would bury real waits.
fn top_waits(sessions: &[Session]) -> Vec<(crate::model::Wait, usize)> {
    let mut counts: std::collections::BTreeMap<(crate::model::WaitCategory, &str), usize> =
        std::collections::BTreeMap::new();
    for s in sessions.iter().filter(|s| s.state != SessionState::Idle) {
        if let Some(w) = &s.wait {
            *counts.entry((w.category, w.event.as_str())).or_default() += 1;
        }
    }
    let mut waits: Vec<(crate::model::Wait, usize)> = counts
        .into_iter()
        .map(|((category, event), n)| (crate::model::Wait { category, event: event.to_owned() }, n))
        .collect();
    waits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.category.cmp(&b.0.category)));
    waits
}
