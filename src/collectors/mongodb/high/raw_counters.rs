//! serverStatus' cumulative counters as read, under the neutral counter names: the raw
//! values for the Prometheus endpoint, which computes rates itself (and sees restarts).

use crate::collectors::mongodb::doc;
use crate::model::{Metric, counter};
use mongodb::bson::Document;

/// (counter, key, serverStatus path).
const RAW: &[(&str, &str, &str)] = &[
    (counter::OPERATIONS, "insert", "opcounters.insert"),
    (counter::OPERATIONS, "query", "opcounters.query"),
    (counter::OPERATIONS, "update", "opcounters.update"),
    (counter::OPERATIONS, "delete", "opcounters.delete"),
    (counter::OPERATIONS, "getmore", "opcounters.getmore"),
    (counter::OPERATIONS, "command", "opcounters.command"),
    (counter::NETWORK_RECEIVED_BYTES, "", "network.bytesIn"),
    (counter::NETWORK_SENT_BYTES, "", "network.bytesOut"),
    (counter::COMMANDS_PROCESSED, "", "network.numRequests"),
    (counter::CONNECTIONS_RECEIVED, "", "connections.totalCreated"),
    (counter::ASSERTS, "regular", "asserts.regular"),
    (counter::ASSERTS, "warning", "asserts.warning"),
    (counter::ASSERTS, "msg", "asserts.msg"),
    (counter::ASSERTS, "user", "asserts.user"),
    (counter::ASSERTS, "tripwire", "asserts.tripwire"),
    (counter::ASSERTS, "rollovers", "asserts.rollovers"),
    (counter::ROWS_RETURNED, "", "metrics.document.returned"),
    (counter::ROWS_INSERTED, "", "metrics.document.inserted"),
    (counter::ROWS_UPDATED, "", "metrics.document.updated"),
    (counter::ROWS_DELETED, "", "metrics.document.deleted"),
    (counter::CACHE_MISSES, "", "wiredTiger.cache.pages read into cache"),
];

const PAGES_REQUESTED: &str = "wiredTiger.cache.pages requested from the cache";
const PAGES_READ: &str = "wiredTiger.cache.pages read into cache";
const LATENCY_KINDS: [&str; 4] = ["reads", "writes", "commands", "transactions"];

/// Every counter the status has (a mongos or an Atlas tier lacks some: left out, not 0).
pub fn raw_counters(status: &Document) -> Vec<Metric> {
    let mut out: Vec<Metric> = RAW
        .iter()
        .filter_map(|(name, key, path)| Some(Metric::keyed(name, *key, doc::num(status, path)?)))
        .collect();
    // Pages requested include those that had to be read in; the rest were cache hits.
    if let (Some(requested), Some(read)) = (doc::num(status, PAGES_REQUESTED), doc::num(status, PAGES_READ)) {
        out.push(Metric::new(counter::CACHE_HITS, (requested - read).max(0.0)));
    }
    for kind in LATENCY_KINDS {
        if let Some(ops) = doc::num(status, &format!("opLatencies.{kind}.ops")) {
            out.push(Metric::keyed(counter::COMMAND_CALLS, kind, ops));
        }
        // Microseconds on the server.
        if let Some(us) = doc::num(status, &format!("opLatencies.{kind}.latency")) {
            out.push(Metric::keyed(counter::COMMAND_TIME_SECONDS, kind, us / 1e6));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::doc::fixture;
    use crate::collectors::testing::value;

    #[test]
    fn raw_counters_of_a_7_0_standalone() {
        let status = fixture("high_server_status_7.0.json");
        let m = raw_counters(&status);
        let ops = |kind| value(&m, counter::OPERATIONS, kind);
        assert!(ops("insert").is_some() && ops("query").is_some() && ops("command").is_some(), "{m:?}");
        assert_eq!(value(&m, counter::NETWORK_RECEIVED_BYTES, ""), doc::num(&status, "network.bytesIn"));
        assert_eq!(value(&m, counter::ASSERTS, "user"), doc::num(&status, "asserts.user"));
        assert_eq!(value(&m, counter::ROWS_RETURNED, ""), doc::num(&status, "metrics.document.returned"));
        let (requested, read) =
            (doc::num(&status, PAGES_REQUESTED).unwrap(), doc::num(&status, PAGES_READ).unwrap());
        assert_eq!(value(&m, counter::CACHE_HITS, ""), Some(requested - read));
        assert!(value(&m, counter::COMMAND_TIME_SECONDS, "reads").is_some(), "{m:?}");
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
    }

    #[test]
    fn counters_go_up_between_two_reads() {
        let first = raw_counters(&fixture("high_server_status_7.0.json"));
        let next = raw_counters(&fixture("high_server_status_7.0_next.json"));
        for m in &first {
            let later = value(&next, &m.name, &m.key);
            assert!(later.is_some_and(|v| v >= m.value), "{} {}: {} → {later:?}", m.name, m.key, m.value);
        }
    }
}
