use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The shared connection-state model (spec appendix B).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionState {
    Active,
    Idle,
    IdleInTransaction,
    WaitingForLock,
    Other,
}

impl SessionState {
    pub const ALL: [SessionState; 5] = [
        SessionState::Active,
        SessionState::Idle,
        SessionState::IdleInTransaction,
        SessionState::WaitingForLock,
        SessionState::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SessionState::Active => "Active",
            SessionState::Idle => "Idle",
            SessionState::IdleInTransaction => "Idle in transaction",
            SessionState::WaitingForLock => "Waiting for lock",
            SessionState::Other => "Other",
        }
    }

    /// `label()` of each of `ALL`, in that order (chart series keys).
    pub const LABELS: [&'static str; 5] =
        ["Active", "Idle", "Idle in transaction", "Waiting for lock", "Other"];

    /// The word a table cell has room for.
    pub fn short_label(self) -> &'static str {
        match self {
            SessionState::Active => "active",
            SessionState::Idle => "idle",
            SessionState::IdleInTransaction => "idle tx",
            SessionState::WaitingForLock => "waiting",
            SessionState::Other => "other",
        }
    }

    /// Worst first: lock waiters, open idle transactions, running work, then the rest.
    pub fn urgency(self) -> u8 {
        match self {
            SessionState::WaitingForLock => 0,
            SessionState::IdleInTransaction => 1,
            SessionState::Active => 2,
            SessionState::Other => 3,
            SessionState::Idle => 4,
        }
    }
}

/// The shared wait-category model: deliberately lossy, so the native event name is
/// always kept next to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaitCategory {
    Locks,
    LwLocks,
    Io,
    Client,
    Other,
}

impl WaitCategory {
    pub const ALL: [WaitCategory; 5] = [
        WaitCategory::Locks,
        WaitCategory::LwLocks,
        WaitCategory::Io,
        WaitCategory::Client,
        WaitCategory::Other,
    ];

    pub fn label(self) -> &'static str {
        match self {
            WaitCategory::Locks => "Locks",
            WaitCategory::LwLocks => "LW Locks",
            WaitCategory::Io => "IO",
            WaitCategory::Client => "Client",
            WaitCategory::Other => "Other",
        }
    }

    /// `label()` of each of `ALL`, in that order (chart series keys).
    pub const LABELS: [&'static str; 5] = ["Locks", "LW Locks", "IO", "Client", "Other"];
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wait {
    pub category: WaitCategory,
    /// Native name, e.g. `Lock:transactionid` or `IO:DataFileRead`.
    pub event: String,
}

impl Wait {
    /// `Class:event`: engines whose native event carries its class (`Lock:tuple`) keep
    /// it; others get our category in front.
    pub fn label(&self) -> String {
        if self.event.contains(':') {
            self.event.clone()
        } else {
            format!("{}:{}", self.category.label(), self.event)
        }
    }
}

/// One server session (a PostgreSQL backend, a SQL Server session, a Redis client…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Engine's session id (PID on PostgreSQL).
    pub id: i64,
    pub user: String,
    pub database: String,
    pub application: String,
    /// Client address, empty for local socket connections.
    pub client: String,
    pub state: SessionState,
    /// The engine's own state word, e.g. `idle in transaction (aborted)`.
    pub native_state: String,
    pub wait: Option<Wait>,
    /// Current or last statement text (as long as the server keeps it).
    pub query: String,
    /// Age of the current query (of the last one for idle sessions), ms, by the server clock.
    pub query_ms: Option<u64>,
    /// Age of the open transaction, ms.
    pub xact_ms: Option<u64>,
    /// Age of the connection, ms.
    pub backend_ms: Option<u64>,
    /// Age of the current state (how long it has been idle, waiting…), ms.
    pub state_ms: Option<u64>,
    /// Sessions holding what this one waits for.
    pub blocked_by: Vec<i64>,
    /// Engine-specific facts shown in the detail view (name → value), e.g. backend_xmin.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra: Vec<(String, String)>,
}

impl Session {
    /// A session known only by its id: the help texts' placeholder for the engine's stop
    /// statements (`{cancel}`), and tests.
    pub fn with_id(id: i64) -> Session {
        Session {
            id,
            user: String::new(),
            database: String::new(),
            application: String::new(),
            client: String::new(),
            state: SessionState::Other,
            native_state: String::new(),
            wait: None,
            query: String::new(),
            query_ms: None,
            xact_ms: None,
            backend_ms: None,
            state_ms: None,
            blocked_by: Vec::new(),
            extra: Vec::new(),
        }
    }
}

/// How many locks exist by mode and whether they are granted (pg_locks summary).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LockCount {
    pub lock_type: String,
    pub mode: String,
    pub granted: bool,
    pub count: u64,
}

/// One high-tier read of who is connected and what they do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ActivitySnapshot {
    pub sessions: Vec<Session>,
    pub locks: Vec<LockCount>,
}

/// Role of a session in a blocking chain (spec §3.3 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockingRole {
    /// Blocks others, waits on nobody: the root of a chain.
    Holding,
    Blocked,
    BlockedAndBlocking,
}

/// One row of the flattened blocking tree, in display order (roots first, children indented).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockingNode {
    pub session_id: i64,
    pub depth: usize,
    pub role: BlockingRole,
    /// Sessions behind this one, directly or transitively.
    pub blocked_count: usize,
}

/// Builds the blocking forest from `blocked_by`. A session blocked by several sessions
/// appears under each of its blockers (that is what the DBA must see to untangle it);
/// cycles (a deadlock in the making) are cut where they repeat. Roots are sessions that
/// block others and wait on nobody, or, in a pure cycle, the lowest id of the cycle.
/// Roots come worst first: most sessions behind them, then lowest id.
pub fn blocking_forest(sessions: &[Session]) -> Vec<BlockingNode> {
    let mut children: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    let mut waiting: BTreeSet<i64> = BTreeSet::new();
    for s in sessions {
        for &b in &s.blocked_by {
            if b != s.id {
                children.entry(b).or_default().insert(s.id);
                waiting.insert(s.id);
            }
        }
    }
    if children.is_empty() {
        return Vec::new();
    }
    let mut roots: Vec<i64> = children.keys().copied().filter(|b| !waiting.contains(b)).collect();
    // Members of pure cycles have no root: pick the lowest id of each unreached group.
    let reached = reachable(&roots, &children);
    for &b in children.keys() {
        if !reached.contains(&b) && !roots.iter().any(|r| reachable(&[*r], &children).contains(&b)) {
            let group = reachable(&[b], &children);
            if group.iter().all(|m| !roots.contains(m)) {
                roots.push(*group.iter().next().unwrap_or(&b));
            }
        }
    }
    roots.sort_unstable();
    roots.dedup();
    let mut ranked: Vec<(usize, i64)> =
        roots.iter().map(|&r| (reachable(&[r], &children).len() - 1, r)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));

    let mut out = Vec::new();
    for (_, root) in ranked {
        let mut path = Vec::new();
        walk(root, 0, &children, &waiting, &mut path, &mut out);
    }
    out
}

fn reachable(from: &[i64], children: &BTreeMap<i64, BTreeSet<i64>>) -> BTreeSet<i64> {
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    let mut stack: Vec<i64> = from.to_vec();
    while let Some(n) = stack.pop() {
        if seen.insert(n)
            && let Some(cs) = children.get(&n)
        {
            stack.extend(cs.iter().copied());
        }
    }
    seen
}

fn walk(
    id: i64,
    depth: usize,
    children: &BTreeMap<i64, BTreeSet<i64>>,
    waiting: &BTreeSet<i64>,
    path: &mut Vec<i64>,
    out: &mut Vec<BlockingNode>,
) {
    let kids = children.get(&id);
    let role = match (waiting.contains(&id) && depth > 0, kids.is_some_and(|k| !k.is_empty())) {
        (false, _) => BlockingRole::Holding,
        (true, true) => BlockingRole::BlockedAndBlocking,
        (true, false) => BlockingRole::Blocked,
    };
    let blocked_count = reachable(&[id], children).len() - 1;
    out.push(BlockingNode { session_id: id, depth, role, blocked_count });
    path.push(id);
    if let Some(kids) = kids {
        for &k in kids {
            if !path.contains(&k) {
                walk(k, depth + 1, children, waiting, path, out);
            }
        }
    }
    path.pop();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: i64, blocked_by: &[i64]) -> Session {
        Session {
            id,
            user: "u".into(),
            database: "d".into(),
            application: String::new(),
            client: String::new(),
            state: if blocked_by.is_empty() { SessionState::Active } else { SessionState::WaitingForLock },
            native_state: "active".into(),
            wait: None,
            query: String::new(),
            query_ms: None,
            xact_ms: None,
            backend_ms: None,
            state_ms: None,
            blocked_by: blocked_by.to_vec(),
            extra: Vec::new(),
        }
    }

    fn shape(nodes: &[BlockingNode]) -> Vec<(i64, usize, BlockingRole, usize)> {
        nodes.iter().map(|n| (n.session_id, n.depth, n.role, n.blocked_count)).collect()
    }

    #[test]
    fn no_blocking_gives_empty_forest() {
        assert!(blocking_forest(&[s(1, &[]), s(2, &[])]).is_empty());
    }

    #[test]
    fn chain_is_indented_with_roles() {
        let f = blocking_forest(&[s(10, &[]), s(11, &[10]), s(12, &[11]), s(13, &[10])]);
        assert_eq!(
            shape(&f),
            vec![
                (10, 0, BlockingRole::Holding, 3),
                (11, 1, BlockingRole::BlockedAndBlocking, 1),
                (12, 2, BlockingRole::Blocked, 0),
                (13, 1, BlockingRole::Blocked, 0),
            ]
        );
    }

    #[test]
    fn several_blocked_sessions_and_two_roots_worst_first() {
        // pg_activity #240: more than one blocked session must not confuse the view.
        let f = blocking_forest(&[s(1, &[]), s(2, &[1]), s(5, &[]), s(6, &[5]), s(7, &[5]), s(8, &[5])]);
        let roots: Vec<i64> = f.iter().filter(|n| n.depth == 0).map(|n| n.session_id).collect();
        assert_eq!(roots, vec![5, 1]);
        assert_eq!(f.len(), 6);
    }

    #[test]
    fn session_blocked_by_two_appears_under_both() {
        let f = blocking_forest(&[s(1, &[]), s(2, &[]), s(3, &[1, 2])]);
        assert_eq!(f.iter().filter(|n| n.session_id == 3).count(), 2);
    }

    #[test]
    fn cycle_terminates_and_is_shown() {
        let f = blocking_forest(&[s(1, &[2]), s(2, &[1])]);
        assert_eq!(shape(&f)[0].0, 1);
        assert_eq!(f.len(), 2);
    }
}
