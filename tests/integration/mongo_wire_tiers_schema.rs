//! The MongoDB schema tier over the real driver against the OP_MSG mock (inventory,
//! index findings, changes between rounds, a refused listing), and every tier's bodies
//! of one server judged by the health checks. Helpers in `mongo_wire_tiers.rs`.

use crate::mongo_wire_tiers::{
    both, check, collector, has, judged, script_low_secured, script_medium_primary, value,
};
use crate::support::mongo_wire::assert_all_allowed;
use crate::support::mongo_wire::{
    MongoServer, Script, Setup, first_stage, fixture, fixture_documents, on_collection, on_db,
};
use logstag::collectors::mongodb::{commands, metric as mg};
use logstag::collectors::{Collected, Collector};
use logstag::model::{ChangeKind, CheckStatus, SampleBody, SchemaSnapshot, TableInfo, Tier, Timestamp};
use mongodb::bson::{DateTime, doc};

fn schema(c: &Collected) -> &SchemaSnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::Schema(s) = b { Some(s) } else { None }).unwrap()
}

fn table<'a>(s: &'a SchemaSnapshot, db: &str, name: &str) -> &'a TableInfo {
    let db = s.databases.iter().find(|d| d.name == db).unwrap();
    db.schemas.iter().flat_map(|s| &s.tables).find(|t| t.name == name).unwrap()
}

/// The schema tier's replies: the shop fixtures, one small collection's figures for the
/// other collections of shop (on shop only, so the oplog's `$collStats` keeps its own).
pub(crate) fn script_schema(server: &MongoServer) {
    let listing = fixture("schema_listDatabases.json");
    server.script(Script::reply("listDatabases", listing).when(has("nameOnly")));
    server.reply_cursor(
        "listCollections",
        on_db("shop"),
        fixture_documents("schema_listCollections_shop_7.0.json"),
    );
    server.reply_cursor("listCollections", on_db("telemetry"), Vec::new());
    let small = doc! { "storageStats": { "size": 100, "count": 1, "storageSize": 4096, "totalIndexSize": 4096,
    "nindexes": 1, "indexSizes": { "_id_": 4096 } }, "count": 1 };
    server.reply_cursor("aggregate", both(on_db("shop"), first_stage("$collStats")), vec![small]);
    let since = DateTime::from_millis(Timestamp::now().millis() - 40 * 86_400_000);
    let id = doc! { "name": "_id_", "key": { "_id": 1 }, "accesses": { "ops": 5_i64, "since": since },
    "spec": { "v": 2, "key": { "_id": 1 }, "name": "_id_" } };
    server.reply_cursor("aggregate", both(on_db("shop"), first_stage("$indexStats")), vec![id]);
    let figures = |collection, stage| both(on_collection(collection), first_stage(stage));
    server.reply_cursor(
        "aggregate",
        figures("orders", "$collStats"),
        fixture_documents("schema_collStats_orders_7.0.json"),
    );
    server.reply_cursor(
        "aggregate",
        figures("orders", "$indexStats"),
        fixture_documents("schema_indexStats_orders_7.0.json"),
    );
    server.reply_cursor(
        "aggregate",
        figures("sensor_readings", "$collStats"),
        fixture_documents("schema_collStats_sensor_readings_8.0.json"),
    );
}

#[tokio::test]
async fn schema_inventory_its_index_findings_and_changes_over_rounds() {
    let server = MongoServer::start(Setup::version("7.0.14").replica_set("rs-shop", true));
    script_schema(&server);
    let mut c = collector(&server, "");
    let first = c.collect(Tier::Schema).await.unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let s = schema(&first);
    let names: Vec<&str> = s.databases.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["shop", "telemetry"]);
    let shop = &s.databases[0].schemas[0];
    let tables: Vec<&str> = shop.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(tables, ["audit_log", "customers", "orders", "sensor_readings"]);
    assert_eq!(shop.views.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["order_totals"]);
    let orders = table(s, "shop", "orders");
    assert_eq!((orders.row_estimate, orders.indexes.len()), (Some(48_210.0), 7));
    let unused: Vec<&str> = orders.indexes.iter().filter(|i| i.unused).map(|i| i.name.as_str()).collect();
    assert_eq!(unused, ["couponCode_1"]);
    let status = orders.indexes.iter().find(|i| i.name == "status_1").unwrap();
    assert_eq!(status.redundant_with.as_deref(), Some("status_1_createdAt_-1"));
    assert_eq!(value(&first, mg::COLLECTIONS, ""), Some(4.0));
    assert_eq!(value(&first, mg::INDEXES, ""), Some(10.0));
    assert!(
        !first.bodies.iter().any(|b| matches!(b, SampleBody::SchemaChanges(_))),
        "the first round is a baseline"
    );
    assert_eq!(server.count("listIndexes"), 0, "$indexStats answered everywhere");

    // An index added on orders: a Modified collection.
    let mut indexes = fixture_documents("schema_indexStats_orders_7.0.json");
    indexes.push(doc! { "name": "sku_1", "key": { "sku": 1 },
        "accesses": { "ops": 0_i64, "since": DateTime::now() }, "spec": { "v": 2, "key": { "sku": 1 }, "name": "sku_1" } });
    server.reply_cursor("aggregate", both(on_collection("orders"), first_stage("$indexStats")), indexes);
    let second = c.collect(Tier::Schema).await.unwrap();
    let changes: Vec<(&str, &str, ChangeKind, &str)> = second
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::SchemaChanges(c) = b { Some(c) } else { None })
        .unwrap()
        .iter()
        .map(|c| (c.object_type.as_str(), c.object.as_str(), c.change, c.detail.as_str()))
        .collect();
    assert_eq!(changes, [("collection", "orders", ChangeKind::Modified, "index sku_1 added")]);
    let sku =
        table(schema(&second), "shop", "orders").indexes.iter().find(|i| i.name == "sku_1").cloned().unwrap();
    assert!(!sku.unused, "a new index's counter proves nothing yet");

    // shop's listing refused (both forms): an error on shop, nothing removed.
    server.script(
        Script::error("listCollections", 13, "Unauthorized", "not authorized on shop").when(on_db("shop")),
    );
    let third = c.collect(Tier::Schema).await.unwrap();
    let shop = schema(&third).databases.iter().find(|d| d.name == "shop").unwrap();
    assert!(
        shop.error.as_deref().is_some_and(|e| e.contains("listCollections") && e.contains("not authorized")),
        "{shop:?}"
    );
    assert!(shop.schemas.is_empty());
    assert!(!third.bodies.iter().any(|b| matches!(b, SampleBody::SchemaChanges(_))), "{:?}", third.bodies);
    let listings: Vec<bool> = server
        .commands_seen()
        .iter()
        .filter(|c| commands::name(c) == "listCollections" && c.get_str("$db") == Ok("shop"))
        .map(|c| c.get_bool("nameOnly").unwrap())
        .collect();
    assert_eq!(listings, [false, false, false, true], "names only asked after the full listing's refusal");
    assert_all_allowed(&server);
}

#[tokio::test]
async fn the_rounds_bodies_judged_by_the_health_checks() {
    let server = MongoServer::start(Setup::version("7.0.14").replica_set("rs-shop", true));
    script_medium_primary(&server);
    script_low_secured(&server);
    server.reply("getCmdLineOpts", fixture("low_getCmdLineOpts_open_standalone.json"));
    server.reply("getLog", fixture("low_startupWarnings_text.json"));
    script_schema(&server);
    let mut c = collector(&server, "shop");
    let mut rounds = Vec::new();
    for tier in [Tier::Medium, Tier::Medium, Tier::Low, Tier::Schema] {
        let round = c.collect(tier).await.unwrap();
        assert!(round.problems.is_empty(), "{tier:?}: {:?}", round.problems);
        rounds.push(round);
    }
    let input = judged(&rounds.iter().collect::<Vec<_>>());
    for (id, want, word) in [
        ("mongo.auth_disabled", CheckStatus::Critical, "Access control is not enabled"),
        ("mongo.replication_lag", CheckStatus::Attention, "45 s behind"),
        ("mongo.unused_indexes", CheckStatus::Attention, "shop.orders.couponCode_1"),
        ("mongo.scram_sha1_users", CheckStatus::Attention, "legacy_app@billing"),
    ] {
        let (status, evidence) = check(&input, id);
        assert_eq!(status, want, "{id}: {evidence}");
        assert!(evidence.contains(word), "{id}: {evidence}");
    }
    let (window, evidence) = check(&input, "mongo.oplog_window");
    assert!(!matches!(window, CheckStatus::NotEvaluated(_)), "{evidence}");
    assert_all_allowed(&server);
}
