use super::*;
use crate::collectors::testing::value;
use crate::collectors::text_rows::from_batch;

fn classes(tsv: &str) -> WaitTotals {
    WaitTotals::classes(&from_batch(tsv))
}

fn events(tsv: &str) -> WaitTotals {
    WaitTotals::events(&from_batch(tsv))
}

const CLASSES_1: &str = include_str!("../../fixtures/workload_wait_classes_19c_1.tsv");
const CLASSES_2: &str = include_str!("../../fixtures/workload_wait_classes_19c_2.tsv");
const CLASSES_23: &str = include_str!("../../fixtures/workload_wait_classes_23ai.tsv");
const EVENTS_1: &str = include_str!("../../fixtures/workload_events_19c_1.tsv");
const EVENTS_2: &str = include_str!("../../fixtures/workload_events_19c_2.tsv");

#[test]
fn class_totals_are_centiseconds_read_as_milliseconds() {
    let first = classes(CLASSES_1);
    assert_eq!(first.get("User I/O"), Some(862_000.0));
    assert_eq!(first.get("Commit"), Some(93_500.0));
    assert_eq!(first.get("Idle"), None);
}

#[test]
fn first_read_gives_no_rate() {
    assert!(class_rates(None, &classes(CLASSES_1)).is_empty());
    assert!(event_rates(None, &events(EVENTS_1)).is_empty());
    let same = classes(CLASSES_1);
    assert!(class_rates(Some((&same, 0.0)), &same).is_empty(), "an empty interval");
}

#[test]
fn class_rates_over_sixty_seconds_keep_idle_classes_at_zero() {
    let (first, second) = (classes(CLASSES_1), classes(CLASSES_2));
    let m = class_rates(Some((&first, 60.0)), &second);
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "User I/O"), Some(200.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Commit"), Some(50.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Concurrency"), Some(10.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "System I/O"), Some(60.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Other"), Some(1.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Scheduler"), Some(0.0), "zeros stay continuous");
    assert_eq!(m.len(), 11);
    assert!(m.iter().all(|m| m.key != "Idle"));
}

#[test]
fn a_total_that_went_down_gives_no_rate_and_23ai_shape_reads_the_same() {
    let (second, later) = (classes(CLASSES_2), classes(CLASSES_23));
    assert_eq!(later.get("Idle"), None, "an Idle row that slipped through is left out");
    assert_eq!(later.get("Cluster"), None, "NULL time: no value, not zero");
    let m = class_rates(Some((&second, 60.0)), &later);
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Commit"), None, "the PDB started over");
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "User I/O"), Some(200.0));
    assert_eq!(value(&m, ora::WAIT_MS_PER_S, "Application"), Some(1.0));
    assert!(m.iter().all(|m| m.value >= 0.0 && m.value < 1000.0), "{m:?}");
}

#[test]
fn top_events_of_the_interval_only() {
    let m = event_rates(Some((&events(EVENTS_1), 60.0)), &events(EVENTS_2));
    let keys: Vec<(&str, f64)> = m.iter().map(|m| (m.key.as_str(), m.value)).collect();
    assert_eq!(
        keys,
        [
            ("db file sequential read", 150.0),
            ("db file scattered read", 50.0),
            ("log file sync", 50.0),
            ("log file parallel write", 40.0),
            ("control file sequential read", 20.0),
        ]
    );
    assert!(m.iter().all(|m| m.name == ora::WAIT_MS_PER_S_BY_EVENT));
}

#[test]
fn an_event_seen_for_the_first_time_counts_whole() {
    let mut current = events(EVENTS_2);
    current.0.retain(|k, _| k == "direct path read");
    let m = event_rates(Some((&events(EVENTS_1), 60.0)), &current);
    assert_eq!(value(&m, ora::WAIT_MS_PER_S_BY_EVENT, "direct path read"), Some(10.0));
}

#[test]
fn class_counters_are_seconds_since_startup() {
    let c = class_counters(&classes(CLASSES_1));
    assert_eq!(value(&c, counter::WAIT_TIME_SECONDS, "User I/O"), Some(862.0));
    assert_eq!(value(&c, counter::WAIT_TIME_SECONDS, "Scheduler"), Some(0.0));
    assert!(c.iter().all(|m| counter::help(&m.name).is_some()));
}

#[test]
fn a_total_near_the_float_limit_is_left_out_not_infinite() {
    let read = classes("WAIT_CLASS\tTOTAL_WAITS\tTIME_WAITED\nOther\t1\t1e308\nCommit\t1\t5\n");
    assert_eq!(read.get("Other"), None);
    assert_eq!(read.get("Commit"), Some(50.0));
    assert!(class_counters(&read).iter().all(|m| m.value.is_finite()));
}
