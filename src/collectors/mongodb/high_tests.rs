use super::*;
use crate::collectors::mongodb::doc::fixture;
use crate::model::metric;
use std::time::Duration;

fn value(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

fn facts(version: &str, topology: Topology, set_name: &str) -> ServerFacts {
    ServerFacts { version: version.into(), topology, set_name: set_name.into(), ..Default::default() }
}

#[test]
fn the_state_keeps_the_previous_read_and_forgets_it_with_the_connection() {
    let mut state = HighState::default();
    let t0 = Instant::now();
    let first = state.status_metrics(&fixture("high_server_status_7.0.json"), t0);
    assert_eq!(value(&first, metric::CONNECTIONS, ""), Some(57.0));
    assert_eq!(value(&first, mg::OPS_PER_S, ""), None, "no rate on the first read");
    let next =
        state.status_metrics(&fixture("high_server_status_7.0_next.json"), t0 + Duration::from_secs(10));
    assert_eq!(value(&next, mg::OPS_PER_S, ""), Some(898.0));
    assert_eq!(value(&next, metric::CONNECTIONS, ""), Some(61.0));
    state.forget();
    let after =
        state.status_metrics(&fixture("high_server_status_7.0_next.json"), t0 + Duration::from_secs(20));
    assert_eq!(value(&after, mg::OPS_PER_S, ""), None, "a new connection starts over");
}

#[test]
fn operation_metrics_count_blocked_and_slow_operations() {
    let reply = fixture("high_current_ops_lock_wait.json");
    let ops: Vec<Document> = doc::docs(&reply, "ops").into_iter().cloned().collect();
    let sessions: Vec<Session> = operations::parse(&ops).into_iter().map(|r| r.session).collect();
    let m = operation_metrics(&sessions);
    assert_eq!(value(&m, metric::BLOCKED_SESSIONS, ""), Some(2.0));
    // 9101 (14.2 s), 9102 (9.1 s, waiting), 9103 (6.0 s, waiting), 9104 (7.5 s); not the
    // background thread.
    assert_eq!(value(&m, mg::SLOW_OPERATIONS, ""), Some(4.0));
    assert_eq!(value(&m, metric::LONGEST_QUERY_S, ""), Some(14.201));
    assert_eq!(value(&m, metric::SESSIONS_BY_STATE, "Waiting for lock"), Some(2.0));
    assert_eq!(value(&m, metric::SESSIONS_BY_STATE, "Other"), Some(2.0));
    assert_eq!(value(&m, metric::WAITS_BY_CLASS, "Locks"), Some(2.0));

    let reply = fixture("high_current_ops_idle_txn.json");
    let ops: Vec<Document> = doc::docs(&reply, "ops").into_iter().cloned().collect();
    let sessions: Vec<Session> = operations::parse(&ops).into_iter().map(|r| r.session).collect();
    let m = operation_metrics(&sessions);
    assert_eq!(value(&m, metric::LONGEST_IDLE_IN_TX_S, ""), Some(90.003));
    assert_eq!(value(&m, metric::BLOCKED_SESSIONS, ""), Some(1.0));
    // The 31 s drop; not the 8 s awaitable hello nor the 6 s change stream getMore.
    assert_eq!(value(&m, mg::SLOW_OPERATIONS, ""), Some(1.0));
    assert_eq!(value(&m, metric::LONGEST_QUERY_S, ""), Some(31.002));
}

#[test]
fn instance_roles_start_and_connections_by_topology() {
    let s70 = fixture("high_server_status_7.0.json");
    let standalone = instance(Some(&s70), &facts("7.0.14", Topology::Standalone, ""), Some(3));
    assert_eq!(standalone.version, "7.0.14");
    assert_eq!(standalone.version_full, "MongoDB 7.0.14 (standalone)");
    assert_eq!(standalone.started_at_ms, Some(1_772_445_600_000 - 1_200_000_000));
    assert_eq!((standalone.connections, standalone.max_connections), (57, Some(51_200)));
    assert_eq!((standalone.role, standalone.product.as_str()), (ServerRole::Primary, "MongoDB"));

    // The handshake said primary; serverStatus now says secondary (a failover since).
    let secondary = fixture("high_server_status_secondary.json");
    let set = Topology::ReplicaSet { primary: true, arbiter: false };
    let member = instance(Some(&secondary), &facts("7.0.14", set, "ordersrs"), None);
    assert_eq!(member.role, ServerRole::Standby);
    assert_eq!(member.version_full, "MongoDB 7.0.14 (replica set ordersrs, secondary)");
    let s60 = fixture("high_server_status_6.0.json");
    let primary = instance(Some(&s60), &facts("6.0.16", set, "ordersrs"), None);
    assert_eq!(primary.role, ServerRole::Primary);

    let mongos = fixture("high_server_status_mongos.json");
    let router = instance(Some(&mongos), &facts("7.0.14", Topology::Router, ""), Some(2));
    assert_eq!((router.role, router.version_full.as_str()), (ServerRole::Primary, "MongoDB 7.0.14 (mongos)"));

    // serverStatus refused: the handshake's facts and the operations seen.
    let refused = instance(
        None,
        &facts("8.0.4", Topology::ReplicaSet { primary: false, arbiter: false }, "rs"),
        Some(4),
    );
    assert_eq!((refused.role, refused.connections, refused.started_at_ms), (ServerRole::Standby, 4, None));
    let atlas = fixture("high_server_status_atlas_shared.json");
    let shared = instance(Some(&atlas), &ServerFacts::default(), None);
    assert_eq!((shared.version.as_str(), shared.connections), ("8.0.4", 11));
}

#[test]
fn every_fixture_of_every_version_parses_without_panic() {
    for name in [
        "high_server_status_5.0.json",
        "high_server_status_6.0.json",
        "high_server_status_7.0.json",
        "high_server_status_8.0.json",
        "high_server_status_secondary.json",
        "high_server_status_mongos.json",
        "high_server_status_atlas_shared.json",
    ] {
        let status = fixture(name);
        assert!(!status.contains_key("missing") && !status.contains_key("unreadable"), "{name}: {status}");
        let mut state = HighState::default();
        let t0 = Instant::now();
        state.status_metrics(&status, t0);
        let m = state.status_metrics(&status, t0 + Duration::from_secs(10));
        assert_eq!(value(&m, mg::OPS_PER_S, ""), Some(0.0), "{name}");
        assert!(value(&m, metric::CONNECTIONS, "").is_some(), "{name}");
        assert!(m.iter().all(|x| x.value.is_finite()), "{name}");
    }
}

#[test]
fn rates_use_the_servers_interval_between_reads_not_ours() {
    // Read back to back here, but 10 s apart on the server (uptimeMillis): 898 ops/s.
    let mut state = HighState::default();
    let t0 = Instant::now();
    state.status_metrics(&fixture("high_server_status_7.0.json"), t0);
    let next =
        state.status_metrics(&fixture("high_server_status_7.0_next.json"), t0 + Duration::from_millis(3));
    assert_eq!(value(&next, mg::OPS_PER_S, ""), Some(898.0));
}
