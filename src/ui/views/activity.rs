//! Activity view state: sessions sorted, filtered and counted once per data change,
//! plus the blocking forest for the tree view.

use super::{ListState, Sort, matches};
use crate::model::present::{Blocking, Column, Presentation};
use crate::model::{BlockingNode, Session, SessionState, blocking_forest};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StateCounts {
    /// Sessions per state, in `SessionState::ALL` order.
    pub by_state: [usize; 5],
    /// Sessions blocked, as the engine's presentation counts them.
    pub blocked: usize,
}

impl StateCounts {
    pub fn of(&self, state: SessionState) -> usize {
        SessionState::ALL
            .iter()
            .position(|s| *s == state)
            .and_then(|i| self.by_state.get(i))
            .copied()
            .unwrap_or(0)
    }
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
    /// The current target's columns and how it counts blocked sessions.
    pub columns: &'static [Column<Session>],
    pub blocking_kind: Blocking,
}

impl Default for ActivityView {
    fn default() -> Self {
        Self {
            list: ListState::default(),
            sort: Sort { column: 0, descending: false },
            filter: String::new(),
            hide_idle: false,
            blocking: false,
            rows: Vec::new(),
            tree: Vec::new(),
            counts: StateCounts::default(),
            chains: ChainSummary::default(),
            top_waits: Vec::new(),
            columns: &[],
            blocking_kind: Blocking::Tree,
        }
    }
}

impl ActivityView {
    /// Switches to a target's presentation; the sort goes back to its default when the
    /// columns change, since column numbers mean other things.
    pub fn present(&mut self, presentation: &'static Presentation) {
        if !std::ptr::eq(self.columns, presentation.activity_columns) {
            self.columns = presentation.activity_columns;
            self.sort = Sort { column: presentation.activity_default_sort, descending: false };
            self.blocking = false;
        }
        self.blocking_kind = presentation.blocking;
    }

    /// Rebuilds rows, counts and the tree; keeps the selected session selected.
    pub fn refresh(&mut self, sessions: &[Session]) {
        let selected_id = self.selected_session(sessions).map(|s| s.id);
        let needle = self.filter.to_lowercase();
        let mut rows: Vec<usize> = (0..sessions.len())
            .filter(|&i| {
                let s = &sessions[i];
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
                            &s.client,
                        ],
                    )
            })
            .collect();
        let Sort { column, descending } = self.sort;
        let compare = self.columns.get(column).or(self.columns.last()).map(|c| c.cmp);
        rows.sort_by(|&x, &y| {
            let order = compare.map_or(std::cmp::Ordering::Equal, |cmp| cmp(&sessions[x], &sessions[y]));
            let order = if descending { order.reverse() } else { order };
            order.then(sessions[x].id.cmp(&sessions[y].id))
        });
        self.rows = rows;
        self.counts = count_states(sessions, self.blocking_kind);
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

fn count_states(sessions: &[Session], blocking: Blocking) -> StateCounts {
    let mut c = StateCounts::default();
    for s in sessions {
        if let Some(n) =
            SessionState::ALL.iter().position(|x| *x == s.state).and_then(|i| c.by_state.get_mut(i))
        {
            *n += 1;
        }
        let blocked = match blocking {
            Blocking::Tree => !s.blocked_by.is_empty(),
            Blocking::Waiting { is_blocked } => is_blocked(s),
        };
        c.blocked += usize::from(blocked);
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
