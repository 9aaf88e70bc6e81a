//! Every command Logstag sends to a MongoDB server passes `check` first, in production
//! as in tests: read commands only, aggregations that start with a monitoring stage
//! (`$currentOp`, `$collStats`, `$indexStats`) and never write (`$out`, `$merge`),
//! `find` only on the profiler and oplog collections, `explain` only in `queryPlanner`
//! mode, `profile` only to read the level. Application documents are never read.

use mongodb::bson::{Bson, Document};

/// Commands that only read server state (the allowlist of issue 13, plus what the
/// tiers need to find their way: `listShards`, `balancerStatus`, `getParameter`).
pub const READ_COMMANDS: &[&str] = &[
    "hello",
    "isMaster",
    "ping",
    "buildInfo",
    "serverStatus",
    "hostInfo",
    "getCmdLineOpts",
    "getParameter",
    "getLog",
    "top",
    "dbStats",
    "collStats",
    "replSetGetStatus",
    "replSetGetConfig",
    "connPoolStats",
    "connectionStatus",
    "usersInfo",
    "rolesInfo",
    "listDatabases",
    "listCollections",
    "listIndexes",
    "listShards",
    "balancerStatus",
    "explain",
    "aggregate",
    "find",
    "profile",
];

/// Stages that may open an aggregation: they describe the server, not its documents.
const FIRST_STAGES: &[&str] = &["$currentOp", "$collStats", "$indexStats"];
/// Stages allowed after the first: shaping only.
const LATER_STAGES: &[&str] =
    &["$match", "$project", "$addFields", "$set", "$unset", "$limit", "$sort", "$group", "$count", "$skip"];
/// Collections `find` may read: the profiler's record and the oplog (first/last entry).
const FIND_COLLECTIONS: &[&str] = &["system.profile", "oplog.rs"];
/// Commands whose plans `explain` may ask for.
const EXPLAINABLE: &[&str] = &["find", "aggregate", "count", "distinct"];

/// `Ok` when `command` is a read the monitoring connection may send.
pub fn check(command: &Document) -> Result<(), String> {
    let Some((name, value)) = command.iter().next() else {
        return Err("empty command".to_owned());
    };
    if !READ_COMMANDS.contains(&name.as_str()) {
        return Err(format!("`{name}` is not a read-only monitoring command"));
    }
    match name.as_str() {
        "aggregate" => check_pipeline(command),
        "find" => match value {
            Bson::String(collection) if FIND_COLLECTIONS.contains(&collection.as_str()) => Ok(()),
            _ => Err("find may read only system.profile and oplog.rs".to_owned()),
        },
        "profile" => match super::doc::number(value) {
            Some(-1.0) => Ok(()),
            _ => Err("profile may only read the level (-1), never set it".to_owned()),
        },
        "explain" => {
            if command.get_str("verbosity").unwrap_or("queryPlanner") != "queryPlanner" {
                return Err(
                    "explain runs in queryPlanner mode only (executionStats would run the query)".to_owned()
                );
            }
            let Bson::Document(inner) = value else {
                return Err("explain needs the command to plan".to_owned());
            };
            let inner_name = inner.keys().next().map(String::as_str).unwrap_or_default();
            if !EXPLAINABLE.contains(&inner_name) {
                return Err(format!("explain of `{inner_name}` is not allowed"));
            }
            if inner_name == "aggregate" { check_stages(inner, true) } else { Ok(()) }
        }
        _ => Ok(()),
    }
}

fn check_pipeline(command: &Document) -> Result<(), String> {
    let stages = stages(command)?;
    let first = stages.first().and_then(|s| s.keys().next()).map(String::as_str).unwrap_or_default();
    if !FIRST_STAGES.contains(&first) {
        return Err(format!("an aggregation must start with {}, found `{first}`", FIRST_STAGES.join(", ")));
    }
    check_stages(command, false)
}

/// Every stage after the first is a shaping stage. A pipeline under `explain` is only
/// planned, never run, so any stage but a write may appear there.
fn check_stages(command: &Document, explained: bool) -> Result<(), String> {
    for (i, stage) in stages(command)?.iter().enumerate() {
        let name = stage.keys().next().map(String::as_str).unwrap_or_default();
        let allowed = match (explained, i) {
            _ if matches!(name, "$out" | "$merge") => false,
            (true, _) => true,
            (false, 0) => FIRST_STAGES.contains(&name),
            (false, _) => LATER_STAGES.contains(&name),
        };
        if !allowed {
            return Err(format!("aggregation stage `{name}` is not allowed"));
        }
    }
    Ok(())
}

fn stages(command: &Document) -> Result<Vec<&Document>, String> {
    match command.get("pipeline") {
        Some(Bson::Array(items)) => items
            .iter()
            .map(|b| b.as_document().ok_or_else(|| "a pipeline stage must be a document".to_owned()))
            .collect(),
        _ => Err("aggregate needs a pipeline".to_owned()),
    }
}

/// The command's name, for messages and for the wire test's record.
pub fn name(command: &Document) -> &str {
    command.keys().next().map(String::as_str).unwrap_or_default()
}

/// Commands that take a server-side time limit (`maxTimeMS`); the others are cheap
/// status reads that some versions refuse extra fields on.
pub fn takes_time_limit(name: &str) -> bool {
    matches!(
        name,
        "aggregate"
            | "find"
            | "listCollections"
            | "listIndexes"
            | "listDatabases"
            | "collStats"
            | "dbStats"
            | "explain"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;

    #[test]
    fn reads_pass_and_writes_do_not() {
        assert!(check(&doc! { "serverStatus": 1 }).is_ok());
        assert!(check(&doc! { "aggregate": 1, "pipeline": [ { "$currentOp": { "allUsers": true } }, { "$project": { "ns": 1 } } ], "cursor": {} }).is_ok());
        assert!(
            check(&doc! { "aggregate": "orders", "pipeline": [ { "$indexStats": {} } ], "cursor": {} })
                .is_ok()
        );
        for refused in [
            doc! { "insert": "t", "documents": [] },
            doc! { "drop": "t" },
            doc! { "killOp": 1, "op": 3 },
            doc! { "profile": 1 },
            doc! { "find": "orders" },
            doc! { "aggregate": "orders", "pipeline": [ { "$match": {} } ], "cursor": {} },
            doc! { "aggregate": 1, "pipeline": [ { "$currentOp": {} }, { "$out": "x" } ], "cursor": {} },
            doc! { "aggregate": "orders", "pipeline": [ { "$collStats": {} }, { "$merge": "x" } ], "cursor": {} },
            doc! { "explain": { "find": "orders" }, "verbosity": "executionStats" },
            doc! { "explain": { "update": "orders" }, "verbosity": "queryPlanner" },
            doc! { "explain": { "aggregate": "o", "pipeline": [ { "$out": "x" } ] }, "verbosity": "queryPlanner" },
            doc! {},
        ] {
            assert!(check(&refused).is_err(), "{refused}");
        }
        assert!(check(&doc! { "profile": -1 }).is_ok());
        assert!(check(&doc! { "find": "system.profile", "limit": 10 }).is_ok());
        assert!(
            check(&doc! { "explain": { "find": "orders", "filter": {} }, "verbosity": "queryPlanner" })
                .is_ok()
        );
        assert!(check(&doc! { "explain": { "aggregate": "o", "pipeline": [ { "$match": {} } ] }, "verbosity": "queryPlanner" }).is_ok());
    }
}
