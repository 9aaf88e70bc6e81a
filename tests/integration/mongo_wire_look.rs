//! Not a test: a MongoDB mock that answers every tier with the fixtures, its
//! serverStatus counters moving, for looking at a MongoDB target in the TUI
//! (`cargo test --test integration mongo_mock_for_a_look -- --ignored --nocapture`,
//! then `logstag --config <printed path>` in another terminal).

use crate::mongo_wire_tiers::script_low_secured;
use crate::mongo_wire_tiers::script_medium_primary;
use crate::mongo_wire_tiers_schema::script_schema;
use crate::support::mongo_wire::{MongoServer, Setup, first_stage, fixture, fixture_documents};
use mongodb::bson::{Bson, Document};
use std::time::Duration;

/// Adds `by` to the number at `section.field`, whatever its BSON number type.
fn bump(status: &mut Document, section: &str, field: &str, by: i64) {
    if let Ok(inner) = status.get_document_mut(section) {
        let now = match inner.get(field) {
            Some(Bson::Int64(v)) => *v,
            Some(Bson::Int32(v)) => i64::from(*v),
            Some(Bson::Double(v)) => *v as i64,
            _ => 0,
        };
        inner.insert(field, Bson::Int64(now + by));
    }
}

/// Scripts every tier with the fixtures: a primary of a replica set, a secured low tier,
/// the schema, and an operation waiting for a lock. serverStatus is set by `tick`.
pub(crate) fn script_every_tier(server: &MongoServer) {
    script_medium_primary(server);
    script_low_secured(server);
    script_schema(server);
    server.reply_cursor("aggregate", first_stage("$currentOp"), {
        let reply = fixture("high_current_ops_lock_wait.json");
        reply
            .get_array("ops")
            .map(|ops| ops.iter().filter_map(|o| o.as_document().cloned()).collect())
            .unwrap_or_else(|_| fixture_documents("high_current_ops_lock_wait.json"))
    });
}

/// Moves serverStatus's counters on, once a second for `seconds`, as a busy server's would.
pub(crate) async fn keep_server_status_moving(server: &MongoServer, seconds: i64) {
    let mut status = fixture("high_server_status_7.0.json");
    for round in 0..seconds {
        for (field, by) in
            [("query", 4_000 + 900 * (round % 7)), ("insert", 300), ("update", 800), ("command", 2_500)]
        {
            bump(&mut status, "opcounters", field, by);
        }
        bump(&mut status, "network", "bytesIn", 2_000_000);
        bump(&mut status, "network", "bytesOut", 9_000_000);
        status.insert("uptimeMillis", Bson::Int64(1_200_000_000 + round * 1000));
        server.reply("serverStatus", status.clone());
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

#[tokio::test]
#[ignore = "keeps a mock running for 10 minutes, for a look in the TUI"]
async fn mongo_mock_for_a_look() {
    let server = MongoServer::start(Setup::version("7.0.14").replica_set("rs0", true));
    script_every_tier(&server);
    let config = std::env::temp_dir().join("logstag-mongo-look.toml");
    let text = format!(
        "[targets.events-mongo]\ndb_engine = \"mongodb\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"\"\ndb_password = \"\"\ndb_name = \"shop\"\n\n[targets.events-mongo.tls]\nmode = \"disable\"\n",
        server.port
    );
    std::fs::write(&config, text).unwrap();
    println!("mock on port {}; run: logstag --config {}", server.port, config.display());
    keep_server_status_moving(&server, 600).await;
}
