use super::*;
use crate::collectors::mysql::rows::from_batch;

const MYSQL_LAGGING: &str = include_str!("fixtures/mysql_8_0_replica_status_lagging.tsv");
const MYSQL_TWO_CHANNELS: &str = include_str!("fixtures/mysql_8_0_replica_status_two_channels_sql_error.tsv");
const MARIADB_LAGGING_MULTI: &str = include_str!("fixtures/mariadb_10_11_all_replicas_lagging_multi.tsv");
const MARIADB_SQL_ERROR: &str = include_str!("fixtures/mariadb_10_11_all_replicas_sql_error.tsv");

/// A MySQL 8.0 source with two replicas (one with GTID auto-positioning), and a
/// MariaDB 10.11 source with two; our processlist read's column names.
const MYSQL_DUMPS: &str = "\
id\tuser\thost\ttime_s\tstate
31\trepl\t10.0.1.21:40118\t86211\tSource has sent all binlog to replica; waiting for more updates
48\trepl\t10.0.1.22:52904\t3120\tSource has sent all binlog to replica; waiting for more updates
";
const MARIADB_DUMPS: &str = "\
id\tuser\thost\ttime_s\tstate
6\trepl\tdb-replica-a.internal:57126\t412\tMaster has sent all binlog to slave; waiting for more updates
9\trepl\t[fd00::12]:41822\t398\tMaster has sent all binlog to slave; waiting for more updates
";

fn metric(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

#[test]
fn mysql_8_lagging_replica() {
    let c = channels(&from_batch(MYSQL_LAGGING));
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].name, "");
    assert_eq!(c[0].source, "db-primary.internal:3306");
    assert_eq!(c[0].lag_s, Some(347.0));
    let (r, metrics) = receiver(&c).unwrap_or_else(|| unreachable!());
    assert_eq!(r.replay_delay_s, Some(347.0));
    assert_eq!(r.sender, "db-primary.internal:3306");
    assert_eq!(
        r.status,
        "streaming (gtid 8a94f357-aab4-11df-86ab-c80aa9429562:1-92710,d1c0e2a6-7f3b-11ee-9a4c-0242ac120002:1-12)"
    );
    assert_eq!(metric(&metrics, metric::REPLICATION_LAG_S, ""), Some(347.0));
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "io"), Some(1.0));
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "sql"), Some(1.0));
    assert_eq!(metric(&metrics, metric::REPLICATION_LINK_UP, ""), Some(1.0));
}

#[test]
fn mysql_8_broken_sql_thread_on_one_of_two_channels() {
    let c = channels(&from_batch(MYSQL_TWO_CHANNELS));
    let names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["eu", "us"]);
    let us = &c[1];
    assert!(us.io_running() && !us.sql_running);
    assert_eq!(us.lag_s, None, "NULL lag is unknown, not 0");
    assert_eq!(us.sql_error.as_ref().map(|e| e.0), Some(1062));
    let (r, metrics) = receiver(&c).unwrap_or_else(|| unreachable!());
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "sql/us"), Some(0.0));
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "sql/eu"), Some(1.0));
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "sql"), None, "no default channel");
    // The healthy channel's 0 s is the only lag known: it is reported, the broken one is not 0.
    assert_eq!(r.replay_delay_s, Some(0.0));
    assert!(r.status.starts_with("eu: streaming"), "{}", r.status);
    assert!(
        r.status.contains("; us: sql thread stopped; sql error 1062: Coordinator stopped"),
        "{}",
        r.status
    );
    assert_eq!(r.sender, "10.0.2.11:3306, 10.0.3.12:3306");
}

#[test]
fn mariadb_lagging_default_connection_and_a_named_one_connecting() {
    let c = channels(&from_batch(MARIADB_LAGGING_MULTI));
    assert_eq!(c.len(), 2);
    assert_eq!((c[0].name.as_str(), c[0].lag_s, c[0].gtid.as_str()), ("", Some(12.0), "0-71-7"));
    assert_eq!(c[1].name, "eu");
    assert_eq!(c[1].io, "Connecting");
    assert_eq!(c[1].lag_s, None);
    let (r, metrics) = receiver(&c).unwrap_or_else(|| unreachable!());
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "io"), Some(1.0));
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "io/eu"), Some(0.0), "connecting is not running");
    assert_eq!(metric(&metrics, metric::REPLICATION_LINK_UP, ""), Some(0.0));
    assert_eq!(metric(&metrics, metric::REPLICATION_LAG_S, ""), Some(12.0));
    assert!(
        r.status.starts_with(
            "streaming (gtid 0-71-7); eu: connecting to source; io error 2003: error connecting"
        ),
        "{}",
        r.status
    );
    assert_eq!(r.sender, "127.0.0.1:33071, 127.0.0.1:33079");
}

#[test]
fn mariadb_broken_sql_thread_has_no_lag() {
    let c = channels(&from_batch(MARIADB_SQL_ERROR));
    let (r, metrics) = receiver(&c).unwrap_or_else(|| unreachable!());
    assert_eq!(r.replay_delay_s, None);
    assert_eq!(metric(&metrics, metric::REPLICATION_LAG_S, ""), None, "NULL must not become 0");
    assert_eq!(metric(&metrics, my::REPLICA_THREAD_RUNNING, "sql"), Some(0.0));
    assert!(
        r.status.starts_with("sql thread stopped; sql error 1396: Error 'Operation CREATE USER failed"),
        "{}",
        r.status
    );
}

#[test]
fn sources_with_two_replicas_each() {
    for (fixture, client) in [(MYSQL_DUMPS, "10.0.1.21"), (MARIADB_DUMPS, "db-replica-a.internal")] {
        let replicas = replicas(&from_batch(fixture));
        assert_eq!(replicas.len(), 2);
        assert_eq!(replicas[0].client, client);
        assert!(replicas[0].state.contains("has sent all binlog"));
        let (body, metrics) = replication(Some(&[]), Some(replicas));
        let body = body.unwrap_or_default();
        assert_eq!(body.role, ServerRole::Primary);
        assert_eq!(body.replicas.len(), 2);
        assert!(body.receiver.is_none());
        assert_eq!(metric(&metrics, metric::CONNECTED_REPLICAS, ""), Some(2.0));
    }
    assert_eq!(replicas(&from_batch(MARIADB_DUMPS))[1].client, "[fd00::12]");
}

#[test]
fn group_replication_channels_are_not_replicas() {
    // A Group Replication member: the applier channel has no receiver thread by design.
    let mut lines = MYSQL_LAGGING.lines();
    let header = lines.next().unwrap_or_default();
    let row = lines.next().unwrap_or_default().replace("\tYes\tYes\t", "\tNo\tYes\t");
    let channel = header.split('\t').position(|c| c == "Channel_Name").unwrap_or(usize::MAX);
    let mut fields: Vec<String> = row.split('\t').map(str::to_owned).collect();
    if let Some(f) = fields.get_mut(channel) {
        *f = "group_replication_applier".into();
    }
    let batch = format!("{header}\n{}\n", fields.join("\t"));
    let rows = from_batch(&batch);
    assert_eq!(rows[0].get("Channel_Name"), Some("group_replication_applier"));
    assert!(channels(&rows).is_empty());
    let (body, _) = replication(Some(&channels(&rows)), Some(Vec::new()));
    assert_eq!(body.map(|b| b.role), Some(ServerRole::Primary));
}

#[test]
fn role_from_what_could_be_read() {
    let c = channels(&from_batch(MYSQL_LAGGING));
    let (body, _) = replication(Some(&c), Some(Vec::new()));
    assert_eq!(body.map(|b| b.role), Some(ServerRole::Standby));
    // Replica status refused and no replicas connected: the role is unknown, no body.
    let (body, metrics) = replication(None, Some(Vec::new()));
    assert!(body.is_none());
    assert_eq!(metric(&metrics, metric::CONNECTED_REPLICAS, ""), Some(0.0));
    let (body, _) = replication(None, Some(replicas(&from_batch(MYSQL_DUMPS))));
    assert_eq!(body.map(|b| b.role), Some(ServerRole::Primary));
}

#[test]
fn statement_by_flavor_and_version() {
    let pick = |banner: &str| Server::parse(banner).map(|s| replica_status_sql(&s));
    assert_eq!(pick("10.11.19-MariaDB"), Some(ALL_REPLICAS_STATUS));
    assert_eq!(pick("10.4.30-MariaDB"), Some(ALL_SLAVES_STATUS));
    assert_eq!(pick("8.0.36"), Some(REPLICA_STATUS));
    assert_eq!(pick("5.7.44"), Some(SLAVE_STATUS));
    assert!(Server::parse("10.11.2-MariaDB").is_some_and(|s| grant_hint(&s).contains("SLAVE MONITOR")));
}
