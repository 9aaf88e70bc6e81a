//! Statements of two time windows side by side: what changed between "the last 15
//! minutes" and the 15 before, or the same 15 minutes a day earlier.

use super::StoreError;
use super::counters::Names;
use crate::model::{OWN_STATEMENT, Timestamp};
use rusqlite::{Connection, params};

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
    let mut stmt = conn.prepare_cached(
        "SELECT t.query_id, t.db_name, t.user_name, t.text,
                sum(CASE WHEN s.at > ?2 AND s.at <= ?3 THEN s.calls ELSE 0 END),
                sum(CASE WHEN s.at > ?2 AND s.at <= ?3 THEN coalesce(s.total_time_ms, 0) ELSE 0 END),
                sum(CASE WHEN s.at > ?4 AND s.at <= ?5 THEN s.calls ELSE 0 END),
                sum(CASE WHEN s.at > ?4 AND s.at <= ?5 THEN coalesce(s.total_time_ms, 0) ELSE 0 END),
                max(s.counters)
         FROM query_stats s JOIN query_texts t ON t.id = s.text_id
         WHERE t.target = ?1 AND ((s.at > ?2 AND s.at <= ?3) OR (s.at > ?4 AND s.at <= ?5))
         GROUP BY s.text_id",
    )?;
    let names = Names::load(conn)?;
    let count = |v: i64| u64::try_from(v).unwrap_or(0);
    let rows = stmt.query_map(params![target, now.0.0, now.1.0, before.0.0, before.1.0], |r| {
        let own = match r.get_ref(8)?.as_blob_or_null()? {
            Some(bytes) => names.decode(bytes).is_ok_and(|c| c.get(OWN_STATEMENT).is_some_and(|v| v > 0.0)),
            None => false,
        };
        Ok(StatementChange {
            id: r.get(0)?,
            database: r.get(1)?,
            user: r.get(2)?,
            text: r.get(3)?,
            now: WindowFigures { calls: count(r.get(4)?), total_ms: r.get(5)? },
            before: WindowFigures { calls: count(r.get(6)?), total_ms: r.get(7)? },
            own,
        })
    })?;
    let mut changes: Vec<StatementChange> = rows.collect::<Result<_, _>>()?;
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
