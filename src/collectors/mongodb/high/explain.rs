//! The winning plan of a slow operation's shape, from `explain` in `queryPlanner` mode
//! (planned, never run). The operation's own values are never read, so the explained
//! filter is rebuilt from its field names and BSON types with placeholder values
//! (`shape.rs`): it is the plan of the shape, shown beside the operation's own
//! `planSummary`, which is what the server chose for the real values.
//!
//! Cost: only operations running longer than `SLOW_AFTER_MS`, at most
//! `EXPLAINS_PER_ROUND` a round, each (namespace, shape) once. Never in a database where
//! an operation waits for a lock: our explain would queue behind the same holder.

use super::operations::{OpRead, SLOW_AFTER_MS};
use super::shape::FilterShape;
use crate::collectors::mongodb::doc;
use crate::model::SessionState;
use mongodb::bson::{Bson, Document, doc};
use std::collections::{HashMap, HashSet, VecDeque};

pub const EXPLAINS_PER_ROUND: usize = 3;
/// Shapes remembered (the oldest is forgotten first).
const REMEMBERED: usize = 256;
const MAX_LINES: usize = 24;

/// What is explained: a `find` (updates, deletes and findAndModify plan their query as
/// one) or a `count`, on one namespace, for one shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExplainKey {
    pub db: String,
    pub collection: String,
    pub count: bool,
    pub shape: FilterShape,
}

impl ExplainKey {
    pub fn of(read: &OpRead) -> Option<ExplainKey> {
        let count = match read.command.as_str() {
            "find" | "q" | "findAndModify" | "findandmodify" | "distinct" | "update" | "delete" => false,
            "count" => true,
            _ => return None,
        };
        Some(ExplainKey {
            db: read.session.database.clone(),
            collection: read.collection()?.to_owned(),
            count,
            shape: read.filter.clone()?,
        })
    }

    /// The command to send on `db`, and the filter fields left out of it.
    pub fn command(&self) -> (Document, Vec<String>) {
        let (filter, left_out) = self.shape.placeholder_filter();
        let inner = if self.count {
            doc! { "count": self.collection.as_str(), "query": filter }
        } else {
            doc! { "find": self.collection.as_str(), "filter": filter }
        };
        (doc! { "explain": inner, "verbosity": "queryPlanner" }, left_out)
    }
}

/// Plans already asked for, by shape.
#[derive(Debug, Default)]
pub struct PlanCache {
    plans: HashMap<ExplainKey, Vec<String>>,
    order: VecDeque<ExplainKey>,
}

impl PlanCache {
    /// Shapes worth explaining now, longest-running operation first.
    pub fn wanted(&self, reads: &[OpRead]) -> Vec<ExplainKey> {
        let locked: HashSet<&str> =
            reads.iter().filter(|r| r.locks.waiting).map(|r| r.session.database.as_str()).collect();
        let mut slow: Vec<(&OpRead, ExplainKey)> = reads
            .iter()
            .filter(|r| r.session.state == SessionState::Active)
            .filter(|r| r.session.query_ms.is_some_and(|ms| ms >= SLOW_AFTER_MS))
            .filter(|r| !locked.contains(r.session.database.as_str()))
            .filter_map(|r| Some((r, ExplainKey::of(r)?)))
            .filter(|(_, key)| !self.plans.contains_key(key))
            .collect();
        slow.sort_by_key(|(r, _)| std::cmp::Reverse(r.session.query_ms));
        let mut out: Vec<ExplainKey> = Vec::new();
        for (_, key) in slow {
            if out.len() < EXPLAINS_PER_ROUND && !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    /// Remembers a plan's lines (or why there is none: not asked again).
    pub fn remember(&mut self, key: ExplainKey, lines: Vec<String>) {
        if self.plans.insert(key.clone(), lines).is_none() {
            self.order.push_back(key);
        }
        while self.order.len() > REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.plans.remove(&old);
            }
        }
    }

    /// Adds the known plan of each operation's shape to its detail (`plan 1`, `plan 2`…).
    pub fn attach(&self, reads: &mut [OpRead]) {
        for read in reads {
            let Some(lines) = ExplainKey::of(read).and_then(|k| self.plans.get(&k)) else { continue };
            for (i, line) in lines.iter().enumerate() {
                read.session.extra.push((format!("plan {}", i + 1), line.clone()));
            }
        }
    }
}

/// The lines shown for one explain: a note on what was planned, then the stage tree.
pub fn explained(reply: &Document, left_out: &[String]) -> Vec<String> {
    let mut lines = vec![match left_out {
        [] => "of the shape with placeholder values (queryPlanner; not run)".to_owned(),
        _ => format!(
            "of the shape with placeholder values, without {} (queryPlanner; not run)",
            left_out.join(", ")
        ),
    }];
    let tree = plan_lines(reply);
    if tree.is_empty() {
        lines.push("the server returned no winning plan".to_owned());
    }
    lines.extend(tree);
    lines
}

/// The winning plan as an indented stage tree (`FETCH`, `  IXSCAN status_1 {status: 1}`),
/// from the classic (`winningPlan`) and slot-based (`winningPlan.queryPlan`) formats and
/// a router's per-shard plans; then how many plans lost.
pub fn plan_lines(reply: &Document) -> Vec<String> {
    let mut lines = Vec::new();
    let Some(planner) = doc::sub(reply, "queryPlanner") else { return lines };
    if let Some(winning) = doc::sub(planner, "winningPlan") {
        walk(winning, 0, &mut lines);
    }
    let rejected = doc::docs(planner, "rejectedPlans").len();
    if rejected > 0 {
        lines.push(format!("({rejected} other plan{} considered)", if rejected == 1 { "" } else { "s" }));
    }
    lines
}

fn walk(stage: &Document, depth: usize, lines: &mut Vec<String>) {
    let stage = doc::sub(stage, "queryPlan").unwrap_or(stage);
    if lines.len() >= MAX_LINES || depth > 12 {
        return;
    }
    lines.push(format!("{}{}", "  ".repeat(depth), describe(stage)));
    if let Some(input) = doc::sub(stage, "inputStage") {
        walk(input, depth + 1, lines);
    }
    for input in doc::docs(stage, "inputStages") {
        walk(input, depth + 1, lines);
    }
    for shard in doc::docs(stage, "shards") {
        let name = doc::text(shard, "shardName");
        if lines.len() < MAX_LINES {
            lines.push(format!("{}shard {name}", "  ".repeat(depth + 1)));
        }
        if let Some(plan) = doc::sub(shard, "winningPlan") {
            walk(plan, depth + 2, lines);
        }
    }
}

/// `IXSCAN status_1_customerId_1 {status: 1, customerId: 1} backward multikey`.
fn describe(stage: &Document) -> String {
    let mut text = doc::text(stage, "stage");
    if text.is_empty() {
        text = "?".to_owned();
    }
    let index = doc::text(stage, "indexName");
    if !index.is_empty() {
        text.push(' ');
        text.push_str(&index);
    }
    if let Some(pattern) = doc::sub(stage, "keyPattern") {
        let keys: Vec<String> = pattern.iter().map(|(k, v)| format!("{k}: {}", key_kind(v))).collect();
        text.push_str(&format!(" {{{}}}", keys.join(", ")));
    }
    if doc::text(stage, "direction") == "backward" {
        text.push_str(" backward");
    }
    if doc::flag(stage, "isMultiKey") == Some(true) {
        text.push_str(" multikey");
    }
    text
}

/// An index key's kind: 1, -1, "text", "2dsphere", "hashed".
fn key_kind(value: &Bson) -> String {
    match value {
        Bson::String(s) => s.clone(),
        other => doc::number(other).map_or_else(|| "?".to_owned(), |n| format!("{n:.0}")),
    }
}

#[cfg(test)]
#[path = "explain_tests.rs"]
mod tests;
