//! Top SQL from `v$sqlstats`: one row per SQL_ID and plan hash, cumulative since the
//! cursor was loaded. `v$sqlstats` is the cheap view (no library cache latches, kept a
//! little after the cursor ages out); the read is capped at `TOP_N` rows by elapsed time.
//! After the first read only what ran since the previous read is a candidate
//! (`LAST_ACTIVE_TIME` against the server's own clock at that read, less a margin), so
//! the cap falls on the interval's statements, not on the whole cache.

use crate::collectors::text_rows::TextRow;

/// Rows read per round at most (`FETCH FIRST` in the statements).
pub const TOP_N: usize = 200;

macro_rules! top_sql {
    ($filter:literal) => {
        concat!(
            "SELECT sql_id, plan_hash_value, executions, elapsed_time, rows_processed, cpu_time,
       buffer_gets, disk_reads, direct_writes, parse_calls, fetches, sorts,
       user_io_wait_time, concurrency_wait_time, application_wait_time, cluster_wait_time, loads,
       COUNT(*) OVER () AS candidates,
       TO_CHAR(SYSDATE, 'YYYY-MM-DD HH24:MI:SS') AS server_now
FROM v$sqlstats",
            $filter,
            "
ORDER BY elapsed_time DESC
FETCH FIRST 200 ROWS ONLY"
        )
    };
}

/// The first read (the baseline): the statements that took most time since loaded.
pub const TOP_SQL: &str = top_sql!("");
/// Later reads: `:1` is the previous read's `server_now`; 5 s of margin for the clock's
/// one-second steps and statistics flushed a little late.
pub const TOP_SQL_SINCE: &str = top_sql!(
    "
WHERE last_active_time >= TO_DATE(:1, 'YYYY-MM-DD HH24:MI:SS') - 5 / 86400"
);

/// The cumulative figures of a row by `v$sqlstats` column, in `Totals` order. The first
/// three are the model's core (executions, elapsed µs, rows); the rest are counters.
pub const COLUMNS: [&str; 15] = [
    "executions",
    "elapsed_time",
    "rows_processed",
    "cpu_time",
    "buffer_gets",
    "disk_reads",
    "direct_writes",
    "parse_calls",
    "fetches",
    "sorts",
    "user_io_wait_time",
    "concurrency_wait_time",
    "application_wait_time",
    "cluster_wait_time",
    // Not a v$sqlstats column: the plans that ran, counted per SQL_ID in the interval.
    "plans",
];
pub const EXECUTIONS: usize = 0;
pub const ELAPSED_US: usize = 1;
pub const ROWS: usize = 2;
pub const PLANS: usize = 14;

/// Cumulative figures by `COLUMNS` position.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals(pub [f64; 15]);

impl Totals {
    fn read(r: &TextRow) -> Self {
        let mut out = [0.0; 15];
        for (slot, column) in out.iter_mut().zip(COLUMNS).take(PLANS) {
            *slot = r.float(column).filter(|v| *v >= 0.0).unwrap_or(0.0);
        }
        Self(out)
    }

    pub fn executions(&self) -> f64 {
        self.0[EXECUTIONS]
    }

    pub fn elapsed_us(&self) -> f64 {
        self.0[ELAPSED_US]
    }

    /// What happened since `previous`; None when executions or elapsed time went down
    /// (the cursor was aged out and loaded again, the shared pool flushed).
    pub fn since(&self, previous: &Totals) -> Option<Totals> {
        if self.executions() < previous.executions() || self.elapsed_us() < previous.elapsed_us() {
            return None;
        }
        let mut out = [0.0; 15];
        for (slot, (now, before)) in out.iter_mut().zip(self.0.iter().zip(previous.0.iter())) {
            *slot = (now - before).max(0.0);
        }
        Some(Self(out))
    }

    /// Whether anything ran: an execution started, or a running one took time (Oracle
    /// counts an execution when it starts and adds its time every few seconds).
    pub fn moved(&self) -> bool {
        self.executions() > 0.0 || self.elapsed_us() > 0.0
    }

    pub fn add(&mut self, other: &Totals) {
        for (slot, v) in self.0.iter_mut().zip(other.0.iter()) {
            *slot += v;
        }
    }
}

/// One `v$sqlstats` row.
#[derive(Debug, Clone, PartialEq)]
pub struct SqlRow {
    pub sql_id: String,
    pub plan_hash: String,
    pub totals: Totals,
    /// Times the cursor was loaded or reloaded (1: its figures are all since one load).
    pub loads: u64,
}

/// One read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SqlRead {
    pub rows: Vec<SqlRow>,
    /// Statements that qualified before the cap (`COUNT(*) OVER ()`).
    pub candidates: u64,
    /// The server's clock at the read, `YYYY-MM-DD HH24:MI:SS`, for the next read's filter.
    pub server_now: String,
}

impl SqlRead {
    /// The cap cut the list: statements left out may have run.
    pub fn is_cut(&self) -> bool {
        if self.candidates > 0 { self.candidates > self.rows.len() as u64 } else { self.rows.len() >= TOP_N }
    }

    /// Elapsed time of the last row read (the cut), µs.
    pub fn least_elapsed_us(&self) -> f64 {
        self.rows.iter().map(|r| r.totals.elapsed_us()).fold(f64::INFINITY, f64::min)
    }
}

/// A SQL_ID as Oracle prints it: 13 characters of its base-32 alphabet.
pub fn is_sql_id(s: &str) -> bool {
    s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// `YYYY-MM-DD HH:MM:SS`, the only text bound back into `TOP_SQL_SINCE`.
pub fn is_server_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 19
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b' ',
            13 | 16 => *c == b':',
            _ => c.is_ascii_digit(),
        })
}

pub fn parse(rows: &[TextRow]) -> SqlRead {
    let mut out = SqlRead::default();
    for r in rows {
        if out.server_now.is_empty() {
            out.server_now = r.text("server_now");
        }
        out.candidates = out.candidates.max(r.uint("candidates").unwrap_or(0));
        let sql_id = r.text("sql_id");
        if !is_sql_id(&sql_id) {
            continue;
        }
        out.rows.push(SqlRow {
            sql_id,
            plan_hash: r.text("plan_hash_value"),
            totals: Totals::read(r),
            loads: r.uint("loads").unwrap_or(0),
        });
    }
    out
}
