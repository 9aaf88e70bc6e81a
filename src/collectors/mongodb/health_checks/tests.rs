//! Every check on hand-built inputs (`test_input.rs`), on nothing collected, on edges,
//! and on the low tier's own fixtures judged end to end.

use super::CHECKS;
use super::test_input::*;
use super::{posture as p, setting as s, topology};
use crate::collectors::mongodb::metric as m;
use crate::health::{HealthInput, evaluate_with};
use crate::model::*;

fn run(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    crate::health::testing::run(CHECKS, input, id)
}

#[test]
fn catalogue_ids_are_unique_and_cover_the_areas() {
    crate::health::testing::assert_catalogue(CHECKS, "mongo.", 18, "mongodb");
}

#[test]
fn every_check_is_healthy_on_a_healthy_server() {
    for c in evaluate_with(CHECKS, &input(true)).checks {
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn every_check_flags_a_bad_server() {
    use CheckStatus::{Attention, Critical};
    let report = evaluate_with(CHECKS, &input(false));
    let expected = [
        ("mongo.auth_disabled", Critical),
        ("mongo.exposed_without_tls", Critical),
        ("mongo.tls_not_required", Attention),
        ("mongo.scram_sha1_users", Attention),
        ("mongo.powerful_users", Critical),
        ("mongo.startup_warnings", Attention),
        ("mongo.feature_compatibility", Attention),
        ("mongo.cache_size", Attention),
        ("mongo.profiler_all", Attention),
        ("mongo.storage_engine", Critical),
        ("mongo.standalone", Attention),
        ("mongo.cache_pressure", Critical),
        ("mongo.tickets", Critical),
        ("mongo.connections", Critical),
        ("mongo.page_faults", Critical),
        ("mongo.eol_version", Critical),
        ("mongo.asserts", Attention),
        ("mongo.unused_indexes", Attention),
        ("mongo.duplicate_indexes", Attention),
        ("mongo.unindexed_large_collections", Attention),
        ("mongo.collection_scans", Critical),
    ];
    // A standalone has no replication: those checks say so rather than pass.
    let not_applicable = ["mongo.replication_lag", "mongo.oplog_window", "mongo.members_unhealthy"];
    assert_eq!(expected.len() + not_applicable.len(), CHECKS.len(), "every check has an expectation");
    for (id, want) in expected {
        let got = report.checks.iter().find(|c| c.id == id);
        assert_eq!(got.map(|c| &c.status), Some(&want), "{id}: {:?}", got.map(|c| &c.evidence));
    }
    for id in not_applicable {
        let (status, evidence) = run(&input(false), id);
        assert!(
            matches!(&status, CheckStatus::NotEvaluated(r) if r.contains("standalone")),
            "{id}: {evidence}"
        );
    }
}

#[test]
fn nothing_collected_is_not_evaluated_with_a_reason() {
    let empty = HealthInput::default();
    for c in evaluate_with(CHECKS, &empty).checks {
        match &c.status {
            CheckStatus::NotEvaluated(reason) => {
                assert!(reason.contains("has not run"), "{}: {reason}", c.id)
            }
            other => panic!("{} is {other:?} on nothing", c.id),
        }
    }
}

#[test]
fn evidence_names_offenders_and_thresholds() {
    let bad = input(false);
    assert!(run(&bad, "mongo.scram_sha1_users").1.contains("app@shop"));
    let powerful = run(&bad, "mongo.powerful_users").1;
    assert!(powerful.contains("5 of 6") && powerful.contains("__system"), "{powerful}");
    assert!(run(&bad, "mongo.unused_indexes").1.contains("shop.orders.status_1"));
    assert!(run(&bad, "mongo.collection_scans").1.contains("shop.events"));
    assert!(!run(&bad, "mongo.collection_scans").1.contains("oplog"), "local is not judged");
    assert!(run(&bad, "mongo.eol_version").1.contains("2024-10-31"));
    assert!(run(&bad, "mongo.cache_size").1.contains("94 %"));
}

/// Replaces (or adds) one setting of a hand-built input.
fn set(i: &mut HealthInput, name: &str, value: &str) {
    let settings = i.settings.get_or_insert_with(Vec::new);
    settings.retain(|x| x.name != name);
    settings.push(setting(name, value));
}

fn unset(i: &mut HealthInput, name: &str) {
    if let Some(settings) = i.settings.as_mut() {
        settings.retain(|x| x.name != name);
    }
}

#[test]
fn edges_of_the_security_checks() {
    // Internal authentication turns authorization on.
    let mut i = input(true);
    set(&mut i, s::AUTHORIZATION, "disabled");
    set(&mut i, s::KEY_FILE, "set");
    assert_eq!(run(&i, "mongo.auth_disabled").0, CheckStatus::Healthy);
    // Localhost only needs no TLS; everywhere with preferTLS is attention.
    let mut local = input(false);
    unset(&mut local, s::BIND_IP_ALL);
    set(&mut local, s::BIND_IP, "127.0.0.1");
    assert_eq!(run(&local, "mongo.tls_not_required").0, CheckStatus::Healthy);
    assert_eq!(run(&local, "mongo.exposed_without_tls").0, CheckStatus::Healthy);
    let mut prefer = input(false);
    set(&mut prefer, s::TLS_MODE, "preferTLS");
    assert_eq!(run(&prefer, "mongo.exposed_without_tls").0, CheckStatus::Attention);
    let mut lax = input(true);
    set(&mut lax, s::TLS_ALLOW_INVALID_CERTIFICATES, "true");
    assert_eq!(run(&lax, "mongo.tls_not_required").0, CheckStatus::Attention);
    // Users refused: the reason is the refusal's words.
    let mut refused = input(true);
    if let Some(posture) = refused.posture.as_mut() {
        posture.retain(|f| f.name != p::USERS);
        posture.push(pf(p::UNAVAILABLE, p::READ_USERS, "users: not authorized; optional: grant viewUser"));
    }
    let (status, _) = run(&refused, "mongo.powerful_users");
    assert!(matches!(status, CheckStatus::NotEvaluated(r) if r.contains("viewUser")));
}

#[test]
fn edges_of_the_other_checks() {
    // An upgrade left half done.
    let mut i = input(true);
    set(&mut i, s::FCV, "6.0 → 7.0");
    assert_eq!(run(&i, "mongo.feature_compatibility").0, CheckStatus::Attention);
    // No cacheSizeGB: the default is fine; a container limit counts over host memory.
    let mut d = input(true);
    unset(&mut d, s::CACHE_SIZE_GB);
    assert_eq!(run(&d, "mongo.cache_size").0, CheckStatus::Healthy);
    let mut c = input(true);
    set(&mut c, s::MEM_LIMIT_MB, "4096");
    assert_eq!(run(&c, "mongo.cache_size").0, CheckStatus::Critical);
    // 6.0 within 180 days of its end is attention.
    let mut v6 = input(true);
    set(&mut v6, s::VERSION, "6.0.19");
    v6.at = Timestamp(1_745_000_000_000); // 2025-04-18
    assert_eq!(run(&v6, "mongo.eol_version").0, CheckStatus::Attention);
    // A mongos: replication checks not applicable.
    let mut router = input(true);
    router.metrics.retain(|(n, _), _| n != m::OPLOG_WINDOW_S);
    set(&mut router, s::TOPOLOGY, topology::ROUTER);
    assert!(
        matches!(run(&router, "mongo.oplog_window").0, CheckStatus::NotEvaluated(r) if r.contains("mongos"))
    );
    // Oplog windows: 2 h attention, 30 min critical.
    let mut o = input(true);
    o.metrics.insert((m::OPLOG_WINDOW_S.into(), String::new()), 7200.0);
    assert_eq!(run(&o, "mongo.oplog_window").0, CheckStatus::Attention);
    o.metrics.insert((m::OPLOG_WINDOW_S.into(), String::new()), 1800.0);
    assert_eq!(run(&o, "mongo.oplog_window").0, CheckStatus::Critical);
    // An unhealthy member named by the per-member metric alone.
    let mut u = input(true);
    u.metrics.retain(|(n, _), _| n != m::MEMBERS_UNHEALTHY);
    u.metrics.insert((m::MEMBER_HEALTHY.into(), "db3:27017".into()), 0.0);
    let (status, evidence) = run(&u, "mongo.members_unhealthy");
    assert_eq!(status, CheckStatus::Critical);
    assert!(evidence.contains("db3:27017"), "{evidence}");
    // No index usage read: unused indexes cannot be judged; no scan counts either.
    let mut n = input(true);
    n.schema = Some(schema(vec![(
        "shop",
        vec![collection("orders", 10.0, None, vec![index("a_1", None, false, None)])],
    )]));
    assert!(matches!(run(&n, "mongo.unused_indexes").0, CheckStatus::NotEvaluated(_)));
    assert!(matches!(run(&n, "mongo.collection_scans").0, CheckStatus::NotEvaluated(_)));
}
