//! A fake server for whole schema rounds: it answers each command with a fixture or
//! one small collection's figures, records what was sent, and fails the test if a
//! command would not pass the allowlist.

use super::parse_tests::{NOW, batch};
use super::round::Source;
use crate::collectors::CollectError;
use crate::collectors::mongodb::commands;
use crate::collectors::mongodb::connect::{Refusal, code};
use crate::collectors::mongodb::doc::{self, fixture};
use mongodb::bson::{Document, doc};
use std::collections::HashMap;

pub type Reply = Result<Vec<Document>, Refusal>;

/// Answers by "db listCollections", "db.collection $collStats", "db.collection listIndexes"…;
/// what it was not given, it answers with one small collection's figures.
#[derive(Default)]
pub struct Fake {
    pub databases: Document,
    pub replies: HashMap<String, Reply>,
    pub sent: Vec<String>,
    /// The server goes away after this many commands.
    pub lose_after: Option<usize>,
    /// How long each collection's figures command takes.
    pub figures_take: std::time::Duration,
}

pub fn refused(code: i32) -> Reply {
    Err(Refusal { code, code_name: "Refused".into(), message: "not authorized on shop".into() })
}

fn key(db: &str, command: &Document) -> String {
    let name = commands::name(command);
    let target = doc::text(command, name);
    match name {
        "aggregate" => {
            let stage = doc::docs(command, "pipeline").first().and_then(|s| s.keys().next().cloned());
            format!("{db}.{target} {}", stage.unwrap_or_default())
        }
        "listIndexes" => format!("{db}.{target} listIndexes"),
        "listCollections" if doc::flag(command, "nameOnly") == Some(true) => {
            format!("{db} listCollections nameOnly")
        }
        _ => format!("{db} {name}"),
    }
}

impl Fake {
    pub fn shop() -> Self {
        let mut f = Fake { databases: fixture("schema_listDatabases.json"), ..Default::default() };
        for (k, file) in [
            ("shop listCollections", "schema_listCollections_shop_7.0.json"),
            ("shop listCollections nameOnly", "schema_listCollections_shop_nameOnly.json"),
            ("shop.orders $collStats", "schema_collStats_orders_7.0.json"),
            ("shop.orders $indexStats", "schema_indexStats_orders_7.0.json"),
            ("shop.sensor_readings $collStats", "schema_collStats_sensor_readings_8.0.json"),
            ("shop.customers listIndexes", "schema_listIndexes_customers_5.0.json"),
        ] {
            f.replies.insert(k.into(), Ok(batch(file)));
        }
        f.replies.insert("telemetry listCollections".into(), Ok(Vec::new()));
        f
    }

    /// `dbs` databases of `n` collections each, named db0.c00…
    pub fn many(dbs: usize, n: usize) -> Self {
        let names: Vec<Document> = (0..dbs).map(|d| doc! { "name": format!("db{d}") }).collect();
        let mut f = Fake { databases: doc! { "databases": names, "ok": 1 }, ..Default::default() };
        for d in 0..dbs {
            let list =
                (0..n).map(|c| doc! { "name": format!("c{c:02}"), "type": "collection", "options": {} });
            f.replies.insert(format!("db{d} listCollections"), Ok(list.collect()));
        }
        f
    }

    pub fn count(&self, part: &str) -> usize {
        self.sent.iter().filter(|k| k.contains(part)).count()
    }
}

fn small(k: &str) -> Reply {
    let since = mongodb::bson::DateTime::from_millis(NOW - 40 * 86_400_000);
    if k.ends_with("$collStats") {
        Ok(vec![
            doc! { "storageStats": { "size": 100, "count": 1, "storageSize": 4096, "totalIndexSize": 4096,
            "nindexes": 1, "indexSizes": { "_id_": 4096 } }, "count": 1 },
        ])
    } else if k.ends_with("$indexStats") {
        Ok(vec![doc! { "name": "_id_", "key": { "_id": 1 }, "accesses": { "ops": 5_i64, "since": since },
        "spec": { "v": 2, "key": { "_id": 1 }, "name": "_id_" } }])
    } else if k.ends_with("listIndexes") {
        Ok(vec![doc! { "v": 2, "key": { "_id": 1 }, "name": "_id_" }])
    } else {
        refused(code::COMMAND_NOT_FOUND)
    }
}

impl Source for Fake {
    async fn command(
        &mut self,
        db: &str,
        command: Document,
    ) -> Result<Result<Document, Refusal>, CollectError> {
        assert!(commands::check(&command).is_ok(), "not allowed: {command}");
        let k = key(db, &command);
        self.sent.push(k.clone());
        Ok(match self.replies.get(&k) {
            Some(Err(refusal)) => Err(refusal.clone()),
            _ => Ok(self.databases.clone()),
        })
    }

    async fn cursor(&mut self, db: &str, command: Document, limit: usize) -> Result<Reply, CollectError> {
        assert!(commands::check(&command).is_ok(), "not allowed: {command}");
        let k = key(db, &command);
        self.sent.push(k.clone());
        if !k.ends_with("listCollections") && !k.ends_with("nameOnly") {
            tokio::time::sleep(self.figures_take).await;
        }
        if self.lose_after.is_some_and(|n| self.sent.len() > n) {
            return Err(CollectError::ConnectionLost { endpoint: "fake".into(), message: "gone".into() });
        }
        let reply = self.replies.get(&k).cloned().unwrap_or_else(|| small(&k));
        Ok(reply.map(|mut documents| {
            documents.truncate(limit);
            documents
        }))
    }
}
