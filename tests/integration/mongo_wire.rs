//! The MongoDB collector over the real driver (the `mongodb` crate) against the OP_MSG
//! mock: the handshake and its facts, SCRAM-SHA-256 logins, refusals as problem lines,
//! a server that goes away and comes back, a reply that never comes in time, the
//! `$currentOp` cursor paging through getMore, TLS `prefer` against a plain server, and
//! every command the mock received checked against the allowlist.

use crate::support::mongo_wire::{
    MongoServer, Script, Setup, assert_all_allowed, first_stage, fixture, fixture_documents, mongo_target,
    on_collection, on_db,
};
use logstag::collectors::Collector;
use logstag::collectors::mongodb::{MongoCollector, Topology};
use logstag::config::{TargetConfig, TlsConfig, TlsMode};
use mongodb::bson::{Document, doc};
use std::time::{Duration, Instant};

fn target(port: u16, user: &str, password: &str, tls: TlsMode) -> TargetConfig {
    TargetConfig {
        tls: TlsConfig { mode: tls, ca_file: None },
        query_timeout: Duration::from_secs(1),
        ..mongo_target(port, user, password, "")
    }
}

fn plain(server: &MongoServer) -> MongoCollector {
    MongoCollector::new(&target(server.port, "", "", TlsMode::Disable))
}

/// A `$currentOp` document shaped like mongod's (invented values).
fn operation(opid: i64) -> Document {
    doc! {
        "type": "op", "host": "mock-host:27017", "desc": format!("conn{}", 100 + opid),
        "connectionId": 100 + opid, "client": "10.9.8.7:50123", "appName": "billing-worker",
        "active": true, "opid": opid, "secs_running": opid % 7, "microsecs_running": opid * 1000,
        "op": "query", "ns": "shop.orders", "planSummary": "IXSCAN { status: 1 }",
        "waitingForLock": opid % 50 == 0, "locks": {}, "lockStats": {},
    }
}

fn current_op() -> Document {
    doc! { "aggregate": 1, "pipeline": [ { "$currentOp": { "allUsers": true, "idleConnections": false } } ], "cursor": {} }
}

#[tokio::test]
async fn connects_as_logstag_and_reads_version_and_topology() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    let mut c = plain(&server);
    assert_eq!(c.ensure_connected().await.unwrap(), "7.0.14");
    let facts = c.wire_facts();
    assert_eq!((facts.major, facts.minor, facts.max_wire_version), (7, 0, 21));
    assert_eq!(facts.topology, Topology::Standalone);
    let apps = server.app_names_seen();
    assert!(!apps.is_empty() && apps.iter().all(|a| a == "logstag"), "{apps:?}");
    let build = server.commands_seen().into_iter().find(|c| c.contains_key("buildInfo")).unwrap();
    assert_eq!(build.get_str("$db").unwrap(), "admin");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn replica_set_members_of_each_release_say_where_they_stand() {
    for (version, wire, primary) in [("5.0.31", 13, true), ("6.0.20", 17, false), ("8.0.4", 25, false)] {
        let server = MongoServer::start(Setup::version(version).replica_set("rs-orders", primary));
        let mut c = plain(&server);
        assert_eq!(c.ensure_connected().await.unwrap(), version);
        let facts = c.wire_facts();
        assert_eq!(facts.topology, Topology::ReplicaSet { primary, arbiter: false }, "{version}");
        assert_eq!((facts.set_name.as_str(), facts.max_wire_version), ("rs-orders", wire));
        assert_all_allowed(&server);
    }
    // buildInfo from a fixture replaces the built-in one: an enterprise build's modules.
    let enterprise = MongoServer::start(Setup::version("8.0.4"));
    enterprise.reply("buildInfo", fixture("wire_buildInfo_8.0_enterprise.json"));
    let mut c = plain(&enterprise);
    assert_eq!(c.ensure_connected().await.unwrap(), "8.0.4");
    assert_eq!(c.wire_facts().modules, vec!["enterprise".to_owned()]);

    let router = MongoServer::start(Setup::version("7.0.14").hello(doc! { "msg": "isdbgrid" }));
    let mut c = plain(&router);
    c.ensure_connected().await.unwrap();
    assert_eq!(c.wire_facts().topology, Topology::Router);
}

#[tokio::test]
async fn scram_sha_256_logs_in_speculatively_and_through_sasl_start() {
    let server = MongoServer::start(Setup::version("7.0.14").user("monitor", "Corr3ct-horse"));
    let mut c = MongoCollector::new(&target(server.port, "monitor", "Corr3ct-horse", TlsMode::Disable));
    c.ensure_connected().await.unwrap();
    let hello = server.commands_seen().into_iter().find(|c| c.contains_key("speculativeAuthenticate"));
    assert!(hello.is_some(), "the handshake carries the first SCRAM message");
    assert!(server.count("saslContinue") >= 1 && server.count("saslStart") == 0, "{:?}", server.names_seen());
    assert_all_allowed(&server);

    let classic = MongoServer::start(
        Setup::version("6.0.20").user("monitor", "Corr3ct-horse").without_speculative_auth(),
    );
    let mut c = MongoCollector::new(&target(classic.port, "monitor", "Corr3ct-horse", TlsMode::Disable));
    c.ensure_connected().await.unwrap();
    assert!(
        classic.count("saslStart") >= 1 && classic.count("saslContinue") >= 1,
        "{:?}",
        classic.names_seen()
    );
    assert_all_allowed(&classic);
}

#[tokio::test]
async fn a_wrong_password_fails_to_connect_without_showing_it() {
    let server = MongoServer::start(Setup::version("7.0.14").user("monitor", "right-Pa55word"));
    let mut c = MongoCollector::new(&target(server.port, "monitor", "wrong-Pa55word", TlsMode::Disable));
    let err = c.ensure_connected().await.err().unwrap();
    let text = err.to_string();
    assert!(err.is_disconnect(), "{text}");
    // The server's own words: the mock checked the SCRAM proof and refused it.
    assert!(text.contains("authentication failed: SCRAM failure: Authentication failed."), "{text}");
    assert!(!text.contains("wrong-Pa55word") && !text.contains("right-Pa55word"), "{text}");
    assert_eq!(server.count("buildInfo"), 0, "nothing runs before the login succeeds");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_refused_command_is_a_problem_line_and_the_others_still_answer() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    server.refuse(
        "aggregate",
        13,
        "Unauthorized",
        "not authorized on admin to execute command { aggregate: 1 }",
    );
    server.reply(
        "serverStatus",
        doc! { "host": "mock-host", "uptime": 4242, "connections": { "current": 17 } },
    );
    server.refuse("top", 8000, "AtlasError", "(AtlasError) top is not allowed in this atlas tier");
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();

    let (operations, problems) =
        c.wire_documents("current operations", "admin", current_op(), 1000).await.unwrap();
    assert!(operations.is_none());
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("current operations: not authorized")
            && problems[0].contains("clusterMonitor")
    );

    let (status, problems) =
        c.wire_command("server status", "admin", doc! { "serverStatus": 1 }).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let status = status.unwrap();
    assert_eq!(
        (
            status.get_i32("uptime").unwrap(),
            status.get_document("connections").unwrap().get_i32("current").unwrap()
        ),
        (4242, 17)
    );

    let (top, problems) = c.wire_command("collection times", "admin", doc! { "top": 1 }).await.unwrap();
    assert!(top.is_none());
    assert!(problems[0].contains("not available") && problems[0].contains("atlas tier"), "{problems:?}");

    // A command this mock has no script for is CommandNotFound: "not available" too.
    let (_, problems) = c.wire_command("pool", "admin", doc! { "connPoolStats": 1 }).await.unwrap();
    assert!(problems[0].contains("not available"), "{problems:?}");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_command_outside_the_allowlist_never_reaches_the_server() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();
    let (reply, problems) = c.wire_command("stop", "admin", doc! { "shutdown": 1 }).await.unwrap();
    assert!(reply.is_none() && problems[0].contains("not a read-only monitoring command"), "{problems:?}");
    let (reply, problems) =
        c.wire_documents("orders", "shop", doc! { "find": "orders", "filter": {} }, 10).await.unwrap();
    assert!(reply.is_none() && problems[0].contains("system.profile"), "{problems:?}");
    assert_eq!((server.count("shutdown"), server.count("find")), (0, 0));
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_stopped_server_is_down_and_a_restarted_one_reconnects() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    server.reply("serverStatus", doc! { "uptime": 1 });
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();
    assert!(c.wire_command("status", "admin", doc! { "serverStatus": 1 }).await.unwrap().0.is_some());

    server.stop();
    let lost = c.wire_command("status", "admin", doc! { "serverStatus": 1 }).await.err().unwrap();
    assert!(lost.is_disconnect(), "{lost}");
    let refused = c.ensure_connected().await.err().unwrap();
    let words = refused.to_string();
    assert_eq!(
        words,
        format!(
            "cannot connect to 127.0.0.1:{}: no server answered: I/O error: Connection refused (os error 111)",
            server.port
        )
    );
    let before = server.connections_accepted();

    server.restart().await;
    assert_eq!(c.ensure_connected().await.unwrap(), "7.0.14");
    assert!(c.wire_command("status", "admin", doc! { "serverStatus": 1 }).await.unwrap().0.is_some());
    assert!(server.connections_accepted() > before);
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_reply_that_never_comes_in_time_is_a_problem_and_the_next_command_works() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    server.script(Script::reply("serverStatus", doc! { "uptime": 1 }).delayed(Duration::from_secs(6)));
    server.script(
        Script::cursor("aggregate", vec![operation(1)])
            .when(first_stage("$currentOp"))
            .delayed(Duration::from_secs(6)),
    );
    server.reply("hostInfo", doc! { "system": { "hostname": "mock-host", "numCores": 4 } });
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();

    // serverStatus takes no maxTimeMS: our own deadline (query timeout + 2 s) ends the wait.
    let started = Instant::now();
    let (reply, problems) =
        c.wire_command("server status", "admin", doc! { "serverStatus": 1 }).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(reply.is_none() && problems[0].contains("gave no reply"), "{problems:?}");

    let (host, problems) = c.wire_command("host", "admin", doc! { "hostInfo": 1 }).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(host.unwrap().get_document("system").unwrap().get_i32("numCores").unwrap(), 4);

    // aggregate carries maxTimeMS: the server gives up first, as mongod does.
    let started = Instant::now();
    let (ops, problems) = c.wire_documents("current operations", "admin", current_op(), 100).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
    assert!(ops.is_none() && problems[0].contains("time limit (maxTimeMS)"), "{problems:?}");
    let sent = server.commands_seen().into_iter().find(|c| c.contains_key("aggregate")).unwrap();
    assert_eq!(sent.get_i64("maxTimeMS").unwrap(), 1000);
    assert_all_allowed(&server);
}

#[tokio::test]
async fn the_current_op_cursor_pages_through_a_thousand_operations() {
    let server = MongoServer::start(Setup::version("8.0.4").batch_size(101));
    server.reply_cursor("aggregate", first_stage("$currentOp"), (1..=1000).map(operation).collect());
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();

    let (ops, problems) = c.wire_documents("current operations", "admin", current_op(), 5000).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let ops = ops.unwrap();
    let ids: Vec<i64> = ops.iter().map(|o| o.get_i64("opid").unwrap()).collect();
    assert_eq!(ids, (1..=1000).collect::<Vec<_>>());
    assert!(ops[49].get_bool("waitingForLock").unwrap());
    assert_eq!(server.count("getMore"), 9, "101 + 9 × 101 ≥ 1000");

    // Reading fewer than the cursor holds: the driver kills the rest.
    let (ops, _) = c.wire_documents("current operations", "admin", current_op(), 150).await.unwrap();
    assert_eq!(ops.unwrap().len(), 150);
    let deadline = Instant::now() + Duration::from_secs(3);
    while server.count("killCursors") == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(server.count("killCursors"), 1, "{:?}", server.names_seen());
    assert_all_allowed(&server);
}

#[tokio::test]
async fn tls_prefer_falls_back_to_plain_text_on_a_server_without_tls() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    let mut c = MongoCollector::new(&target(server.port, "", "", TlsMode::Prefer));
    let started = Instant::now();
    assert_eq!(c.ensure_connected().await.unwrap(), "7.0.14");
    // The first heartbeat's "tls handshake eof" ends the TLS attempt, not the 2 s connect timeout.
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert!(server.tls_refusals() >= 1, "TLS was tried first");
    assert_all_allowed(&server);

    // verify-full never falls back.
    let mut strict = MongoCollector::new(&target(server.port, "", "", TlsMode::VerifyFull));
    let err = strict.ensure_connected().await.err().unwrap().to_string();
    assert!(err.ends_with("no server answered: I/O error: tls handshake eof"), "{err}");
}

#[tokio::test]
async fn cursor_replies_are_chosen_by_database_and_collection() {
    let server = MongoServer::start(Setup::version("6.0.20").batch_size(2));
    let collections = ["orders", "customers", "invoices"]
        .map(|name| doc! { "name": name, "type": "collection", "options": {} });
    server.reply_cursor("listCollections", on_db("shop"), collections.to_vec());
    server.reply_cursor(
        "aggregate",
        on_collection("orders"),
        vec![doc! { "ns": "shop.orders", "storageStats": { "count": 12345 } }],
    );
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();

    let list = doc! { "listCollections": 1, "nameOnly": false, "authorizedCollections": true };
    let (found, problems) = c.wire_documents("collections", "shop", list.clone(), 100).await.unwrap();
    let names: Vec<String> = found.unwrap().iter().map(|c| c.get_str("name").unwrap().to_owned()).collect();
    assert_eq!(
        (names, problems.len()),
        (vec!["orders".to_owned(), "customers".into(), "invoices".into()], 0)
    );
    let (found, problems) = c.wire_documents("collections", "billing", list, 100).await.unwrap();
    assert!(found.is_none() && problems[0].contains("not available"), "{problems:?}");

    let stats = doc! { "aggregate": "orders", "pipeline": [ { "$collStats": { "storageStats": {} } } ], "cursor": {} };
    let (found, _) = c.wire_documents("collection stats", "shop", stats, 10).await.unwrap();
    assert_eq!(found.unwrap()[0].get_document("storageStats").unwrap().get_i32("count").unwrap(), 12345);
    assert_eq!(server.count("getMore"), 1, "three collections in batches of two");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn fixture_documents_cross_the_wire_with_their_bson_types() {
    let operations = fixture_documents("wire_currentOp_8.0_replset.json");
    assert_eq!(operations.len(), 3);
    let server = MongoServer::start(Setup::version("8.0.4").replica_set("ledger-rs", true).batch_size(2));
    server.reply_cursor("aggregate", first_stage("$currentOp"), operations.clone());
    let mut c = plain(&server);
    c.ensure_connected().await.unwrap();
    let (read, problems) = c.wire_documents("current operations", "admin", current_op(), 1000).await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    let read = read.unwrap();
    assert_eq!(read, operations, "Int64, dates, binaries and timestamps arrive as sent");
    assert_eq!(read[1].get_i64("opid").unwrap(), 880_077);
    assert_eq!(read[0].get_datetime("currentOpTime").unwrap().timestamp_millis(), 1_796_026_502_118);
    assert_all_allowed(&server);
}
