//! Threads as sessions: the processlist row, its InnoDB transaction and what it waits
//! for, mapped onto the shared states and wait categories (docs/mysql.md).

use super::rows::TextRow;
use crate::model::{Session, SessionState, Wait, WaitCategory};
use std::collections::HashMap;

/// A processlist row as a session; `blocked_by` is filled in later from the lock reads.
pub fn session(row: &TextRow, programs: &HashMap<i64, String>) -> Option<Session> {
    let id = row.int("id")?;
    let command = row.text("command");
    let thread_state = row.text("state");
    let trx_state = row.text("trx_state");
    let in_trx = row.get("trx_ms").is_some();
    let state = state_of(&command, &thread_state, &trx_state, in_trx);
    let wait = wait_of(&command, &thread_state, &trx_state);
    let time_ms = row.uint("time_ms");
    let mut extra = Vec::new();
    for (label, column) in [("rows locked", "trx_rows_locked"), ("rows modified", "trx_rows_modified")] {
        if let Some(v) = row.get(column) {
            extra.push((label.to_owned(), v.to_owned()));
        }
    }
    if !thread_state.is_empty() {
        extra.push(("thread state".to_owned(), thread_state.clone()));
    }
    let native_state = match (command.as_str(), thread_state.is_empty()) {
        (_, true) => command.clone(),
        (_, false) => format!("{command}: {thread_state}"),
    };
    Some(Session {
        id,
        user: row.text("user"),
        database: row.text("db"),
        application: programs.get(&id).cloned().unwrap_or_default(),
        client: client_of(&row.text("host")),
        state,
        native_state,
        wait,
        query: row.text("info"),
        // An idle thread's TIME is how long it has slept, not a query's age.
        query_ms: if state == SessionState::Idle || state == SessionState::IdleInTransaction {
            None
        } else {
            time_ms
        },
        xact_ms: row.uint("trx_ms"),
        backend_ms: None,
        state_ms: time_ms,
        blocked_by: Vec::new(),
        extra,
    })
}

/// `COMMAND` and `STATE` as the shared state: Sleep is idle (in a transaction when InnoDB
/// has one open for it), Query/Execute are active unless they wait for a lock.
pub fn state_of(command: &str, thread_state: &str, trx_state: &str, in_trx: bool) -> SessionState {
    match command {
        "Sleep" if in_trx => SessionState::IdleInTransaction,
        "Sleep" => SessionState::Idle,
        "Query" | "Execute" => {
            if trx_state.eq_ignore_ascii_case("LOCK WAIT") || is_lock_wait(thread_state) {
                SessionState::WaitingForLock
            } else {
                SessionState::Active
            }
        }
        _ => SessionState::Other,
    }
}

/// "Waiting for table metadata lock", "Waiting for global read lock", "Waiting for
/// table level lock", "Locked"…
fn is_lock_wait(thread_state: &str) -> bool {
    let s = thread_state.to_ascii_lowercase();
    (s.starts_with("waiting for") && s.contains("lock")) || s == "locked"
}

/// The wait, from the InnoDB transaction state and the thread state words. A running
/// statement that waits for nothing has none.
pub fn wait_of(command: &str, thread_state: &str, trx_state: &str) -> Option<Wait> {
    if !matches!(command, "Query" | "Execute") {
        return None;
    }
    if trx_state.eq_ignore_ascii_case("LOCK WAIT") {
        return Some(Wait { category: WaitCategory::Locks, event: "Lock:row".to_owned() });
    }
    let s = thread_state.to_ascii_lowercase();
    let (category, event) = if is_lock_wait(thread_state) {
        let what = s.trim_start_matches("waiting for ").trim_end_matches(" lock");
        (WaitCategory::Locks, format!("Lock:{}", what.replace(' ', "_")))
    } else if s.contains("sending to client")
        || s.contains("writing to net")
        || s.contains("reading from net")
    {
        (WaitCategory::Client, thread_state.to_owned())
    } else if s.contains("disk")
        || s.contains("tmp table")
        || s.contains("flush")
        || s.contains("reading file")
    {
        (WaitCategory::Io, thread_state.to_owned())
    } else if s.contains("commit lock") || s.contains("mutex") || s.contains("cond") {
        (WaitCategory::LwLocks, thread_state.to_owned())
    } else if s == "user sleep" || s.starts_with("waiting") {
        (WaitCategory::Other, thread_state.to_owned())
    } else {
        return None;
    };
    Some(Wait { category, event })
}

/// `10.0.0.7:53412` → `10.0.0.7`; `localhost` (the socket) → empty.
fn client_of(host: &str) -> String {
    if host == "localhost" || host.is_empty() {
        return String::new();
    }
    match host.rsplit_once(':') {
        Some((addr, port)) if port.chars().all(|c| c.is_ascii_digit()) => {
            addr.trim_matches(['[', ']']).to_owned()
        }
        _ => host.to_owned(),
    }
}

/// Adds the edges to the sessions they name (several blockers are kept: a row can be
/// held by one and a metadata lock by another).
pub fn apply_edges(sessions: &mut [Session], edges: &[(i64, i64)]) {
    let index: HashMap<i64, usize> = sessions.iter().enumerate().map(|(i, s)| (s.id, i)).collect();
    for (waiting, blocking) in edges {
        if let Some(&i) = index.get(waiting)
            && !sessions[i].blocked_by.contains(blocking)
        {
            sessions[i].blocked_by.push(*blocking);
            // A waiter the processlist showed as running does wait for a lock.
            if sessions[i].state == SessionState::Active {
                sessions[i].state = SessionState::WaitingForLock;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::rows::from_batch;

    const THREADS: &str = "\
id\tuser\thost\tdb\tcommand\ttime_ms\tstate\tinfo\ttrx_ms\ttrx_state\ttrx_rows_locked\ttrx_rows_modified\ttrx_wait_ms
10\tapp\t10.1.2.3:50000\tshop\tSleep\t95000.5\t\tNULL\t120000\tRUNNING\t1\t0\tNULL
11\tdeploy\tlocalhost\tshop\tQuery\t30000\tWaiting for table metadata lock\tALTER TABLE orders ADD c INT\tNULL\tNULL\tNULL\tNULL\tNULL
12\tapp\t[::1]:4000\tshop\tQuery\t1200\tupdating\tUPDATE stock SET n = n - 1 WHERE id = 1\t1200\tLOCK WAIT\t1\t0\t1100
13\tapp\t10.1.2.3:50001\tNULL\tSleep\t3\t\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL
14\tevent_scheduler\tlocalhost\tNULL\tDaemon\t500\tWaiting on empty queue\tNULL\tNULL\tNULL\tNULL\tNULL\tNULL
";

    fn sessions() -> Vec<Session> {
        let programs = HashMap::from([(10, "orders-api".to_owned())]);
        from_batch(THREADS).iter().filter_map(|r| session(r, &programs)).collect()
    }

    #[test]
    fn states_waits_and_ages() {
        let s = sessions();
        assert_eq!(s.len(), 5);
        assert_eq!(s[0].state, SessionState::IdleInTransaction);
        assert_eq!((s[0].xact_ms, s[0].query_ms, s[0].state_ms), (Some(120_000), None, Some(95_000)));
        assert_eq!((s[0].client.as_str(), s[0].application.as_str()), ("10.1.2.3", "orders-api"));
        assert_eq!(s[1].state, SessionState::WaitingForLock);
        assert_eq!(s[1].wait.as_ref().map(Wait::label).as_deref(), Some("Lock:table_metadata"));
        assert_eq!(s[1].client, "", "the socket is local");
        assert_eq!(s[2].state, SessionState::WaitingForLock);
        assert_eq!(s[2].wait.as_ref().map(|w| w.event.as_str()), Some("Lock:row"));
        assert_eq!(s[2].client, "::1");
        assert_eq!(s[3].state, SessionState::Idle);
        assert_eq!(s[4].state, SessionState::Other);
        assert_eq!(s[4].wait, None, "daemons wait for work, not for the DBA");
    }

    #[test]
    fn edges_make_waiters_and_keep_several_blockers() {
        let mut s = sessions();
        apply_edges(&mut s, &[(11, 10), (12, 10), (12, 13), (12, 10), (99, 10)]);
        assert_eq!(s[1].blocked_by, vec![10]);
        assert_eq!(s[2].blocked_by, vec![10, 13]);
        let forest = crate::model::blocking_forest(&s);
        assert_eq!(forest.first().map(|n| n.session_id), Some(10));
    }
}
