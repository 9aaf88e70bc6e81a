use super::replication::persistence_ok;
use super::*;
use crate::collectors::redis::parse::replies::Role;
use crate::model::ServerRole;
use std::time::Duration;

const REDIS: &str = include_str!("fixtures/info_redis_7.txt");
const VALKEY: &str = include_str!("fixtures/info_valkey_8.txt");

fn stat(calls: u64, usec: u64) -> CommandStat {
    CommandStat { calls, usec, rejected_calls: 0, failed_calls: 0 }
}

fn previous(stats: &[(&str, CommandStat)], mark: SentMark, at: Instant) -> Previous {
    Previous {
        at,
        taken: Timestamp::now(),
        stats: stats.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect(),
        mark,
    }
}

#[test]
fn first_read_is_a_baseline() {
    let stats = Info::parse(REDIS).commandstats();
    let (snapshot, metrics) = query_stats(None, &stats, &SentMark::default(), Instant::now());
    assert_eq!((snapshot.since, snapshot.stats.len(), snapshot.tracked), (None, 0, 4));
    assert!(metrics.is_empty());
}

#[test]
fn our_own_calls_are_taken_out_of_the_command_deltas() {
    let at = Instant::now();
    let before_mark =
        SentMark { total: 10, by_stat: [("info", 5), ("client|list", 5)].into_iter().collect() };
    let prev = previous(&[("get", stat(100, 1000)), ("info", stat(20, 2000))], before_mark, at);
    let now_mark = SentMark { total: 14, by_stat: [("info", 7), ("client|list", 7)].into_iter().collect() };
    let current: BTreeMap<String, CommandStat> = [
        ("get".to_owned(), stat(150, 1500)),
        ("info".to_owned(), stat(24, 2400)),
        ("client|list".to_owned(), stat(2, 100)),
    ]
    .into_iter()
    .collect();
    let (snapshot, metrics) = query_stats(Some(&prev), &current, &now_mark, at + Duration::from_secs(10));
    let rows: Vec<(&str, u64)> = snapshot.stats.iter().map(|s| (s.text.as_str(), s.calls)).collect();
    // info: 4 calls, 2 ours; client|list: 2 calls, both ours (absent before: counted from 0).
    assert_eq!(rows, [("get", 50), ("info", 2)]);
    let get = &snapshot.stats[0];
    assert_eq!((get.id.as_str(), get.total_time_ms, get.mean_time_ms), ("cmd:get", 0.5, 0.01));
    assert!((snapshot.stats[1].total_time_ms - 0.2).abs() < 1e-9, "half of info's time was ours");
    assert!(!snapshot.reset_detected);
    let calls =
        metrics.iter().find(|m| m.name == metric::COMMAND_CALLS_PER_S && m.key == "get").map(|m| m.value);
    assert_eq!(calls, Some(5.0));
    let usec =
        metrics.iter().find(|m| m.name == metric::COMMAND_USEC_PER_CALL && m.key == "get").map(|m| m.value);
    assert_eq!(usec, Some(10.0));
}

#[test]
fn counters_going_back_or_vanishing_mean_a_reset() {
    let at = Instant::now();
    let prev = previous(&[("get", stat(100, 1000)), ("del", stat(5, 50))], SentMark::default(), at);
    let current: BTreeMap<String, CommandStat> = [("get".to_owned(), stat(3, 30))].into_iter().collect();
    let (snapshot, _) = query_stats(Some(&prev), &current, &SentMark::default(), at + Duration::from_secs(1));
    assert!(snapshot.reset_detected);
    assert_eq!(snapshot.stats[0].calls, 3);
}

#[test]
fn failures_count_even_without_successful_calls() {
    let at = Instant::now();
    let prev = previous(&[("set", stat(10, 10))], SentMark::default(), at);
    let mut failing = stat(10, 10);
    failing.failed_calls = 4;
    failing.rejected_calls = 1;
    let current: BTreeMap<String, CommandStat> = [("set".to_owned(), failing)].into_iter().collect();
    let (snapshot, metrics) =
        query_stats(Some(&prev), &current, &SentMark::default(), at + Duration::from_secs(5));
    assert_eq!(snapshot.stats[0].calls, 0);
    let failed = metrics.iter().find(|m| m.name == metric::COMMAND_FAILED_PER_S).map(|m| m.value);
    assert_eq!(failed, Some(1.0));
    let named = (snapshot.stats[0].counter(FAILED_CALLS), snapshot.stats[0].counter(REJECTED_CALLS));
    assert_eq!(named, (Some(4.0), Some(1.0)));
}

#[test]
fn primary_replication_from_slave_lines() {
    let info = Info::parse(REDIS);
    let (r, metrics) = replication(&info, None);
    assert_eq!(r.role, ServerRole::Primary);
    assert_eq!(r.replicas.len(), 2);
    assert_eq!(r.replicas[0].name, "10.0.0.7:6379");
    assert_eq!(r.replicas[0].replay_lag_bytes, Some(100));
    assert_eq!(r.replicas[1].replay_lag_ms, Some(12_000.0));
    let lag = metrics.iter().find(|m| m.name == metric::REPLICATION_LAG_S).map(|m| m.value);
    assert_eq!(lag, Some(12.0));
    let replicas = metrics.iter().find(|m| m.name == metric::CONNECTED_REPLICAS).map(|m| m.value);
    assert_eq!(replicas, Some(2.0));
}

#[test]
fn replica_with_its_link_down() {
    let info = Info::parse(VALKEY);
    let role = Role::Replica { primary: "10.1.1.1:6379".into(), state: "connect".into(), offset: None };
    let (r, metrics) = replication(&info, Some(&role));
    assert_eq!(r.role, ServerRole::Standby);
    let receiver = r.receiver.unwrap();
    assert_eq!((receiver.status.as_str(), receiver.sender.as_str()), ("down", "10.1.1.1:6379"));
    assert_eq!(receiver.last_msg_age_s, None, "-1 means never");
    let link = metrics.iter().find(|m| m.name == metric::REPLICATION_LINK_UP).map(|m| m.value);
    assert_eq!(link, Some(0.0));
    assert!(!metrics.iter().any(|m| m.name == metric::REPLICATION_LAG_S));
}

#[test]
fn persistence_status_and_age() {
    let info = Info::parse(REDIS);
    let now = Timestamp(1_732_180_000_000);
    let m = persistence_metrics(&info, now);
    let of = |n: &str| m.iter().find(|x| x.name == n).map(|x| x.value);
    assert_eq!(of(metric::UNSAVED_CHANGES), Some(42.0));
    assert_eq!(of(metric::PERSISTENCE_OK), Some(1.0));
    assert_eq!(of(metric::LAST_SAVE_AGE_S), Some(3600.0));
    let mut failing = info.clone();
    failing
        .sections
        .entry("persistence".into())
        .or_default()
        .insert("rdb_last_bgsave_status".into(), "err".into());
    assert_eq!(persistence_ok(&failing), Some(false));
    assert_eq!(
        persistence_facts(&failing),
        [
            ("persistence.rdb_last_bgsave_status".to_owned(), "err".to_owned()),
            ("persistence.aof_last_write_status".to_owned(), "ok".to_owned())
        ]
    );
}

#[test]
fn latency_spikes_are_reported_once_and_not_from_before_start() {
    let event = |name: &str, at_s: i64, ms: u64| replies::LatencyEvent {
        event: name.into(),
        at_s,
        latest_ms: ms,
        max_ms: ms,
    };
    let mut seen = None;
    assert!(new_spikes(&mut seen, &[event("command", 100, 250)]).is_empty(), "baseline");
    assert!(new_spikes(&mut seen, &[event("command", 100, 250)]).is_empty(), "same spike");
    let m = new_spikes(&mut seen, &[event("command", 160, 300), event("fork", 150, 20)]);
    assert_eq!(m, [("command".to_owned(), Some((100, 250)), 300), ("fork".to_owned(), None, 20)]);
    let same_second = new_spikes(&mut seen, &[event("command", 160, 900)]);
    assert_eq!(same_second, [("command".to_owned(), Some((160, 300)), 900)], "bigger in the same second");
}

#[test]
fn the_worst_spike_since_the_last_read_counts() {
    let history = [(90, 900), (100, 250), (120, 700), (150, 40), (160, 300)];
    assert_eq!(worst_since(&history, Some((100, 250)), 300), 700, "900 ms was before the last read");
    assert_eq!(worst_since(&[(100, 800)], Some((100, 250)), 300), 800, "grew within the seen second");
    assert_eq!(worst_since(&[], Some((100, 250)), 300), 300, "no history: the newest spike");
    assert_eq!(worst_since(&[(50, 10)], Some((100, 250)), 300), 300, "history cut: never below LATEST");
    assert_eq!(worst_since(&history, None, 40), 900, "a new event: its whole history");
}
