//! Online redo logs: how often they switch and how they are laid out.
//!
//! Switches in the last hour are counted by the server (`v$log_history.FIRST_TIME >
//! SYSDATE - 1/24`, both in its own clock), once per statement (the scalar subquery is
//! not correlated). On RAC the count covers every thread. `v$log` gives each group's
//! size and state; the smallest group and the fewest groups of any thread are what a
//! DBA changes when switches come too often (Oracle's advice: a few per hour). Both
//! views come from the control file, so they answer on a mounted standby too.

use crate::collectors::oracle::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::Metric;
use std::collections::BTreeMap;

pub const REDO_LOGS: &str = "\
SELECT l.group#, l.thread#, l.sequence#, l.bytes, l.members, l.archived, l.status,
       (SELECT COUNT(*) FROM v$log_history h WHERE h.first_time > SYSDATE - 1/24) AS switches_last_hour
FROM v$log l
ORDER BY l.thread#, l.group#";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogGroup {
    pub group: u64,
    pub thread: u64,
    pub bytes: u64,
    pub members: u64,
    pub archived: bool,
    /// CURRENT, ACTIVE (still needed for crash recovery), INACTIVE, UNUSED, CLEARING…
    pub status: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedoLogs {
    pub switches_last_hour: Option<u64>,
    pub groups: Vec<LogGroup>,
}

impl RedoLogs {
    pub fn smallest_group_bytes(&self) -> Option<u64> {
        self.groups.iter().map(|g| g.bytes).filter(|b| *b > 0).min()
    }

    /// Groups of the thread that has the fewest.
    pub fn fewest_groups_per_thread(&self) -> Option<u64> {
        let mut per_thread: BTreeMap<u64, u64> = BTreeMap::new();
        for g in &self.groups {
            *per_thread.entry(g.thread).or_default() += 1;
        }
        per_thread.into_values().min()
    }
}

pub fn parse(rows: &[TextRow]) -> RedoLogs {
    RedoLogs {
        switches_last_hour: rows.iter().find_map(|r| r.uint("switches_last_hour")),
        groups: rows
            .iter()
            .filter_map(|r| {
                Some(LogGroup {
                    group: r.uint("group#")?,
                    thread: r.uint("thread#").unwrap_or(1),
                    bytes: r.uint("bytes").unwrap_or(0),
                    members: r.uint("members").unwrap_or(0),
                    archived: r.flag("archived").unwrap_or(false),
                    status: r.text("status"),
                })
            })
            .collect(),
    }
}

pub fn metrics(redo: &RedoLogs) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(n) = redo.switches_last_hour {
        out.push(Metric::new(ora::REDO_SWITCHES_LAST_HOUR, n as f64));
    }
    if let Some(bytes) = redo.smallest_group_bytes() {
        out.push(Metric::new(ora::REDO_LOG_SIZE_BYTES, bytes as f64));
    }
    if let Some(groups) = redo.fewest_groups_per_thread() {
        out.push(Metric::new(ora::REDO_LOG_GROUPS, groups as f64));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;
    use crate::collectors::text_rows::from_batch;

    const ORACLE_19C: &str = include_str!("../../fixtures/storage_redo_19c.tsv");

    #[test]
    fn switches_and_groups() {
        let redo = parse(&from_batch(ORACLE_19C));
        assert_eq!(redo.switches_last_hour, Some(14));
        assert_eq!(redo.groups.len(), 5);
        let current = &redo.groups[1];
        assert_eq!((current.group, current.status.as_str(), current.archived), (2, "CURRENT", false));
        assert_eq!((redo.groups[0].archived, redo.groups[0].members), (true, 2));
        let m = metrics(&redo);
        assert_eq!(value(&m, ora::REDO_SWITCHES_LAST_HOUR, ""), Some(14.0));
        assert_eq!(value(&m, ora::REDO_LOG_SIZE_BYTES, ""), Some(209_715_200.0), "the 200 MB group");
        assert_eq!(value(&m, ora::REDO_LOG_GROUPS, ""), Some(2.0), "thread 2 has only two");
    }

    #[test]
    fn no_rows_no_metrics() {
        let redo = parse(&[]);
        assert_eq!(redo, RedoLogs::default());
        assert!(metrics(&redo).is_empty());
    }
}
