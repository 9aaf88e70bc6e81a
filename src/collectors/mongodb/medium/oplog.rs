//! The oplog's window and size on a data-bearing replica set member (`local.oplog.rs`):
//! the oldest and newest entries' times, read with `find` in natural order, one entry
//! each and only their `ts` and `wall` (never an operation), and `$collStats` storage
//! figures (configured maximum and bytes used). The window is how long a secondary may
//! be away and still catch up without a full resync. Arbiters have no oplog.

use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::Metric;
use mongodb::bson::{Document, doc};

/// The oldest (`newest` false) or newest entry, time fields only.
pub fn edge_command(newest: bool) -> Document {
    doc! {
        "find": "oplog.rs",
        "filter": {},
        "sort": { "$natural": if newest { -1 } else { 1 } },
        "projection": { "_id": 0, "ts": 1, "wall": 1 },
        "limit": 1_i64,
        "singleBatch": true,
    }
}

/// Storage figures of the oplog (the WiredTiger details are projected away).
pub fn size_command() -> Document {
    doc! {
        "aggregate": "oplog.rs",
        "pipeline": [
            { "$collStats": { "storageStats": {} } },
            { "$project": { "_id": 0, "storageStats.size": 1, "storageStats.maxSize": 1, "storageStats.count": 1 } },
        ],
        "cursor": {},
    }
}

/// An entry's time, Unix ms: `wall` (4.2+, ms) where both edges have it, else `ts` (s).
fn times(first: &Document, last: &Document) -> Option<(i64, i64)> {
    match (doc::millis(first, "wall"), doc::millis(last, "wall")) {
        (Some(a), Some(b)) => Some((a, b)),
        _ => Some((doc::millis(first, "ts")?, doc::millis(last, "ts")?)),
    }
}

/// Seconds between the oldest and the newest entry.
pub fn window_s(first: &Document, last: &Document) -> Option<f64> {
    let (oldest, newest) = times(first, last)?;
    Some((newest - oldest).max(0) as f64 / 1000.0)
}

/// `OPLOG_SIZE_BYTES`: the configured maximum (no key) and the bytes in use (`used`).
pub fn size_metrics(stats: &Document) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(max) = doc::num(stats, "storageStats.maxSize").filter(|v| *v > 0.0) {
        out.push(Metric::new(mg::OPLOG_SIZE_BYTES, max));
    }
    if let Some(used) = doc::num(stats, "storageStats.size") {
        out.push(Metric::keyed(mg::OPLOG_SIZE_BYTES, "used", used));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;
    use crate::collectors::mongodb::doc::fixture;

    fn first_doc(name: &str) -> Document {
        doc::docs(&fixture(name), "cursor.firstBatch").first().copied().cloned().unwrap_or_default()
    }

    #[test]
    fn window_and_size_from_the_edges_and_collstats() {
        for c in [edge_command(false), edge_command(true), size_command()] {
            assert!(commands::check(&c).is_ok(), "{c}");
        }
        assert_eq!(doc::int(&edge_command(true), "sort.$natural"), Some(-1));
        let (first, last) = (first_doc("medium_oplog_first.json"), first_doc("medium_oplog_last.json"));
        assert_eq!(window_s(&first, &last), Some(180_045.5), "wall times, ms precision");
        let mut old_first = first.clone();
        old_first.remove("wall");
        assert_eq!(window_s(&old_first, &last), Some(180_046.0), "ts seconds without wall on one edge");
        assert_eq!(window_s(&Document::new(), &last), None);
        let sizes = size_metrics(&first_doc("medium_oplog_stats.json"));
        let value = |key: &str| sizes.iter().find(|m| m.key == key).map(|m| m.value);
        assert_eq!((value(""), value("used")), (Some(2_147_483_648.0), Some(1_288_490_188.0)));
    }
}
