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
mod tests {
    use super::*;

    fn key(q: i64) -> StatementKey {
        StatementKey { queryid: q, userid: 10, dbid: 5 }
    }

    fn c(calls: u64, ms: f64) -> Counters {
        Counters { calls, total_time_ms: ms, rows: calls, ..Default::default() }
    }

    fn info(dealloc: u64, reset: f64) -> Option<StatementsInfo> {
        Some(StatementsInfo { dealloc, stats_reset_ms: Some(reset) })
    }

    #[test]
    fn first_read_is_a_baseline_then_deltas() {
        let mut d = StatementDeltas::default();
        let first =
            d.advance(Timestamp(1_000), vec![(key(1), c(10, 5.0)), (key(2), c(3, 1.0))], info(0, 1.0));
        assert_eq!(first.since, None);
        assert!(first.deltas.is_empty());
        assert_eq!(first.tracked, 2);
        let second = d.advance(
            Timestamp(61_000),
            vec![(key(1), c(17, 12.0)), (key(2), c(3, 1.0)), (key(3), c(2, 4.0))],
            info(0, 1.0),
        );
        assert_eq!(second.since, Some(Timestamp(1_000)));
        assert_eq!(second.secs, 60.0);
        assert!(!second.reset_detected);
        assert_eq!(second.evicted, Some(0));
        // Unchanged entries are left out; new ones count whole.
        let got: Vec<(i64, u64)> = second.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
        assert_eq!(got, vec![(1, 7), (3, 2)]);
        assert_eq!(second.deltas[0].1.total_time_ms, 7.0);
    }

    #[test]
    fn a_single_reading_reports_the_totals_since_the_reset() {
        let mut d = StatementDeltas { totals_on_baseline: true, ..Default::default() };
        let rows = vec![(key(1), c(10, 5.0)), (key(2), c(3, 9.0)), (key(3), c(0, 0.0))];
        let once = d.advance(Timestamp(1_000), rows.clone(), info(0, 1_700_000_000_000.0));
        assert_eq!(once.since, Some(Timestamp(1_700_000_000_000)), "since the reset");
        let got: Vec<(i64, u64)> = once.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
        assert_eq!(got, vec![(2, 3), (1, 10)], "costliest first, never-called left out");
        // Before PG 14 the reset time is unknown.
        let mut d = StatementDeltas { totals_on_baseline: true, ..Default::default() };
        assert_eq!(d.advance(Timestamp(1_000), rows, None).since, None);
    }

    #[test]
    fn top_level_and_nested_entries_of_one_key_add_up() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(1, 1.0)), (key(1), c(2, 2.0))], None);
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(4, 4.0)), (key(1), c(3, 3.0))], None);
        assert!(!i.reset_detected);
        assert_eq!(i.deltas[0].1.calls, 4);
    }

    #[test]
    fn entry_that_went_down_was_reset() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], None);
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(4, 2.0))], None);
        assert!(i.reset_detected);
        assert_eq!(i.evicted, None);
        assert_eq!(i.deltas[0].1.calls, 4);
    }

    #[test]
    fn stats_reset_change_restarts_every_counter() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], info(0, 1.0));
        // Reset, then the statement ran 12 times: more than before, yet all new.
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(12, 6.0))], info(0, 2.0));
        assert!(i.reset_detected);
        assert_eq!(i.deltas[0].1.calls, 12);
    }

    #[test]
    fn entries_gone_from_the_view_leave_the_baseline_and_count_whole_when_back() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(10, 5.0)), (key(2), c(4, 1.0))], None);
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(11, 6.0))], None);
        assert_eq!(i.tracked, 1);
        assert_eq!(d.previous.len(), 1, "key 2 was evicted: no longer kept");
        // Key 2 comes back with 6 calls since it re-entered the view: all of them are new.
        let i = d.advance(Timestamp(2_000), vec![(key(1), c(11, 6.0)), (key(2), c(6, 2.0))], None);
        let got: Vec<(i64, u64)> = i.deltas.iter().map(|(k, c)| (k.queryid, c.calls)).collect();
        assert_eq!(got, vec![(2, 6)]);
    }

    #[test]
    fn clear_starts_a_new_baseline() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(10, 5.0))], None);
        d.clear();
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(20, 9.0))], None);
        assert_eq!(i.since, None);
        assert!(i.deltas.is_empty());
    }

    #[test]
    fn evictions_are_counted() {
        let mut d = StatementDeltas::default();
        d.advance(Timestamp(0), vec![(key(1), c(1, 1.0))], info(3, 1.0));
        let i = d.advance(Timestamp(1_000), vec![(key(1), c(2, 2.0))], info(5, 1.0));
        assert_eq!(i.evicted, Some(2));
        assert!(i.reset_detected);
        assert_eq!(i.deltas[0].1.calls, 1);
    }

    #[test]
    fn text_cache_fetches_once_and_evicts_least_recent() {
        let mut t = TextCache::new(2);
        assert_eq!(t.missing([3, 1, 3]), vec![1, 3]);
        t.insert(1, "select $1".into());
        t.insert(3, "select 3".into());
        t.end_round();
        assert_eq!(t.missing([1, 3]), Vec::<i64>::new());
        assert_eq!(t.get(3).as_deref(), Some("select 3"));
        t.insert(4, "select 4".into());
        t.end_round();
        assert_eq!(t.len(), 2);
        assert_eq!(t.missing([1, 3, 4]), vec![1]);
    }

    #[test]
    fn query_stat_means_over_the_interval() {
        let q = query_stat(key(9), c(4, 10.0), "select $1".into(), "u".into(), "d".into());
        assert_eq!(q.mean_time_ms, 2.5);
        assert_eq!(q.id, "9/10/5");
    }
}
