//! Data Guard, from whichever side this target is.
//!
//! Standby (`v$database.DATABASE_ROLE` not PRIMARY): `v$dataguard_stats` 'transport lag'
//! and 'apply lag' (VALUE an interval string, empty while unknown: then no metric, never
//! a 0 that would read "in sync"); the age of the transport datum (TIME_COMPUTED less
//! DATUM_TIME, both the standby's clock) says how long ago the primary was last heard
//! from, since a lag stops moving when redo stops arriving. Apply state from
//! `v$dataguard_process` (12.2+; `v$managed_standby` where that is refused): the MRP
//! process and what it does (APPLYING_LOG, WAIT_FOR_LOG, WAIT_FOR_GAP), RFS processes
//! receiving redo. No MRP on a physical standby: redo apply is stopped.
//!
//! Primary: `v$archive_dest_status`, remote destinations only (not LOCAL, not
//! INACTIVE): each standby (or far sync) with its status, error text and gap status. In
//! error: STATUS ERROR / BAD PARAM / DISABLED / FULL, an ERROR text, or a RESOLVABLE or
//! UNRESOLVABLE gap (LOG SWITCH GAP is the normal moment after a switch on ASYNC).
//!
//! Every view here is a fixed view: all answer on a mounted standby.

use super::database::Database;
use super::interval::{interval_seconds, seconds_between};
use crate::collectors::oracle::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::{Metric, Replica, Replication, ServerRole, WalReceiver, metric};

pub const STANDBY_LAG: &str = "\
SELECT name, value, unit, time_computed, datum_time
FROM v$dataguard_stats
WHERE name IN ('transport lag', 'apply lag')";

/// Redo apply (MRP) and redo receipt (RFS) on a standby, 12.2 and later.
pub const APPLY_PROCESSES: &str = "\
SELECT name, role, action, thread#, sequence#
FROM v$dataguard_process
WHERE name LIKE 'MRP%' OR role IN ('RFS async', 'RFS sync', 'RFS archive')";

/// The same from the older view, where `v$dataguard_process` is refused.
pub const MANAGED_STANDBY: &str = "\
SELECT process AS name, process AS role, status AS action, thread#, sequence#
FROM v$managed_standby
WHERE process LIKE 'MRP%' OR process = 'RFS'";

pub const ARCHIVE_DESTS: &str = "\
SELECT dest_id, dest_name, status, type, database_mode, recovery_mode, protection_mode,
       destination, db_unique_name, gap_status, error, archived_seq#, applied_seq#
FROM v$archive_dest_status
WHERE status <> 'INACTIVE' AND type <> 'LOCAL'
ORDER BY dest_id";

/// What `v$dataguard_stats` tells on a standby.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StandbyLag {
    pub transport_s: Option<f64>,
    pub apply_s: Option<f64>,
    /// Seconds between the last datum received from the primary and its computation.
    pub datum_age_s: Option<f64>,
}

pub fn standby_lag(rows: &[TextRow]) -> StandbyLag {
    let row =
        |name: &str| rows.iter().find(|r| r.get("name").is_some_and(|n| n.trim().eq_ignore_ascii_case(name)));
    let lag = |name: &str| row(name).and_then(|r| interval_seconds(r.get("value")?));
    let datum_age = |name: &str| {
        let r = row(name)?;
        seconds_between(r.get("datum_time")?, r.get("time_computed")?)
    };
    StandbyLag {
        transport_s: lag("transport lag"),
        apply_s: lag("apply lag"),
        datum_age_s: datum_age("transport lag").or_else(|| datum_age("apply lag")),
    }
}

/// Redo apply and receipt on a standby.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyState {
    /// What MRP does (APPLYING_LOG, WAIT_FOR_LOG…) and where; None: apply not running.
    pub mrp: Option<String>,
    /// RFS processes (redo arriving from the primary).
    pub receivers: usize,
}

pub fn apply_state(rows: &[TextRow]) -> ApplyState {
    let starts = |r: &TextRow, column: &str, prefix: &str| {
        r.get(column).is_some_and(|v| v.trim().to_ascii_uppercase().starts_with(prefix))
    };
    let mrp = rows.iter().find(|r| starts(r, "name", "MRP")).map(|r| {
        let action = r.get("action").map(str::trim).filter(|a| !a.is_empty()).unwrap_or("running");
        match (r.uint("thread#"), r.uint("sequence#").filter(|s| *s > 0)) {
            (Some(thread), Some(seq)) => format!("{action} (thread {thread}, sequence {seq})"),
            _ => action.to_owned(),
        }
    });
    let receivers = rows.iter().filter(|r| starts(r, "role", "RFS") || starts(r, "name", "RFS")).count();
    ApplyState { mrp, receivers }
}

/// One remote archive destination of a primary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArchiveDest {
    pub id: u64,
    /// The standby's DB_UNIQUE_NAME, else the destination.
    pub name: String,
    /// The LOG_ARCHIVE_DEST_n service.
    pub destination: String,
    /// VALID, ERROR, DEFERRED, BAD PARAM, DISABLED, FULL, ALTERNATE.
    pub status: String,
    pub recovery_mode: String,
    pub protection_mode: String,
    pub gap_status: String,
    pub error: String,
    /// Archived sequences not yet applied at the destination, where both are known.
    pub sequences_behind: Option<u64>,
}

impl ArchiveDest {
    pub fn in_error(&self) -> bool {
        matches!(self.status.as_str(), "ERROR" | "BAD PARAM" | "DISABLED" | "FULL")
            || !self.error.is_empty()
            || matches!(
                self.gap_status.as_str(),
                "RESOLVABLE GAP" | "UNRESOLVABLE GAP" | "LOCALLY UNRESOLVABLE GAP"
            )
    }

    /// One line: status, error, gap, apply mode, how far behind.
    fn state(&self) -> String {
        let head = if self.error.is_empty() {
            self.status.clone()
        } else {
            format!("{}: {}", self.status, self.error)
        };
        let mut parts = vec![head];
        parts.extend(
            [self.gap_status.clone(), self.recovery_mode.clone()].into_iter().filter(|s| !s.is_empty()),
        );
        if let Some(n) = self.sequences_behind.filter(|n| *n > 0) {
            parts.push(format!("{n} log(s) not applied"));
        }
        parts.join(", ")
    }
}

pub fn archive_dests(rows: &[TextRow]) -> Vec<ArchiveDest> {
    rows.iter()
        .map(|r| {
            let text = |c: &str| r.text(c).split_whitespace().collect::<Vec<_>>().join(" ");
            let unique = text("db_unique_name");
            let destination = text("destination");
            let name = if unique.is_empty() || unique.eq_ignore_ascii_case("none") {
                if destination.is_empty() { text("dest_name") } else { destination.clone() }
            } else {
                unique
            };
            let behind = match (r.uint("archived_seq#"), r.uint("applied_seq#")) {
                (Some(archived), Some(applied)) if applied > 0 => Some(archived.saturating_sub(applied)),
                _ => None,
            };
            ArchiveDest {
                id: r.uint("dest_id").unwrap_or(0),
                name,
                destination,
                status: text("status").to_ascii_uppercase(),
                recovery_mode: text("recovery_mode"),
                protection_mode: text("protection_mode"),
                gap_status: text("gap_status").to_ascii_uppercase(),
                error: text("error"),
                sequences_behind: behind,
            }
        })
        .collect()
}

/// A primary's body (None without any remote destination: no Data Guard) and metrics.
pub fn primary(dests: &[ArchiveDest]) -> (Option<Replication>, Vec<Metric>) {
    let errors = dests.iter().filter(|d| d.in_error()).count();
    let valid = dests.iter().filter(|d| d.status == "VALID" && !d.in_error()).count();
    let metrics = vec![
        Metric::new(ora::ARCHIVE_DEST_ERRORS, errors as f64),
        Metric::new(metric::CONNECTED_REPLICAS, valid as f64),
    ];
    if dests.is_empty() {
        return (None, metrics);
    }
    let replicas = dests
        .iter()
        .map(|d| Replica {
            name: d.name.clone(),
            client: d.destination.clone(),
            state: d.state(),
            sync_state: d.protection_mode.clone(),
            ..Replica::default()
        })
        .collect();
    let body = Replication { role: ServerRole::Primary, replicas, ..Replication::default() };
    (Some(body), metrics)
}

/// A standby's body and metrics. `apply` is None when neither process view was readable.
pub fn standby(
    db: &Database,
    lag: Option<&StandbyLag>,
    apply: Option<&ApplyState>,
) -> (Replication, Vec<Metric>) {
    let mut metrics = Vec::new();
    let mut status = vec![
        [db.role.as_str(), db.open_mode.as_str(), db.protection_mode.as_str()]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(", "),
    ];
    if let Some(lag) = lag {
        if let Some(s) = lag.transport_s {
            metrics.push(Metric::new(ora::TRANSPORT_LAG_S, s));
        }
        if let Some(s) = lag.apply_s {
            metrics.push(Metric::new(ora::APPLY_LAG_S, s));
            metrics.push(Metric::new(metric::REPLICATION_LAG_S, s));
        } else {
            status.push("apply lag unknown".to_owned());
        }
    }
    if let Some(apply) = apply {
        match (&apply.mrp, db.is_physical_standby()) {
            (Some(mrp), _) => status.push(format!("redo apply {mrp}")),
            (None, true) => status.push("redo apply stopped".to_owned()),
            (None, false) => {}
        }
        if db.is_physical_standby() {
            metrics.push(Metric::new(ora::APPLY_RUNNING, f64::from(u8::from(apply.mrp.is_some()))));
        }
        status.push(format!("{} redo receiver(s)", apply.receivers));
    }
    if !db.switchover_status.is_empty() {
        status.push(format!("switchover {}", db.switchover_status));
    }
    let receiver = WalReceiver {
        status: status.join("; "),
        sender: db.primary_unique_name.clone(),
        last_msg_age_s: lag.and_then(|l| l.datum_age_s),
        replay_delay_s: lag.and_then(|l| l.apply_s),
    };
    let body = Replication { role: db.server_role(), receiver: Some(receiver), ..Replication::default() };
    (body, metrics)
}

#[cfg(test)]
#[path = "dataguard_tests.rs"]
mod tests;
