//! `EXPLAIN (FORMAT JSON)` output → `model::PlanNode`. The reply is outside input: a
//! field of the wrong type, a node without a type or a tree too large to show is an
//! error, never a panic; fields we do not know are left out. Operators are named the way
//! EXPLAIN's text format names them ("Parallel Seq Scan", "HashAggregate", "Hash Left
//! Join", "Index Scan Backward"), which is what a DBA reads every day.

use crate::model::PlanNode;
use serde_json::{Map, Value};

/// More nodes than anyone reads in a terminal; a reply beyond it is refused, not cut.
pub const MAX_NODES: usize = 5_000;

/// Facts shown under a node, in this order, with the label EXPLAIN's text format uses.
const DETAILS: &[&str] = &[
    "Hash Cond",
    "Merge Cond",
    "Join Filter",
    "Index Cond",
    "Recheck Cond",
    "TID Cond",
    "Order By",
    "Filter",
    "One-Time Filter",
    "Run Condition",
    "Sort Key",
    "Presorted Key",
    "Group Key",
    "Cache Key",
    "Cache Mode",
    "Workers Planned",
    "Subplans Removed",
    "Sampling Method",
    "Conflict Resolution",
    "Conflict Arbiter Indexes",
    "Conflict Filter",
];

/// The plan tree of one EXPLAIN reply (the text of its single `QUERY PLAN` value). A
/// statement that rules rewrite into several gets one plan each, under one root.
pub fn parse(json: &str) -> Result<PlanNode, String> {
    let value: Value =
        serde_json::from_str(json).map_err(|e| format!("the server's plan is not readable JSON: {e}"))?;
    let Value::Array(statements) = value else {
        return Err("the server's plan is not a JSON array".into());
    };
    let mut budget = MAX_NODES;
    let mut plans = Vec::with_capacity(statements.len());
    for statement in &statements {
        let plan = statement
            .as_object()
            .and_then(|s| s.get("Plan"))
            .ok_or("the server's reply holds no \"Plan\"")?;
        plans.push(node(plan, &mut budget)?);
    }
    match plans.len() {
        0 => Err("the server's reply holds no plan".into()),
        1 => Ok(plans.remove(0)),
        n => Ok(PlanNode {
            operator: format!("{n} statements (the statement is rewritten by rules)"),
            children: plans,
            ..PlanNode::default()
        }),
    }
}

fn node(value: &Value, budget: &mut usize) -> Result<PlanNode, String> {
    let Some(fields) = value.as_object() else {
        return Err("a plan node is not a JSON object".into());
    };
    *budget = budget.checked_sub(1).ok_or_else(|| format!("the plan has more than {MAX_NODES} nodes"))?;
    let children = match fields.get("Plans") {
        None => Vec::new(),
        Some(Value::Array(plans)) => plans.iter().map(|p| node(p, budget)).collect::<Result<_, _>>()?,
        Some(_) => return Err("a plan node's \"Plans\" is not a list".into()),
    };
    let width = number(fields, "Plan Width")?.filter(|w| *w >= 0.0).map(|w| w.round() as u64);
    Ok(PlanNode {
        operator: operator(fields)?,
        label: text(fields, "Subplan Name")?,
        relation: relation(fields)?,
        index: text(fields, "Index Name")?,
        join_type: text(fields, "Join Type")?,
        startup_cost: number(fields, "Startup Cost")?,
        total_cost: number(fields, "Total Cost")?,
        rows: number(fields, "Plan Rows")?,
        width,
        details: details(fields),
        children,
    })
}

/// The operator as the text format names it.
fn operator(fields: &Map<String, Value>) -> Result<String, String> {
    let node_type = text(fields, "Node Type")?.ok_or("a plan node has no \"Node Type\"")?;
    let strategy = text(fields, "Strategy")?;
    let mut name = match (node_type.as_str(), strategy.as_deref()) {
        ("Aggregate", Some("Sorted")) => "GroupAggregate".to_owned(),
        ("Aggregate", Some("Hashed")) => "HashAggregate".to_owned(),
        ("Aggregate", Some("Mixed")) => "MixedAggregate".to_owned(),
        ("SetOp", Some("Hashed")) => "HashSetOp".to_owned(),
        ("ModifyTable", _) => text(fields, "Operation")?.unwrap_or(node_type),
        _ => node_type,
    };
    if let Some(command) = text(fields, "Command")? {
        name = format!("{name} {command}");
    }
    if let Some(join) = text(fields, "Join Type")?.filter(|j| j != "Inner") {
        name = if name == "Nested Loop" {
            format!("Nested Loop {join} Join")
        } else if let Some(kind) = name.strip_suffix(" Join") {
            format!("{kind} {join} Join")
        } else {
            name
        };
    }
    if text(fields, "Scan Direction")?.as_deref() == Some("Backward") {
        name.push_str(" Backward");
    }
    match text(fields, "Partial Mode")?.as_deref() {
        Some("Partial") => name = format!("Partial {name}"),
        Some("Finalize") => name = format!("Finalize {name}"),
        _ => {}
    }
    if fields.get("Parallel Aware").and_then(Value::as_bool) == Some(true) {
        name = format!("Parallel {name}");
    }
    Ok(name)
}

/// What the node reads: a table, a CTE, a function, with its alias when that differs.
fn relation(fields: &Map<String, Value>) -> Result<Option<String>, String> {
    let mut name = None;
    for key in ["Relation Name", "CTE Name", "Function Name", "Table Function Name", "Tuplestore Name"] {
        if let Some(found) = text(fields, key)? {
            name = Some(found);
            break;
        }
    }
    let alias = text(fields, "Alias")?;
    Ok(match (name, alias) {
        (Some(name), Some(alias)) if alias != name => Some(format!("{name} {alias}")),
        (Some(name), _) => Some(name),
        (None, alias) => alias,
    })
}

fn details(fields: &Map<String, Value>) -> Vec<(String, String)> {
    DETAILS
        .iter()
        .filter_map(|&key| {
            let value = match fields.get(key)? {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                Value::Null | Value::Object(_) => return None,
            };
            Some((key.to_owned(), value))
        })
        .collect()
}

fn text(fields: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("a plan node's \"{key}\" is not text")),
    }
}

fn number(fields: &Map<String, Value>, key: &str) -> Result<Option<f64>, String> {
    match fields.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64().filter(|v| v.is_finite())),
        Some(_) => Err(format!("a plan node's \"{key}\" is not a number")),
    }
}

#[cfg(test)]
#[path = "plan_json_tests.rs"]
mod tests;
