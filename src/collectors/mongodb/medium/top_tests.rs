use super::*;
use crate::collectors::mongodb::doc::fixture;
use std::time::Duration;

const T0: Timestamp = Timestamp(1_714_557_600_000);

fn read(name: &str) -> BTreeMap<String, NsUsage> {
    parse(&fixture(name))
}

#[test]
fn parses_every_namespace_with_longs_and_doubles() {
    let first = read("medium_top_first.json");
    assert_eq!(first.len(), 6, "{:?}", first.keys().collect::<Vec<_>>());
    let orders = first.get("shop.orders").copied().unwrap_or_default();
    assert_eq!(orders.total, Usage { micros: 5_000_000, count: 1000 });
    assert_eq!(orders.write_lock, Usage { micros: 2_000_000, count: 200 });
    assert_eq!(orders.kinds[2], Usage { micros: 1_200_000, count: 150 }, "insert");
    let oplog = first.get("local.oplog.rs").copied().unwrap_or_default();
    assert_eq!(oplog.total.micros, 100_000_000_000);
    assert!(parse(&mongodb::bson::doc! { "ok": 1 }).is_empty());
}

#[test]
fn the_first_read_is_only_a_baseline() {
    let mut baseline = None;
    let interval = advance(&mut baseline, T0, read("medium_top_first.json"));
    assert_eq!(
        (interval.since, interval.reset, interval.deltas.len(), interval.tracked),
        (None, false, 0, 6)
    );
    let (snapshot, metrics) = snapshot(&interval);
    assert!(snapshot.stats.is_empty() && metrics.is_empty());
    assert_eq!(snapshot.availability, StatsAvailability::Available);
}

#[test]
fn a_single_reading_reports_the_totals_since_the_start() {
    let mut baseline = None;
    let started = Timestamp(T0.0 - 86_400_000);
    let interval = totals(&mut baseline, T0, read("medium_top_first.json"), Some(started));
    assert_eq!(interval.since, Some(started));
    let (snapshot, metrics) = snapshot(&interval);
    assert!(metrics.is_empty(), "no interval, no rates");
    let orders = snapshot.stats.iter().find(|s| s.id == "shop.orders").expect("shop.orders listed");
    assert_eq!((orders.calls, orders.total_time_ms), (1000, 5_000.0));
    assert!(snapshot.stats.windows(2).all(|w| w[0].total_time_ms >= w[1].total_time_ms), "most time first");
    // And it is the baseline of a next reading.
    assert!(baseline.is_some_and(|b: Baseline| b.at == T0));
}

#[test]
fn deltas_between_two_reads_are_mongotop_rows() {
    let mut baseline = None;
    advance(&mut baseline, T0, read("medium_top_first.json"));
    let at = T0.plus(Duration::from_secs(60));
    let interval = advance(&mut baseline, at, read("medium_top_second.json"));
    assert_eq!((interval.since, interval.secs, interval.reset), (Some(T0), 60.0, false));
    let (snapshot, metrics) = snapshot(&interval);
    let rows: Vec<(&str, u64, f64)> =
        snapshot.stats.iter().map(|q| (q.text.as_str(), q.calls, q.total_time_ms)).collect();
    // customers and leads did not move; the oplog's time is tailing getmores; admin.$cmd
    // (our $currentOp among others) used 60 ms: none of them is shown.
    assert_eq!(
        rows,
        [("shop.orders", 300, 1800.0), ("shop.system.profile", 3, 1500.0), ("shop.carts", 25, 250.0)]
    );
    let orders = &snapshot.stats[0];
    assert_eq!(
        (orders.id.as_str(), orders.database.as_str(), orders.mean_time_ms),
        ("shop.orders", "shop", 6.0)
    );
    let counter = |name| orders.counter(name);
    assert_eq!((counter(c::READ_MS), counter(c::WRITE_MS)), (Some(900.0), Some(900.0)));
    assert_eq!((counter(c::READS), counter(c::WRITES)), (Some(240.0), Some(60.0)));
    assert_eq!(
        (counter(c::QUERIES), counter(c::GETMORES), counter(c::INSERTS)),
        (Some(220.0), Some(20.0), Some(50.0))
    );
    assert_eq!((counter(c::UPDATES), counter(c::UPDATES_MS)), (Some(10.0), Some(300.0)));
    assert_eq!(counter(c::REMOVES), None, "counters that did not move are left out");
    let carts = &snapshot.stats[2];
    assert_eq!(
        (carts.counter(c::INSERTS), carts.counter(c::WRITE_MS)),
        (Some(25.0), Some(250.0)),
        "new namespace"
    );
    let value =
        |name: &str, key: &str| metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value);
    assert_eq!(value(mg::COLLECTION_TIME_MS_PER_S, "read"), Some(40.0));
    assert_eq!(value(mg::COLLECTION_TIME_MS_PER_S, "write").map(|v| (v * 1000.0).round()), Some(19167.0));
    assert_eq!(value(metric::QUERY_CALLS_PER_S, "").map(|v| (v * 100.0).round()), Some(547.0));
    assert_eq!(value(metric::QUERY_TIME_MS_PER_S, ""), Some(3550.0 / 60.0));
}

#[test]
fn counters_going_backwards_reset_the_baseline() {
    let mut baseline = None;
    advance(&mut baseline, T0, read("medium_top_first.json"));
    advance(&mut baseline, T0.plus(Duration::from_secs(60)), read("medium_top_second.json"));
    let at = T0.plus(Duration::from_secs(120));
    let restarted = advance(&mut baseline, at, read("medium_top_after_restart.json"));
    // carts went up (25 → 90) but orders went down: no row may mix two lifetimes.
    assert_eq!((restarted.since, restarted.reset, restarted.deltas.len()), (None, true, 0));
    let (snapshot, metrics) = snapshot(&restarted);
    assert!(snapshot.reset_detected && snapshot.stats.is_empty() && metrics.is_empty());
    assert_eq!(baseline.as_ref().map(|b| (b.at, b.usage.len())), Some((at, 4)));
}

#[test]
fn system_namespaces_show_only_when_busy() {
    let busy = NsUsage { total: Usage { micros: 1_200_000, count: 2 }, ..NsUsage::default() };
    let mut tailing = busy;
    tailing.kinds[GETMORE] = Usage { micros: 1_100_000, count: 1 };
    assert!(shown("admin.system.users", &busy));
    assert!(!shown("local.oplog.rs", &tailing));
    assert!(shown("shop.orders", &NsUsage { total: Usage { micros: 10, count: 1 }, ..NsUsage::default() }));
    assert!(!shown("shop.orders", &NsUsage::default()));
    for ns in [
        "admin.$cmd.aggregate",
        "config.system.sessions",
        "local.oplog.rs",
        "shop.system.profile",
        "shop.$cmd",
    ] {
        assert!(is_system(ns), "{ns}");
    }
    assert!(!is_system("shop.orders") && !is_system("administration.x"));
}
