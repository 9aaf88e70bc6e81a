//! pg_stat_statements bookkeeping: cumulative counters → per-interval deltas with reset
//! detection, and a bounded cache of statement texts so that texts travel once.

use super::statement_counters;
use crate::collectors::delta::{counter_delta, float_delta};
use crate::model::{self, QueryStat, Timestamp};
use std::collections::HashMap;

/// Identity of one pg_stat_statements entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementKey {
    pub queryid: i64,
    pub userid: i64,
    pub dbid: i64,
}

/// One entry's counters (cumulative as read, or a delta after `advance`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counters {
    pub calls: u64,
    pub total_time_ms: f64,
    pub min_time_ms: Option<f64>,
    pub max_time_ms: Option<f64>,
    pub rows: u64,
    /// The counters of `statement_counters::ALL`, by position: a fixed array keeps the
    /// previous read of thousands of entries free of per-counter allocations.
    pub extra: [f64; statement_counters::N],
}

impl Counters {
    fn absorb(&mut self, other: &Counters) {
        self.calls += other.calls;
        self.total_time_ms += other.total_time_ms;
        self.min_time_ms = match (self.min_time_ms, other.min_time_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.max_time_ms = match (self.max_time_ms, other.max_time_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.rows += other.rows;
        for (mine, theirs) in self.extra.iter_mut().zip(other.extra) {
            *mine += theirs;
        }
    }

    /// Counters since `prev`, or None when the entry was reset in between (calls went down).
    fn since(&self, prev: &Counters) -> Option<Counters> {
        let (calls, reset) = counter_delta(prev.calls, self.calls);
        if reset {
            return None;
        }
        let f = |p: f64, c: f64| float_delta(p, c).0;
        let mut extra = [0.0; statement_counters::N];
        for ((out, p), c) in extra.iter_mut().zip(prev.extra).zip(self.extra) {
            *out = f(p, c);
        }
        Some(Counters {
            calls,
            total_time_ms: f(prev.total_time_ms, self.total_time_ms),
            // Lifetime extremes: windowing them is not possible from cumulative reads.
            min_time_ms: self.min_time_ms,
            max_time_ms: self.max_time_ms,
            rows: counter_delta(prev.rows, self.rows).0,
            extra,
        })
    }
}

/// pg_stat_statements_info (PG 14+).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatementsInfo {
    pub dealloc: u64,
    pub stats_reset_ms: Option<f64>,
}

/// What one read amounts to.
#[derive(Debug, Default, PartialEq)]
pub struct Interval {
    /// Previous read; None on the first (baseline) read.
    pub since: Option<Timestamp>,
    pub secs: f64,
    /// Entries that ran during the interval (calls delta > 0).
    pub deltas: Vec<(StatementKey, Counters)>,
    pub tracked: u64,
    pub reset_detected: bool,
    pub evicted: Option<u64>,
}

/// The previous cumulative read, kept between medium rounds. It is updated in place: a
/// fleet target reads thousands of entries a minute, and building a second map beside the
/// first (then dropping the old one) doubled what each target held at every round.
#[derive(Debug, Default)]
pub struct StatementDeltas {
    /// When the previous read was taken; None before the first (baseline) read.
    read_at: Option<Timestamp>,
    previous: HashMap<StatementKey, Counters>,
    info: Option<StatementsInfo>,
    /// The baseline read reports its totals (a single reading: `logstag snapshot`).
    pub totals_on_baseline: bool,
}

impl StatementDeltas {
    /// Forgets the baseline (after a reconnect the next read starts over).
    pub fn clear(&mut self) {
        self.read_at = None;
        self.previous = HashMap::new();
        self.info = None;
    }

    pub fn advance(
        &mut self,
        now: Timestamp,
        mut rows: Vec<(StatementKey, Counters)>,
        info: Option<StatementsInfo>,
    ) -> Interval {
        // With pg_stat_statements.track = all (PG 14+), a statement has a top-level and a
        // nested entry under the same key: sorted, they are neighbours, and are added up.
        rows.sort_unstable_by_key(|(key, _)| *key);
        rows.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1.absorb(&later.1);
            }
            same
        });
        let tracked = rows.len() as u64;
        let prev_info = std::mem::replace(&mut self.info, info);
        let then = self.read_at.replace(now);
        let mut reset_detected = false;
        let mut evicted = None;
        if let (Some(old), Some(new)) = (prev_info, info) {
            reset_detected |= old.stats_reset_ms != new.stats_reset_ms;
            let (n, dealloc_reset) = counter_delta(old.dealloc, new.dealloc);
            evicted = Some(n);
            reset_detected |= n > 0 || dealloc_reset;
        }
        let whole_reset =
            matches!((prev_info, info), (Some(old), Some(new)) if old.stats_reset_ms != new.stats_reset_ms);
        // Entries no longer tracked (evicted, reset) leave the baseline.
        self.previous.retain(|key, _| rows.binary_search_by_key(key, |(k, _)| *k).is_ok());
        let mut deltas = Vec::new();
        for (key, now_counters) in rows {
            let delta = match self.previous.get(&key) {
                // Baseline read: nothing to compare with yet.
                _ if then.is_none() => None,
                // After a full reset every counter restarted from zero.
                Some(_) if whole_reset => Some(now_counters.clone()),
                Some(prev) => Some(now_counters.since(prev).unwrap_or_else(|| {
                    reset_detected = true;
                    now_counters.clone()
                })),
                // New since the previous read: all its calls fall in the interval.
                None => Some(now_counters.clone()),
            };
            if let Some(delta) = delta.filter(|d| d.calls > 0) {
                deltas.push((key, delta));
            }
            self.previous.insert(key, now_counters);
        }
        // A view that shrank for good (pg_stat_statements.max lowered, a reset) gives its
        // memory back rather than keeping the largest size ever seen.
        if self.previous.capacity() > 4 * self.previous.len().max(256) {
            self.previous.shrink_to_fit();
        }
        let Some(then) = then else {
            if !self.totals_on_baseline {
                return Interval { tracked, ..Default::default() };
            }
            // Totals since the counters began: pg_stat_statements_info's reset (PG 14+),
            // else unknown (the server's start or an older reset).
            let reset = info.and_then(|i| i.stats_reset_ms).map(|ms| Timestamp(ms as i64));
            let mut totals: Vec<(StatementKey, Counters)> =
                self.previous.iter().filter(|(_, c)| c.calls > 0).map(|(k, c)| (*k, c.clone())).collect();
            totals.sort_by(|a, b| b.1.total_time_ms.total_cmp(&a.1.total_time_ms).then(a.0.cmp(&b.0)));
            return Interval { since: reset, deltas: totals, tracked, ..Default::default() };
        };
        deltas.sort_by(|a, b| b.1.total_time_ms.total_cmp(&a.1.total_time_ms).then(a.0.cmp(&b.0)));
        Interval {
            since: Some(then),
            secs: now.since(then).as_secs_f64(),
            deltas,
            tracked,
            reset_detected,
            evicted,
        }
    }
}

/// Statement texts by queryid, least recently used evicted beyond `cap`.
#[derive(Debug)]
pub struct TextCache {
    cap: usize,
    round: u64,
    texts: HashMap<i64, (String, u64)>,
}

impl TextCache {
    pub fn new(cap: usize) -> Self {
        Self { cap: cap.max(1), round: 0, texts: HashMap::new() }
    }

    /// Queryids of `wanted` whose text we do not have yet, without duplicates.
    pub fn missing(&self, wanted: impl IntoIterator<Item = i64>) -> Vec<i64> {
        let mut out: Vec<i64> = wanted.into_iter().filter(|id| !self.texts.contains_key(id)).collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn insert(&mut self, queryid: i64, text: String) {
        self.texts.insert(queryid, (text, self.round));
    }

    /// The text, marked as used in this round.
    pub fn get(&mut self, queryid: i64) -> Option<String> {
        let round = self.round;
        self.texts.get_mut(&queryid).map(|(text, used)| {
            *used = round;
            text.clone()
        })
    }

    /// Ends a round: drops the least recently used texts when over the cap.
    pub fn end_round(&mut self) {
        self.round += 1;
        if self.texts.len() <= self.cap {
            return;
        }
        let mut by_age: Vec<(u64, i64)> = self.texts.iter().map(|(id, (_, used))| (*used, *id)).collect();
        by_age.sort_unstable();
        let excess = self.texts.len() - self.cap;
        for (_, id) in by_age.into_iter().take(excess) {
            self.texts.remove(&id);
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.texts.len()
    }
}

pub fn query_stat(key: StatementKey, c: Counters, text: String, user: String, database: String) -> QueryStat {
    QueryStat {
        id: format!("{}/{}/{}", key.queryid, key.userid, key.dbid),
        database,
        user,
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

/// The counters that moved, under their names (no allocation for the names).
fn named(extra: &[f64; statement_counters::N]) -> model::Counters {
    let mut out = model::Counters::with_capacity(extra.iter().filter(|v| **v != 0.0).count());
    for ((name, _), value) in statement_counters::ALL.iter().zip(extra) {
        if *value != 0.0 {
            out.push(*name, *value);
        }
    }
    out
}

#[cfg(test)]
#[path = "statements_tests.rs"]
mod tests;
