use super::*;
use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};
use crate::collectors::mssql::rows::from_batch;

const HEALTHY: &str = include_str!("fixtures/ag_healthy_primary.tsv");
const LAGGING: &str = include_str!("fixtures/ag_lagging_async_primary.tsv");
const LAGGING_SECONDARY: &str = include_str!("fixtures/ag_lagging_async_secondary.tsv");
const DISCONNECTED: &str = include_str!("fixtures/ag_disconnected_primary.tsv");

fn body(text: &str) -> (Option<Replication>, Vec<Metric>) {
    replication(&parse(&from_batch(text)))
}

fn value(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

#[test]
fn the_statement_is_a_read() {
    assert!(allowed_start(REPLICAS) && words(REPLICAS).iter().all(|w| !FORBIDDEN.contains(&w.as_str())));
}

#[test]
fn a_healthy_two_replica_group_from_the_primary() {
    let (body, m) = body(HEALTHY);
    let r = body.unwrap_or_else(|| unreachable!("a primary"));
    assert_eq!(r.role, ServerRole::Primary);
    assert_eq!(r.receiver, None);
    let [sql2] = &r.replicas[..] else { unreachable!("one remote replica: {r:?}") };
    assert_eq!((sql2.name.as_str(), sql2.client.as_str()), ("SQL2", "sql2.corp.local"));
    assert_eq!((sql2.state.as_str(), sql2.sync_state.as_str()), ("SYNCHRONIZED", "SYNCHRONOUS_COMMIT"));
    assert_eq!(sql2.replay_lag_ms, Some(0.0));
    assert_eq!(sql2.replay_lag_bytes, Some(48 * 1024), "send 12 + redo 36 KiB");
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_shop/SQL1"), Some(1.0));
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_shop/SQL2"), Some(1.0));
    assert_eq!(value(&m, ms::AG_REDO_QUEUE_KB, "ag_shop/SQL2/shop"), Some(36.0));
    assert_eq!(value(&m, ms::AG_LOG_SEND_QUEUE_KB, "ag_shop/SQL2/shop"), Some(12.0));
    assert_eq!(
        value(&m, ms::AG_REDO_QUEUE_KB, "ag_shop/SQL1/shop"),
        None,
        "the primary's own rows have no queues"
    );
    assert_eq!(value(&m, metric::REPLICATION_LAG_S, ""), Some(0.0));
    assert_eq!(value(&m, metric::CONNECTED_REPLICAS, ""), Some(1.0));
}

#[test]
fn a_lagging_asynchronous_secondary_from_the_primary() {
    let replicas = parse(&from_batch(LAGGING));
    let dwh = &replicas[1].databases[0];
    assert_eq!((dwh.redo_queue_kb, dwh.redo_rate_kb_s), (Some(8_388_608), Some(20_480.0)));
    assert_eq!(dwh.lag_s, Some(410.0), "no secondary_lag_seconds: the commit times' difference");
    let (body, m) = replication(&replicas);
    let r = body.unwrap_or_default();
    let sql3 = &r.replicas[0];
    assert_eq!((sql3.client.as_str(), sql3.state.as_str()), ("10.2.0.13", "SYNCHRONIZING"));
    assert_eq!(sql3.sync_state, "ASYNCHRONOUS_COMMIT");
    assert_eq!(sql3.replay_lag_ms, Some(410_000.0));
    assert_eq!(sql3.replay_lag_bytes, Some((262_144 + 8_388_608) * 1024));
    assert_eq!(value(&m, ms::AG_REDO_QUEUE_KB, "ag_dw/SQL3/dwh"), Some(8_388_608.0));
    assert_eq!(value(&m, metric::REPLICATION_LAG_S, ""), Some(410.0));
}

#[test]
fn the_same_group_from_the_lagging_secondary() {
    let (body, m) = body(LAGGING_SECONDARY);
    let r = body.unwrap_or_default();
    assert_eq!(r.role, ServerRole::Standby);
    assert!(r.replicas.is_empty(), "a secondary lists no replicas");
    let rx = r.receiver.unwrap_or_default();
    assert_eq!(rx.status, "ag_dw: SYNCHRONIZING, CONNECTED, HEALTHY");
    assert_eq!((rx.sender.as_str(), rx.last_msg_age_s), ("SQL1", Some(1.0)));
    assert_eq!(rx.replay_delay_s, Some(409.6), "redo queue over redo rate");
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_dw/SQL1"), None, "not visible here: unknown, not 0");
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_dw/SQL3"), Some(1.0));
    assert_eq!(value(&m, metric::CONNECTED_REPLICAS, ""), None, "a secondary has no replicas to count");
}

#[test]
fn a_disconnected_replica() {
    let (body, m) = body(DISCONNECTED);
    let r = body.unwrap_or_default();
    let sql2 = &r.replicas[0];
    assert!(
        sql2.state
            .starts_with("NOT SYNCHRONIZING, DISCONNECTED: Connection attempt failed with error: '10060("),
        "{}",
        sql2.state
    );
    assert_eq!(sql2.replay_lag_bytes, None, "queues unknown while disconnected");
    let lag = sql2.replay_lag_ms.unwrap_or_default();
    assert!((lag - 1_039_407.0).abs() < 1.0, "{lag}");
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_shop/SQL2"), Some(0.0));
    assert_eq!(value(&m, ms::AG_REPLICA_HEALTHY, "ag_shop/SQL1"), Some(1.0));
    assert_eq!(value(&m, metric::CONNECTED_REPLICAS, ""), Some(0.0));
    assert_eq!(value(&m, ms::AG_REDO_QUEUE_KB, "ag_shop/SQL2/shop"), None);
}

#[test]
fn no_availability_group_no_body_no_metric() {
    let (body, m) = replication(&parse(&[]));
    assert_eq!((body, m.len()), (None, 0));
    // Every replica's state unknown (resolving): metrics of what is known, no role.
    let resolving = HEALTHY.replace("\tPRIMARY\t", "\tRESOLVING\t").replace("\tSECONDARY\t", "\tRESOLVING\t");
    let (body, _) = replication(&parse(&from_batch(&resolving)));
    assert_eq!(body, None);
}

#[test]
fn lag_from_the_redo_queue_when_nothing_else_tells() {
    let mut replicas = vec![ReplicaState {
        databases: vec![
            DatabaseState { name: "a".into(), redo_queue_kb: Some(0), ..Default::default() },
            DatabaseState {
                name: "b".into(),
                redo_queue_kb: Some(100),
                redo_rate_kb_s: Some(0.0),
                ..Default::default()
            },
            DatabaseState {
                name: "c".into(),
                redo_queue_kb: Some(100),
                redo_rate_kb_s: Some(50.0),
                ..Default::default()
            },
            DatabaseState {
                name: "d".into(),
                secondary_lag_s: Some(7.0),
                redo_queue_kb: Some(100),
                ..Default::default()
            },
        ],
        ..Default::default()
    }];
    estimate_lag(&mut replicas);
    let lags: Vec<Option<f64>> = replicas[0].databases.iter().map(|d| d.lag_s).collect();
    assert_eq!(lags, [Some(0.0), None, Some(2.0), Some(7.0)], "a stalled redo has no estimate, not 0");
}
