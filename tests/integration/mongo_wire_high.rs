//! The MongoDB collector's high tier over the real driver against the OP_MSG mock,
//! scripted with the tier's own fixtures: two `serverStatus` reads 10 s apart on the
//! server become rates, the `$currentOp` aggregation (minimised by its own `$project`)
//! becomes sessions with lock waits pointing at their holder, slow shapes are explained
//! in queryPlanner mode once each and never where an operation waits for a lock, a
//! router asks for its own operations, a reduced Atlas tier that refuses `$currentOp`
//! is degraded and keeps its metrics, and 1,000 operations over getMore all arrive.

use crate::mongo_wire_tiers::{collector, metrics, value};
use crate::support::mongo_wire::{MongoServer, Setup, assert_all_allowed, first_stage, fixture};
use logstag::collectors::mongodb::{commands, doc, metric as mg};
use logstag::collectors::{Collected, Collector};
use logstag::model::{InstanceInfo, ServerRole, Session, SessionState, Tier, metric};
use mongodb::bson::{Bson, Document, doc};

fn operations(name: &str) -> Vec<Document> {
    doc::docs(&fixture(name), "ops").into_iter().cloned().collect()
}

fn sessions(c: &Collected) -> &[Session] {
    c.bodies
        .iter()
        .find_map(
            |b| if let logstag::model::SampleBody::Activity(a) = b { Some(&a.sessions[..]) } else { None },
        )
        .expect("an Activity body")
}

fn instance(c: &Collected) -> &InstanceInfo {
    c.bodies
        .iter()
        .find_map(|b| if let logstag::model::SampleBody::Instance(i) = b { Some(i) } else { None })
        .expect("an Instance body")
}

fn session(c: &Collected, id: i64) -> &Session {
    sessions(c).iter().find(|s| s.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

fn extra<'a>(s: &'a Session, name: &str) -> Option<&'a str> {
    s.extra.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-6)
}

/// The `$currentOp` aggregations the mock received.
fn current_op_commands(server: &MongoServer) -> Vec<Document> {
    let is_current_op = first_stage("$currentOp");
    server
        .commands_seen()
        .into_iter()
        .filter(|c| commands::name(c) == "aggregate" && is_current_op(c))
        .collect()
}

fn stage<'a>(command: &'a Document, name: &str) -> Option<&'a Document> {
    let pipeline = command.get_array("pipeline").ok()?;
    pipeline.iter().filter_map(Bson::as_document).find_map(|s| s.get_document(name).ok())
}

fn strings(value: &Bson, out: &mut Vec<String>) {
    match value {
        Bson::String(s) => out.push(s.clone()),
        Bson::Document(d) => d.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out);
        }),
        Bson::Array(items) => items.iter().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// What the high tier's own test guarantees of its projection, checked on what crossed
/// the wire: no body projected whole, every `$command` path goes through the shape.
fn assert_minimised(command: &Document) {
    assert_eq!(command.get_str("$db").ok(), Some("admin"), "{command}");
    let current_op = stage(command, "$currentOp").expect("a $currentOp stage");
    assert_eq!(current_op.get_bool("allUsers").ok(), Some(true), "{command}");
    let projection = stage(command, "$project").expect("a $project stage");
    for (field, value) in projection {
        assert!(
            !["command", "cursor", "originatingCommand", "clientMetadata", "lsid"].contains(&field.as_str())
        );
        if let Bson::String(path) = value {
            assert!(
                path == "$cursor.awaitData" || !path.starts_with("$command") && !path.starts_with("$cursor")
            );
        }
    }
    let mut all = Vec::new();
    strings(&Bson::Document(projection.clone()), &mut all);
    let through_shape = [
        "$command",
        "$command.filter",
        "$command.q",
        "$command.query",
        "$command.updates.q",
        "$command.deletes.q",
    ];
    for path in all.iter().filter(|s| s.starts_with("$command")) {
        assert!(through_shape.contains(&path.as_str()), "{path} projected");
    }
    // `$command` itself appears once: its first key only (the command's name).
    assert_eq!(all.iter().filter(|s| *s == "$command").count(), 1, "{projection}");
    assert!(!format!("{projection}").contains("\"v\":"), "a filter value is never projected");
}

fn explains(server: &MongoServer) -> Vec<Document> {
    server.commands_seen().into_iter().filter(|c| commands::name(c) == "explain").collect()
}

#[tokio::test]
async fn two_rounds_give_rates_the_instance_and_lock_waits_pointing_at_the_holder() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    server.reply("serverStatus", fixture("high_server_status_7.0.json"));
    server.reply_cursor(
        "aggregate",
        first_stage("$currentOp"),
        operations("high_current_ops_lock_wait.json"),
    );
    server.reply("explain", fixture("high_explain_7.0_sbe.json"));
    let mut c = collector(&server, "admin");
    let first = c.collect(Tier::High).await.unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(value(&first, mg::OPS_PER_S, ""), None, "no rate on the first read");
    assert_eq!(value(&first, metric::CONNECTIONS, ""), Some(57.0));

    // Milliseconds later here, 10 s later on the server (uptimeMillis).
    server.reply("serverStatus", fixture("high_server_status_7.0_next.json"));
    let next = c.collect(Tier::High).await.unwrap();
    assert!(next.problems.is_empty(), "{:?}", next.problems);
    let rates = [
        (mg::OPS_PER_S, "insert", 120.0),
        (mg::OPS_PER_S, "query", 450.0),
        (mg::OPS_PER_S, "command", 230.0),
        (mg::OPS_PER_S, "", 898.0),
        (metric::TPS, "", 898.0),
        (metric::NET_IN_BYTES_PER_S, "", 5_242_880.0),
        (metric::NET_OUT_BYTES_PER_S, "", 20_971_520.0),
        (mg::NETWORK_REQUESTS_PER_S, "", 900.0),
        (metric::CACHE_HIT_PCT, "", 99.0),
        (mg::OP_LATENCY_MS, "reads", 5.0),
        (mg::OP_LATENCY_MS, "writes", 2.0),
        (mg::OP_LATENCY_MS, "commands", 0.5),
        (mg::CACHE_USED_PCT, "", 75.0),
        (mg::CACHE_DIRTY_PCT, "", 100.0 * 85_899_345.0 / 4_294_967_296.0),
        (mg::TICKETS_OUT, "read", 6.0),
        (mg::TICKETS_AVAILABLE, "write", 7.0),
        (mg::QUEUED_OPERATIONS, "", 3.0),
        (mg::QUEUED_OPERATIONS, "writers", 2.0),
        (metric::CONNECTIONS, "", 61.0),
        (metric::MAX_CONNECTIONS, "", 51_200.0),
    ];
    for (name, key, expected) in rates {
        assert!(close(value(&next, name, key), expected), "{name} {key}: {:?}", value(&next, name, key));
    }
    assert_eq!(value(&next, mg::OP_LATENCY_MS, "transactions"), None, "no transaction ran: no mean");

    let i = instance(&next);
    assert_eq!((i.version.as_str(), i.version_full.as_str()), ("7.0.14", "MongoDB 7.0.14 (standalone)"));
    assert_eq!((i.role, i.connections, i.max_connections), (ServerRole::Primary, 61, Some(51_200)));
    assert_eq!(i.product, "MongoDB");

    assert_eq!(sessions(&next).len(), 9);
    let holder = session(&next, 9101);
    assert_eq!((holder.state, holder.query.as_str()), (SessionState::Active, "collMod orders"));
    let update = session(&next, 9102);
    assert_eq!((update.state, update.blocked_by.as_slice()), (SessionState::WaitingForLock, &[9101][..]));
    assert_eq!(update.query, "update orders {_id}");
    let find = session(&next, 9103);
    assert_eq!((find.state, find.blocked_by.as_slice()), (SessionState::WaitingForLock, &[9101][..]));
    assert_eq!(find.query, "find orders {status, customerId}");
    assert_eq!(extra(find, "filter types"), Some("{status: string, customerId: {$in: [long]}}"));
    assert_eq!(session(&next, 9108).state, SessionState::Other, "the checkpointer is not client work");
    assert_eq!(value(&next, metric::BLOCKED_SESSIONS, ""), Some(2.0));
    assert_eq!(value(&next, metric::LONGEST_QUERY_S, ""), Some(14.201));
    assert_eq!(value(&next, mg::SLOW_OPERATIONS, ""), Some(4.0));

    // shop has lock waiters: its 7.5 s find on customers is not explained (it would queue).
    assert!(explains(&server).is_empty(), "{:?}", explains(&server));
    let sent = current_op_commands(&server);
    assert_eq!(sent.len(), 2);
    for command in &sent {
        assert_minimised(command);
        assert!(stage(command, "$currentOp").is_some_and(|s| !s.contains_key("localOps")), "mongod: all ops");
    }
    assert_all_allowed(&server);
}

/// The lock-wait operations with nobody waiting, and a fourth slow shape elsewhere.
fn slow_operations_without_waits() -> Vec<Document> {
    let mut ops = operations("high_current_ops_lock_wait.json");
    for op in &mut ops {
        op.insert("waitingForLock", false);
    }
    ops.push(doc! {
        "opid": 9120, "type": "op", "active": true, "waitingForLock": false, "op": "query",
        "ns": "crm.leads", "cmd": "find", "desc": "conn1600", "connectionId": 1600,
        "client": "10.20.7.1:40000", "appName": "crm", "users": ["crm"],
        "secs_running": 5, "microsecs_running": 5_500_000_i64, "planSummary": "COLLSCAN",
        "filter": [ { "k": "region", "t": "string", "ops": Bson::Null } ],
    });
    ops
}

#[tokio::test]
async fn slow_shapes_are_explained_in_query_planner_mode_three_a_round_once_each() {
    let server = MongoServer::start(Setup::version("7.0.14"));
    server.reply("serverStatus", fixture("high_server_status_7.0.json"));
    server.reply_cursor("aggregate", first_stage("$currentOp"), slow_operations_without_waits());
    server.reply("explain", fixture("high_explain_7.0_sbe.json"));
    let mut c = collector(&server, "admin");
    let first = c.collect(Tier::High).await.unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    // Longest first: 9102 update orders (9.1 s), 9104 find customers (7.5 s), 9103 find
    // orders (6.0 s); the 5.5 s crm.leads waits for the next round.
    let round_one: Vec<(String, String)> =
        explains(&server).iter().map(|e| (doc::text(e, "$db"), doc::text(e, "explain.find"))).collect();
    let expected = [("shop", "orders"), ("shop", "customers"), ("shop", "orders")];
    assert_eq!(round_one, expected.map(|(d, f)| (d.to_owned(), f.to_owned())));

    let second = c.collect(Tier::High).await.unwrap();
    let all = explains(&server);
    assert_eq!(all.len(), 4, "the known shapes are not asked again: {all:?}");
    assert_eq!(
        (doc::text(&all[3], "$db"), doc::text(&all[3], "explain.find")),
        ("crm".into(), "leads".into())
    );
    for e in &all {
        assert_eq!(doc::text(e, "verbosity"), "queryPlanner", "{e}");
    }
    let bodies: Vec<String> =
        all.iter().map(|e| format!("{} {}", doc::text(e, "$db"), e.get("explain").unwrap())).collect();
    for (i, body) in bodies.iter().enumerate() {
        assert!(!bodies[..i].contains(body), "explained twice: {body}");
    }
    // The plan is in the operation's detail, every round (from the cache in the second).
    for round in [&first, &second] {
        let find = session(round, 9103);
        assert_eq!(
            extra(find, "plan 1"),
            Some("of the shape with placeholder values (queryPlanner; not run)")
        );
        assert_eq!(extra(find, "plan 2"), Some("FETCH"));
        assert_eq!(
            extra(find, "plan 3"),
            Some("  IXSCAN status_1_customerId_1 {status: 1, customerId: 1} multikey")
        );
        assert!(extra(session(round, 9101), "plan 1").is_none(), "collMod has no plan");
    }
    assert!(extra(session(&first, 9120), "plan 1").is_none());
    assert_eq!(extra(session(&second, 9120), "plan 2"), Some("FETCH"));
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_router_asks_for_its_own_operations_and_maps_string_opids() {
    let server = MongoServer::start(Setup::version("7.0.14").hello(doc! { "msg": "isdbgrid" }));
    server.reply("serverStatus", fixture("high_server_status_mongos.json"));
    server.reply_cursor("aggregate", first_stage("$currentOp"), operations("high_current_ops_mongos.json"));
    server.reply("explain", fixture("high_explain_mongos.json"));
    let mut c = collector(&server, "admin");
    let round = c.collect(Tier::High).await.unwrap();
    assert!(round.problems.is_empty(), "{:?}", round.problems);
    let sent = current_op_commands(&server);
    assert_eq!(sent.len(), 1);
    assert_minimised(&sent[0]);
    assert_eq!(stage(&sent[0], "$currentOp").and_then(|s| s.get_bool("localOps").ok()), Some(true));

    let ids: Vec<i64> = sessions(&round).iter().map(|s| s.id).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids[0] != ids[1] && ids[0] > 0 && ids[1] > 0, "{ids:?}");
    assert_eq!((ids[0] & 0xFFFF_FFFF, ids[2]), (120_331, 3301));
    let a = &sessions(&round)[0];
    assert_eq!(extra(a, "opid"), Some("shardA:120331"));
    assert_eq!((a.client.as_str(), a.query.as_str()), ("10.40.2.2", "find products {tags, price}"));
    // Both shards run the same 12 s shape: one explain, its per-shard plan in the detail.
    assert_eq!(explains(&server).len(), 1);
    assert_eq!(doc::text(&explains(&server)[0], "$db"), "catalog");
    assert_eq!(extra(a, "plan 2"), Some("SHARD_MERGE"));
    assert_eq!(extra(&sessions(&round)[1], "plan 3"), Some("  shard shardA"));
    assert_eq!(instance(&round).version_full, "MongoDB 7.0.14 (mongos)");
    assert!(metrics(&round).iter().all(|m| m.name != mg::CACHE_USED_PCT && m.name != mg::TICKETS_OUT));
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_reduced_atlas_tier_refusing_current_op_is_degraded_and_keeps_its_metrics() {
    let server = MongoServer::start(Setup::version("8.0.4").replica_set("atlas-shard-0", true));
    let status = fixture("high_server_status_atlas_shared.json");
    server.reply("serverStatus", status.clone());
    server.refuse(
        "aggregate",
        13,
        "Unauthorized",
        "not authorized on admin to execute command { aggregate: 1 }",
    );
    let mut c = collector(&server, "admin");
    // `Ok` with a problem line: the scheduler shows DEGRADED (an `Err` would be DOWN).
    let first = c.collect(Tier::High).await.expect("the round goes on without $currentOp");
    assert_eq!(first.problems.len(), 1, "{:?}", first.problems);
    assert!(first.problems[0].starts_with("current operations: not authorized"), "{}", first.problems[0]);
    assert!(first.problems[0].contains("clusterMonitor"), "{}", first.problems[0]);
    assert!(!first.bodies.iter().any(|b| matches!(b, logstag::model::SampleBody::Activity(_))));
    assert_eq!(value(&first, metric::CONNECTIONS, ""), Some(11.0));
    assert_eq!(value(&first, metric::MAX_CONNECTIONS, ""), Some(500.0));
    assert_eq!(instance(&first).connections, 11);
    // No operations were read: no invented zero of blocked or slow operations.
    let absent = [
        metric::BLOCKED_SESSIONS,
        mg::SLOW_OPERATIONS,
        metric::MEMORY_USED_BYTES,
        mg::CONNECTIONS_ACTIVE,
        mg::CACHE_USED_PCT,
        mg::TICKETS_OUT,
        mg::QUEUED_OPERATIONS,
    ];
    for name in absent {
        assert!(metrics(&first).iter().all(|m| m.name != name), "{name} invented");
    }

    // 10 s later on the server, 1 MB more in: the rates it has, and none it has not.
    let mut later = status;
    let bump = |d: &mut Document, path: &str, by: i64| {
        let (section, field) = path.split_once('.').unwrap_or(("", path));
        let target = if section.is_empty() { d } else { d.get_document_mut(section).unwrap() };
        let now = doc::int(target, field).unwrap();
        target.insert(field, now + by);
    };
    bump(&mut later, "uptimeMillis", 10_000);
    bump(&mut later, "network.bytesIn", 1_000_000);
    server.reply("serverStatus", later);
    let next = c.collect(Tier::High).await.unwrap();
    assert_eq!(next.problems.len(), 1);
    assert_eq!(value(&next, metric::NET_IN_BYTES_PER_S, ""), Some(100_000.0));
    assert_eq!(value(&next, mg::OPS_PER_S, ""), Some(0.0), "opcounters are there: a real zero");
    for name in [mg::ASSERTS_PER_S, mg::PAGE_FAULTS_PER_S, metric::CACHE_HIT_PCT, mg::OP_LATENCY_MS] {
        assert!(metrics(&next).iter().all(|m| m.name != name), "{name} invented");
    }
    assert_all_allowed(&server);
}

#[tokio::test]
async fn a_thousand_operations_over_several_batches_all_become_sessions() {
    let server = MongoServer::start(Setup::version("7.0.14").batch_size(300));
    server.reply("serverStatus", fixture("high_server_status_7.0.json"));
    let ops: Vec<Document> = (1..=1_000_i64)
        .map(|id| {
            doc! {
                "opid": id, "type": "op", "active": true, "waitingForLock": false, "op": "query",
                "ns": "shop.orders", "cmd": "find", "desc": format!("conn{id}"), "connectionId": id,
                "client": "10.20.9.9:5000", "appName": "orders-api", "users": ["orders_app"],
                "secs_running": 0, "microsecs_running": 1_000 + id,
                "filter": [ { "k": "status", "t": "string", "ops": Bson::Null } ],
            }
        })
        .collect();
    server.reply_cursor("aggregate", first_stage("$currentOp"), ops);
    let mut c = collector(&server, "admin");
    let round = c.collect(Tier::High).await.unwrap();
    assert!(round.problems.is_empty(), "{:?}", round.problems);
    let mut ids: Vec<i64> = sessions(&round).iter().map(|s| s.id).collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=1_000).collect::<Vec<i64>>());
    assert!(
        sessions(&round).iter().all(|s| s.query == "find orders {status}" && s.state == SessionState::Active)
    );
    assert_eq!(server.count("getMore"), 3, "300 + 300 + 300 + 100: {:?}", server.names_seen());
    assert_eq!(value(&round, metric::LONGEST_QUERY_S, ""), Some(0.002));
    assert!(explains(&server).is_empty(), "nothing runs 5 s");
    assert_all_allowed(&server);
}
