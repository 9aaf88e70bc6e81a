//! Sessions, their requests and waits as the shared `Session` (spec §2.2 state and wait
//! mapping), one per session however many rows the read gave for it (MARS requests, the
//! waiting tasks of a parallel request, a task waiting on several lock owners), as
//! sp_WhoIsActive shows one row per session.

use super::super::rows::TextRow;
use super::waits::category_of;
use crate::model::{Session, SessionState, Wait, WaitCategory};

/// Where a running statement's cached plan is: `plan_handle` and the statement's offsets
/// in its batch (what `sys.dm_exec_text_query_plan` takes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanRef {
    pub handle: String,
    pub start: i64,
    pub end: i64,
}

/// One session as read, with what the plan reader needs.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRead {
    pub session: Session,
    pub plan: Option<PlanRef>,
}

/// One wait seen on a row: the request's own, or one of its tasks'.
#[derive(Debug, Clone)]
struct SeenWait {
    wait_type: String,
    ms: Option<u64>,
    resource: String,
    blocker: Option<i64>,
}

impl SeenWait {
    /// Lock waits say most (they have a culprit), then any other non-exchange wait, then
    /// the exchange waits of a parallel coordinator; the longest first within a rank.
    fn rank(&self) -> (u8, std::cmp::Reverse<u64>) {
        let w = self.wait_type.to_ascii_uppercase();
        let rank = if w.starts_with("LCK_") {
            0
        } else if w.starts_with("CX") {
            2
        } else {
            1
        };
        (rank, std::cmp::Reverse(self.ms.unwrap_or(0)))
    }
}

/// The rows of one read as sessions, in the order they first appear.
pub fn parse(rows: &[TextRow]) -> Vec<SessionRead> {
    let mut order: Vec<i64> = Vec::new();
    let mut groups: std::collections::HashMap<i64, Vec<&TextRow>> = std::collections::HashMap::new();
    for row in rows {
        let Some(id) = row.int("session_id") else { continue };
        let group = groups.entry(id).or_default();
        if group.is_empty() {
            order.push(id);
        }
        group.push(row);
    }
    order.into_iter().filter_map(|id| session(id, groups.get(&id)?)).collect()
}

/// Merges the rows of one session. The oldest request is the one shown (MARS sessions
/// have several); waits and blockers come from every row.
fn session(id: i64, rows: &[&TextRow]) -> Option<SessionRead> {
    let first = *rows.first()?;
    let main = rows
        .iter()
        .copied()
        .filter(|r| r.get("request_id").is_some())
        .max_by_key(|r| r.uint("request_ms").unwrap_or(0))
        .unwrap_or(first);
    let has_request = main.get("request_id").is_some();
    let mut waits: Vec<SeenWait> = Vec::new();
    let mut requests_seen: Vec<Option<&str>> = Vec::new();
    for r in rows {
        // A request's own wait repeats on each of its task rows: counted once.
        let request = r.get("request_id");
        let first_of_request = !requests_seen.contains(&request);
        if first_of_request {
            requests_seen.push(request);
        }
        let columns: &[_] = if first_of_request {
            &[
                ("wait_type", "wait_ms", "wait_resource", "blocking_session_id"),
                ("task_wait_type", "task_wait_ms", "task_resource", "task_blocking_session_id"),
            ]
        } else {
            &[("task_wait_type", "task_wait_ms", "task_resource", "task_blocking_session_id")]
        };
        for &(kind, ms, resource, blocker) in columns {
            if let Some(wait_type) = r.get(kind).map(str::trim).filter(|w| !w.is_empty()) {
                waits.push(SeenWait {
                    wait_type: wait_type.to_owned(),
                    ms: r.uint(ms),
                    resource: r.text(resource),
                    blocker: r.int(blocker).filter(|b| *b != 0 && *b != id),
                });
            } else if let Some(b) = r.int(blocker).filter(|b| *b != 0 && *b != id) {
                // A blocker with no wait type (a request between two waits): still a blocker.
                waits.push(SeenWait {
                    wait_type: String::new(),
                    ms: None,
                    resource: String::new(),
                    blocker: Some(b),
                });
            }
        }
    }
    let mut blocked_by: Vec<i64> = Vec::new();
    let mut unidentified: Vec<String> = Vec::new();
    for b in waits.iter().filter_map(|w| w.blocker) {
        if b > 0 && !blocked_by.contains(&b) {
            blocked_by.push(b);
        } else if b < 0 && !unidentified.contains(&special_blocker(b)) {
            unidentified.push(special_blocker(b));
        }
    }
    let shown = waits.iter().filter(|w| !w.wait_type.is_empty()).min_by_key(|w| w.rank()).cloned();
    let wait = shown
        .as_ref()
        .filter(|_| has_request)
        .map(|w| Wait { category: category_of(&w.wait_type), event: w.wait_type.clone() });

    let session_status = main.text("session_status").trim().to_ascii_lowercase();
    let request_status = main.get("request_status").map(|s| s.trim().to_ascii_lowercase());
    let open_transactions = main.uint("open_transactions").unwrap_or(0);
    let state = state_of(&session_status, request_status.as_deref(), wait.as_ref(), open_transactions);
    let request_ms = main.uint("request_ms");
    let (query_ms, state_ms) = if has_request {
        (request_ms, shown.as_ref().and_then(|w| w.ms).filter(|_| wait.is_some()).or(request_ms))
    } else {
        (main.uint("last_request_start_ms"), main.uint("last_request_end_ms"))
    };

    let mut extra = Vec::new();
    let mut add = |label: &str, value: String| {
        if !value.is_empty() {
            extra.push((label.to_owned(), value));
        }
    };
    add("command", main.text("command").trim().to_owned());
    if let Some(w) = shown.as_ref().filter(|_| has_request) {
        add("wait resource", w.resource.trim().to_owned());
    }
    // What a parallel request's tasks wait on; a serial request's task rows repeat its own wait.
    let parallel = main.uint("dop").is_some_and(|dop| dop > 1);
    if parallel && waits.iter().filter(|w| !w.wait_type.is_empty()).count() > 1 {
        add("waiting tasks", tally(&waits));
    }
    add("blocked by", unidentified.join(", "));
    add("cpu ms", main.text("cpu_ms"));
    add("logical reads", main.text("logical_reads"));
    add("physical reads", main.text("physical_reads"));
    add("writes", main.text("writes"));
    add(
        "open transactions",
        if open_transactions > 0 { open_transactions.to_string() } else { String::new() },
    );
    add("host", main.text("host_name").trim().to_owned());
    add("query hash", main.text("query_hash"));
    if let Some(dop) = main.uint("dop").filter(|d| *d > 1) {
        add("parallelism", format!("DOP {dop}"));
    }
    let requests = requests_seen.iter().flatten().count();
    if requests > 1 {
        add("requests", format!("{requests} (MARS)"));
    }

    let plan = main.get("plan_handle").filter(|h| !h.is_empty()).map(|handle| PlanRef {
        handle: handle.to_owned(),
        start: main.int("statement_start_offset").unwrap_or(0),
        end: main.int("statement_end_offset").unwrap_or(-1),
    });
    Some(SessionRead {
        session: Session {
            id,
            user: main.text("login_name").trim().to_owned(),
            database: main.text("database_name"),
            application: main.text("program_name").trim().to_owned(),
            client: client_of(&main.text("client_address")),
            state,
            native_state: request_status.unwrap_or(session_status),
            wait,
            query: main.text("sql_text").trim().to_owned(),
            query_ms,
            xact_ms: main.uint("transaction_ms"),
            backend_ms: main.uint("login_ms"),
            state_ms,
            blocked_by,
            extra,
        },
        plan,
    })
}

/// The spec's state mapping. A request that waits for a lock (its own wait or one of its
/// parallel tasks') waits for a lock whatever its status; running, runnable and other
/// suspended requests are active. Without a request: sleeping with an open transaction is
/// idle in transaction, sleeping or dormant (a pooled connection reset) is idle.
pub fn state_of(
    session_status: &str,
    request_status: Option<&str>,
    wait: Option<&Wait>,
    open: u64,
) -> SessionState {
    match request_status {
        Some(_) if wait.is_some_and(|w| w.category == WaitCategory::Locks) => SessionState::WaitingForLock,
        Some("running" | "runnable" | "suspended") => SessionState::Active,
        Some(_) => SessionState::Other,
        None => match session_status {
            "sleeping" if open > 0 => SessionState::IdleInTransaction,
            "sleeping" | "dormant" => SessionState::Idle,
            "running" => SessionState::Active,
            _ => SessionState::Other,
        },
    }
}

/// `blocking_session_id` values below zero are not sessions (sys.dm_exec_requests).
pub fn special_blocker(code: i64) -> String {
    let what = match code {
        -2 => "orphaned distributed transaction",
        -3 => "deferred recovery transaction",
        -4 => "latch owner unknown (latch state transition)",
        -5 => "latch owner not tracked for this latch type",
        _ => "unidentified blocker",
    };
    format!("{what} ({code})")
}

/// `LCK_M_S ×2, PAGEIOLATCH_SH ×1`: what the tasks of a parallel request wait on.
fn tally(waits: &[SeenWait]) -> String {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for w in waits.iter().filter(|w| !w.wait_type.is_empty()) {
        match counts.iter_mut().find(|(t, _)| *t == w.wait_type) {
            Some((_, n)) => *n += 1,
            None => counts.push((&w.wait_type, 1)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.iter().map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(", ")
}

/// Shared-memory connections say `<local machine>`: a local connection has no address.
fn client_of(address: &str) -> String {
    let address = address.trim();
    if address.starts_with('<') { String::new() } else { address.to_owned() }
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
