//! Checkpoints and I/O, read on the medium tier, by server version:
//!
//! - checkpoints: pg_stat_bgwriter before PG 17, pg_stat_checkpointer from 17; PG 18 adds
//!   `num_done` (checkpoints actually completed: `num_timed` also counts the ones skipped
//!   on an idle server) and `slru_written` (commit-log and other SLRU buffers written);
//! - I/O per backend type and object from pg_stat_io (PG 16+). PG 16–17 count operations
//!   of `op_bytes` each; PG 18 reports bytes (`read_bytes`…), since one operation may now
//!   cover several blocks (asynchronous I/O combines them), and adds WAL rows;
//! - the busiest client backends by I/O from `pg_stat_get_backend_io(pid)` (PG 18).
//!
//! The SQL lives here rather than in `queries.rs` and is part of its read-only scan.

use super::parse::to_u64;
use super::{PostgresCollector, map_rows};
use crate::collectors::CollectError;
use crate::collectors::delta::{counter_delta, float_delta};
use crate::model::{Metric, metric};
use std::collections::HashMap;
use std::time::Instant;

/// Metric names of what only PostgreSQL reports (the engine-neutral ones are `model::metric`).
pub mod pg_metric {
    /// Checkpoints completed per minute (PG 18+).
    pub const CHECKPOINTS_DONE_PER_MIN: &str = "checkpoints_done_per_min";
    /// SLRU buffers written by checkpoints and restartpoints per second (PG 18+).
    pub const SLRU_WRITTEN_PER_S: &str = "slru_written_per_s";
    /// pg_stat_io rates (PG 16+), keyed `backend type/object` ("client backend/relation",
    /// "walwriter/wal"), plus key "" for the sum. Pairs that never did any I/O are left out.
    pub const IO_READ_BYTES_PER_S: &str = "io_read_bytes_per_s";
    pub const IO_WRITE_BYTES_PER_S: &str = "io_write_bytes_per_s";
    /// Relation files grown.
    pub const IO_EXTEND_BYTES_PER_S: &str = "io_extend_bytes_per_s";
    /// Buffers evicted to make room: pressure on shared_buffers (or a ring's size).
    pub const IO_EVICTIONS_PER_S: &str = "io_evictions_per_s";
    pub const IO_FSYNCS_PER_S: &str = "io_fsyncs_per_s";
    /// Read + write + extend bytes per second of the busiest client backends, key = pid (PG 18+).
    pub const BACKEND_IO_BYTES_PER_S: &str = "backend_io_bytes_per_s";

    /// Every name above (`EngineSpec::metrics`).
    pub const ALL: [&str; 8] = [
        CHECKPOINTS_DONE_PER_MIN,
        SLRU_WRITTEN_PER_S,
        IO_READ_BYTES_PER_S,
        IO_WRITE_BYTES_PER_S,
        IO_EXTEND_BYTES_PER_S,
        IO_EVICTIONS_PER_S,
        IO_FSYNCS_PER_S,
        BACKEND_IO_BYTES_PER_S,
    ];
}

/// Checkpoint and buffer-write counters before PG 17 (all in pg_stat_bgwriter).
pub const CHECKPOINTER_12: &str = "\
SELECT checkpoints_timed AS timed, checkpoints_req AS requested,
       buffers_checkpoint + buffers_clean + buffers_backend AS buffers_written,
       NULL::int8 AS done, NULL::int8 AS slru_written
FROM pg_stat_bgwriter";

/// PG 17: checkpoint counters moved to pg_stat_checkpointer; backend writes to pg_stat_io.
pub const CHECKPOINTER_17: &str = "\
SELECT c.num_timed AS timed, c.num_requested AS requested,
       c.buffers_written + b.buffers_clean AS buffers_written,
       NULL::int8 AS done, NULL::int8 AS slru_written
FROM pg_stat_checkpointer c CROSS JOIN pg_stat_bgwriter b";

/// PG 18+: completed checkpoints and SLRU writes.
pub const CHECKPOINTER_18: &str = "\
SELECT c.num_timed AS timed, c.num_requested AS requested,
       c.buffers_written + b.buffers_clean AS buffers_written,
       c.num_done AS done, c.slru_written
FROM pg_stat_checkpointer c CROSS JOIN pg_stat_bgwriter b";

/// pg_stat_io summed over contexts, PG 16–17 (operations of op_bytes each).
pub const IO_16: &str = "\
SELECT backend_type, object,
       coalesce(sum(reads * op_bytes), 0)::float8 AS read_bytes,
       coalesce(sum(writes * op_bytes), 0)::float8 AS write_bytes,
       coalesce(sum(extends * op_bytes), 0)::float8 AS extend_bytes,
       coalesce(sum(evictions), 0)::int8 AS evictions,
       coalesce(sum(fsyncs), 0)::int8 AS fsyncs
FROM pg_stat_io
GROUP BY 1, 2";

/// Same from PG 18 on, in bytes.
pub const IO_18: &str = "\
SELECT backend_type, object,
       coalesce(sum(read_bytes), 0)::float8 AS read_bytes,
       coalesce(sum(write_bytes), 0)::float8 AS write_bytes,
       coalesce(sum(extend_bytes), 0)::float8 AS extend_bytes,
       coalesce(sum(evictions), 0)::int8 AS evictions,
       coalesce(sum(fsyncs), 0)::int8 AS fsyncs
FROM pg_stat_io
GROUP BY 1, 2";

/// Bytes each client backend has read, written and extended, PG 18+.
pub const BACKEND_IO_18: &str = "\
SELECT a.pid::int8 AS pid,
       (coalesce(sum(io.read_bytes), 0) + coalesce(sum(io.write_bytes), 0)
        + coalesce(sum(io.extend_bytes), 0))::float8 AS bytes
FROM pg_stat_get_activity(NULL::integer) a
CROSS JOIN LATERAL pg_stat_get_backend_io(a.pid) io
WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
GROUP BY a.pid";

/// For the read-only scan in `queries.rs`.
pub const QUERIES: &[&str] =
    &[CHECKPOINTER_12, CHECKPOINTER_17, CHECKPOINTER_18, IO_16, IO_18, BACKEND_IO_18];

/// How many of the busiest backends are reported.
const TOP_BACKENDS: usize = 5;

pub fn checkpointer_sql(version_num: i32) -> &'static str {
    match version_num {
        v if v >= 180_000 => CHECKPOINTER_18,
        v if v >= 170_000 => CHECKPOINTER_17,
        _ => CHECKPOINTER_12,
    }
}

pub fn io_sql(version_num: i32) -> Option<&'static str> {
    match version_num {
        v if v >= 180_000 => Some(IO_18),
        v if v >= 160_000 => Some(IO_16),
        _ => None,
    }
}

/// Cumulative checkpointer counters; `done`/`slru_written` only from PG 18.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Checkpointer {
    pub timed: u64,
    pub requested: u64,
    pub buffers_written: u64,
    pub done: Option<u64>,
    pub slru_written: Option<u64>,
}

/// Cumulative pg_stat_io counters of one `backend type/object` pair.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IoCounters {
    pub read_bytes: f64,
    pub write_bytes: f64,
    pub extend_bytes: f64,
    pub evictions: u64,
    pub fsyncs: u64,
}

impl IoCounters {
    fn idle(&self) -> bool {
        self.read_bytes + self.write_bytes + self.extend_bytes == 0.0 && self.evictions + self.fsyncs == 0
    }
}

/// Previous reads, for rates. Forgotten on reconnect (the server may have restarted).
#[derive(Debug, Default)]
pub struct IoState {
    checkpointer: Option<(Instant, Checkpointer)>,
    io: Option<(Instant, HashMap<String, IoCounters>)>,
    backends: Option<(Instant, HashMap<i64, f64>)>,
}

/// Checkpoint rates between two reads.
pub fn checkpointer_rates(previous: &Checkpointer, current: &Checkpointer, secs: f64) -> Vec<Metric> {
    if secs <= 0.0 {
        return Vec::new();
    }
    let per_min = |p, c| counter_delta(p, c).0 as f64 * 60.0 / secs;
    let per_s = |p, c| counter_delta(p, c).0 as f64 / secs;
    let mut out = vec![
        Metric::new(metric::CHECKPOINTS_TIMED_PER_MIN, per_min(previous.timed, current.timed)),
        Metric::new(metric::CHECKPOINTS_REQ_PER_MIN, per_min(previous.requested, current.requested)),
        Metric::new(metric::BUFFERS_WRITTEN_PER_S, per_s(previous.buffers_written, current.buffers_written)),
    ];
    if let (Some(p), Some(c)) = (previous.done, current.done) {
        out.push(Metric::new(pg_metric::CHECKPOINTS_DONE_PER_MIN, per_min(p, c)));
    }
    if let (Some(p), Some(c)) = (previous.slru_written, current.slru_written) {
        out.push(Metric::new(pg_metric::SLRU_WRITTEN_PER_S, per_s(p, c)));
    }
    out
}

/// pg_stat_io rates per pair present in both reads, and their sums (key "").
pub fn io_rates(
    previous: &HashMap<String, IoCounters>,
    current: &HashMap<String, IoCounters>,
    secs: f64,
) -> Vec<Metric> {
    if secs <= 0.0 {
        return Vec::new();
    }
    let mut keys: Vec<&String> = current.keys().collect();
    keys.sort();
    let mut sum = [0.0; 5];
    let mut out = Vec::new();
    for key in keys {
        let (Some(p), Some(c)) = (previous.get(key), current.get(key)) else { continue };
        let rates = [
            float_delta(p.read_bytes, c.read_bytes).0 / secs,
            float_delta(p.write_bytes, c.write_bytes).0 / secs,
            float_delta(p.extend_bytes, c.extend_bytes).0 / secs,
            counter_delta(p.evictions, c.evictions).0 as f64 / secs,
            counter_delta(p.fsyncs, c.fsyncs).0 as f64 / secs,
        ];
        for (total, r) in sum.iter_mut().zip(rates) {
            *total += r;
        }
        if !c.idle() {
            out.extend(io_metrics(key, rates));
        }
    }
    out.extend(io_metrics("", sum));
    out
}

fn io_metrics(key: &str, [read, write, extend, evictions, fsyncs]: [f64; 5]) -> [Metric; 5] {
    [
        Metric::keyed(pg_metric::IO_READ_BYTES_PER_S, key, read),
        Metric::keyed(pg_metric::IO_WRITE_BYTES_PER_S, key, write),
        Metric::keyed(pg_metric::IO_EXTEND_BYTES_PER_S, key, extend),
        Metric::keyed(pg_metric::IO_EVICTIONS_PER_S, key, evictions),
        Metric::keyed(pg_metric::IO_FSYNCS_PER_S, key, fsyncs),
    ]
}

/// The busiest backends between two reads (those that did some I/O), busiest first.
pub fn top_backends(previous: &HashMap<i64, f64>, current: &HashMap<i64, f64>, secs: f64) -> Vec<Metric> {
    if secs <= 0.0 {
        return Vec::new();
    }
    let mut rates: Vec<(i64, f64)> = current
        .iter()
        .filter_map(|(pid, bytes)| Some((*pid, float_delta(*previous.get(pid)?, *bytes).0 / secs)))
        .filter(|(_, rate)| *rate > 0.0)
        .collect();
    rates.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    rates
        .into_iter()
        .take(TOP_BACKENDS)
        .map(|(pid, rate)| Metric::keyed(pg_metric::BACKEND_IO_BYTES_PER_S, pid.to_string(), rate))
        .collect()
}

fn seconds_since(then: Instant, now: Instant) -> f64 {
    now.duration_since(then).as_secs_f64()
}

impl PostgresCollector {
    /// Checkpointer, pg_stat_io and per-backend I/O, each as the server version allows;
    /// the checkpointer's raw counters go to `counters`.
    pub(super) async fn read_io(
        &mut self,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
        counters: &mut Vec<Metric>,
    ) -> Result<(), CollectError> {
        let sql = checkpointer_sql(self.version_num);
        if let Some(rows) = self.rows("pg_stat_checkpointer", sql, &[], problems).await? {
            let read = map_rows(&rows, "pg_stat_checkpointer", problems, |r| {
                let n = |col: &str| r.try_get::<_, Option<i64>>(col).map(|v| v.map(to_u64));
                Ok(Checkpointer {
                    timed: n("timed")?.unwrap_or(0),
                    requested: n("requested")?.unwrap_or(0),
                    buffers_written: n("buffers_written")?.unwrap_or(0),
                    done: n("done")?,
                    slru_written: n("slru_written")?,
                })
            });
            if let Some(current) = read.into_iter().next() {
                counters.extend(super::counters::checkpointer_counters(&current));
                let now = Instant::now();
                if let Some((then, previous)) = &self.medium.io.checkpointer {
                    metrics.extend(checkpointer_rates(previous, &current, seconds_since(*then, now)));
                }
                self.medium.io.checkpointer = Some((now, current));
            }
        }
        if let Some(sql) = io_sql(self.version_num)
            && let Some(rows) = self.rows("pg_stat_io", sql, &[], problems).await?
        {
            let read = map_rows(&rows, "pg_stat_io", problems, |r| {
                let key = format!(
                    "{}/{}",
                    r.try_get::<_, String>("backend_type")?,
                    r.try_get::<_, String>("object")?
                );
                Ok((
                    key,
                    IoCounters {
                        read_bytes: r.try_get("read_bytes")?,
                        write_bytes: r.try_get("write_bytes")?,
                        extend_bytes: r.try_get("extend_bytes")?,
                        evictions: to_u64(r.try_get("evictions")?),
                        fsyncs: to_u64(r.try_get("fsyncs")?),
                    },
                ))
            });
            let current: HashMap<String, IoCounters> = read.into_iter().collect();
            let now = Instant::now();
            if let Some((then, previous)) = &self.medium.io.io {
                metrics.extend(io_rates(previous, &current, seconds_since(*then, now)));
            }
            self.medium.io.io = Some((now, current));
        }
        if self.version_num >= 180_000
            && let Some(rows) = self.rows("pg_stat_get_backend_io", BACKEND_IO_18, &[], problems).await?
        {
            let read = map_rows(&rows, "pg_stat_get_backend_io", problems, |r| {
                Ok((r.try_get::<_, i64>("pid")?, r.try_get::<_, f64>("bytes")?))
            });
            let current: HashMap<i64, f64> = read.into_iter().collect();
            let now = Instant::now();
            if let Some((then, previous)) = &self.medium.io.backends {
                metrics.extend(top_backends(previous, &current, seconds_since(*then, now)));
            }
            self.medium.io.backends = Some((now, current));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(m: &[Metric], name: &str, key: &str) -> Option<f64> {
        m.iter().find(|x| x.name == name && x.key == key).map(|x| x.value)
    }

    #[test]
    fn version_picks_the_views_it_has() {
        assert!(checkpointer_sql(160_004).contains("checkpoints_timed"));
        assert!(checkpointer_sql(170_002).contains("pg_stat_checkpointer"));
        assert!(!checkpointer_sql(170_002).contains("num_done"));
        assert!(checkpointer_sql(180_004).contains("num_done") && checkpointer_sql(180_004).contains("slru"));
        assert_eq!(io_sql(150_018), None);
        assert!(io_sql(160_000).is_some_and(|s| s.contains("op_bytes")));
        assert!(io_sql(180_000).is_some_and(|s| s.contains("sum(read_bytes)") && !s.contains("op_bytes")));
    }

    #[test]
    fn checkpoint_rates_add_pg18_counters_only_when_present() {
        let old =
            Checkpointer { timed: 10, requested: 1, buffers_written: 100, done: None, slru_written: None };
        let now = Checkpointer { timed: 12, requested: 1, buffers_written: 160, ..old };
        let m = checkpointer_rates(&old, &now, 60.0);
        assert_eq!(get(&m, metric::CHECKPOINTS_TIMED_PER_MIN, ""), Some(2.0));
        assert_eq!(get(&m, metric::BUFFERS_WRITTEN_PER_S, ""), Some(1.0));
        assert_eq!(get(&m, pg_metric::CHECKPOINTS_DONE_PER_MIN, ""), None);
        let old18 = Checkpointer { done: Some(4), slru_written: Some(10), ..old };
        let now18 = Checkpointer { done: Some(5), slru_written: Some(70), ..now };
        let m = checkpointer_rates(&old18, &now18, 60.0);
        // Two timed checkpoints were due, one was skipped on an idle server.
        assert_eq!(get(&m, pg_metric::CHECKPOINTS_DONE_PER_MIN, ""), Some(1.0));
        assert_eq!(get(&m, pg_metric::SLRU_WRITTEN_PER_S, ""), Some(1.0));
        assert!(checkpointer_rates(&old, &now, 0.0).is_empty());
    }

    #[test]
    fn io_rates_per_pair_and_in_sum_leaving_idle_pairs_out() {
        let c = |read, write, evictions| IoCounters {
            read_bytes: read,
            write_bytes: write,
            evictions,
            ..Default::default()
        };
        let previous: HashMap<String, IoCounters> = [
            ("client backend/relation".to_owned(), c(8192.0, 0.0, 1)),
            ("checkpointer/relation".to_owned(), c(0.0, 16384.0, 0)),
            ("autovacuum launcher/relation".to_owned(), c(0.0, 0.0, 0)),
        ]
        .into();
        let mut current = previous.clone();
        current.insert("client backend/relation".into(), c(8192.0 * 5.0, 0.0, 3));
        current.insert("walwriter/wal".into(), c(0.0, 1e6, 0));
        let m = io_rates(&previous, &current, 2.0);
        assert_eq!(get(&m, pg_metric::IO_READ_BYTES_PER_S, "client backend/relation"), Some(16384.0));
        assert_eq!(get(&m, pg_metric::IO_EVICTIONS_PER_S, "client backend/relation"), Some(1.0));
        assert_eq!(get(&m, pg_metric::IO_WRITE_BYTES_PER_S, "checkpointer/relation"), Some(0.0));
        assert_eq!(get(&m, pg_metric::IO_READ_BYTES_PER_S, ""), Some(16384.0));
        // Never did any I/O: no series. New since the last read: no rate yet.
        assert_eq!(get(&m, pg_metric::IO_READ_BYTES_PER_S, "autovacuum launcher/relation"), None);
        assert_eq!(get(&m, pg_metric::IO_WRITE_BYTES_PER_S, "walwriter/wal"), None);
    }

    #[test]
    fn busiest_backends_first_and_at_most_five() {
        let previous: HashMap<i64, f64> = (1..=8).map(|pid| (pid, 0.0)).collect();
        let current: HashMap<i64, f64> =
            (1..=8).map(|pid| (pid, pid as f64 * 1000.0)).chain([(99, 5e9)]).collect();
        let m = top_backends(&previous, &current, 1.0);
        let keys: Vec<&str> = m.iter().map(|x| x.key.as_str()).collect();
        assert_eq!(keys, ["8", "7", "6", "5", "4"]);
        assert_eq!(m[0].value, 8000.0);
        assert!(top_backends(&previous, &previous, 1.0).is_empty(), "idle backends are not listed");
    }
}
