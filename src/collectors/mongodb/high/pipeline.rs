//! The `$currentOp` aggregation. Its `$project` does the minimisation on the server, so
//! command bodies and literal values never cross the wire (spec §7): what leaves the
//! server is the command's name, the field names of its filter with the BSON types of
//! their values (one level into operator objects: `{$gt: <int>}` → `$gt`, `int`), and
//! the operation's facts (namespace, timings, client, locks, plan summary…).

use mongodb::bson::{Bson, Document, doc};

/// Our own connection's name: its operations are left out of what is shown.
pub const OUR_APP_NAME: &str = "logstag";
/// At most this many operations are read a round (a server with more is in trouble
/// that the first 5,000 show well enough).
pub const OPERATIONS_LIMIT: usize = 5_000;
/// Filter fields kept per operation (a shape, not a document).
const FIELDS_KEPT: i32 = 24;

/// The aggregation to send on `admin`. On mongos, `localOps` asks for the router's own
/// operations (the shards' are seen by monitoring the shards).
pub fn current_op_command(on_mongos: bool) -> Document {
    let mut current_op = doc! { "allUsers": true, "idleConnections": false, "idleSessions": true };
    if on_mongos {
        current_op.insert("localOps", true);
    }
    doc! {
        "aggregate": 1,
        "pipeline": [
            { "$currentOp": current_op },
            // Ours by the name the driver sends, whichever field this version puts it in.
            { "$match": { "$and": [
                { "appName": { "$ne": OUR_APP_NAME } },
                { "clientMetadata.application.name": { "$ne": OUR_APP_NAME } },
            ] } },
            { "$project": projection() },
        ],
        "cursor": {},
    }
}

/// The command's filter document, wherever this command keeps it: `filter` (find),
/// `q` (an update or delete statement), `query` (count, distinct, findAndModify), the
/// first statement's `q` of a whole `update`/`delete` command; null when it has none.
fn filter_expression() -> Bson {
    let as_object = |path: Bson| -> Bson {
        Bson::Document(doc! {
            "$cond": [ { "$eq": [ { "$type": path.clone() }, "object" ] }, path, Bson::Null ]
        })
    };
    let first = |path: &str| Bson::Document(doc! { "$arrayElemAt": [ path, 0 ] });
    let mut candidates: Vec<Bson> = ["$command.filter", "$command.q", "$command.query"]
        .into_iter()
        .map(|p| as_object(Bson::String(p.to_owned())))
        .chain(["$command.updates.q", "$command.deletes.q"].into_iter().map(|p| as_object(first(p))))
        .collect();
    // Nested `$ifNull`s: every version since 4.0 reads them (the n-ary form is 5.0+).
    let mut expression = Bson::Null;
    while let Some(candidate) = candidates.pop() {
        expression = Bson::Document(doc! { "$ifNull": [ candidate, expression ] });
    }
    expression
}

/// `{k, t, ops: [{k, t, et}]}` per filter field: names and BSON types, never values.
fn filter_shape() -> Document {
    let operators = doc! {
        "$cond": [
            { "$eq": [ { "$type": "$$f.v" }, "object" ] },
            { "$map": {
                "input": { "$slice": [ { "$objectToArray": "$$f.v" }, FIELDS_KEPT ] },
                "as": "o",
                "in": {
                    "k": "$$o.k",
                    "t": { "$type": "$$o.v" },
                    // The type of an array operand's first element ($in: [<string>, …]).
                    "et": { "$cond": [
                        { "$isArray": "$$o.v" },
                        { "$type": { "$arrayElemAt": [ "$$o.v", 0 ] } },
                        Bson::Null,
                    ] },
                },
            } },
            Bson::Null,
        ]
    };
    doc! {
        "$map": {
            "input": { "$slice": [ { "$objectToArray": "$$filter" }, FIELDS_KEPT ] },
            "as": "f",
            "in": { "k": "$$f.k", "t": { "$type": "$$f.v" }, "ops": operators },
        }
    }
}

fn projection() -> Document {
    let command_name = doc! {
        "$arrayElemAt": [
            { "$map": { "input": { "$objectToArray": { "$ifNull": [ "$command", {} ] } }, "in": "$$this.k" } },
            0,
        ]
    };
    doc! {
        "_id": 0,
        "opid": 1,
        "type": 1,
        "op": 1,
        "ns": 1,
        "active": 1,
        "secs_running": 1,
        "microsecs_running": 1,
        "client": 1,
        "client_s": 1,
        "appName": 1,
        "users": "$effectiveUsers.user",
        "connectionId": 1,
        "desc": 1,
        "planSummary": 1,
        "waitingForLock": 1,
        "waitingForFlowControl": 1,
        "killPending": 1,
        "locks": 1,
        "lockWaitMicros": { "$sum": {
            "$map": {
                "input": { "$objectToArray": { "$ifNull": [ "$lockStats", {} ] } },
                "in": { "$sum": { "$map": {
                    "input": { "$objectToArray": { "$ifNull": [ "$$this.v.timeAcquiringMicros", {} ] } },
                    "as": "m",
                    "in": "$$m.v",
                } } },
            }
        } },
        "txnOpenMicros": "$transaction.timeOpenMicros",
        "txnInactiveMicros": "$transaction.timeInactiveMicros",
        // A tailable cursor waiting for new data (oplog readers, change streams) is not slow work.
        "awaitData": "$cursor.awaitData",
        "inTransaction": { "$cond": [ { "$eq": [ { "$type": "$transaction" }, "object" ] }, true, false ] },
        "cmd": command_name,
        // Only commands with a filter get a shape (`{}` when it is empty); others none.
        "filter": { "$let": {
            "vars": { "filter": filter_expression() },
            "in": { "$cond": [ { "$eq": [ { "$type": "$$filter" }, "object" ] }, filter_shape(), "$$REMOVE" ] },
        } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;

    fn strings(value: &Bson, out: &mut Vec<String>) {
        match value {
            Bson::String(s) => out.push(s.clone()),
            Bson::Document(d) => {
                for (k, v) in d {
                    out.push(k.clone());
                    strings(v, out);
                }
            }
            Bson::Array(items) => items.iter().for_each(|i| strings(i, out)),
            _ => {}
        }
    }

    #[test]
    fn the_allowlist_accepts_it_on_mongod_and_mongos() {
        for mongos in [false, true] {
            let command = current_op_command(mongos);
            assert!(commands::check(&command).is_ok(), "{command}");
            let local = format!("{command}").contains("localOps");
            assert_eq!(local, mongos);
        }
    }

    /// The projection never passes the command, its cursor's originating command, or any
    /// other body through whole: every `$command` path it names goes through a shape.
    #[test]
    fn no_command_body_is_projected_whole() {
        let projection = projection();
        for (field, value) in &projection {
            assert!(!matches!(
                field.as_str(),
                "command" | "cursor" | "originatingCommand" | "clientMetadata" | "lsid"
            ));
            if let Bson::String(path) = value {
                let flag = path == "$cursor.awaitData";
                assert!(
                    !path.starts_with("$command") && (flag || !path.starts_with("$cursor")),
                    "{field}: {path}"
                );
            }
        }
        let mut all = Vec::new();
        strings(&Bson::Document(projection), &mut all);
        for path in all.iter().filter(|s| s.starts_with("$command")) {
            assert!(
                [
                    "$command",
                    "$command.filter",
                    "$command.q",
                    "$command.query",
                    "$command.updates.q",
                    "$command.deletes.q"
                ]
                .contains(&path.as_str()),
                "{path}"
            );
        }
        // Values of the filter only ever meet `$type` or `$objectToArray`/`$isArray`.
        let text = format!("{}", filter_shape());
        assert!(text.contains("\"$type\": \"$$f.v\"") && text.contains("\"$type\": \"$$o.v\""), "{text}");
        assert!(!text.contains("\"v\":"), "a value is never projected: {text}");
        let mut sent = Vec::new();
        strings(&Bson::Document(current_op_command(false)), &mut sent);
        assert_eq!(sent.iter().filter(|s| *s == OUR_APP_NAME).count(), 2, "our own operations are left out");
    }
}
