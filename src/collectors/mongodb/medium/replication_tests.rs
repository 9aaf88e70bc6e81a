use super::*;
use crate::collectors::mongodb::commands;
use crate::collectors::mongodb::doc::fixture;
use std::time::Duration;

fn value(metrics: &[Metric], name: &str, key: &str) -> Option<f64> {
    metrics.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

fn refusal(name: &str) -> Refusal {
    let reply = fixture(name);
    Refusal {
        code: doc::int(&reply, "code").and_then(|c| i32::try_from(c).ok()).unwrap_or(0),
        code_name: doc::text(&reply, "codeName"),
        message: doc::text(&reply, "errmsg"),
    }
}

#[test]
fn primary_with_a_lagging_secondary() {
    assert!(commands::check(&status_command()).is_ok());
    let status = parse(&fixture("medium_rs_status_7.0_primary.json"));
    assert_eq!(
        (status.set.as_str(), status.my_state, status.term, status.members.len()),
        ("rs-shop", 1, Some(12), 3)
    );
    let body = replication(&status);
    assert_eq!(body.role, ServerRole::Primary);
    assert!(body.receiver.is_none());
    let rows: Vec<(&str, &str, &str, Option<f64>)> = body
        .replicas
        .iter()
        .map(|r| (r.name.as_str(), r.state.as_str(), r.client.as_str(), r.replay_lag_ms))
        .collect();
    assert_eq!(
        rows,
        [
            ("mdb-a.example.net:27017", "PRIMARY", "", None),
            ("mdb-b.example.net:27017", "SECONDARY", "mdb-a.example.net:27017", Some(0.0)),
            ("mdb-c.example.net:27017", "SECONDARY", "mdb-b.example.net:27017", Some(45_000.0)),
        ]
    );
    assert_eq!(body.replicas[0].sync_state, "self, elected 2024-04-28T08:15:00Z");
    assert_eq!(body.replicas[2].sync_state, "ping 3 ms");
    let metrics = metrics(&status);
    assert_eq!(value(&metrics, metric::REPLICATION_LAG_S, ""), Some(45.0));
    assert_eq!(value(&metrics, mg::MEMBER_LAG_S, "mdb-c.example.net:27017"), Some(45.0));
    assert_eq!(value(&metrics, mg::MEMBER_LAG_S, "mdb-b.example.net:27017"), Some(0.0));
    assert_eq!(value(&metrics, mg::MEMBER_LAG_S, "mdb-a.example.net:27017"), None, "the primary has no lag");
    assert_eq!(value(&metrics, mg::MEMBER_HEALTHY, "mdb-c.example.net:27017"), Some(1.0));
    assert_eq!(value(&metrics, mg::MEMBERS_UNHEALTHY, ""), Some(0.0));
    assert_eq!(value(&metrics, metric::CONNECTED_REPLICAS, ""), Some(2.0));
}

#[test]
fn secondary_of_a_set_with_an_arbiter() {
    let status = parse(&fixture("medium_rs_status_5.0_secondary_arbiter.json"));
    let body = replication(&status);
    assert_eq!(body.role, ServerRole::Standby);
    let arbiter = body.replicas.iter().find(|r| r.state == "ARBITER");
    assert_eq!(arbiter.map(|a| (a.name.as_str(), a.replay_lag_ms)), Some(("arb.internal:27017", None)));
    let Some(receiver) = body.receiver else { panic!("a secondary has a receiver") };
    assert_eq!(receiver.status, "SECONDARY of rs-psa, syncing from db1.internal:27017");
    assert_eq!(receiver.sender, "db1.internal:27017");
    assert_eq!((receiver.last_msg_age_s, receiver.replay_delay_s), (Some(1.5), Some(2.0)));
    let metrics = metrics(&status);
    assert_eq!(value(&metrics, metric::REPLICATION_LAG_S, ""), Some(2.0));
    assert_eq!(value(&metrics, mg::MEMBER_HEALTHY, "arb.internal:27017"), Some(1.0));
    assert_eq!(value(&metrics, mg::MEMBERS_UNHEALTHY, ""), Some(0.0));
    assert_eq!(value(&metrics, metric::CONNECTED_REPLICAS, ""), None, "told by the primary only");
}

#[test]
fn an_unreachable_member_is_unhealthy_with_an_unknown_lag() {
    let status = parse(&fixture("medium_rs_status_7.0_unreachable.json"));
    let down = status.members.iter().find(|m| m.name.starts_with("mdb-c"));
    assert_eq!(down.map(|m| (m.optime_ms, m.healthy())), Some((None, false)));
    let metrics = metrics(&status);
    assert_eq!(value(&metrics, mg::MEMBER_HEALTHY, "mdb-c.example.net:27017"), Some(0.0));
    assert_eq!(value(&metrics, mg::MEMBERS_UNHEALTHY, ""), Some(1.0));
    assert_eq!(value(&metrics, mg::MEMBER_LAG_S, "mdb-c.example.net:27017"), None, "unknown, never 0");
    assert_eq!(value(&metrics, metric::REPLICATION_LAG_S, ""), Some(1.0));
    assert_eq!(value(&metrics, metric::CONNECTED_REPLICAS, ""), Some(1.0));
    let body = replication(&status);
    let state = body
        .replicas
        .iter()
        .find(|r| r.name.starts_with("mdb-c"))
        .map(|r| r.state.clone())
        .unwrap_or_default();
    assert!(state.starts_with("(not reachable/healthy): Error connecting to mdb-c"), "{state}");
    assert!(state.ends_with('…') && state.chars().count() < 130, "{state}");
}

#[test]
fn without_a_primary_no_lag_is_told() {
    let mut status = parse(&fixture("medium_rs_status_7.0_primary.json"));
    for m in &mut status.members {
        if m.state == PRIMARY {
            m.state = 8;
            m.reachable = Some(false);
        }
    }
    let metrics = metrics(&status);
    assert_eq!(value(&metrics, metric::REPLICATION_LAG_S, ""), None);
    assert!(metrics.iter().all(|m| m.name != mg::MEMBER_LAG_S));
    assert!(replication(&status).replicas.iter().all(|r| r.replay_lag_ms.is_none()));
}

#[test]
fn elections_are_the_terms_growth() {
    let t0 = Timestamp(1_714_557_720_000);
    let mut elections = Elections::default();
    let first = parse(&fixture("medium_rs_status_7.0_primary.json"));
    assert_eq!(elections.per_min(t0, first.term), None, "the first read is a baseline");
    let later = parse(&fixture("medium_rs_status_7.0_unreachable.json"));
    assert_eq!(elections.per_min(t0.plus(Duration::from_secs(60)), later.term), Some(2.0));
    assert_eq!(elections.per_min(t0.plus(Duration::from_secs(120)), later.term), Some(0.0));
    assert_eq!(
        elections.per_min(t0.plus(Duration::from_secs(180)), Some(1)),
        None,
        "a term going back is no count"
    );
}

#[test]
fn a_standalone_is_not_a_problem_but_other_refusals_are() {
    assert!(not_a_replica_set(&refusal("medium_standalone_refusal.json")));
    assert!(!not_a_replica_set(&refusal("medium_mongos_refusal.json")));
    let status = parse(&fixture("medium_standalone_refusal.json"));
    assert!(status.members.is_empty() && metrics(&status).is_empty());
}
