//! Slow operations from the profiler, only where the user enabled profiling: per
//! database `{profile: -1}` reads the level (Logstag never sets it), and where it is
//! above 0 one `find` on `system.profile` takes the entries newer than the last seen.
//!
//! The read is minimised: the projection names the fields it takes (operation, namespace,
//! duration, plan summary, examined and returned counts, query shape hash, user) and, on
//! 4.4+ where a find projection takes expressions, the command's name and the FIELD
//! NAMES of its filter computed on the server; the command itself (values, documents,
//! pipelines) never leaves the server. Our own entries (`appName` logstag) are filtered
//! out there too.
//!
//! Newest first (`$natural: -1`, the capped collection's insertion order, no sort in
//! memory), at most `LIMIT` per database and round: when more were recorded, the newest
//! are the ones that matter, and the rate is then a lower bound. The first read of a
//! database takes the last minute. Entries are grouped by namespace, operation and
//! query shape hash into rows of the Queries tab.

use super::columns as c;
use crate::collectors::mongodb::doc;
use crate::model::{Counters, QueryStat};
use mongodb::bson::{Bson, DateTime, Document, doc};
use std::collections::BTreeMap;

/// Entries read per database and round.
pub const LIMIT: usize = 200;
/// Databases whose profiling level is read each round.
pub const MAX_DATABASES: usize = 100;
/// The first read of a database looks this far back.
pub const FIRST_LOOK_BACK_MS: i64 = 60_000;

pub fn level_command() -> Document {
    doc! { "profile": -1 }
}

/// The profiling level (`was`): 0 off, 1 slow operations, 2 all.
pub fn level(reply: &Document) -> Option<i64> {
    doc::int(reply, "was")
}

/// Databases whose level is worth reading: `local` cannot be profiled.
pub fn profilable(databases: &[String]) -> Vec<String> {
    databases.iter().filter(|d| d.as_str() != "local").take(MAX_DATABASES).cloned().collect()
}

/// The filter document of a profiled command: `filter` (find, count), `q` (update,
/// delete) or `query` (older shapes); anything but a document reads as `{}`.
fn filter_expression() -> Bson {
    let candidate = doc! { "$ifNull": [ "$command.filter", { "$ifNull": [ "$command.q", { "$ifNull": [ "$command.query", {} ] } ] } ] };
    Bson::Document(doc! {
        "$cond": [ { "$eq": [ { "$type": candidate.clone() }, "object" ] }, candidate, {} ]
    })
}

/// The `find` on `system.profile` (sent to the database being read).
pub fn find_command(after_ms: i64, expressions: bool) -> Document {
    let mut projection = doc! {
        "_id": 0, "op": 1, "ns": 1, "millis": 1, "ts": 1, "planSummary": 1, "keysExamined": 1,
        "docsExamined": 1, "nreturned": 1, "appName": 1, "queryHash": 1, "planCacheShapeHash": 1, "user": 1,
    };
    if expressions {
        let keys = |input: Bson| doc! { "$map": { "input": { "$objectToArray": input }, "in": "$$this.k" } };
        projection
            .insert("commandName", doc! { "$arrayElemAt": [ keys(Bson::String("$command".into())), 0 ] });
        projection.insert("filterFields", keys(filter_expression()));
    }
    doc! {
        "find": "system.profile",
        "filter": { "ts": { "$gt": DateTime::from_millis(after_ms) }, "appName": { "$ne": "logstag" } },
        "sort": { "$natural": -1 },
        "projection": projection,
        "limit": LIMIT as i64,
    }
}

/// One profiler entry as projected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    pub op: String,
    pub ns: String,
    pub millis: f64,
    pub ts_ms: Option<i64>,
    pub plan: String,
    pub keys_examined: f64,
    pub docs_examined: f64,
    pub returned: u64,
    pub app: String,
    pub shape_hash: String,
    pub user: String,
    pub command: String,
    pub filter_fields: Vec<String>,
}

pub fn parse(entries: &[Document]) -> Vec<Entry> {
    entries
        .iter()
        .map(|e| Entry {
            op: doc::text(e, "op"),
            ns: doc::text(e, "ns"),
            millis: doc::num(e, "millis").unwrap_or(0.0).max(0.0),
            ts_ms: doc::millis(e, "ts"),
            plan: doc::text(e, "planSummary"),
            keys_examined: doc::num(e, "keysExamined").unwrap_or(0.0),
            docs_examined: doc::num(e, "docsExamined").unwrap_or(0.0),
            returned: doc::uint(e, "nreturned").unwrap_or(0),
            app: doc::text(e, "appName"),
            shape_hash: Some(doc::text(e, "queryHash"))
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| doc::text(e, "planCacheShapeHash")),
            user: doc::text(e, "user"),
            command: doc::text(e, "commandName"),
            filter_fields: match doc::get(e, "filterFields") {
                Some(Bson::Array(items)) => {
                    items.iter().filter_map(|b| b.as_str().map(str::to_owned)).collect()
                }
                _ => Vec::new(),
            },
        })
        // The server filters our own entries; a server that ignored the filter must not
        // show our reads either.
        .filter(|e| e.app != "logstag")
        .collect()
}

/// Where each database's next read starts (the newest entry seen), across reconnects:
/// these are server times, a reconnect does not make old entries new.
#[derive(Debug, Default)]
pub struct Watermarks {
    newest: BTreeMap<String, i64>,
}

impl Watermarks {
    /// Entries after this time are new for `db` (the last minute the first time).
    pub fn after(&self, db: &str, now_ms: i64) -> i64 {
        self.newest.get(db).copied().unwrap_or(now_ms - FIRST_LOOK_BACK_MS)
    }

    pub fn saw(&mut self, db: &str, entries: &[Entry]) {
        if let Some(newest) = entries.iter().filter_map(|e| e.ts_ms).max() {
            let slot = self.newest.entry(db.to_owned()).or_insert(newest);
            *slot = (*slot).max(newest);
        }
    }

    /// A database whose profiling was turned off starts over with the last minute.
    pub fn off(&mut self, db: &str) {
        self.newest.remove(db);
    }
}

/// `find shop.orders {status, customerId} (profiler, COLLSCAN)`: the shape, never a value. Field names and the plan
/// summary are cut short (a filter can name many fields).
pub fn shape_text(e: &Entry) -> String {
    // An update's or a delete's command document starts with its statement (`q`), a
    // query's with `find`: only `command` entries are named by their command.
    let verb = match e.op.as_str() {
        "query" => "find",
        "command" if !e.command.is_empty() => e.command.as_str(),
        op => op,
    };
    let mut text = format!("{verb} {}", e.ns);
    if !e.filter_fields.is_empty() {
        let mut fields: Vec<&str> = e.filter_fields.iter().map(String::as_str).take(8).collect();
        if e.filter_fields.len() > 8 {
            fields.push("…");
        }
        text.push_str(&format!(" {{{}}}", fields.join(", ")));
    }
    let plan: String = e.plan.chars().take(60).collect();
    if plan.is_empty() {
        text.push_str(" (profiler)");
    } else {
        text.push_str(&format!(" (profiler, {plan})"));
    }
    text
}

/// Entries grouped by (namespace, operation, shape hash) into rows, slowest total first.
pub fn query_stats(entries: &[Entry]) -> Vec<QueryStat> {
    let mut groups: BTreeMap<(String, String, String), Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        groups.entry((e.ns.clone(), e.op.clone(), e.shape_hash.clone())).or_default().push(e);
    }
    let mut stats: Vec<QueryStat> = groups
        .into_iter()
        .filter_map(|((ns, op, hash), group)| {
            let first = group.first()?;
            let calls = group.len() as u64;
            let total_time_ms: f64 = group.iter().map(|e| e.millis).sum();
            let mut users: Vec<&str> =
                group.iter().map(|e| e.user.as_str()).filter(|u| !u.is_empty()).collect();
            users.sort_unstable();
            users.dedup();
            let mut counters = Counters::with_capacity(3);
            for (name, value) in [
                (c::DOCS_EXAMINED, group.iter().map(|e| e.docs_examined).sum::<f64>()),
                (c::KEYS_EXAMINED, group.iter().map(|e| e.keys_examined).sum()),
                (c::SLOWEST_MS, group.iter().map(|e| e.millis).fold(0.0, f64::max)),
            ] {
                if value > 0.0 {
                    counters.push(name, value);
                }
            }
            Some(QueryStat {
                id: format!("profile:{ns}:{op}:{hash}"),
                database: ns.split_once('.').map_or(ns.as_str(), |(db, _)| db).to_owned(),
                user: match users.as_slice() {
                    [only] => (*only).to_owned(),
                    _ => String::new(),
                },
                text: shape_text(first),
                calls,
                total_time_ms,
                mean_time_ms: total_time_ms / calls as f64,
                rows: group.iter().map(|e| e.returned).sum(),
                counters,
                ..QueryStat::default()
            })
        })
        .collect();
    stats.sort_by(|a, b| b.total_time_ms.total_cmp(&a.total_time_ms).then_with(|| a.id.cmp(&b.id)));
    stats
}

#[cfg(test)]
#[path = "profiler_tests.rs"]
mod tests;
