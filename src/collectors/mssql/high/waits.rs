//! Wait types as the shared wait categories (spec §2.2), and `sys.dm_os_wait_stats` as
//! wait time per second of wall clock between two reads, by category and for the few
//! wait types that weigh most.

use super::super::metric as ms;
use super::super::rows::TextRow;
use crate::collectors::delta::float_delta;
use crate::model::{Metric, WaitCategory};
use std::collections::HashMap;

/// How many wait types `wait_ms_per_s_by_type` names per round: the chart and the
/// history get the few that matter, not the hundreds a server has.
pub const TOP_WAIT_TYPES: usize = 5;

/// The spec's mapping. Lock waits first; page I/O and page latches before the generic
/// latch rule (they are buffer waits, not internal latches); network after I/O
/// (`ASYNC_NETWORK_IO` is the client not reading its results).
pub fn category_of(wait_type: &str) -> WaitCategory {
    let w = wait_type.trim().to_ascii_uppercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| w.starts_with(p));
    if w.starts_with("LCK_") {
        WaitCategory::Locks
    } else if starts(&[
        "PAGEIOLATCH_",
        "PAGELATCH_",
        "WRITELOG",
        "IO_",
        "ASYNC_IO_",
        "BACKUPIO",
        "WRITE_COMPLETION",
        "HADR_",
        "LOGMGR",
        "LOGBUFFER",
        "RESOURCE_SEMAPHORE",
        "CMEMTHREAD",
    ]) || w.ends_with("LOG_RATE_GOVERNOR")
    {
        WaitCategory::Io
    } else if w.starts_with("LATCH_") {
        WaitCategory::LwLocks
    } else if w.contains("NETWORK") || w.starts_with("SNI_") || w == "NET_WAITFOR_PACKET" {
        WaitCategory::Client
    } else {
        WaitCategory::Other
    }
}

/// Cumulative wait milliseconds by wait type, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WaitTotals(HashMap<String, f64>);

impl WaitTotals {
    pub fn parse(rows: &[TextRow]) -> Self {
        Self(
            rows.iter()
                .filter_map(|r| Some((r.get("wait_type")?.trim().to_owned(), r.float("wait_time_ms")?)))
                .filter(|(_, ms)| *ms >= 0.0)
                .collect(),
        )
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Wait ms per second by category (every category, zeros included, for continuous
/// series) and for the top wait types of the interval. None on the first read: a
/// cumulative total since startup is not a rate. A type missing from the previous read
/// had no wait time then (the statement leaves out zeros); one whose total went down was
/// cleared (`DBCC SQLPERF … CLEAR`), and its new total is the interval's.
pub fn metrics(previous: Option<(&WaitTotals, f64)>, current: &WaitTotals) -> Vec<Metric> {
    let Some((previous, secs)) = previous.filter(|(_, secs)| *secs > 0.0) else {
        return Vec::new();
    };
    let mut by_category: HashMap<WaitCategory, f64> = HashMap::new();
    let mut by_type: Vec<(&str, f64)> = Vec::new();
    for (wait_type, &now) in &current.0 {
        let before = previous.0.get(wait_type).copied().unwrap_or(0.0);
        let (delta, _) = float_delta(before, now);
        if delta <= 0.0 {
            continue;
        }
        *by_category.entry(category_of(wait_type)).or_default() += delta;
        by_type.push((wait_type, delta));
    }
    let mut out: Vec<Metric> = WaitCategory::ALL
        .iter()
        .map(|c| {
            Metric::keyed(ms::WAIT_MS_PER_S, c.label(), by_category.get(c).copied().unwrap_or(0.0) / secs)
        })
        .collect();
    by_type.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    out.extend(
        by_type
            .into_iter()
            .take(TOP_WAIT_TYPES)
            .map(|(wait_type, delta)| Metric::keyed(ms::WAIT_MS_PER_S_BY_TYPE, wait_type, delta / secs)),
    );
    out
}

/// Cumulative wait time by category, seconds: the raw totals for the Prometheus endpoint.
/// Every category is present (zeros included), so the series never come and go.
pub fn raw_counters(current: &WaitTotals) -> Vec<Metric> {
    let mut by_category: HashMap<WaitCategory, f64> = HashMap::new();
    for (wait_type, ms) in &current.0 {
        *by_category.entry(category_of(wait_type)).or_default() += ms;
    }
    WaitCategory::ALL
        .iter()
        .map(|c| {
            let seconds = by_category.get(c).copied().unwrap_or(0.0) / 1000.0;
            Metric::keyed(crate::model::counter::WAIT_TIME_SECONDS, c.label(), seconds)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    const FIRST: &str = include_str!("fixtures/wait_stats_1.tsv");
    const SECOND: &str = include_str!("fixtures/wait_stats_2.tsv");

    #[test]
    fn the_spec_mapping() {
        use WaitCategory::*;
        for (wait, category) in [
            ("LCK_M_X", Locks),
            ("LCK_M_SCH_M_LOW_PRIORITY", Locks),
            ("LATCH_EX", LwLocks),
            ("PAGEIOLATCH_SH", Io),
            ("PAGELATCH_UP", Io),
            ("WRITELOG", Io),
            ("IO_COMPLETION", Io),
            ("HADR_SYNC_COMMIT", Io),
            ("LOGMGR_RESERVE_APPEND", Io),
            ("RESOURCE_SEMAPHORE", Io),
            ("POOL_LOG_RATE_GOVERNOR", Io),
            ("ASYNC_NETWORK_IO", Client),
            ("EXTERNAL_SCRIPT_NETWORK_IOF", Client),
            ("SNI_CRITICAL_SECTION", Client),
            ("CXPACKET", Other),
            ("SOS_SCHEDULER_YIELD", Other),
            ("THREADPOOL", Other),
            (" lck_m_s ", Locks),
        ] {
            assert_eq!(category_of(wait), category, "{wait}");
        }
    }

    #[test]
    fn deltas_per_second_by_category_and_top_types() {
        let first = WaitTotals::parse(&from_batch(FIRST));
        let second = WaitTotals::parse(&from_batch(SECOND));
        assert!(metrics(None, &first).is_empty(), "no rate on the first read");
        let m = metrics(Some((&first, 10.0)), &second);
        let get = |name: &str, key: &str| m.iter().find(|x| x.name == name && x.key == key).map(|x| x.value);
        // LCK_M_X +3,000 and LCK_M_S +1,000 over 10 s.
        assert_eq!(get(ms::WAIT_MS_PER_S, "Locks"), Some(400.0));
        // PAGEIOLATCH_SH +1,500, WRITELOG +500.
        assert_eq!(get(ms::WAIT_MS_PER_S, "IO"), Some(200.0));
        assert_eq!(get(ms::WAIT_MS_PER_S, "Client"), Some(25.0));
        assert_eq!(get(ms::WAIT_MS_PER_S, "LW Locks"), Some(0.0), "every category is emitted");
        // CXPACKET +800, SOS_SCHEDULER_YIELD +120, THREADPOOL new with 30.
        assert_eq!(get(ms::WAIT_MS_PER_S, "Other"), Some(95.0));
        let top: Vec<&str> =
            m.iter().filter(|x| x.name == ms::WAIT_MS_PER_S_BY_TYPE).map(|x| x.key.as_str()).collect();
        assert_eq!(top, ["LCK_M_X", "PAGEIOLATCH_SH", "LCK_M_S", "CXPACKET", "WRITELOG"]);
    }

    #[test]
    fn raw_wait_counters_are_cumulative_seconds_by_category() {
        let m = raw_counters(&WaitTotals::parse(&from_batch(FIRST)));
        assert_eq!(m.len(), WaitCategory::ALL.len(), "every category, zeros included: {m:?}");
        let locks = m.iter().find(|x| x.key == WaitCategory::Locks.label()).map(|x| x.value);
        assert!(locks.is_some_and(|s| s >= 160.0), "LCK_M_X + LCK_M_S at least: {m:?}");
        assert!(m.iter().all(|x| x.name == crate::model::counter::WAIT_TIME_SECONDS));
    }

    #[test]
    fn a_cleared_total_counts_from_zero() {
        let before = WaitTotals::parse(&from_batch("wait_type\twait_time_ms\nLCK_M_X\t90000\n"));
        let after = WaitTotals::parse(&from_batch("wait_type\twait_time_ms\nLCK_M_X\t500\n"));
        let m = metrics(Some((&before, 5.0)), &after);
        assert!(m.iter().any(|x| x.key == "Locks" && x.value == 100.0), "{m:?}");
        assert!(metrics(Some((&before, 0.0)), &after).is_empty(), "an empty interval has no rate");
    }

    #[test]
    fn the_statement_filters_the_benign_waits() {
        let sql = super::super::statements::WAIT_STATS;
        for benign in ["SLEEP[_]", "BROKER[_]", "XE[_]", "SQLTRACE[_]", "'LAZYWRITER_SLEEP'", "'WAITFOR'"] {
            assert!(sql.contains(benign), "{benign}");
        }
        // A family filter must not swallow a wait that matters.
        assert!(!sql.contains("N'LCK") && !sql.contains("N'PAGEIOLATCH") && !sql.contains("'CXPACKET'"));
    }
}
