//! Statement digests (`events_statements_summary_by_digest`): cumulative rows → deltas
//! per interval. The read only transfers digests that ran lately (`LAST_SEEN` after the
//! previous read, see `digests.rs`), so the baseline is a map that rows are merged into,
//! not replaced by; a digest that did not come back simply did not run.
//!
//! What a row's `FIRST_SEEN` tells:
//! - a known digest with a different `FIRST_SEEN` was recreated (the table was truncated
//!   in between): its counters started over, all of them fall in the interval;
//! - an unknown digest first seen after the previous read is new: all of it counts;
//! - an unknown digest first seen before it had no baseline (the previous read was cut
//!   by its row limit): it becomes the baseline now and shows from the next interval on,
//!   rather than reporting its lifetime as one interval.
//!
//! Eviction: performance_schema never evicts a digest; once the table is full
//! (`performance_schema_digests_size`), statements of new shapes are counted in one row
//! with a NULL digest. That row's calls over the interval are reported as `evicted`
//! (statements the list cannot show), not as a statement of its own.

use super::super::rows::TextRow;
use super::super::statement_counters::{self, PICOS_PER_MS, Unit};
use crate::collectors::delta::{counter_delta, float_delta};
use crate::model::{self, QueryStat, Timestamp};
use std::collections::HashMap;

/// One digest row's identity: the same statement shape in two schemas is two rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DigestKey {
    pub schema: String,
    pub digest: String,
}

/// One row's counters (cumulative as read, or a delta after `advance`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    pub calls: u64,
    pub total_time_ms: f64,
    pub min_time_ms: Option<f64>,
    pub max_time_ms: Option<f64>,
    /// Rows sent to the client.
    pub rows: u64,
    /// `statement_counters::ALL` by position.
    pub extra: [f64; statement_counters::N],
}

impl Counters {
    /// Counters since `prev`; None when they went down (the row started over).
    fn since(&self, prev: &Counters) -> Option<Counters> {
        let (calls, reset) = counter_delta(prev.calls, self.calls);
        if reset {
            return None;
        }
        let mut extra = [0.0; statement_counters::N];
        for ((out, p), c) in extra.iter_mut().zip(prev.extra).zip(self.extra) {
            *out = float_delta(p, c).0;
        }
        Some(Counters {
            calls,
            total_time_ms: float_delta(prev.total_time_ms, self.total_time_ms).0,
            // Lifetime extremes, as the server keeps them.
            min_time_ms: self.min_time_ms,
            max_time_ms: self.max_time_ms,
            rows: counter_delta(prev.rows, self.rows).0,
            extra,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DigestRow {
    pub key: DigestKey,
    pub counters: Counters,
    /// As the server prints them: `2024-05-01 10:00:00` (MariaDB) or with microseconds
    /// (MySQL). One server always uses one format, so they compare as text.
    pub first_seen: String,
    pub last_seen: String,
}

/// One read: the digest rows and the overflow row's calls (NULL digest), if it came back.
#[derive(Debug, Default, PartialEq)]
pub struct DigestRead {
    pub rows: Vec<DigestRow>,
    pub overflow_calls: Option<u64>,
    /// The newest `LAST_SEEN` in the reply: where the next read starts.
    pub newest_seen: Option<String>,
}

fn ms(picos: Option<u64>) -> f64 {
    picos.unwrap_or(0) as f64 / PICOS_PER_MS
}

/// Reads the reply by column name; MySQL-only columns (SUM_CPU_TIME) may be absent.
pub fn parse(rows: &[TextRow]) -> DigestRead {
    let mut out = DigestRead::default();
    for r in rows {
        let last_seen = r.text("LAST_SEEN");
        if out.newest_seen.as_ref().is_none_or(|n| *n < last_seen) && is_server_time(&last_seen) {
            out.newest_seen = Some(last_seen.clone());
        }
        let calls = r.uint("COUNT_STAR").unwrap_or(0);
        let Some(digest) = r.get("DIGEST").filter(|d| !d.is_empty()) else {
            out.overflow_calls = Some(out.overflow_calls.unwrap_or(0) + calls);
            continue;
        };
        let mut extra = [0.0; statement_counters::N];
        for (slot, (_, column, unit)) in extra.iter_mut().zip(statement_counters::ALL) {
            let value = r.uint(column);
            *slot = match unit {
                Unit::Count => value.unwrap_or(0) as f64,
                Unit::Picoseconds => ms(value),
            };
        }
        out.rows.push(DigestRow {
            key: DigestKey { schema: r.text("SCHEMA_NAME"), digest: digest.to_owned() },
            counters: Counters {
                calls,
                total_time_ms: ms(r.uint("SUM_TIMER_WAIT")),
                min_time_ms: r.uint("MIN_TIMER_WAIT").map(|p| ms(Some(p))),
                max_time_ms: r.uint("MAX_TIMER_WAIT").map(|p| ms(Some(p))),
                rows: r.uint("SUM_ROWS_SENT").unwrap_or(0),
                extra,
            },
            first_seen: r.text("FIRST_SEEN"),
            last_seen,
        });
    }
    out
}

/// `2024-05-01 10:00:00[.123456]` and nothing else: the value goes back into SQL.
pub fn is_server_time(s: &str) -> bool {
    (19..=26).contains(&s.len())
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | ' ' | '.'))
        && s.as_bytes().get(4) == Some(&b'-')
}

/// What one read amounts to.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    /// Previous read; None on the first (baseline) read.
    pub since: Option<Timestamp>,
    pub secs: f64,
    /// Digests that ran during the interval (calls > 0), most time first.
    pub deltas: Vec<(DigestKey, Counters)>,
    /// Digests known (read at least once on this connection).
    pub tracked: u64,
    pub reset_detected: bool,
    /// Statements counted in the overflow row during the interval.
    pub evicted: Option<u64>,
}

#[derive(Debug)]
struct Known {
    counters: Counters,
    first_seen: String,
    last_seen: String,
}

/// Digests known beyond this are forgotten, least recently run first (a truncated table
/// leaves rows behind that will never come back).
const MAX_KNOWN: usize = 20_000;

/// The baseline, kept between medium rounds of one connection.
#[derive(Debug, Default)]
pub struct DigestDeltas {
    known: HashMap<DigestKey, Known>,
    previous_at: Option<Timestamp>,
    /// Newest `LAST_SEEN` read so far (the server's clock, as it prints it).
    watermark: Option<String>,
    overflow_calls: u64,
    /// The baseline read reports its totals (a single reading: `logstag snapshot`).
    pub totals_on_baseline: bool,
}

impl DigestDeltas {
    pub fn clear(&mut self) {
        *self = Self { totals_on_baseline: self.totals_on_baseline, ..Self::default() };
    }

    /// Where the next read starts: None means read everything (the baseline).
    pub fn watermark(&self) -> Option<&str> {
        self.previous_at.and(self.watermark.as_deref())
    }

    pub fn advance(&mut self, now: Timestamp, read: DigestRead) -> Interval {
        let baseline = self.previous_at.is_none();
        let start = self.watermark.clone();
        let mut interval = Interval::default();
        for row in read.rows {
            let delta = match self.known.get(&row.key) {
                Some(known) if known.first_seen == row.first_seen => row.counters.since(&known.counters),
                Some(_) => None,
                None if start.as_ref().is_none_or(|s| row.first_seen >= *s) => Some(row.counters.clone()),
                // Ran before the previous read but was not in it: no baseline yet.
                None => Some(Counters::default()),
            };
            let delta = delta.unwrap_or_else(|| {
                interval.reset_detected = true;
                row.counters.clone()
            });
            // A baseline's totals: performance_schema keeps no reset time (`since` stays None).
            if (!baseline || self.totals_on_baseline) && delta.calls > 0 {
                interval.deltas.push((row.key.clone(), delta));
            }
            let known =
                Known { counters: row.counters, first_seen: row.first_seen, last_seen: row.last_seen };
            self.known.insert(row.key, known);
        }
        if let Some(calls) = read.overflow_calls {
            let (n, reset) = counter_delta(self.overflow_calls, calls);
            interval.reset_detected |= reset && !baseline;
            if !baseline {
                interval.evicted = Some(n);
            }
            self.overflow_calls = calls;
        } else if !baseline {
            interval.evicted = Some(0);
        }
        if read.newest_seen > self.watermark {
            self.watermark = read.newest_seen;
        }
        self.forget_oldest();
        interval.tracked = self.known.len() as u64;
        if let Some(then) = self.previous_at.replace(now) {
            interval.since = Some(then);
            interval.secs = now.since(then).as_secs_f64();
        }
        interval.deltas.sort_by(|a, b| b.1.total_time_ms.total_cmp(&a.1.total_time_ms).then(a.0.cmp(&b.0)));
        interval
    }

    fn forget_oldest(&mut self) {
        if self.known.len() <= MAX_KNOWN {
            return;
        }
        let mut by_age: Vec<(String, DigestKey)> =
            self.known.iter().map(|(k, v)| (v.last_seen.clone(), k.clone())).collect();
        by_age.sort_unstable();
        let excess = self.known.len() - MAX_KNOWN;
        for (_, key) in by_age.into_iter().take(excess) {
            self.known.remove(&key);
        }
    }
}

/// One `QueryStat`: the table has no user column, so `user` stays empty.
pub fn query_stat(key: DigestKey, c: Counters, text: String) -> QueryStat {
    QueryStat {
        id: format!("{}/{}", key.digest, key.schema),
        database: key.schema,
        user: String::new(),
        text,
        calls: c.calls,
        total_time_ms: c.total_time_ms,
        mean_time_ms: if c.calls > 0 { c.total_time_ms / c.calls as f64 } else { 0.0 },
        min_time_ms: c.min_time_ms,
        max_time_ms: c.max_time_ms,
        rows: c.rows,
        counters: named(&c.extra),
    }
}

fn named(extra: &[f64; statement_counters::N]) -> model::Counters {
    let mut out = model::Counters::with_capacity(extra.iter().filter(|v| **v != 0.0).count());
    for ((name, _, _), value) in statement_counters::ALL.iter().zip(extra) {
        if *value != 0.0 {
            out.push(*name, *value);
        }
    }
    out
}

#[cfg(test)]
#[path = "digest_deltas_tests.rs"]
mod tests;
