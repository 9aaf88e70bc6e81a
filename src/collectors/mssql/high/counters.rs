//! `sys.dm_os_performance_counters` as metrics. How a value reads depends on its
//! `cntr_type`, taken from the row rather than assumed per name:
//!
//! - 272696576 (PERF_COUNTER_BULK_COUNT): cumulative since startup, "/sec" in name only;
//!   a rate needs two reads (none on the first);
//! - 65792 (PERF_COUNTER_LARGE_RAWCOUNT): a level, read as it is;
//! - 537003264 (PERF_LARGE_RAW_FRACTION) with its 1073939712 (PERF_LARGE_RAW_BASE)
//!   "… base" counter: a ratio, fraction / base.

use super::super::metric as ms;
use super::super::rows::TextRow;
use crate::collectors::delta::counter_delta;
use crate::model::{Metric, counter, metric};
use std::collections::HashMap;

pub const BULK_COUNT: i64 = 272_696_576;
pub const RAW_COUNT: i64 = 65_792;
pub const RAW_FRACTION: i64 = 537_003_264;
pub const RAW_BASE: i64 = 1_073_939_712;

/// (object without its instance prefix, counter, metric). Instances are chosen by the
/// statement: `_Total` for per-database and per-lock-type counters, none for the others.
const WANTED: &[(&str, &str, &str)] = &[
    ("SQL Statistics", "Batch Requests/sec", ms::BATCH_REQUESTS_PER_S),
    ("SQL Statistics", "SQL Compilations/sec", ms::COMPILATIONS_PER_S),
    ("SQL Statistics", "SQL Re-Compilations/sec", ms::RECOMPILATIONS_PER_S),
    ("Databases", "Transactions/sec", metric::TPS),
    ("Locks", "Lock Waits/sec", ms::LOCK_WAITS_PER_S),
    ("Locks", "Number of Deadlocks/sec", metric::DEADLOCKS_PER_S),
    ("Access Methods", "Page Splits/sec", ms::PAGE_SPLITS_PER_S),
    ("Access Methods", "Full Scans/sec", ms::FULL_SCANS_PER_S),
    ("Buffer Manager", "Page life expectancy", ms::PAGE_LIFE_EXPECTANCY_S),
    ("Buffer Manager", "Buffer cache hit ratio", metric::CACHE_HIT_PCT),
    ("Memory Manager", "Memory Grants Pending", ms::MEMORY_GRANTS_PENDING),
    ("General Statistics", "User Connections", metric::CONNECTIONS),
];

/// One counter as read: its value and how to read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Value {
    pub value: i64,
    pub kind: i64,
}

/// The counters of one read, by (object suffix, counter name), both lower-cased.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CounterRead(HashMap<(String, String), Value>);

/// `SQLServer:Buffer Manager` and `MSSQL$SALES:Buffer Manager` are the same object.
fn object_suffix(object: &str) -> &str {
    object.rsplit_once(':').map_or(object, |(_, suffix)| suffix).trim()
}

impl CounterRead {
    pub fn parse(rows: &[TextRow]) -> Self {
        let mut read = HashMap::new();
        for r in rows {
            let instance = r.text("instance_name");
            let instance = instance.trim();
            // Buffer Node (per NUMA node) also has a Page life expectancy; per-database
            // rows are never asked for, but a server may answer more than we asked.
            if !(instance.is_empty() || instance.eq_ignore_ascii_case("_Total")) {
                continue;
            }
            let (Some(object), Some(name), Some(value), Some(kind)) =
                (r.get("object_name"), r.get("counter_name"), r.int("cntr_value"), r.int("cntr_type"))
            else {
                continue;
            };
            let key = (object_suffix(object).to_ascii_lowercase(), name.trim().to_ascii_lowercase());
            read.entry(key).or_insert(Value { value, kind });
        }
        Self(read)
    }

    pub fn get(&self, object: &str, name: &str) -> Option<Value> {
        self.0.get(&(object.to_ascii_lowercase(), name.to_ascii_lowercase())).copied()
    }

    /// User Connections, for the instance's connection count.
    pub fn user_connections(&self) -> Option<u64> {
        self.get("General Statistics", "User Connections").and_then(|v| u64::try_from(v.value).ok())
    }
}

/// Levels and ratios on every read, rates from the second on. `previous` is the last
/// read and the seconds since it.
pub fn metrics(previous: Option<(&CounterRead, f64)>, current: &CounterRead) -> Vec<Metric> {
    let previous = previous.filter(|(_, secs)| *secs > 0.0);
    let mut out = Vec::new();
    for (object, name, metric_name) in WANTED {
        let Some(now) = current.get(object, name) else { continue };
        let value = match now.kind {
            BULK_COUNT => previous.and_then(|(before, secs)| {
                let then = before.get(object, name).filter(|v| v.kind == BULK_COUNT)?;
                let (delta, _) =
                    counter_delta(u64::try_from(then.value).ok()?, u64::try_from(now.value).ok()?);
                Some(delta as f64 / secs)
            }),
            RAW_COUNT => Some(now.value as f64),
            RAW_FRACTION => current
                .get(object, &format!("{name} base"))
                .filter(|base| base.kind == RAW_BASE && base.value > 0)
                .map(|base| (100.0 * now.value as f64 / base.value as f64).clamp(0.0, 100.0)),
            _ => None,
        };
        if let Some(value) = value {
            out.push(Metric::new(metric_name, value));
        }
    }
    let memory = |name: &str| current.get("Memory Manager", name).filter(|v| v.kind == RAW_COUNT);
    if let Some(total) = memory("Total Server Memory (KB)") {
        out.push(Metric::new(metric::MEMORY_USED_BYTES, total.value as f64 * 1024.0));
        if let Some(target) = memory("Target Server Memory (KB)").filter(|t| t.value > 0) {
            out.push(Metric::new(
                ms::MEMORY_USED_PCT_OF_TARGET,
                100.0 * total.value as f64 / target.value as f64,
            ));
        }
    }
    out
}

/// Cumulative counters (PERF_COUNTER_BULK_COUNT) as read, under their neutral names: the
/// raw values for the Prometheus endpoint, which computes rates itself.
pub fn raw_counters(current: &CounterRead) -> Vec<Metric> {
    const RAW: &[(&str, &str, &str)] = &[
        ("SQL Statistics", "Batch Requests/sec", counter::COMMANDS_PROCESSED),
        ("Databases", "Transactions/sec", counter::TRANSACTIONS),
        ("Locks", "Number of Deadlocks/sec", counter::DEADLOCKS),
    ];
    RAW.iter()
        .filter_map(|(object, name, counter_name)| {
            let v = current.get(object, name).filter(|v| v.kind == BULK_COUNT && v.value >= 0)?;
            Some(Metric::new(counter_name, v.value as f64))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    const FIRST: &str = include_str!("fixtures/performance_counters_1.tsv");
    const SECOND: &str = include_str!("fixtures/performance_counters_2.tsv");

    fn get(m: &[Metric], name: &str) -> Option<f64> {
        m.iter().find(|x| x.name == name).map(|x| x.value)
    }

    #[test]
    fn raw_counters_are_the_bulk_counts_as_read() {
        let first = CounterRead::parse(&from_batch(FIRST));
        let m = raw_counters(&first);
        let raw = |name: &str| m.iter().find(|x| x.name == name).map(|x| x.value);
        assert_eq!(raw(counter::COMMANDS_PROCESSED), Some(431.0));
        assert_eq!(raw(counter::DEADLOCKS), Some(0.0));
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
        assert!(raw(counter::TRANSACTIONS).is_some(), "{m:?}");
    }

    #[test]
    fn levels_and_ratios_on_the_first_read_rates_from_the_second() {
        let first = CounterRead::parse(&from_batch(FIRST));
        let m = metrics(None, &first);
        assert_eq!(get(&m, ms::PAGE_LIFE_EXPECTANCY_S), Some(16_771.0), "Buffer Manager, not Buffer Node");
        assert_eq!(get(&m, ms::MEMORY_GRANTS_PENDING), Some(2.0));
        assert_eq!(get(&m, metric::CONNECTIONS), Some(143.0));
        assert_eq!(get(&m, metric::CACHE_HIT_PCT), Some(99.0));
        assert_eq!(get(&m, metric::MEMORY_USED_BYTES), Some(307_424.0 * 1024.0));
        assert_eq!(get(&m, ms::MEMORY_USED_PCT_OF_TARGET), Some(50.0));
        assert_eq!(get(&m, metric::TPS), None, "no rate from one read");
        assert_eq!(first.user_connections(), Some(143));

        let second = CounterRead::parse(&from_batch(SECOND));
        let m = metrics(Some((&first, 10.0)), &second);
        assert_eq!(get(&m, ms::BATCH_REQUESTS_PER_S), Some(120.0));
        assert_eq!(get(&m, metric::TPS), Some(45.0), "_Total of Databases");
        assert_eq!(get(&m, ms::COMPILATIONS_PER_S), Some(3.0));
        assert_eq!(get(&m, ms::RECOMPILATIONS_PER_S), Some(0.5));
        assert_eq!(get(&m, ms::LOCK_WAITS_PER_S), Some(1.5), "_Total, not a lock type");
        assert_eq!(get(&m, metric::DEADLOCKS_PER_S), Some(0.1));
        assert_eq!(get(&m, ms::PAGE_SPLITS_PER_S), Some(2.0));
        assert_eq!(get(&m, ms::FULL_SCANS_PER_S), Some(0.0));
        assert_eq!(get(&m, metric::CACHE_HIT_PCT), Some(100.0));
    }

    #[test]
    fn named_instances_and_padded_names_read_the_same() {
        let rows = from_batch(
            "object_name\tcounter_name\tinstance_name\tcntr_value\tcntr_type
MSSQL$SALES:Buffer Manager\tPage life expectancy  \t\t300\t65792
MSSQL$SALES:Buffer Node\tPage life expectancy\t000\t1\t65792
",
        );
        let m = metrics(None, &CounterRead::parse(&rows));
        assert_eq!(get(&m, ms::PAGE_LIFE_EXPECTANCY_S), Some(300.0));
    }

    #[test]
    fn the_counter_type_decides_not_the_name() {
        // A ratio without its base, or a bulk counter a server reports as a level, is
        // never turned into a wrong figure.
        let rows = from_batch(
            "object_name\tcounter_name\tinstance_name\tcntr_value\tcntr_type
SQLServer:Buffer Manager\tBuffer cache hit ratio\t\t50\t537003264
SQLServer:Buffer Manager\tBuffer cache hit ratio base\t\t0\t1073939712
SQLServer:SQL Statistics\tBatch Requests/sec\t\t77\t65792
SQLServer:Locks\tLock Waits/sec\t_Total\t9\t4242
",
        );
        let m = metrics(None, &CounterRead::parse(&rows));
        assert_eq!(get(&m, metric::CACHE_HIT_PCT), None, "base 0: no ratio");
        assert_eq!(get(&m, ms::BATCH_REQUESTS_PER_S), Some(77.0));
        assert_eq!(get(&m, ms::LOCK_WAITS_PER_S), None, "unknown counter type");
    }

    #[test]
    fn a_restart_between_reads_is_a_reset_not_a_negative_rate() {
        let before = CounterRead::parse(&from_batch(SECOND));
        let after = CounterRead::parse(&from_batch(FIRST));
        let m = metrics(Some((&before, 10.0)), &after);
        assert!(m.iter().all(|x| x.value >= 0.0), "{m:?}");
    }
}
