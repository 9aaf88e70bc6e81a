//! The Grafana dashboards in dashboards/grafana/: importable as they are (the JSON model
//! Grafana 10+ reads, every query valid PromQL as promtool parses it), and built only on
//! metric names a live agent really serves (grafana_dashboards_live.rs).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

pub const DASHBOARDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/dashboards/grafana");

/// Every dashboard file with its parsed JSON, in name order.
pub fn dashboards() -> Vec<(String, Value)> {
    let mut found: Vec<(String, Value)> = std::fs::read_dir(DASHBOARDS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, json)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(found.len() >= 6, "the fleet dashboard and one per engine: {found:?}");
    found
}

/// The panels that draw something (rows left out).
fn panels(board: &Value) -> Vec<&Value> {
    board["panels"].as_array().unwrap().iter().filter(|p| p["type"] != "row").collect()
}

/// Every PromQL expression of a dashboard: panel queries and query variables.
pub fn expressions(board: &Value) -> Vec<String> {
    let mut exprs: Vec<String> = panels(board)
        .iter()
        .flat_map(|p| p["targets"].as_array().unwrap().iter())
        .map(|t| t["expr"].as_str().unwrap().to_owned())
        .collect();
    for variable in board["templating"]["list"].as_array().unwrap() {
        if let Some(query) = variable["query"]["query"].as_str() {
            exprs.push(query.to_owned());
        }
    }
    exprs
}

/// The metric names an expression reads (`logstag_…`, `process_…`).
pub fn metric_names(expr: &str) -> BTreeSet<String> {
    let name = regex::Regex::new(r"\b(?:logstag|process)_[a-z0-9_]+\b").unwrap();
    name.find_iter(expr).map(|m| m.as_str().to_owned()).collect()
}

/// Each dashboard's metric names.
pub fn names_by_dashboard() -> BTreeMap<String, BTreeSet<String>> {
    dashboards()
        .into_iter()
        .map(|(file, board)| (file, expressions(&board).iter().flat_map(|e| metric_names(e)).collect()))
        .collect()
}

#[test]
fn every_dashboard_has_the_model_grafana_imports() {
    let mut uids = BTreeSet::new();
    for (file, board) in dashboards() {
        assert!(uids.insert(board["uid"].as_str().unwrap().to_owned()), "{file}: uid used twice");
        assert!(board["title"].as_str().is_some_and(|t| t.starts_with("Logstag · ")), "{file}: title");
        assert!(board["schemaVersion"].as_u64().is_some_and(|v| v >= 36), "{file}: schemaVersion");
        let variables = board["templating"]["list"].as_array().unwrap();
        let datasource = variables.iter().find(|v| v["name"] == "datasource").expect("a datasource variable");
        assert_eq!(datasource["type"], "datasource", "{file}");
        assert_eq!(datasource["query"], "prometheus", "{file}");
        assert!(variables.iter().any(|v| v["name"] == "target"), "{file}: a target variable");
        let mut ids = BTreeSet::new();
        let all: &Vec<Value> = board["panels"].as_array().unwrap();
        assert!(panels(&board).len() >= 10, "{file}: a dashboard worth importing");
        for panel in all {
            let title = panel["title"].as_str().unwrap();
            assert!(ids.insert(panel["id"].as_u64().unwrap()), "{file}: panel id of {title:?} used twice");
            let grid = &panel["gridPos"];
            let (x, w) = (grid["x"].as_u64().unwrap(), grid["w"].as_u64().unwrap());
            assert!(x + w <= 24 && grid["h"].as_u64().unwrap() > 0, "{file}: {title:?} off the grid");
            if panel["type"] == "row" {
                continue;
            }
            assert_eq!(panel["datasource"]["uid"], "${datasource}", "{file}: {title:?}");
            let targets = panel["targets"].as_array().unwrap();
            assert!(!targets.is_empty(), "{file}: {title:?} has no query");
            for target in targets {
                assert_eq!(target["datasource"]["uid"], "${datasource}", "{file}: {title:?}");
                let expr = target["expr"].as_str().unwrap();
                assert!(
                    expr.contains("$target") || !expr.contains("logstag_") || is_agent_wide(expr),
                    "{file}: {title:?} ignores the target picker: {expr}"
                );
            }
        }
    }
}

/// Queries about the agents themselves (no target label to filter on).
fn is_agent_wide(expr: &str) -> bool {
    metric_names(expr).iter().all(|n| {
        n.starts_with("process_")
            || [
                "logstag_samples_recorded_total",
                "logstag_record_failures_total",
                "logstag_forward_errors_total",
                "logstag_outbox_depth",
                "logstag_up",
            ]
            .contains(&n.as_str())
    })
}

/// promtool parses rule expressions with Prometheus' own parser: every dashboard query,
/// with Grafana's variables replaced by what they expand to, as a recording rule.
#[test]
fn every_query_is_valid_promql() {
    let promtool = which_promtool();
    let dir = tempfile::tempdir().unwrap();
    let mut rules = String::from("groups:\n");
    for (file, board) in dashboards() {
        rules.push_str(&format!("  - name: {}\n    rules:\n", file.trim_end_matches(".json")));
        for (i, expr) in expressions(&board).iter().enumerate() {
            if expr.starts_with("label_values(") {
                continue; // Grafana's own function, not PromQL
            }
            let expanded =
                expr.replace("$__rate_interval", "5m").replace("$target", ".*").replace("$engine", ".*");
            rules.push_str(&format!(
                "      - record: dashboard:query_{i}\n        expr: {}\n",
                serde_json::to_string(&expanded).unwrap()
            ));
        }
    }
    let path = dir.path().join("dashboards.rules.yml");
    std::fs::write(&path, &rules).unwrap();
    let out = Command::new(&promtool).args(["check", "rules"]).arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "promtool check rules:\n{}{}\n{rules}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// promtool from Debian's prometheus package, which the test command installs.
pub fn which_promtool() -> PathBuf {
    let path = PathBuf::from("/usr/bin/promtool");
    assert!(path.exists(), "promtool not found: install Debian's prometheus package (the test command does)");
    path
}

#[test]
fn names_are_read_from_queries() {
    let names = metric_names(
        "sum by (target) (rate(logstag_cache_hits_total{target=~\"$target\"}[$__rate_interval])) / process_cpu_seconds_total",
    );
    assert_eq!(
        names.into_iter().collect::<Vec<_>>(),
        ["logstag_cache_hits_total", "process_cpu_seconds_total"]
    );
}
