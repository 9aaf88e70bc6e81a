//! pg_stat_statements counters beyond the common core: their names (as columns of the
//! statements queries, as counters in `QueryStat`, in the store and in forwarded
//! payloads) and how they read to a DBA.

use crate::model::{CounterGuide, CounterLine, CounterUnit, Counters};
use tokio_postgres::Row;

pub const SHARED_BLKS_HIT: &str = "shared_blks_hit";
pub const SHARED_BLKS_READ: &str = "shared_blks_read";
pub const SHARED_BLKS_DIRTIED: &str = "shared_blks_dirtied";
pub const SHARED_BLKS_WRITTEN: &str = "shared_blks_written";
pub const LOCAL_BLKS_HIT: &str = "local_blks_hit";
pub const LOCAL_BLKS_READ: &str = "local_blks_read";
pub const TEMP_BLKS_READ: &str = "temp_blks_read";
pub const TEMP_BLKS_WRITTEN: &str = "temp_blks_written";
/// Block read/write time, ms (track_io_timing). From PG 17 on the server splits it into
/// shared and local; this stays their sum so that history reads the same across versions.
pub const BLK_READ_TIME_MS: &str = "blk_read_time_ms";
pub const BLK_WRITE_TIME_MS: &str = "blk_write_time_ms";
/// The local share of the block times, PG 17+ (extension 1.11).
pub const LOCAL_BLK_READ_TIME_MS: &str = "local_blk_read_time_ms";
pub const LOCAL_BLK_WRITE_TIME_MS: &str = "local_blk_write_time_ms";
/// Temp file I/O time, PG 15+ (extension 1.10).
pub const TEMP_BLK_READ_TIME_MS: &str = "temp_blk_read_time_ms";
pub const TEMP_BLK_WRITE_TIME_MS: &str = "temp_blk_write_time_ms";
/// WAL generated, PG 13+ (extension 1.8).
pub const WAL_RECORDS: &str = "wal_records";
pub const WAL_FPI: &str = "wal_fpi";
pub const WAL_BYTES: &str = "wal_bytes";
/// JIT: functions compiled and the time spent on it (all phases), PG 15+ (extension 1.10).
pub const JIT_FUNCTIONS: &str = "jit_functions";
pub const JIT_TIME_MS: &str = "jit_time_ms";
/// PG 18+ (extension 1.12): WAL buffers full (a backend had to write WAL itself) and
/// parallel workers planned versus obtained (short of max_parallel_workers).
pub const WAL_BUFFERS_FULL: &str = "wal_buffers_full";
pub const PARALLEL_WORKERS_TO_LAUNCH: &str = "parallel_workers_to_launch";
pub const PARALLEL_WORKERS_LAUNCHED: &str = "parallel_workers_launched";

/// How a column comes back from the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sql {
    Int8,
    Float8,
}

pub const N: usize = 22;

/// Every counter the collector reads, by column name. A query for an older server simply
/// lacks the newer columns; they then stay zero and are left out of `QueryStat`.
pub const ALL: [(&str, Sql); N] = [
    (SHARED_BLKS_HIT, Sql::Int8),
    (SHARED_BLKS_READ, Sql::Int8),
    (SHARED_BLKS_DIRTIED, Sql::Int8),
    (SHARED_BLKS_WRITTEN, Sql::Int8),
    (LOCAL_BLKS_HIT, Sql::Int8),
    (LOCAL_BLKS_READ, Sql::Int8),
    (TEMP_BLKS_READ, Sql::Int8),
    (TEMP_BLKS_WRITTEN, Sql::Int8),
    (BLK_READ_TIME_MS, Sql::Float8),
    (BLK_WRITE_TIME_MS, Sql::Float8),
    (LOCAL_BLK_READ_TIME_MS, Sql::Float8),
    (LOCAL_BLK_WRITE_TIME_MS, Sql::Float8),
    (TEMP_BLK_READ_TIME_MS, Sql::Float8),
    (TEMP_BLK_WRITE_TIME_MS, Sql::Float8),
    (WAL_RECORDS, Sql::Int8),
    (WAL_FPI, Sql::Int8),
    (WAL_BYTES, Sql::Float8),
    (JIT_FUNCTIONS, Sql::Int8),
    (JIT_TIME_MS, Sql::Float8),
    (WAL_BUFFERS_FULL, Sql::Int8),
    (PARALLEL_WORKERS_TO_LAUNCH, Sql::Int8),
    (PARALLEL_WORKERS_LAUNCHED, Sql::Int8),
];

/// Where each counter of `ALL` sits in this reply's rows, found once per read instead of
/// by name for every row and counter.
pub fn positions(first: Option<&Row>) -> [Option<usize>; N] {
    let columns = first.map_or(&[][..], |r| r.columns());
    ALL.map(|(name, _)| columns.iter().position(|c| c.name() == name))
}

/// The counters of one row; columns this server version lacks (and NULLs) read as zero.
pub fn read(row: &Row, positions: &[Option<usize>; N]) -> Result<[f64; N], tokio_postgres::Error> {
    let mut out = [0.0; N];
    for ((value, (_, sql)), pos) in out.iter_mut().zip(ALL).zip(positions) {
        let Some(i) = *pos else { continue };
        *value = match sql {
            // Block counts stay far below 2^53, where f64 is still exact.
            Sql::Int8 => row.try_get::<_, Option<i64>>(i)?.map_or(0.0, |v| v.max(0) as f64),
            Sql::Float8 => row.try_get::<_, Option<f64>>(i)?.unwrap_or(0.0),
        };
    }
    Ok(out)
}

/// Share of shared and local buffer accesses served from cache, 0–100.
pub fn hit_pct(c: &Counters) -> Option<f64> {
    let hit = c.or_zero(SHARED_BLKS_HIT) + c.or_zero(LOCAL_BLKS_HIT);
    let total = hit + c.or_zero(SHARED_BLKS_READ) + c.or_zero(LOCAL_BLKS_READ);
    (total > 0.0).then(|| hit * 100.0 / total)
}

pub const GUIDE: CounterGuide = CounterGuide {
    io_reads: SHARED_BLKS_READ,
    hit_pct: Some(hit_pct),
    lines: &[
        CounterLine {
            label: "shared blks",
            parts: &[
                ("hit", SHARED_BLKS_HIT),
                ("read", SHARED_BLKS_READ),
                ("dirtied", SHARED_BLKS_DIRTIED),
                ("written", SHARED_BLKS_WRITTEN),
            ],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "local blks",
            parts: &[("hit", LOCAL_BLKS_HIT), ("read", LOCAL_BLKS_READ)],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "temp blks",
            parts: &[("read", TEMP_BLKS_READ), ("written", TEMP_BLKS_WRITTEN)],
            unit: CounterUnit::Count,
        },
        CounterLine {
            label: "blk I/O time",
            parts: &[("read", BLK_READ_TIME_MS), ("write", BLK_WRITE_TIME_MS)],
            unit: CounterUnit::Millis,
        },
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_ratio_counts_shared_and_local_buffers() {
        let mut c = Counters::default();
        assert_eq!(hit_pct(&c), None);
        c.set(SHARED_BLKS_HIT, 90.0);
        c.set(LOCAL_BLKS_HIT, 5.0);
        c.set(SHARED_BLKS_READ, 4.0);
        c.set(LOCAL_BLKS_READ, 1.0);
        assert_eq!(hit_pct(&c), Some(95.0));
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = ALL.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), N);
    }
}
