//! Where Query Store records and where it does not, and how that is told.
//!
//! Statement statistics come from Query Store wherever at least one user database has it
//! recording (READ_WRITE); databases without it are then missing from the list. Where
//! none records, they come from the plan cache (`plan_cache.rs`), which works but
//! forgets a statement when its plan leaves the cache. Either way the user is told once
//! per connection and situation, as a problem line with the statement a DBA would run
//! (never run by Logstag): the target shows DEGRADED for that one round, not for as long
//! as Query Store stays off. What lasts is a posture fact per database
//! (`query_store.state`), the fact `statements.source` and the metric
//! `query_store_read_write` per database, which health checks and alert templates read.

use super::super::metric as ms;
use super::query_store::{Database, readonly_reason};
use crate::model::{Metric, PostureFact};
use std::collections::BTreeMap;

pub const STATE_FACT: &str = "query_store.state";
pub const SOURCE_FACT: &str = "statements.source";
/// `query_store.state` values besides Query Store's own `actual_state_desc`.
pub const OFF: &str = "OFF";
pub const NO_ACCESS: &str = "NO_ACCESS";
pub const REFUSED: &str = "REFUSED";

/// Query Store as last read, per user database that takes writes.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// `READ_WRITE`, `READ_ONLY`, `OFF`, `ERROR`, or `NO_ACCESS` / `REFUSED`.
    pub state: String,
    pub readonly_reason: i64,
}

impl State {
    pub fn of(state: &str, readonly_reason: i64) -> Self {
        Self { state: state.to_owned(), readonly_reason }
    }

    pub fn records(&self) -> bool {
        self.state == "READ_WRITE"
    }

    fn words(&self) -> String {
        match self.state.as_str() {
            "READ_ONLY" => format!("READ_ONLY ({})", readonly_reason(self.readonly_reason)),
            other => other.to_owned(),
        }
    }
}

/// Merges what `sys.databases` says (switch, access) with the states read this round and
/// before (`known`, databases read in earlier rounds when they are read in turns).
/// Read-only databases are left out: Query Store cannot record there, by design.
pub fn states(databases: &[Database], known: &BTreeMap<String, State>) -> BTreeMap<String, State> {
    databases
        .iter()
        .filter(|d| d.writable)
        .map(|d| {
            let state = match (d.query_store_on, d.has_access) {
                (false, _) => State::of(OFF, 0),
                (true, false) => State::of(NO_ACCESS, 0),
                (true, true) => known.get(&d.name).cloned().unwrap_or_else(|| State::of("READ_WRITE", 0)),
            };
            (d.name.clone(), state)
        })
        .collect()
}

pub fn recording(states: &BTreeMap<String, State>) -> bool {
    states.values().any(State::records)
}

/// At most this many names in one line.
const NAMES_SHOWN: usize = 10;

fn names<'a>(mut all: impl Iterator<Item = &'a String>) -> (Vec<&'a String>, usize) {
    let shown: Vec<&String> = all.by_ref().take(NAMES_SHOWN).collect();
    (shown, all.count())
}

fn listed(shown: &[&String], more: usize) -> String {
    let mut s = shown.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

fn bracketed(name: &str) -> String {
    super::built::bracketed(name).unwrap_or_else(|| name.to_owned())
}

/// What to tell, or None when every database records.
pub fn notice(states: &BTreeMap<String, State>, login: &str) -> Option<String> {
    let with = |pick: fn(&State) -> bool| names(states.iter().filter(|(_, s)| pick(s)).map(|(n, _)| n));
    let mut parts = Vec::new();
    let (off, more_off) = with(|s| s.state == OFF);
    if !off.is_empty() {
        let fixes: Vec<String> =
            off.iter().map(|n| format!("ALTER DATABASE {} SET QUERY_STORE = ON;", bracketed(n))).collect();
        parts.push(format!(
            "Query Store is off in {}: a DBA can run {}",
            listed(&off, more_off),
            fixes.join(" ")
        ));
    }
    let (read_only, more_ro) = with(|s| s.state == "READ_ONLY" || s.state == "ERROR");
    if !read_only.is_empty() {
        let why: Vec<String> = read_only
            .iter()
            .map(|n| format!("{} {}", n, states.get(*n).map(State::words).unwrap_or_default()))
            .collect();
        parts.push(format!(
            "Query Store does not record in {}{}: ALTER DATABASE … SET QUERY_STORE (OPERATION_MODE = READ_WRITE) \
             once the cause is fixed",
            why.join(", "),
            if more_ro > 0 { format!(" and {more_ro} more") } else { String::new() }
        ));
    }
    let (closed, more_closed) = with(|s| s.state == NO_ACCESS);
    if !closed.is_empty() {
        let user = if login.is_empty() { "<monitoring login>" } else { login };
        parts.push(format!(
            "this login cannot enter {} to read Query Store: GRANT CONNECT ANY DATABASE TO [{}]; \
             GRANT VIEW SERVER STATE TO [{}];",
            listed(&closed, more_closed),
            user.replace(']', "]]"),
            user.replace(']', "]]")
        ));
    }
    if parts.is_empty() {
        return None;
    }
    let lead = if recording(states) {
        "statement statistics come from Query Store; databases without it are not shown"
    } else {
        "statement statistics come from the plan cache (sys.dm_exec_query_stats): a statement is \
         forgotten when its plan leaves the cache"
    };
    Some(format!("{lead}. {} (Logstag never changes it)", parts.join("; ")))
}

/// `query_store_read_write` per database: 1 records, 0 not (unknown states are left out).
pub fn metrics(states: &BTreeMap<String, State>) -> Vec<Metric> {
    states
        .iter()
        .filter(|(_, s)| s.state != NO_ACCESS && s.state != REFUSED)
        .map(|(name, s)| {
            Metric::keyed(ms::QUERY_STORE_READ_WRITE, name.clone(), f64::from(u8::from(s.records())))
        })
        .collect()
}

pub fn facts(states: &BTreeMap<String, State>, notice: Option<&str>) -> Vec<PostureFact> {
    let mut facts: Vec<PostureFact> = states
        .iter()
        .map(|(name, s)| PostureFact { name: STATE_FACT.to_owned(), key: name.clone(), value: s.words() })
        .collect();
    let source = match (recording(states), notice) {
        (true, _) => "query_store".to_owned(),
        (false, Some(n)) => format!("plan_cache: {n}"),
        (false, None) => "plan_cache".to_owned(),
    };
    facts.push(PostureFact { name: SOURCE_FACT.to_owned(), key: String::new(), value: source });
    facts
}

#[cfg(test)]
#[path = "query_store_state_tests.rs"]
mod tests;
