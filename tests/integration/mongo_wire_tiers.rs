//! The MongoDB collector's medium and low tiers over the real driver against the OP_MSG
//! mock, which answers with the tiers' own fixtures: two `top` reads become mongotop
//! rows, the profiler is read only where it is on, a standalone and a mongos are read as
//! what they are, an Atlas-like tier's refusals are problem lines, the low tier's posture
//! keeps no secret, and a reply the driver cannot read shows none of itself. Every
//! command the mock saw passes the allowlist. The schema tier and the health checks over
//! all tiers: `mongo_wire_tiers_schema.rs`, with the helpers of this file.

use crate::support::mongo_wire::{
    MongoServer, Predicate, Script, Setup, assert_all_allowed, first_stage, fixture, fixture_documents,
    mongo_target, on_collection, on_db,
};
use logstag::collectors::mongodb::{MongoCollector, commands, doc, metric as mg, spec};
use logstag::collectors::{Collected, Collector};
use logstag::health::{HealthInput, evaluate_with};
use logstag::model::{
    CheckStatus, HealthReport, Metric, PostureFact, QueryStatsSnapshot, Replication, SampleBody, Setting,
    StatsAvailability, Tier, Timestamp, metric,
};
use mongodb::bson::{Bson, Document, doc};
use std::sync::Arc;

pub(crate) fn collector(server: &MongoServer, database: &str) -> MongoCollector {
    MongoCollector::new(&mongo_target(server.port, "", "", database))
}

pub(crate) fn both(a: Predicate, b: Predicate) -> Predicate {
    Arc::new(move |command| a(command) && b(command))
}

/// A `find` in natural order (1 oldest first, -1 newest first): the oplog's two edges.
pub(crate) fn natural(direction: i64) -> Predicate {
    Arc::new(move |command| doc::int(command, "sort.$natural") == Some(direction))
}

pub(crate) fn has(field: &'static str) -> Predicate {
    Arc::new(move |command| command.contains_key(field))
}

/// A reply recorded as a document: `ok: 0` ones are refusals with their code and words.
pub(crate) fn answer(server: &MongoServer, command: &str, reply: Document) {
    if doc::num(&reply, "ok") == Some(0.0) {
        let code = doc::int(&reply, "code").unwrap_or(0) as i32;
        server.refuse(command, code, &doc::text(&reply, "codeName"), &doc::text(&reply, "errmsg"));
    } else {
        server.reply(command, reply);
    }
}

pub(crate) fn queries(c: &Collected) -> &QueryStatsSnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None }).unwrap()
}

pub(crate) fn replication(c: &Collected) -> Option<&Replication> {
    c.bodies.iter().find_map(|b| if let SampleBody::Replication(r) = b { Some(r) } else { None })
}

pub(crate) fn metrics(c: &Collected) -> &[Metric] {
    c.bodies
        .iter()
        .find_map(|b| if let SampleBody::Metrics(m) = b { Some(m.as_slice()) } else { None })
        .unwrap()
}

pub(crate) fn value(c: &Collected, name: &str, key: &str) -> Option<f64> {
    metrics(c).iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

pub(crate) fn settings(c: &Collected) -> &[Setting] {
    c.bodies
        .iter()
        .find_map(|b| if let SampleBody::Settings(s) = b { Some(s.as_slice()) } else { None })
        .unwrap()
}

pub(crate) fn setting<'a>(c: &'a Collected, name: &str) -> Option<&'a str> {
    settings(c).iter().find(|s| s.name == name).map(|s| s.value.as_str())
}

pub(crate) fn posture(c: &Collected) -> &[PostureFact] {
    c.bodies
        .iter()
        .find_map(|b| if let SampleBody::Posture(p) = b { Some(p.as_slice()) } else { None })
        .unwrap()
}

pub(crate) fn fact<'a>(c: &'a Collected, name: &str, key: &str) -> Option<&'a str> {
    posture(c).iter().find(|f| f.name == name && f.key == key).map(|f| f.value.as_str())
}

/// The medium tier's replies of a replica set primary whose profiler is on in `shop` only.
pub(crate) fn script_medium_primary(server: &MongoServer) {
    server.script(Script::reply("listDatabases", fixture("medium_list_databases.json")));
    server.reply("dbStats", fixture("medium_db_stats.json"));
    server.reply("top", fixture("medium_top_first.json"));
    server.reply("profile", doc! { "was": 0, "slowms": 100, "sampleRate": 1.0 });
    server.script(Script::reply("profile", fixture("medium_profile_level.json")).when(on_db("shop")));
    let profiler = both(on_db("shop"), on_collection("system.profile"));
    server.reply_cursor("find", profiler, fixture_documents("medium_profile_7.0.json"));
    server.reply("replSetGetStatus", fixture("medium_rs_status_7.0_primary.json"));
    let oplog = |direction| both(on_collection("oplog.rs"), natural(direction));
    server.reply_cursor("find", oplog(1), fixture_documents("medium_oplog_first.json"));
    server.reply_cursor("find", oplog(-1), fixture_documents("medium_oplog_last.json"));
    let oplog_stats = both(on_collection("oplog.rs"), first_stage("$collStats"));
    server.reply_cursor("aggregate", oplog_stats, fixture_documents("medium_oplog_stats.json"));
    server.reply("connPoolStats", fixture("medium_mongos_conn_pool_stats.json"));
}

#[tokio::test]
async fn medium_on_a_primary_gives_top_deltas_profiler_rows_lag_and_the_oplog_window() {
    let server = MongoServer::start(Setup::version("7.0.14").replica_set("rs-shop", true));
    script_medium_primary(&server);
    let mut c = collector(&server, "shop");
    let first = c.collect(Tier::Medium).await.unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    // The first top read is a baseline: only the profiler's rows (our own entry dropped).
    let rows: Vec<(&str, u64, f64)> =
        queries(&first).stats.iter().map(|q| (q.text.as_str(), q.calls, q.total_time_ms)).collect();
    assert_eq!(
        rows,
        [
            ("find shop.orders {status, customerId} (profiler, COLLSCAN)", 2, 420.0),
            ("aggregate shop.orders (profiler, IXSCAN { createdAt: -1 })", 1, 130.0),
            ("update shop.orders {status} (profiler, IXSCAN { status: 1 })", 1, 105.0),
        ]
    );
    assert_eq!(queries(&first).stats[0].counter("docs_examined"), Some(103_900.0));
    let databases: Vec<(&str, Option<u64>)> = first
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Databases(d) = b { Some(d) } else { None })
        .unwrap()
        .iter()
        .map(|d| (d.name.as_str(), d.size_bytes))
        .collect();
    assert_eq!(databases[3], ("shop", Some(8_843_689_984)));
    assert_eq!(value(&first, metric::DATABASE_SIZE_BYTES, "local"), Some(1_310_720_000.0));
    assert_eq!(value(&first, mg::DOCUMENTS, "shop"), Some(31_250_000.0), "dbStats of the target's database");

    let replicas: Vec<(&str, &str, Option<f64>)> = replication(&first)
        .unwrap()
        .replicas
        .iter()
        .map(|r| (r.name.as_str(), r.state.as_str(), r.replay_lag_ms))
        .collect();
    assert_eq!(replicas[2], ("mdb-c.example.net:27017", "SECONDARY", Some(45_000.0)));
    assert_eq!(value(&first, metric::REPLICATION_LAG_S, ""), Some(45.0));
    assert_eq!(value(&first, mg::MEMBER_LAG_S, "mdb-c.example.net:27017"), Some(45.0));
    assert_eq!(value(&first, mg::OPLOG_WINDOW_S, ""), Some(180_045.5));
    assert_eq!(value(&first, mg::OPLOG_SIZE_BYTES, ""), Some(2_147_483_648.0));
    assert_eq!(value(&first, mg::OUTGOING_CONNECTIONS, "in_use"), Some(2.0));

    server.reply("top", fixture("medium_top_second.json"));
    let second = c.collect(Tier::Medium).await.unwrap();
    assert!(second.problems.is_empty(), "{:?}", second.problems);
    let top = queries(&second);
    assert_eq!(top.availability, StatsAvailability::Available);
    assert!(top.since.is_some() && !top.reset_detected);
    let rows: Vec<(&str, u64, f64)> = top
        .stats
        .iter()
        .filter(|q| !q.id.starts_with("profile:"))
        .map(|q| (q.text.as_str(), q.calls, q.total_time_ms))
        .collect();
    assert_eq!(
        rows,
        [("shop.orders", 300, 1800.0), ("shop.system.profile", 3, 1500.0), ("shop.carts", 25, 250.0)]
    );
    let orders = &top.stats[0];
    assert_eq!((orders.counter("read_ms"), orders.counter("write_ms")), (Some(900.0), Some(900.0)));
    assert_eq!((orders.counter("queries"), orders.counter("updates")), (Some(220.0), Some(10.0)));
    assert!(value(&second, metric::QUERY_CALLS_PER_S, "").is_some_and(|v| v > 0.0));

    // Each command on its database: the server-wide ones on admin, the oplog on local.
    let seen = server.commands_seen();
    let on = |name: &str| -> std::collections::BTreeSet<&str> {
        seen.iter().filter(|c| commands::name(c) == name).map(|c| c.get_str("$db").unwrap()).collect()
    };
    for name in ["listDatabases", "top", "replSetGetStatus", "connPoolStats"] {
        assert_eq!(on(name).into_iter().collect::<Vec<_>>(), ["admin"], "{name}");
    }
    assert_eq!(on("dbStats").into_iter().collect::<Vec<_>>(), ["shop"]);
    assert_eq!(on("aggregate").into_iter().collect::<Vec<_>>(), ["local"]);
    // profile: -1 on every database but local; system.profile read only in shop.
    let levels: Vec<(&str, &Bson)> = seen
        .iter()
        .filter(|c| commands::name(c) == "profile")
        .map(|c| (c.get_str("$db").unwrap(), c.get("profile").unwrap()))
        .collect();
    assert_eq!(levels.len(), 6, "admin, config and shop, twice: {levels:?}");
    assert!(levels.iter().all(|(_, v)| doc::number(v) == Some(-1.0)), "{levels:?}");
    let profiler_reads: Vec<&str> = seen
        .iter()
        .filter(|c| c.get_str("find") == Ok("system.profile"))
        .map(|c| c.get_str("$db").unwrap())
        .collect();
    assert_eq!(profiler_reads, ["shop", "shop"]);
    assert_all_allowed(&server);
}

/// `logstag snapshot` without `--interval`: the one `top` reading lists the totals since
/// the server started, beside the profiler's rows.
#[tokio::test]
async fn a_single_reading_lists_top_totals() {
    let server = MongoServer::start(Setup::version("7.0.14").replica_set("rs-shop", true));
    script_medium_primary(&server);
    let mut c = collector(&server, "shop");
    c.report_totals();
    let once = c.collect(Tier::Medium).await.unwrap();
    assert!(once.problems.is_empty(), "{:?}", once.problems);
    let orders =
        queries(&once).stats.iter().find(|q| q.id == "shop.orders").map(|q| (q.calls, q.total_time_ms));
    assert_eq!(orders, Some((1000, 5_000.0)), "{:#?}", queries(&once).stats);
}

#[tokio::test]
async fn medium_on_a_standalone_and_on_a_mongos_reads_what_each_has() {
    let standalone = MongoServer::start(Setup::version("6.0.20"));
    standalone.reply("listDatabases", fixture("medium_list_databases.json"));
    standalone.reply("top", fixture("medium_top_first.json"));
    standalone.reply("profile", doc! { "was": 0 });
    answer(&standalone, "replSetGetStatus", fixture("medium_standalone_refusal.json"));
    let round = collector(&standalone, "").collect(Tier::Medium).await.unwrap();
    assert!(round.problems.is_empty(), "NoReplicationEnabled is no problem: {:?}", round.problems);
    assert!(replication(&round).is_none());
    assert_eq!(queries(&round).availability, StatsAvailability::Available);
    assert_eq!(standalone.count("replSetGetStatus"), 1);
    assert_eq!((standalone.count("find"), standalone.count("connPoolStats")), (0, 0));
    assert_all_allowed(&standalone);

    let router = MongoServer::start(Setup::version("7.0.14").hello(doc! { "msg": "isdbgrid" }));
    router.reply("listDatabases", fixture("medium_list_databases.json"));
    router.reply("listShards", fixture("medium_mongos_list_shards.json"));
    router.reply("balancerStatus", fixture("medium_mongos_balancer_status.json"));
    router.reply("connPoolStats", fixture("medium_mongos_conn_pool_stats.json"));
    let round = collector(&router, "").collect(Tier::Medium).await.unwrap();
    assert!(round.problems.is_empty(), "{:?}", round.problems);
    for absent in ["top", "profile", "find", "replSetGetStatus"] {
        assert_eq!(router.count(absent), 0, "{absent}: {:?}", router.names_seen());
    }
    assert!(
        matches!(&queries(&round).availability, StatsAvailability::Unavailable(why) if why.contains("mongos"))
    );
    let shards: Vec<(&str, &str)> =
        replication(&round).unwrap().replicas.iter().map(|r| (r.name.as_str(), r.state.as_str())).collect();
    assert_eq!(shards, [("shard-eu", "active"), ("shard-us", "active"), ("shard-old", "draining")]);
    assert_eq!(value(&round, mg::SHARDS, ""), Some(3.0));
    assert_eq!(value(&round, mg::BALANCER_RUNNING, ""), Some(1.0));
    assert_eq!(value(&round, mg::BALANCER_RUNNING, "in_round"), Some(1.0));
    assert_eq!(value(&round, mg::OUTGOING_CONNECTIONS, "available"), Some(9.0));
    assert_all_allowed(&router);
}

/// An Atlas shared tier: a replica set primary that refuses what the tier does not allow.
fn atlas() -> MongoServer {
    let server = MongoServer::start(Setup::version("7.0.15").replica_set("atlas-shard-0", true));
    let atlas = fixture("low_atlas_reduced.json");
    for (command, reply) in atlas.iter() {
        answer(&server, command, reply.as_document().unwrap().clone());
    }
    let not_in_tier = |c: &str| format!("(AtlasError) {c} is not allowed in this atlas tier");
    server.reply("listDatabases", fixture("medium_list_databases.json"));
    server.refuse("top", 8000, "AtlasError", &not_in_tier("top"));
    server.refuse("profile", 8000, "AtlasError", &not_in_tier("profile"));
    server.refuse("connPoolStats", 8000, "AtlasError", &not_in_tier("connPoolStats"));
    server.reply("replSetGetStatus", fixture("medium_rs_status_7.0_primary.json"));
    for command in ["find", "aggregate"] {
        let words = "not authorized on local to execute command";
        server.script(Script::error(command, 13, "Unauthorized", words).when(on_db("local")));
    }
    server
}

#[tokio::test]
async fn an_atlas_like_tier_returns_what_it_has_and_names_what_is_missing() {
    let server = atlas();
    let mut c = collector(&server, "");
    let medium = c.collect(Tier::Medium).await.unwrap();
    let starts: Vec<&str> = medium.problems.iter().map(|p| p.split(':').next().unwrap()).collect();
    assert_eq!(
        starts,
        [
            "per-collection time (top)",
            "profiling level of 3 database(s), admin first",
            "oplog window (oldest entry)",
            "oplog size ($collStats)",
            "connection pools (connPoolStats)",
        ],
        "{:#?}",
        medium.problems
    );
    assert!(medium.problems[0].contains("not available on this server or tier"));
    assert!(medium.problems[2].contains("role: \"read\", db: \"local\""), "{}", medium.problems[2]);
    assert!(
        matches!(&queries(&medium).availability, StatsAvailability::Unavailable(why) if why.contains("atlas tier"))
    );
    assert_eq!(value(&medium, metric::REPLICATION_LAG_S, ""), Some(45.0), "what it has");
    assert_eq!(value(&medium, mg::OPLOG_WINDOW_S, ""), None);
    assert_eq!(server.count("find"), 1, "the newest edge is not asked once the oldest is refused");

    let low = c.collect(Tier::Low).await.unwrap();
    assert_eq!(low.problems.len(), 5, "{:#?}", low.problems);
    assert!(low.problems.iter().any(|p| p.starts_with("host info: not available on this server or tier")));
    assert!(low.problems.iter().any(|p| p.starts_with("users: not authorized") && p.contains("optional")));
    assert_eq!(
        (setting(&low, "build.version"), setting(&low, "featureCompatibilityVersion")),
        (Some("7.0.15"), Some("7.0"))
    );
    assert_eq!(setting(&low, "security.authorization"), None, "unknown, not disabled");
    let again = c.collect(Tier::Low).await.unwrap();
    assert!(again.problems.is_empty(), "said once per connection: {:?}", again.problems);
    assert_eq!(posture(&again).iter().filter(|f| f.name == "unavailable").count(), 5);
    assert_all_allowed(&server);
}

/// The low tier's replies of a secured replica set member.
pub(crate) fn script_low_secured(server: &MongoServer) {
    server.reply("buildInfo", fixture("low_buildInfo_7.0_enterprise.json"));
    server.reply("hostInfo", fixture("low_hostInfo.json"));
    server.reply("getCmdLineOpts", fixture("low_getCmdLineOpts_secured_replset.json"));
    server.reply("getLog", fixture("low_startupWarnings_6.0.json"));
    server.reply("getParameter", fixture("low_getParameter_fcv.json"));
    server.reply("usersInfo", fixture("low_usersInfo.json"));
    server.reply("rolesInfo", fixture("low_rolesInfo.json"));
}

#[tokio::test]
async fn low_gives_settings_and_posture_and_no_secret_of_the_replies() {
    let server = MongoServer::start(Setup::version("7.0.12").replica_set("rsLedger", true));
    script_low_secured(&server);
    let low = collector(&server, "").collect(Tier::Low).await.unwrap();
    assert!(low.problems.is_empty(), "{:?}", low.problems);
    assert_eq!(setting(&low, "server.topology"), Some("replica set primary"));
    assert_eq!(setting(&low, "build.modules"), Some("enterprise"));
    assert_eq!(setting(&low, "security.authorization"), Some("enabled"));
    assert_eq!(setting(&low, "security.keyFile"), Some("set"));
    assert_eq!(setting(&low, "net.bindIp"), Some("127.0.0.1,10.20.0.11"));
    assert_eq!(setting(&low, "net.tls.mode"), Some("requireTLS"));
    assert_eq!(setting(&low, "featureCompatibilityVersion"), Some("6.0"));
    assert_eq!(setting(&low, "host.mem_size_mb"), Some("15872"));
    assert_eq!(fact(&low, "users.count", ""), Some("4"));
    assert_eq!(fact(&low, "user.mechanisms", "legacy_app@billing"), Some("SCRAM-SHA-1"));
    let input = judged(&[&low]);
    let (status, evidence) = check(&input, "mongo.scram_sha1_users");
    assert_eq!(status, CheckStatus::Attention);
    assert!(evidence.contains("legacy_app@billing"), "{evidence}");
    // The replies held a key file's path, a TLS key's password and SCRAM credentials.
    let everything = format!("{:?}", low.bodies);
    for secret in ["hunter2", "ledger-keyfile", "c2FsdA==", "storedKey", "serverKey", "ledger-node1.pem"] {
        assert!(!everything.contains(secret), "{secret} reached the output");
    }
    assert!(server.commands_seen().iter().all(|c| c.get_str("$db") == Ok("admin")), "every read is on admin");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_reply_the_driver_cannot_read_is_a_problem_that_shows_none_of_it() {
    let server = MongoServer::start(Setup::version("7.0.12").replica_set("rsLedger", true));
    script_low_secured(&server);
    // `$clusterTime` without its signature: the driver refuses the whole reply.
    let mut options = fixture("low_getCmdLineOpts_secured_replset.json");
    options
        .insert("$clusterTime", doc! { "clusterTime": mongodb::bson::Timestamp { time: 1, increment: 1 } });
    server.reply("getCmdLineOpts", options);
    let low = collector(&server, "").collect(Tier::Low).await.unwrap();
    assert_eq!(low.problems.len(), 1, "{:?}", low.problems);
    let problem = &low.problems[0];
    assert!(
        problem.starts_with("command-line options: the reply could not be read: missing field"),
        "{problem}"
    );
    assert!(problem.chars().count() < 200, "{problem}");
    // Neither the password in the reply nor the reply hex-encoded ("hunter2" = 68756e74657232).
    for secret in ["hunter2", "68756e74657232", "server response"] {
        assert!(!format!("{low:?}").contains(secret), "{secret}: {problem}");
    }
    assert_eq!(setting(&low, "featureCompatibilityVersion"), Some("6.0"), "the other reads went on");
    assert_all_allowed(&server);
}

pub(crate) fn judged(rounds: &[&Collected]) -> HealthInput {
    let mut input = HealthInput::default();
    for body in rounds.iter().flat_map(|r| &r.bodies) {
        input.apply(Timestamp::now(), body);
    }
    input
}

pub(crate) fn check(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    let report: HealthReport = evaluate_with(spec::SPEC.health_checks, input);
    let c = report.checks.into_iter().find(|c| c.id == id).unwrap_or_else(|| panic!("no check {id}"));
    (c.status, c.evidence)
}
