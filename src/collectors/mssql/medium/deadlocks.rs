//! Deadlock reports from the `system_health` Extended Events session's ring buffer.
//!
//! Cost: reading the ring buffer means casting its whole target data (up to 4 MB of
//! XML) and shredding it on the server, too much for every round. So each round first
//! reads the deadlock counter (`Number of Deadlocks/sec`, `_Total`: cumulative despite
//! its name, one row of `sys.dm_os_performance_counters`), and the ring buffer only on
//! a connection's first round (the latest report, for the posture fact) and when the
//! counter moved. Then the server shreds only `xml_deadlock_report` events newer than
//! the newest one read, and sends the count and the newest report alone.
//!
//! Not read: the session's event_file target (`sys.fn_xe_file_target_read_file` reads
//! files from disk, costlier still). A ring buffer keeps the latest events only: reports
//! pushed out between two reads by other system_health events are missed (the counter
//! still counts their deadlocks, and the high tier charts its rate).

use super::super::rows::TextRow;
use super::built::{self, fill};
use super::deadlock;
use crate::model::PostureFact;

/// Deadlocks since the server started (the counter is cumulative).
pub const COUNTER: &str = "\
SELECT cntr_value AS deadlocks
FROM sys.dm_os_performance_counters
WHERE object_name LIKE N'%:Locks%' AND counter_name = N'Number of Deadlocks/sec' AND instance_name = N'_Total'";

macro_rules! reports_sql {
    ($filter:literal) => {
        concat!(
            "WITH ring AS (
    SELECT CAST(t.target_data AS xml) AS target_data
    FROM sys.dm_xe_session_targets AS t
    JOIN sys.dm_xe_sessions AS s ON s.address = t.event_session_address
    WHERE s.name = N'system_health' AND t.target_name = N'ring_buffer'
), reports AS (
    SELECT e.n.value('@timestamp', 'datetime2(3)') AS event_time,
           e.n.query('data[@name=\"xml_report\"]/value/deadlock') AS report
    FROM ring
    CROSS APPLY ring.target_data.nodes('RingBufferTarget/event[@name=\"xml_deadlock_report\"]') AS e(n)
)
SELECT TOP (1) event_time, COUNT(*) OVER () AS reports, CAST(report AS nvarchar(max)) AS report_xml
FROM reports",
            $filter,
            "
ORDER BY event_time DESC"
        )
    };
}

/// The latest report in the ring buffer (a connection's first read).
pub const LATEST: &str = reports_sql!("");
/// Reports newer than `{since}` (UTC, the newest event time read before).
pub const SINCE: &str = reports_sql!("\nWHERE event_time > CAST('{since}' AS datetime2(3))");

#[cfg(test)]
pub const STATEMENTS: &[&str] = &[COUNTER, LATEST, SINCE];

pub fn reports_sql(since: Option<&str>) -> String {
    match since.filter(|s| built::is_server_time(s)) {
        Some(s) => fill(SINCE, &[("since", s)]),
        None => LATEST.to_owned(),
    }
}

/// What a ring-buffer read found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reports {
    /// Reports newer than the previous read (all in the buffer on the first read).
    pub count: u64,
    pub newest_time: Option<String>,
    pub newest: Option<PostureFact>,
}

pub fn parse_reports(rows: &[TextRow]) -> Reports {
    let Some(r) = rows.first() else { return Reports::default() };
    let at = r.text("event_time");
    let fact = match deadlock::parse(r.get("report_xml").unwrap_or_default(), &at) {
        Ok(d) => d.fact(),
        Err(e) => PostureFact { name: deadlock::FACT.to_owned(), key: at.clone(), value: e },
    };
    Reports {
        count: r.uint("reports").unwrap_or(1),
        newest_time: Some(at).filter(|t| !t.is_empty()),
        newest: Some(fact),
    }
}

/// Kept between medium rounds.
#[derive(Debug, Default)]
pub struct DeadlockWatch {
    /// The counter at the previous round of this connection.
    counter: Option<u64>,
    /// Newest event time read (kept across reconnects, like the report).
    watermark: Option<String>,
    latest: Option<PostureFact>,
    read_once: bool,
}

/// What to do this round.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// Read the ring buffer with this statement.
    Read(String),
    /// The counter did not move: no new report.
    Nothing,
}

impl DeadlockWatch {
    pub fn forget(&mut self) {
        self.counter = None;
        self.read_once = false;
    }

    /// Given the counter (None when it could not be read), whether to read the buffer:
    /// on a connection's first round, then when the counter moved.
    pub fn step(&mut self, counter: Option<u64>) -> Step {
        // An unreadable counter does not make every round shred the ring buffer.
        let moved = match (self.counter, counter) {
            (Some(before), Some(now)) => before != now,
            (None, Some(_)) => true,
            (_, None) => false,
        };
        self.counter = counter;
        if !self.read_once || moved {
            Step::Read(reports_sql(if self.read_once { self.watermark.as_deref() } else { None }))
        } else {
            Step::Nothing
        }
    }

    /// Takes a read's result; returns the reports to count (None on the first read: the
    /// buffer's old reports are no news).
    pub fn took(&mut self, reports: Reports) -> Option<u64> {
        let first = !self.read_once;
        self.read_once = true;
        if let Some(t) = reports.newest_time
            && self.watermark.as_ref().is_none_or(|w| *w < t)
        {
            self.watermark = Some(t);
        }
        if let Some(fact) = reports.newest {
            self.latest = Some(fact);
        }
        (!first).then_some(reports.count)
    }

    pub fn latest(&self) -> Option<&PostureFact> {
        self.latest.as_ref()
    }
}

#[cfg(test)]
#[path = "deadlocks_tests.rs"]
mod tests;
