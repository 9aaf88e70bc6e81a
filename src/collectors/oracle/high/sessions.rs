//! `v$session` rows (joined to their process and transaction) as the shared `Session`:
//! the state and wait-category mapping of spec §2.5, the blocker from BLOCKING_SESSION
//! (the blocking tree is built from it), and the ages the server computed.
//!
//! State: INACTIVE is idle (idle in transaction when TADDR names an open transaction);
//! ACTIVE is active, or waiting for a lock when its current wait is in the Application or
//! Concurrency class (row locks, `enq: TX`, `enq: TM`, library cache and buffer busy
//! waits); KILLED, SNIPED and CACHED sessions are other. A wait is shown only while the
//! session waits now (STATE = 'WAITING'): an ACTIVE session in any other state is on CPU.

use super::super::present::SERIAL;
use crate::collectors::text_rows::TextRow;
use crate::model::{Session, SessionState, Wait, WaitCategory};
use crate::ui::format;

/// Extra entries of a session (the detail view shows them in this order).
pub mod extra {
    pub const SQL_ID: &str = "sql_id";
    pub const PREVIOUS_SQL_ID: &str = "previous sql_id";
    pub const EVENT: &str = "event";
    pub const WAITED: &str = "in wait";
    pub const ON_CPU: &str = "on CPU since last wait";
    pub const FINAL_BLOCKER: &str = "final blocker";
    pub const BLOCKER: &str = "blocker";
    pub const OBJECT: &str = "waits on object";
    pub const SPID: &str = "spid";
    pub const PGA: &str = "pga used / allocated";
    pub const MODULE: &str = "module";
    pub const ACTION: &str = "action";
    pub const OS_USER: &str = "os user";
    pub const SQL_RUNNING: &str = "sql running";
    pub const UNDO_BLOCKS: &str = "undo blocks";
}

/// Where the plan of a long-running call is: its cursor (SQL_ID and child) and the plan
/// hash it runs with. Plans are kept per SQL_ID and plan hash (`key`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PlanRef {
    pub sql_id: String,
    pub plan_hash: u64,
    pub child: i64,
}

impl PlanRef {
    pub fn key(&self) -> (String, u64) {
        (self.sql_id.clone(), self.plan_hash)
    }
}

/// One session as read, with what the round looks up afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRead {
    pub session: Session,
    /// The statement whose text is shown: the current one, else the previous one.
    pub text_id: Option<String>,
    /// Only for calls running long enough to deserve a plan (the statement gives a plan
    /// hash only then).
    pub plan: Option<PlanRef>,
    /// ROW_WAIT_OBJ# of a blocked session (the table it waits on).
    pub wait_object: Option<i64>,
}

/// The spec's wait-class mapping; the event name itself is kept beside it.
pub fn category_of(wait_class: &str) -> WaitCategory {
    match wait_class.trim() {
        "Application" | "Concurrency" => WaitCategory::Locks,
        "Configuration" => WaitCategory::LwLocks,
        "User I/O" | "System I/O" => WaitCategory::Io,
        "Network" => WaitCategory::Client,
        // Idle ('SQL*Net message from client'), Commit, Cluster, Scheduler, Other…
        _ => WaitCategory::Other,
    }
}

/// The spec's state mapping (see the module comment).
pub fn state_of(status: &str, wait: Option<&Wait>, in_transaction: bool) -> SessionState {
    match status {
        "ACTIVE" if wait.is_some_and(|w| w.category == WaitCategory::Locks) => SessionState::WaitingForLock,
        "ACTIVE" => SessionState::Active,
        "INACTIVE" if in_transaction => SessionState::IdleInTransaction,
        "INACTIVE" => SessionState::Idle,
        _ => SessionState::Other,
    }
}

/// Seconds computed by the server as milliseconds; a slightly negative age (the view
/// moved on while the statement ran) is zero.
fn seconds_ms(row: &TextRow, column: &str) -> Option<u64> {
    row.float(column).map(|s| (s.max(0.0) * 1000.0).round() as u64)
}

fn micros_ms(row: &TextRow, column: &str) -> Option<u64> {
    row.float(column).map(|us| (us.max(0.0) / 1000.0).round() as u64)
}

/// The rows of one read, in the statement's order (active sessions first). A holder that
/// is not in the read (a background process, or a session past the row cap) is named in
/// the detail rather than made a root of the blocking tree with no session behind it.
pub fn parse(rows: &[TextRow]) -> Vec<SessionRead> {
    let mut reads: Vec<SessionRead> = rows.iter().filter_map(session).collect();
    let sids: std::collections::HashSet<i64> = reads.iter().map(|r| r.session.id).collect();
    for read in &mut reads {
        let s = &mut read.session;
        let (present, absent): (Vec<i64>, Vec<i64>) = s.blocked_by.iter().partition(|b| sids.contains(b));
        for sid in absent {
            s.extra.push((extra::BLOCKER.to_owned(), format!("waits for SID {sid} (not in this read)")));
        }
        if present.is_empty() {
            read.wait_object = None;
        }
        s.blocked_by = present;
    }
    reads
}

fn session(row: &TextRow) -> Option<SessionRead> {
    let id = row.int("sid")?;
    let status = row.text("status").trim().to_ascii_uppercase();
    let waiting = row.get("wait_state").is_some_and(|s| s.trim().eq_ignore_ascii_case("WAITING"));
    let event = row.text("event").trim().to_owned();
    let wait_class = row.text("wait_class").trim().to_owned();
    let wait = (waiting && !event.is_empty())
        .then(|| Wait { category: category_of(&wait_class), event: event.clone() });
    let xact_ms = seconds_ms(row, "xact_s");
    let state = state_of(&status, wait.as_ref(), xact_ms.is_some());
    let last_call_ms = seconds_ms(row, "last_call_et");
    let active = status == "ACTIVE";
    let state_ms = match (active, waiting) {
        (true, true) => micros_ms(row, "wait_time_micro"),
        (true, false) => micros_ms(row, "time_since_last_wait_micro"),
        (false, _) => last_call_ms,
    };
    // BLOCKING_SESSION also names LGWR for 'log file sync', and DBWR, LGWR or CKPT for the
    // Configuration waits ('free buffer waits', 'log file switch…'): a blocker only for
    // lock waits (enqueues, library cache and mutex waits: Application and Concurrency),
    // otherwise shown in the detail as what the session waits for.
    // GLOBAL: the holder is a session of another RAC instance, whose SID may be a
    // different session here: named in the detail, kept out of the tree.
    let global = row.text("blocking_session_status").trim() == "GLOBAL";
    let holder = row.int("blocking_session").filter(|b| *b > 0 && *b != id && !global);
    let lock_like =
        wait.as_ref().is_some_and(|w| w.category == WaitCategory::Locks || w.event.starts_with("enq:"));
    let blocker = holder.filter(|_| lock_like);
    let final_blocker = row.int("final_blocking_session").filter(|b| *b > 0 && *b != id);
    let sql_id = row.get("sql_id").map(str::trim).filter(|s| !s.is_empty());
    let previous_sql_id = row.get("prev_sql_id").map(str::trim).filter(|s| !s.is_empty());

    let mut extra: Vec<(String, String)> = Vec::new();
    let mut add = |label: &str, value: String| {
        if !value.trim().is_empty() {
            extra.push((label.to_owned(), value));
        }
    };
    add(SERIAL, row.text("serial_no"));
    match sql_id {
        Some(sql_id) => add(
            extra::SQL_ID,
            match row.int("sql_child_number") {
                Some(child) => format!("{sql_id} (child {child})"),
                None => sql_id.to_owned(),
            },
        ),
        None => add(extra::PREVIOUS_SQL_ID, previous_sql_id.unwrap_or_default().to_owned()),
    }
    if !event.is_empty() {
        let class = if wait_class.is_empty() { String::new() } else { format!(" ({wait_class})") };
        let when = if waiting { "" } else { "last: " };
        add(extra::EVENT, format!("{when}{event}{class}"));
    }
    if active {
        match (waiting, state_ms) {
            (true, Some(ms)) => add(extra::WAITED, format::duration_ms(ms)),
            (false, Some(ms)) => add(extra::ON_CPU, format::duration_ms(ms)),
            _ => {}
        }
    }
    if final_blocker.is_some() && final_blocker != blocker {
        add(extra::FINAL_BLOCKER, final_blocker.map(|b| b.to_string()).unwrap_or_default());
    }
    if waiting && global {
        add(extra::BLOCKER, format!("SID {} of another instance", row.text("blocking_session")));
    } else if let (Some(h), None) = (holder, blocker) {
        add(extra::BLOCKER, format!("waits for SID {h}"));
    }
    add(extra::SPID, row.text("spid").trim().to_owned());
    if let (Some(used), Some(alloc)) = (row.uint("pga_used_mem"), row.uint("pga_alloc_mem")) {
        add(extra::PGA, format!("{} / {}", format::bytes(used), format::bytes(alloc)));
    }
    add(extra::MODULE, row.text("module").trim().to_owned());
    add(extra::ACTION, row.text("action").trim().to_owned());
    add(extra::OS_USER, row.text("osuser").trim().to_owned());
    // The current statement inside a longer call (a PL/SQL block runs many).
    if let (true, Some(sql_ms)) = (active && sql_id.is_some(), seconds_ms(row, "sql_exec_s"))
        && last_call_ms.is_some_and(|call| call != sql_ms)
    {
        add(extra::SQL_RUNNING, format::duration_ms(sql_ms));
    }
    if xact_ms.is_some() {
        add(extra::UNDO_BLOCKS, row.text("used_ublk"));
    }

    let plan = match (sql_id, row.uint("plan_hash").filter(|h| *h > 0), row.int("sql_child_number")) {
        (Some(sql_id), Some(plan_hash), Some(child)) if active => {
            Some(PlanRef { sql_id: sql_id.to_owned(), plan_hash, child })
        }
        _ => None,
    };
    Some(SessionRead {
        session: Session {
            id,
            user: row.text("username").trim().to_owned(),
            database: row.text("service_name").trim().to_owned(),
            application: row.text("program").trim().to_owned(),
            client: row.text("machine").trim().to_owned(),
            state,
            native_state: native_state(&status, active && waiting),
            wait,
            query: String::new(),
            query_ms: if active { last_call_ms } else { None },
            xact_ms,
            backend_ms: seconds_ms(row, "logon_s"),
            state_ms,
            blocked_by: blocker.into_iter().collect(),
            extra,
        },
        text_id: sql_id.or(previous_sql_id).map(str::to_owned),
        plan,
        wait_object: row.int("row_wait_obj").filter(|o| *o > 0 && blocker.is_some()),
    })
}

/// `active on CPU`, `active waiting`, `inactive`, `killed`…
fn native_state(status: &str, waiting: bool) -> String {
    let status = status.to_ascii_lowercase();
    match status.as_str() {
        "active" if waiting => "active waiting".to_owned(),
        "active" => "active on CPU".to_owned(),
        _ => status,
    }
}

#[cfg(test)]
#[path = "sessions_tests.rs"]
mod tests;
