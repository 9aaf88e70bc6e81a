//! Replica set state from `replSetGetStatus`: every member with its state, health,
//! optime, sync source, ping and election, and how far each secondary is behind the
//! primary (primary's `optimeDate` − the secondary's, what `rs.printSecondaryReplicationInfo()`
//! prints).
//!
//! A lag is only told when both optimes are known: without a visible primary (an
//! election, a partition) or for a member whose optime is unknown (unreachable members
//! report the epoch), the lag is unknown, never 0. Healthy means reachable (`health` 1)
//! and in a steady state (PRIMARY, SECONDARY, ARBITER); RECOVERING, STARTUP2, ROLLBACK,
//! DOWN and the rest are not.
//!
//! Elections: every election starts a new term, so the term's growth over the interval
//! is the elections per minute (in the same reply on 4.0+, no `serverStatus` needed).
//!
//! A standalone server answers `NoReplicationEnabled` (76): not a problem, no body.

use crate::collectors::mongodb::Refusal;
use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::{Metric, Replica, Replication, ServerRole, Timestamp, WalReceiver, metric};
use mongodb::bson::{DateTime, Document, doc};

pub const NO_REPLICATION_ENABLED: i32 = 76;

pub fn status_command() -> Document {
    doc! { "replSetGetStatus": 1 }
}

/// The refusal of a server that is not a replica set member (a standalone).
pub fn not_a_replica_set(refusal: &Refusal) -> bool {
    refusal.code == NO_REPLICATION_ENABLED || refusal.message.contains("not running with --replSet")
}

const PRIMARY: i64 = 1;
const SECONDARY: i64 = 2;
pub const ARBITER: i64 = 7;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Member {
    pub name: String,
    pub state: i64,
    pub state_str: String,
    /// `health`: 1 reachable, 0 not; absent on some versions for the member itself.
    pub reachable: Option<bool>,
    /// The last applied operation's time, Unix ms; None when unknown.
    pub optime_ms: Option<i64>,
    pub is_self: bool,
    pub sync_source: String,
    pub ping_ms: Option<f64>,
    pub elected_ms: Option<i64>,
    pub heartbeat_message: String,
    pub heartbeat_received_ms: Option<i64>,
}

impl Member {
    pub fn healthy(&self) -> bool {
        self.reachable != Some(false) && matches!(self.state, PRIMARY | SECONDARY | ARBITER)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetStatus {
    pub set: String,
    pub my_state: i64,
    pub term: Option<i64>,
    /// The server's clock when it answered, Unix ms.
    pub date_ms: Option<i64>,
    pub members: Vec<Member>,
}

/// Optimes at the epoch (or before) are what unreachable members report: unknown.
fn known_time(ms: Option<i64>) -> Option<i64> {
    ms.filter(|t| *t > 0)
}

pub fn parse(reply: &Document) -> SetStatus {
    let members = doc::docs(reply, "members")
        .into_iter()
        .map(|m| Member {
            name: doc::text(m, "name"),
            state: doc::int(m, "state").unwrap_or(-1),
            state_str: doc::text(m, "stateStr"),
            reachable: doc::flag(m, "health"),
            optime_ms: known_time(doc::millis(m, "optimeDate").or_else(|| doc::millis(m, "optime.ts"))),
            is_self: doc::flag(m, "self").unwrap_or(false),
            sync_source: Some(doc::text(m, "syncSourceHost"))
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| doc::text(m, "syncingTo")),
            ping_ms: doc::num(m, "pingMs"),
            elected_ms: known_time(doc::millis(m, "electionDate")),
            heartbeat_message: doc::text(m, "lastHeartbeatMessage"),
            heartbeat_received_ms: known_time(doc::millis(m, "lastHeartbeatRecv")),
        })
        .collect();
    SetStatus {
        set: doc::text(reply, "set"),
        my_state: doc::int(reply, "myState").unwrap_or(-1),
        term: doc::int(reply, "term"),
        date_ms: known_time(doc::millis(reply, "date")),
        members,
    }
}

impl SetStatus {
    fn primary_optime(&self) -> Option<i64> {
        self.members.iter().filter(|m| m.state == PRIMARY).filter_map(|m| m.optime_ms).max()
    }

    /// Seconds a secondary is behind the primary; None for other members and when unknown.
    pub fn lag_s(&self, member: &Member) -> Option<f64> {
        if member.state != SECONDARY {
            return None;
        }
        let (primary, own) = (self.primary_optime()?, member.optime_ms?);
        Some((primary - own).max(0) as f64 / 1000.0)
    }

    fn me(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.is_self)
    }
}

fn cut(text: &str, chars: usize) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(chars) {
        Some((at, _)) => format!("{}…", &one_line[..at]),
        None => one_line,
    }
}

fn iso(ms: i64) -> String {
    DateTime::from_millis(ms).try_to_rfc3339_string().unwrap_or_default()
}

fn replica(status: &SetStatus, m: &Member) -> Replica {
    let mut state = if m.state_str.is_empty() { format!("state {}", m.state) } else { m.state_str.clone() };
    if !m.healthy() && !m.heartbeat_message.is_empty() {
        state.push_str(&format!(": {}", cut(&m.heartbeat_message, 80)));
    }
    let mut notes = Vec::new();
    if m.is_self {
        notes.push("self".to_owned());
    }
    if let Some(ping) = m.ping_ms {
        notes.push(format!("ping {ping:.0} ms"));
    }
    if let (PRIMARY, Some(at)) = (m.state, m.elected_ms) {
        notes.push(format!("elected {}", iso(at)));
    }
    Replica {
        name: m.name.clone(),
        client: m.sync_source.clone(),
        state,
        sync_state: notes.join(", "),
        replay_lag_ms: status.lag_s(m).map(|s| s * 1000.0),
        ..Replica::default()
    }
}

/// A secondary's own view: whom it copies from, when it last heard from it, its lag.
fn receiver(status: &SetStatus) -> Option<WalReceiver> {
    let me = status.me().filter(|m| m.state == SECONDARY)?;
    let source = status.members.iter().find(|m| !me.sync_source.is_empty() && m.name == me.sync_source);
    let heard =
        source.and_then(|s| Some((status.date_ms? - s.heartbeat_received_ms?).max(0) as f64 / 1000.0));
    let status_text = if me.sync_source.is_empty() {
        format!("SECONDARY of {}, no sync source", status.set)
    } else {
        format!("SECONDARY of {}, syncing from {}", status.set, me.sync_source)
    };
    Some(WalReceiver {
        status: status_text,
        sender: me.sync_source.clone(),
        last_msg_age_s: heard,
        replay_delay_s: status.lag_s(me),
    })
}

/// The Replication body: every member as a replica row, and on a secondary its receiver.
pub fn replication(status: &SetStatus) -> Replication {
    Replication {
        role: if status.my_state == PRIMARY { ServerRole::Primary } else { ServerRole::Standby },
        replicas: status.members.iter().map(|m| replica(status, m)).collect(),
        slots: Vec::new(),
        receiver: receiver(status),
    }
}

/// Lag (worst and per secondary), health per member, unhealthy count, and on the
/// primary the secondaries it has.
pub fn metrics(status: &SetStatus) -> Vec<Metric> {
    let mut out = Vec::new();
    if status.members.is_empty() {
        return out;
    }
    let lags: Vec<(&Member, f64)> =
        status.members.iter().filter_map(|m| Some((m, status.lag_s(m)?))).collect();
    if let Some(worst) = lags.iter().map(|(_, lag)| *lag).reduce(f64::max) {
        out.push(Metric::new(metric::REPLICATION_LAG_S, worst));
    }
    for (m, lag) in &lags {
        out.push(Metric::keyed(mg::MEMBER_LAG_S, m.name.clone(), *lag));
    }
    for m in &status.members {
        out.push(Metric::keyed(mg::MEMBER_HEALTHY, m.name.clone(), f64::from(u8::from(m.healthy()))));
    }
    let unhealthy = status.members.iter().filter(|m| !m.healthy()).count();
    out.push(Metric::new(mg::MEMBERS_UNHEALTHY, unhealthy as f64));
    if status.my_state == PRIMARY {
        let secondaries = status.members.iter().filter(|m| m.state == SECONDARY && m.healthy()).count();
        out.push(Metric::new(metric::CONNECTED_REPLICAS, secondaries as f64));
    }
    out
}

/// The term at the previous read, to count elections.
#[derive(Debug, Default)]
pub struct Elections {
    previous: Option<(Timestamp, i64)>,
}

impl Elections {
    /// Elections per minute since the previous read; None on the first read, without a
    /// term, or when the term went back (another set, a restored member).
    pub fn per_min(&mut self, at: Timestamp, term: Option<i64>) -> Option<f64> {
        let Some(term) = term else {
            self.previous = None;
            return None;
        };
        let previous = self.previous.replace((at, term));
        let (before, old) = previous?;
        let minutes = at.since(before).as_secs_f64() / 60.0;
        (term >= old && minutes > 0.0).then(|| (term - old) as f64 / minutes)
    }
}

#[cfg(test)]
#[path = "replication_tests.rs"]
mod tests;
