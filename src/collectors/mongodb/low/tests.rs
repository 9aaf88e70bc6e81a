//! The low tier's rounds judged whole: replies of a secured replica set member, an open
//! standalone, a mongos, and an Atlas shared tier that refuses most reads.

use super::*;
use crate::collectors::mongodb::doc::{self, fixture};

fn refusal(reply: &Document) -> Refusal {
    Refusal {
        code: doc::int(reply, "code").and_then(|c| i32::try_from(c).ok()).unwrap_or(0),
        code_name: doc::text(reply, "codeName"),
        message: doc::text(reply, "errmsg"),
    }
}

/// A fixture reply: `ok: 0` documents become refusals, as the driver reports them.
fn reply(name: &str) -> Reply {
    let d = fixture(name);
    Some(if doc::num(&d, "ok") == Some(0.0) { Err(refusal(&d)) } else { Ok(d) })
}

fn sub_reply(atlas: &Document, command: &str) -> Reply {
    let d = doc::sub(atlas, command).cloned().unwrap_or_default();
    Some(if doc::num(&d, "ok") == Some(0.0) { Err(refusal(&d)) } else { Ok(d) })
}

fn facts(topology: Topology) -> ServerFacts {
    ServerFacts { version: "7.0.12".into(), major: 7, minor: 0, topology, ..ServerFacts::default() }
}

fn setting<'a>(a: &'a Assembled, name: &str) -> Option<&'a str> {
    a.settings.iter().find(|x| x.name == name).map(|x| x.value.as_str())
}

fn fact<'a>(a: &'a Assembled, name: &str, key: &str) -> Option<&'a str> {
    a.posture.iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
}

fn secured_member() -> LowReplies {
    LowReplies {
        build: reply("low_buildInfo_7.0_enterprise.json"),
        host: reply("low_hostInfo.json"),
        options: reply("low_getCmdLineOpts_secured_replset.json"),
        warnings: Some(Ok(doc! { "totalLinesWritten": 0, "log": [], "ok": 1 })),
        fcv: reply("low_getParameter_fcv.json"),
        users: reply("low_usersInfo.json"),
        roles: reply("low_rolesInfo.json"),
    }
}

#[test]
fn a_secured_member_gives_every_setting_and_fact() {
    let mut state = LowState::default();
    let a = assemble(
        &secured_member(),
        &facts(Topology::ReplicaSet { primary: true, arbiter: false }),
        &mut state,
    );
    assert!(a.problems.is_empty(), "{:?}", a.problems);
    assert_eq!(setting(&a, s::TOPOLOGY), Some("replica set primary"));
    assert_eq!(setting(&a, s::VERSION), Some("7.0.12"));
    assert_eq!(setting(&a, s::MODULES), Some("enterprise"));
    assert_eq!(setting(&a, s::FCV), Some("6.0"));
    assert_eq!(setting(&a, s::TLS_MODE), Some("requireTLS"));
    assert_eq!(setting(&a, s::MEM_SIZE_MB), Some("15872"));
    assert_eq!(fact(&a, p::STARTUP_WARNINGS, ""), Some("0"));
    assert_eq!(fact(&a, p::USERS, ""), Some("4"));
    assert_eq!(fact(&a, p::ROLE_INHERITS, "opsAdmin@admin"), Some("clusterMonitor@admin,root@admin"));
    assert!(fact(&a, p::UNAVAILABLE, p::READ_USERS).is_none());
}

#[test]
fn atlas_refusals_are_facts_every_round_and_problems_once_per_connection() {
    let atlas = fixture("low_atlas_reduced.json");
    let replies = || LowReplies {
        build: sub_reply(&atlas, "buildInfo"),
        host: sub_reply(&atlas, "hostInfo"),
        options: sub_reply(&atlas, "getCmdLineOpts"),
        warnings: sub_reply(&atlas, "getLog"),
        fcv: sub_reply(&atlas, "getParameter"),
        users: sub_reply(&atlas, "usersInfo"),
        roles: sub_reply(&atlas, "rolesInfo"),
    };
    let mut state = LowState::default();
    let topology = Topology::ReplicaSet { primary: true, arbiter: false };
    let first = assemble(&replies(), &facts(topology), &mut state);
    assert_eq!(first.problems.len(), 5, "{:?}", first.problems);
    assert!(
        first
            .problems
            .iter()
            .any(|x| x.starts_with("command-line options: not available on this server or tier"))
    );
    let users = first.problems.iter().find(|x| x.starts_with("users:")).cloned().unwrap_or_default();
    assert!(
        users.contains("optional") && users.contains("userAdminAnyDatabase") && users.contains("viewUser"),
        "{users}"
    );
    assert_eq!(setting(&first, s::VERSION), Some("7.0.15"));
    assert_eq!(setting(&first, s::FCV), Some("7.0"));
    assert_eq!(setting(&first, s::AUTHORIZATION), None);
    assert!(
        fact(&first, p::UNAVAILABLE, p::READ_OPTIONS)
            .is_some_and(|w| w.contains("AtlasError") || w.contains("atlas tier"))
    );

    let second = assemble(&replies(), &facts(topology), &mut state);
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    assert_eq!(second.posture.iter().filter(|f| f.name == p::UNAVAILABLE).count(), 5);
    state.forget();
    assert_eq!(
        assemble(&replies(), &facts(topology), &mut state).problems.len(),
        5,
        "a new connection reports again"
    );
}

#[test]
fn a_router_is_not_asked_its_fcv_and_an_open_standalone_shows_its_defaults() {
    let mut state = LowState::default();
    let mongos = LowReplies { fcv: None, ..secured_member() };
    let a = assemble(&mongos, &facts(Topology::Router), &mut state);
    assert!(a.problems.is_empty());
    assert!(fact(&a, p::UNAVAILABLE, p::READ_FCV).is_some_and(|w| w.contains("mongos")));
    assert_eq!(setting(&a, s::FCV), None);

    let open = LowReplies {
        build: reply("low_buildInfo_5.0.json"),
        options: reply("low_getCmdLineOpts_open_standalone.json"),
        warnings: reply("low_startupWarnings_6.0.json"),
        ..LowReplies::default()
    };
    let a = assemble(&open, &facts(Topology::Standalone), &mut state);
    assert_eq!(setting(&a, s::TOPOLOGY), Some("standalone"));
    assert_eq!(setting(&a, s::BIND_IP_ALL), Some("true"));
    assert_eq!(setting(&a, s::AUTHORIZATION), Some("disabled"));
    assert_eq!(fact(&a, p::STARTUP_WARNINGS, ""), Some("4"));
    assert_eq!(setting(&a, s::VERSION), Some("5.0.26"));
}

#[test]
fn a_refused_build_info_falls_back_to_the_handshake_version() {
    let mut state = LowState::default();
    let denied =
        Refusal { code: 13, code_name: "Unauthorized".into(), message: "not authorized on admin".into() };
    let replies = LowReplies { build: Some(Err(denied)), ..LowReplies::default() };
    let a = assemble(&replies, &facts(Topology::Standalone), &mut state);
    assert_eq!(setting(&a, s::VERSION), Some("7.0.12"));
    assert_eq!(a.problems.len(), 1);
    assert!(a.problems[0].contains("clusterMonitor"), "{}", a.problems[0]);
}

/// The fixtures' rounds fed through the health checks, as `logstag health` would.
fn judged(a: Assembled) -> crate::health::HealthInput {
    let mut input = crate::health::HealthInput::default();
    input.apply(crate::model::Timestamp(1_796_083_200_000), &SampleBody::Settings(a.settings));
    input.apply(crate::model::Timestamp(1_796_083_200_000), &SampleBody::Posture(a.posture));
    input
}

#[test]
fn the_fixtures_rounds_judged_by_the_checks() {
    use crate::collectors::mongodb::health_checks::CHECKS;
    use crate::health::testing::run;
    use crate::model::CheckStatus::{Attention, Critical, Healthy, NotEvaluated};
    let mut state = LowState::default();
    let member = judged(assemble(
        &secured_member(),
        &facts(Topology::ReplicaSet { primary: true, arbiter: false }),
        &mut state,
    ));
    for id in [
        "mongo.auth_disabled",
        "mongo.exposed_without_tls",
        "mongo.tls_not_required",
        "mongo.cache_size",
        "mongo.standalone",
        "mongo.startup_warnings",
    ] {
        assert_eq!(run(CHECKS, &member, id).0, Healthy, "{id}: {}", run(CHECKS, &member, id).1);
    }
    assert_eq!(run(CHECKS, &member, "mongo.scram_sha1_users").0, Attention);
    assert_eq!(run(CHECKS, &member, "mongo.feature_compatibility").0, Attention, "FCV 6.0 on 7.0");

    let open = LowReplies {
        build: reply("low_buildInfo_5.0.json"),
        options: reply("low_getCmdLineOpts_open_standalone.json"),
        warnings: reply("low_startupWarnings_text.json"),
        ..LowReplies::default()
    };
    let open = judged(assemble(&open, &facts(Topology::Standalone), &mut state));
    for (id, want) in [
        ("mongo.auth_disabled", Critical),
        ("mongo.exposed_without_tls", Critical),
        ("mongo.tls_not_required", Attention),
        ("mongo.profiler_all", Attention),
        ("mongo.storage_engine", Critical),
        ("mongo.standalone", Attention),
        ("mongo.startup_warnings", Attention),
        ("mongo.eol_version", Critical),
    ] {
        assert_eq!(run(CHECKS, &open, id).0, want, "{id}: {}", run(CHECKS, &open, id).1);
    }
    let (users, _) = run(CHECKS, &open, "mongo.powerful_users");
    assert!(
        matches!(users, NotEvaluated(r) if r.contains("not asked")),
        "users were not asked on this round"
    );
}

#[test]
fn every_command_of_the_round_is_allowed_and_skipped_where_it_does_not_apply() {
    use crate::collectors::mongodb::commands;
    let member = round_commands(&facts(Topology::ReplicaSet { primary: false, arbiter: false }));
    assert!(member.iter().all(Option::is_some));
    for command in member.iter().flatten() {
        assert!(commands::check(command).is_ok(), "{command}");
    }
    let names: Vec<&str> = member.iter().flatten().map(commands::name).collect();
    assert_eq!(
        names,
        ["buildInfo", "hostInfo", "getCmdLineOpts", "getLog", "getParameter", "usersInfo", "rolesInfo"]
    );
    let router = round_commands(&facts(Topology::Router));
    assert!(router[4].is_none() && router[5].is_some());
    let arbiter = round_commands(&facts(Topology::ReplicaSet { primary: false, arbiter: true }));
    assert!(arbiter[4].is_some() && arbiter[5].is_none() && arbiter[6].is_none());
}
