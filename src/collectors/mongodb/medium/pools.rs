//! Outgoing connection pools (`connPoolStats`): the connections a replica set member
//! keeps to the other members, or a mongos to its shards and config servers. Totals only
//! (the per-host and per-pool breakdown names every host and is not read further).

use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::Metric;
use mongodb::bson::{Document, doc};

pub fn command() -> Document {
    doc! { "connPoolStats": 1 }
}

/// `OUTGOING_CONNECTIONS` keyed in_use, available, refreshing.
pub fn metrics(reply: &Document) -> Vec<Metric> {
    [("in_use", "totalInUse"), ("available", "totalAvailable"), ("refreshing", "totalRefreshing")]
        .into_iter()
        .filter_map(|(key, field)| {
            Some(Metric::keyed(mg::OUTGOING_CONNECTIONS, key, doc::num(reply, field)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;
    use crate::collectors::mongodb::doc::fixture;

    #[test]
    fn pool_totals_from_mongos() {
        assert!(commands::check(&command()).is_ok());
        let metrics = metrics(&fixture("medium_mongos_conn_pool_stats.json"));
        let values: Vec<(&str, f64)> = metrics.iter().map(|m| (m.key.as_str(), m.value)).collect();
        assert_eq!(values, [("in_use", 2.0), ("available", 9.0), ("refreshing", 1.0)]);
        assert!(super::metrics(&doc! { "ok": 1 }).is_empty());
    }
}
