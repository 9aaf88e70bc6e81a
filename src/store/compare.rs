//! Statements of two time windows side by side: what changed between "the last 15
//! minutes" and the 15 before, or the same 15 minutes a day earlier.

use super::StoreError;
use super::history::{bodies_between, fill_texts};
use crate::model::{QueryStat, SampleBody, Timestamp};
use rusqlite::Connection;
use std::collections::HashMap;

/// A statement's figures summed over one window.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WindowFigures {
    pub calls: u64,
    pub total_ms: f64,
}

impl WindowFigures {
    /// Mean time per call; None when it did not run.
    pub fn mean_ms(&self) -> Option<f64> {
        (self.calls > 0).then(|| self.total_ms / self.calls as f64)
    }
}

/// One statement in both windows (zero figures where it did not run).
#[derive(Debug, Clone, PartialEq)]
pub struct StatementChange {
    pub id: String,
    pub database: String,
    pub user: String,
    pub text: String,
    pub now: WindowFigures,
    pub before: WindowFigures,
    /// One of Logstag's own monitoring statements.
    pub own: bool,
}

impl StatementChange {
    /// Total time gained (negative: saved) from the earlier window to the later.
    pub fn total_delta_ms(&self) -> f64 {
        self.now.total_ms - self.before.total_ms
    }

    /// Ran in the later window and not in the earlier one.
    pub fn is_new(&self) -> bool {
        self.before.calls == 0 && self.now.calls > 0
    }

    /// How many times longer a call takes now (None unless it ran in both).
    pub fn mean_ratio(&self) -> Option<f64> {
        Some(self.now.mean_ms()? / self.before.mean_ms()?.max(f64::MIN_POSITIVE))
    }
}

/// The statement readings taken in `(from, to]` of each window, summed per statement;
/// statements of either window, ranked by the change in total time, largest gain first.
pub fn compare(
    conn: &Connection,
    target: &str,
    now: (Timestamp, Timestamp),
    before: (Timestamp, Timestamp),
) -> Result<Vec<StatementChange>, StoreError> {
    let mut by_id: HashMap<String, StatementChange> = HashMap::new();
    for (window, is_now) in [(now, true), (before, false)] {
        let (from, to) = (Timestamp(window.0.0.saturating_add(1)), window.1);
        for (_, body) in bodies_between(conn, target, "queries", from, to)? {
            let SampleBody::Queries(snap) = body else { continue };
            for stat in snap.stats {
                let change = by_id.entry(stat.id.clone()).or_insert_with(|| StatementChange {
                    id: stat.id.clone(),
                    database: stat.database.clone(),
                    user: stat.user.clone(),
                    text: String::new(),
                    now: WindowFigures::default(),
                    before: WindowFigures::default(),
                    own: false,
                });
                let figures = if is_now { &mut change.now } else { &mut change.before };
                figures.calls = figures.calls.saturating_add(stat.calls);
                // A NaN reading (JSON null) counts as nothing, not as a poisoned sum.
                figures.total_ms += if stat.total_time_ms.is_finite() { stat.total_time_ms } else { 0.0 };
                change.own |= stat.is_own();
            }
        }
    }
    let mut changes: Vec<StatementChange> = by_id.into_values().collect();
    let mut texts: Vec<QueryStat> =
        changes.iter().map(|c| QueryStat { id: c.id.clone(), ..QueryStat::default() }).collect();
    fill_texts(conn, target, &mut texts)?;
    for (change, text) in changes.iter_mut().zip(texts) {
        change.text = text.text;
    }
    changes.sort_by(|a, b| b.total_delta_ms().total_cmp(&a.total_delta_ms()).then_with(|| a.id.cmp(&b.id)));
    Ok(changes)
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::super::fixtures::*;
    use crate::model::{Tier, Timestamp};

    #[tokio::test]
    async fn two_windows_side_by_side_ranked_by_the_time_gained() {
        let store = Store::open_in_memory(DAY).unwrap();
        // Earlier window (0, 60 s]: steady 10 calls of 1.5 ms, and a statement that stops.
        // Later window (60, 120 s]: steady again, a new one, and `slow` taking 4x longer.
        let mut slow = stat("slow", 10);
        store
            .record(vec![sample(
                Tier::Medium,
                30_000,
                queries(vec![stat("steady", 10), stat("gone", 4), slow.clone()]),
            )])
            .await
            .unwrap();
        slow.total_time_ms *= 4.0;
        slow.mean_time_ms *= 4.0;
        let new = stat("new", 3);
        store
            .record(vec![sample(Tier::Medium, 90_000, queries(vec![stat("steady", 10), new, slow]))])
            .await
            .unwrap();
        // Outside both windows: not counted.
        store.record(vec![sample(Tier::Medium, 150_000, queries(vec![stat("steady", 99)]))]).await.unwrap();

        let changes = store
            .compare_statements(
                &t(),
                (Timestamp(60_000), Timestamp(120_000)),
                (Timestamp(0), Timestamp(60_000)),
            )
            .await
            .unwrap();
        let order: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(order, ["slow", "new", "steady", "gone"]);
        assert_eq!(changes[0].mean_ratio(), Some(4.0));
        assert_eq!((changes[0].now.calls, changes[0].before.calls), (10, 10));
        assert!(changes[1].is_new() && !changes[2].is_new());
        assert_eq!(changes[2].total_delta_ms(), 0.0);
        assert_eq!((changes[3].now.calls, changes[3].before.calls), (0, 4));
        assert_eq!(changes[3].mean_ratio(), None);
        assert!(changes.iter().all(|c| !c.own));
    }
}
