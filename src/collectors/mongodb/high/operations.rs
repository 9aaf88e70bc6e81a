//! Current operations (the `$currentOp` documents our `$project` left) as sessions: the
//! operation id, who runs it, its shape as text, its state, what lock it waits for and,
//! where `locks.rs` can say so soundly, which operations hold it.

use super::locks::{self, OpLocks};
use super::shape::FilterShape;
use crate::collectors::mongodb::doc;
use crate::model::{Session, SessionState, Wait, WaitCategory};
use mongodb::bson::{Bson, Document};

/// An operation running this long counts as slow (and gets its shape explained).
pub const SLOW_AFTER_MS: u64 = 5_000;

/// One operation: the session shown, and what the round needs beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpRead {
    pub session: Session,
    pub locks: OpLocks,
    /// The command's name (`find`, `q` for an update statement…), for explain.
    pub command: String,
    pub filter: Option<FilterShape>,
}

impl OpRead {
    pub fn collection(&self) -> Option<&str> {
        let (_, collection) = self.locks.ns.split_once('.')?;
        (!collection.is_empty() && !collection.starts_with("$cmd")).then_some(collection)
    }
}

/// Every operation of one `$currentOp` read, with the blockers derived from their locks.
pub fn parse(documents: &[Document]) -> Vec<OpRead> {
    let mut reads: Vec<OpRead> = documents.iter().filter_map(operation).collect();
    let found = {
        let ops: Vec<(i64, &OpLocks)> = reads.iter().map(|r| (r.session.id, &r.locks)).collect();
        locks::blockers(&ops)
    };
    for (read, blockers) in reads.iter_mut().zip(found) {
        read.session.blocked_by = blockers;
    }
    reads
}

/// The id of an operation: a number on mongod; on mongos without `localOps` a string
/// `shard:opid`, mapped into the free high bits by the shard's name (kept in `extra`).
pub fn op_id(value: &Bson) -> Option<(i64, Option<String>)> {
    if let Some(n) = doc::number(value).filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15) {
        return Some((n as i64, None));
    }
    let Bson::String(text) = value else { return None };
    let (shard, number) = text.rsplit_once(':')?;
    let number: u32 = number.parse().ok()?;
    // FNV-1a of the shard name, 20 bits: ids stay positive and distinct per shard.
    let hash = shard
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    Some((((hash & 0xF_FFFF) as i64) << 32 | i64::from(number), Some(text.clone())))
}

fn operation(op: &Document) -> Option<OpRead> {
    let (id, id_text) = op_id(doc::get(op, "opid")?)?;
    let ns = doc::text(op, "ns");
    let locks = OpLocks {
        modes: doc::sub(op, "locks")
            .map(|l| l.iter().filter_map(|(r, m)| Some((r.clone(), m.as_str()?.to_owned()))).collect())
            .unwrap_or_default(),
        waiting: doc::flag(op, "waitingForLock").unwrap_or(false),
        ns: ns.clone(),
    };
    let kind = doc::text(op, "type");
    let active = doc::flag(op, "active").unwrap_or(false);
    let flow_control = doc::flag(op, "waitingForFlowControl").unwrap_or(false);
    let in_transaction = doc::flag(op, "inTransaction").unwrap_or(false);
    let client = first_text(op, &["client", "client_s"]);
    let background = client.is_empty() && doc::get(op, "connectionId").is_none() && kind != "idleSession";
    let command = doc::text(op, "cmd");
    let waits_for_events = is_awaiting(&command, op);
    let state = if background || (waits_for_events && active && !locks.waiting) {
        SessionState::Other
    } else if kind == "idleSession" || !active {
        if in_transaction { SessionState::IdleInTransaction } else { SessionState::Idle }
    } else if locks.waiting {
        SessionState::WaitingForLock
    } else {
        SessionState::Active
    };
    let filter = FilterShape::read(op);
    let running_ms = doc::num(op, "microsecs_running")
        .map(|us| (us / 1000.0) as u64)
        .or_else(|| doc::uint(op, "secs_running").map(|s| s * 1000));
    let mut extra = Vec::new();
    let mut push = |name: &str, value: String| {
        if !value.is_empty() {
            extra.push((name.to_owned(), value));
        }
    };
    push("opid", id_text.unwrap_or_default());
    push("type", kind.clone());
    push("op", doc::text(op, "op"));
    push("namespace", ns.clone());
    push("description", doc::text(op, "desc"));
    push("connection", doc::text(op, "connectionId"));
    push("planSummary", doc::text(op, "planSummary"));
    push("filter types", filter.as_ref().map(FilterShape::typed).unwrap_or_default());
    push("locks", locks.describe());
    let wait = if locks.waiting {
        let resource = match (locks.awaited(), locks.requested(), locks.awaited_other()) {
            (Some((resource, mode)), _, _) => format!("{} ({})", resource.label(), mode.name()),
            (None, Some((level, mode)), _) => {
                format!("{} ({}) its namespace does not name", level.name(), mode.name())
            }
            (None, None, Some(other)) => other,
            (None, None, None) => "an unnamed resource".to_owned(),
        };
        push("waiting for", format!("lock on {resource}"));
        let level = locks.requested().map_or("resource", |(l, _)| l.name());
        Some(Wait { category: WaitCategory::Locks, event: format!("Lock:{level}") })
    } else if flow_control {
        Some(Wait { category: WaitCategory::Other, event: "FlowControl".to_owned() })
    } else {
        None
    };
    if flow_control {
        push("flow control", "waiting for the majority to catch up (flow control)".to_owned());
    }
    if let Some(us) = doc::num(op, "lockWaitMicros").filter(|us| *us > 0.0) {
        push("time acquiring locks", format!("{:.1} ms", us / 1000.0));
    }
    if doc::flag(op, "killPending") == Some(true) {
        push("kill pending", "yes: killOp was sent, the operation has not stopped yet".to_owned());
    }
    let idle = matches!(state, SessionState::Idle | SessionState::IdleInTransaction);
    let query = if background {
        String::new()
    } else {
        text_of(&command, &doc::text(op, "op"), &ns, filter.as_ref())
    };
    Some(OpRead {
        session: Session {
            id,
            user: user_of(op),
            database: ns.split('.').next().unwrap_or_default().to_owned(),
            application: doc::text(op, "appName"),
            client: without_port(&client),
            state,
            native_state: match waits_for_events && state == SessionState::Other {
                true => format!(
                    "awaiting {}",
                    if command == "getMore" { "data (tailable cursor)" } else { "a topology change" }
                ),
                false => native_state(state, &kind, &doc::text(op, "desc"), flow_control),
            },
            wait,
            query,
            query_ms: if idle { None } else { running_ms },
            xact_ms: doc::num(op, "txnOpenMicros").map(|us| (us / 1000.0) as u64),
            backend_ms: None,
            state_ms: if idle {
                doc::num(op, "txnInactiveMicros").map(|us| (us / 1000.0) as u64)
            } else {
                running_ms
            },
            blocked_by: Vec::new(),
            extra,
        },
        locks,
        command,
        filter,
    })
}

/// Operations that wait for events by design, however long they run: drivers' awaitable
/// `hello` (server monitoring, up to `maxAwaitTimeMS`), and getMores of tailable
/// `awaitData` cursors (oplog readers, change streams).
fn is_awaiting(command: &str, op: &Document) -> bool {
    matches!(command, "hello" | "isMaster" | "ismaster")
        || (command == "getMore" && doc::flag(op, "awaitData") == Some(true))
}

fn first_text(op: &Document, paths: &[&str]) -> String {
    paths.iter().map(|p| doc::text(op, p)).find(|t| !t.is_empty()).unwrap_or_default()
}

fn user_of(op: &Document) -> String {
    match doc::get(op, "users") {
        Some(Bson::Array(users)) => users.iter().filter_map(Bson::as_str).collect::<Vec<_>>().join(","),
        _ => String::new(),
    }
}

/// `10.0.0.7:53412` → `10.0.0.7`; `[::1]:53412` → `::1`.
fn without_port(client: &str) -> String {
    match client.rsplit_once(':') {
        Some((addr, port)) if !port.is_empty() && port.chars().all(|c| c.is_ascii_digit()) => {
            addr.trim_matches(['[', ']']).to_owned()
        }
        _ => client.to_owned(),
    }
}

fn native_state(state: SessionState, kind: &str, desc: &str, flow_control: bool) -> String {
    match state {
        SessionState::Other => format!("background: {desc}"),
        SessionState::WaitingForLock => "active, waiting for lock".to_owned(),
        SessionState::Active if flow_control => "active, waiting for flow control".to_owned(),
        SessionState::Active => "active".to_owned(),
        SessionState::IdleInTransaction => format!("{kind}, transaction open"),
        SessionState::Idle => {
            if kind == "op" {
                "inactive".to_owned()
            } else {
                kind.to_owned()
            }
        }
    }
}

/// The operation's shape: `find orders {status, customerId}`, `update orders {_id}`,
/// `getMore orders`, `createIndexes (shop)`. Never a value.
pub fn text_of(command: &str, op: &str, ns: &str, filter: Option<&FilterShape>) -> String {
    let name = match command {
        // An update or delete statement is reported as `{q: …, u: …}`.
        "q" | "" => match op {
            "remove" => "delete",
            "none" | "" => return String::new(),
            other => other,
        },
        other => other,
    };
    let (db, collection) = ns.split_once('.').unwrap_or((ns, ""));
    let target = if collection.is_empty() || collection.starts_with("$cmd") {
        if db.is_empty() { String::new() } else { format!("({db})") }
    } else {
        collection.to_owned()
    };
    let mut text = name.to_owned();
    for part in [target, filter.map(FilterShape::names).unwrap_or_default()] {
        if !part.is_empty() {
            text.push(' ');
            text.push_str(&part);
        }
    }
    text
}

#[cfg(test)]
#[path = "operations_tests.rs"]
mod tests;
