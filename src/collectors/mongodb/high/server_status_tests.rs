use super::*;
use crate::collectors::mongodb::doc::fixture;

fn value(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

#[test]
fn rates_over_ten_seconds_of_a_7_0_standalone() {
    let first = Counters::read(&fixture("high_server_status_7.0.json"));
    let next = Counters::read(&fixture("high_server_status_7.0_next.json"));
    assert!(rate_metrics(None, &first).is_empty(), "the first read has nothing to compare with");
    let m = rate_metrics(Some((&first, 10.0)), &next);
    assert_eq!(value(&m, mg::OPS_PER_S, "insert"), Some(120.0));
    assert_eq!(value(&m, mg::OPS_PER_S, "query"), Some(450.0));
    assert_eq!(value(&m, mg::OPS_PER_S, "command"), Some(230.0));
    assert_eq!(value(&m, mg::OPS_PER_S, ""), Some(898.0), "the sum of the six kinds");
    assert_eq!(value(&m, metric::TPS, ""), Some(898.0));
    assert_eq!(value(&m, mg::REPL_OPS_PER_S, ""), Some(0.0));
    assert_eq!(value(&m, metric::NET_IN_BYTES_PER_S, ""), Some(5_242_880.0));
    assert_eq!(value(&m, metric::NET_OUT_BYTES_PER_S, ""), Some(20_971_520.0));
    assert_eq!(value(&m, mg::NETWORK_REQUESTS_PER_S, ""), Some(900.0));
    assert_eq!(value(&m, mg::ASSERTS_PER_S, "user"), Some(2.0));
    assert_eq!(value(&m, mg::DOCUMENTS_PER_S, "returned"), Some(25_000.0));
    assert_eq!(value(&m, mg::CONNECTIONS_CREATED_PER_S, ""), Some(1.5));
    assert_eq!(value(&m, mg::CACHE_PAGES_READ_PER_S, ""), Some(400.0));
    assert_eq!(value(&m, mg::CACHE_PAGES_EVICTED_PER_S, ""), Some(350.0), "modified + unmodified");
    assert_eq!(value(&m, mg::CACHE_APP_EVICTIONS_PER_S, ""), Some(7.0));
    assert_eq!(value(&m, mg::CURSORS_TIMED_OUT_PER_S, ""), Some(0.2));
    assert_eq!(value(&m, mg::PAGE_FAULTS_PER_S, ""), Some(3.0));
    // 4,000 of 400,000 requested pages had to be read in: 99 % hits.
    assert!(close(value(&m, metric::CACHE_HIT_PCT, ""), 99.0), "{m:?}");
    assert!(close(value(&m, mg::OP_LATENCY_MS, "reads"), 5.0));
    assert!(close(value(&m, mg::OP_LATENCY_MS, "writes"), 2.0));
    assert!(close(value(&m, mg::OP_LATENCY_MS, "commands"), 0.5));
    assert_eq!(value(&m, mg::OP_LATENCY_MS, "transactions"), None, "no transaction ran: no mean");
}

#[test]
fn a_restart_or_a_short_interval_gives_no_rates() {
    let first = Counters::read(&fixture("high_server_status_7.0.json"));
    let next = Counters::read(&fixture("high_server_status_7.0_next.json"));
    assert!(rate_metrics(Some((&next, 10.0)), &first).is_empty(), "counters went backwards");
    assert!(rate_metrics(Some((&first, 0.1)), &next).is_empty());
    // Uptime alone going back is a restart too, even when a counter happens to be higher.
    let mut restarted = next.clone();
    restarted.uptime_ms = Some(5_000.0);
    assert!(rate_metrics(Some((&first, 10.0)), &restarted).is_empty());
}

#[test]
fn gauges_of_a_7_0_standalone_with_tickets_in_queues() {
    let status = fixture("high_server_status_7.0.json");
    let m = gauge_metrics(&status);
    assert_eq!(value(&m, metric::CONNECTIONS, ""), Some(57.0));
    assert_eq!(value(&m, mg::CONNECTIONS_AVAILABLE, ""), Some(51_143.0));
    assert_eq!(value(&m, mg::CONNECTIONS_ACTIVE, ""), Some(9.0));
    assert_eq!(value(&m, metric::MAX_CONNECTIONS, ""), Some(51_200.0));
    assert_eq!(value(&m, mg::CACHE_USED_BYTES, ""), Some(3_221_225_472.0));
    assert_eq!(value(&m, mg::CACHE_MAX_BYTES, ""), Some(4_294_967_296.0));
    assert_eq!(value(&m, mg::CACHE_USED_PCT, ""), Some(75.0));
    assert!(close(value(&m, mg::CACHE_DIRTY_PCT, ""), 100.0 * 85_899_345.0 / 4_294_967_296.0));
    assert_eq!(tickets_section(&status), Some("queues.execution"));
    assert_eq!(value(&m, mg::TICKETS_OUT, "read"), Some(6.0));
    assert_eq!(value(&m, mg::TICKETS_AVAILABLE, "write"), Some(7.0));
    assert_eq!(value(&m, mg::QUEUED_OPERATIONS, ""), Some(3.0));
    assert_eq!(value(&m, mg::QUEUED_OPERATIONS, "writers"), Some(2.0));
    assert_eq!(value(&m, mg::ACTIVE_CLIENTS, "readers"), Some(4.0));
    assert_eq!(value(&m, mg::CURSORS_OPEN, ""), Some(17.0));
    assert_eq!(value(&m, metric::MEMORY_USED_BYTES, ""), Some(2087.0 * 1_048_576.0));
    assert_eq!(started_at_ms(&status), Some(1_772_445_600_000 - 1_200_000_000));
    assert_eq!(is_secondary(&status), None, "a standalone has no repl section");
}

#[test]
fn tickets_before_7_0_and_the_newer_place_first_when_both_exist() {
    let s50 = fixture("high_server_status_5.0.json");
    assert_eq!(tickets_section(&s50), Some("wiredTiger.concurrentTransactions"));
    let m = gauge_metrics(&s50);
    assert_eq!(value(&m, mg::TICKETS_OUT, "read"), Some(5.0));
    assert_eq!(value(&m, mg::TICKETS_AVAILABLE, "write"), Some(126.0));
    // Mixed number types: an int32 cache size beside a double maximum.
    assert_eq!(value(&m, mg::CACHE_USED_BYTES, ""), Some(1_020_054_732.0));
    assert!(close(value(&m, mg::CACHE_DIRTY_PCT, ""), 25.0));
    let s60 = fixture("high_server_status_6.0.json");
    assert_eq!(tickets_section(&s60), Some("wiredTiger.concurrentTransactions"));
    assert_eq!(is_secondary(&s60), Some(false));
    let s80 = fixture("high_server_status_8.0.json");
    assert_eq!(tickets_section(&s80), Some("queues.execution"));
    let m = gauge_metrics(&s80);
    assert_eq!(value(&m, mg::TICKETS_OUT, "read"), Some(9.0), "not the old section's 0");
    assert_eq!(value(&m, mg::TICKETS_AVAILABLE, "read"), Some(3.0));
    assert_eq!(m.iter().filter(|x| x.name == mg::TICKETS_OUT).count(), 2);
}

#[test]
fn a_secondary_applies_replicated_operations() {
    let status = fixture("high_server_status_secondary.json");
    assert_eq!(is_secondary(&status), Some(true));
    let first = Counters::read(&status);
    let mut later = first.clone();
    // The next read: 10 s later, 5,000 replicated inserts more.
    let at = RATES.iter().position(|r| r.metric == mg::REPL_OPS_PER_S && r.key == "insert").unwrap_or(0);
    later.rates[at] = later.rates[at].map(|v| v + 5_000.0);
    later.uptime_ms = later.uptime_ms.map(|v| v + 10_000.0);
    let m = rate_metrics(Some((&first, 10.0)), &later);
    assert_eq!(value(&m, mg::REPL_OPS_PER_S, "insert"), Some(500.0));
    assert_eq!(value(&m, mg::REPL_OPS_PER_S, ""), Some(500.0));
    assert_eq!(value(&m, mg::OPS_PER_S, ""), Some(0.0));
    assert_eq!(value(&m, metric::CACHE_HIT_PCT, ""), None, "no page requested: no ratio");
}

#[test]
fn mongos_and_atlas_give_what_they_have_and_no_invented_zeros() {
    let mongos = fixture("high_server_status_mongos.json");
    let m = gauge_metrics(&mongos);
    assert_eq!(value(&m, metric::CONNECTIONS, ""), Some(57.0));
    assert_eq!(value(&m, metric::MEMORY_USED_BYTES, ""), Some(2087.0 * 1_048_576.0));
    for absent in
        [mg::CACHE_USED_PCT, mg::CACHE_USED_BYTES, mg::TICKETS_OUT, mg::QUEUED_OPERATIONS, mg::ACTIVE_CLIENTS]
    {
        assert!(m.iter().all(|x| x.name != absent), "{absent} on mongos");
    }
    let c = Counters::read(&mongos);
    let rates = rate_metrics(Some((&c, 10.0)), &c);
    assert_eq!(value(&rates, mg::OPS_PER_S, ""), Some(0.0), "an idle router has zero ops");
    assert_eq!(value(&rates, mg::REPL_OPS_PER_S, ""), None, "mongos does not replicate");
    assert_eq!(value(&rates, mg::OP_LATENCY_MS, "reads"), None);
    assert_eq!(value(&rates, mg::CACHE_PAGES_READ_PER_S, ""), None);

    let atlas = fixture("high_server_status_atlas_shared.json");
    let m = gauge_metrics(&atlas);
    assert_eq!(value(&m, metric::CONNECTIONS, ""), Some(11.0));
    assert_eq!(value(&m, metric::MAX_CONNECTIONS, ""), Some(500.0));
    assert_eq!(value(&m, mg::CONNECTIONS_ACTIVE, ""), None);
    assert_eq!(value(&m, metric::MEMORY_USED_BYTES, ""), None, "mem.resident is not reported");
    assert_eq!(tickets_section(&atlas), None);
    let c = Counters::read(&atlas);
    let rates = rate_metrics(Some((&c, 10.0)), &c);
    assert_eq!(value(&rates, metric::NET_IN_BYTES_PER_S, ""), Some(0.0));
    assert_eq!(value(&rates, mg::ASSERTS_PER_S, "user"), None);
    assert_eq!(value(&rates, mg::PAGE_FAULTS_PER_S, ""), None);
    assert_eq!(started_at_ms(&atlas), Some(1_772_445_600_000 - 99_120_000));
    // An empty reply (a refusal's leftover) gives nothing at all.
    assert!(gauge_metrics(&Document::new()).is_empty());
    assert!(rate_metrics(Some((&Counters::read(&Document::new()), 10.0)), &c).is_empty());
}
