//! YAML template → `Rule`. The only file that knows the YAML crate (serde-saphyr), so a
//! swap touches nothing else. Every problem becomes a `TemplateError` naming the file,
//! line, column and field; nothing here panics on any input.

use super::rule::{Condition, Direction, Hysteresis, Rule, Scope, SessionField, parse_duration};
use crate::collectors::registry;
use crate::model::{AlertCategory, SessionState, Severity, Tier};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// A template that could not be turned into a rule. Displays as `path:line:column: field: message`.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateError {
    pub path: String,
    pub line: u64,
    pub column: u64,
    /// The template field at fault; empty when the file as a whole is wrong.
    pub field: String,
    pub message: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.path, self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    code: String,
    name: String,
    engine: String,
    category: AlertCategory,
    scope: Scope,
    tier: Tier,
    metric: Option<String>,
    key: Option<String>,
    #[serde(default)]
    per_key: bool,
    ratio_to: Option<String>,
    ratio_min: Option<f64>,
    requires: Option<RawRequires>,
    sessions: Option<RawSessions>,
    blocking: Option<BlockingSelector>,
    slots: Option<SlotsSelector>,
    status: Option<StatusSelector>,
    statements: Option<StatementsSelector>,
    direction: Direction,
    thresholds: BTreeMap<Severity, f64>,
    #[serde(rename = "for")]
    for_duration: Option<String>,
    hysteresis: Option<RawHysteresis>,
    unit: String,
    description: String,
    impact: String,
    causes: Vec<String>,
    actions: Vec<String>,
    message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSessions {
    state: Option<SessionState>,
    field: SessionField,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequires {
    metric: String,
    min: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum BlockingSelector {
    MaxDepth,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum SlotsSelector {
    InactiveRetainedBytes,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum StatusSelector {
    Down,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum StatementsSelector {
    Unavailable,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawHysteresis {
    Absolute(f64),
    Text(String),
}

/// Parses one template file (one rule). `path` only names the source in errors.
pub fn parse(path: &str, text: &str) -> Result<Rule, TemplateError> {
    let raw: RawTemplate = serde_saphyr::from_str(text).map_err(|e| yaml_error(path, text, &e))?;
    let error = |field: &str, message: String| {
        let (line, column) = field_position(text, field);
        TemplateError { path: path.to_owned(), line, column, field: field.to_owned(), message }
    };
    for (field, value) in [("code", &raw.code), ("name", &raw.name), ("message", &raw.message)] {
        if value.trim().is_empty() {
            return Err(error(field, "must not be empty".to_owned()));
        }
    }
    // Engine names match case-insensitively, as `db_engine` in the configuration.
    let engine = raw.engine.trim().to_ascii_lowercase();
    if engine != "any" && registry::by_config_name(&engine).is_none() {
        let known: Vec<&str> = registry::ENGINES.iter().map(|e| e.kind.key()).collect();
        return Err(error("engine", format!("unknown engine; expected any or one of: {}", known.join(", "))));
    }
    if !raw.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '_') {
        return Err(error("code", "use lowercase letters, digits, `.` and `_` only".to_owned()));
    }
    if raw.thresholds.is_empty() {
        return Err(error("thresholds", "give at least one severity, e.g. `high: 300`".to_owned()));
    }
    if let Some((severity, _)) = raw.thresholds.iter().find(|(_, t)| !t.is_finite()) {
        return Err(error("thresholds", format!("{} is not a finite number", severity.label())));
    }
    if let Some((severity, t)) = raw.thresholds.iter().find(|(_, t)| **t < 0.0) {
        return Err(error("thresholds", format!("{} is {t}; a threshold is 0 or more", severity.label())));
    }
    // A share of something (ratio_to, or a unit in percent) cannot pass 100.
    let percent = raw.ratio_to.is_some() || raw.unit.trim_start().starts_with("percent");
    if let Some((severity, t)) = raw.thresholds.iter().find(|(_, t)| percent && **t > 100.0) {
        return Err(error("thresholds", format!("{} is {t}; a percentage is 0 to 100", severity.label())));
    }
    let condition = condition(&raw).map_err(|(field, message)| error(field, message))?;
    let for_duration = match &raw.for_duration {
        None => Duration::ZERO,
        Some(text) => parse_duration(text)
            .ok_or_else(|| error("for", format!("`{text}` is not a duration; write e.g. 30s, 2m, 1h")))?,
    };
    let hysteresis = match raw.hysteresis {
        None => Hysteresis::DEFAULT,
        Some(RawHysteresis::Absolute(a)) if a.is_finite() && a >= 0.0 => Hysteresis::Absolute(a),
        Some(RawHysteresis::Text(t)) => match t.strip_suffix('%').map(|n| n.trim().parse::<f64>()) {
            Some(Ok(p)) if p.is_finite() && (0.0..=100.0).contains(&p) => Hysteresis::Fraction(p / 100.0),
            _ => return Err(error("hysteresis", format!("`{t}` is not a percentage like 10%"))),
        },
        Some(RawHysteresis::Absolute(_)) => {
            return Err(error("hysteresis", "must be a finite number ≥ 0 or a percentage".to_owned()));
        }
    };
    Ok(Rule {
        code: raw.code,
        name: raw.name,
        engine,
        category: raw.category,
        scope: raw.scope,
        tier: raw.tier,
        condition,
        direction: raw.direction,
        thresholds: raw.thresholds,
        for_duration,
        hysteresis,
        unit: raw.unit,
        description: raw.description,
        impact: raw.impact,
        causes: raw.causes,
        actions: raw.actions,
        message: raw.message,
        source: path.to_owned(),
    })
}

type FieldProblem = (&'static str, String);

fn condition(raw: &RawTemplate) -> Result<Condition, FieldProblem> {
    let given = [
        raw.metric.is_some(),
        raw.sessions.is_some(),
        raw.blocking.is_some(),
        raw.slots.is_some(),
        raw.status.is_some(),
        raw.statements.is_some(),
    ];
    if given.iter().filter(|g| **g).count() != 1 {
        return Err((
            "metric",
            "give exactly one of `metric`, `sessions`, `blocking`, `slots`, `status`, `statements`"
                .to_owned(),
        ));
    }
    let metric_only = [
        ("key", raw.key.is_some()),
        ("per_key", raw.per_key),
        ("ratio_to", raw.ratio_to.is_some()),
        ("requires", raw.requires.is_some()),
    ];
    if raw.metric.is_none()
        && let Some((field, _)) = metric_only.iter().find(|(_, set)| *set)
    {
        return Err((field, "only applies to a `metric` condition".to_owned()));
    }
    let needs_tier = |tier: Tier, condition: Condition| {
        if raw.tier == tier {
            Ok(condition)
        } else {
            Err(("tier", format!("this condition is fed by the {} tier", tier.name())))
        }
    };
    if let Some(name) = &raw.metric {
        let known = registry::known_metrics();
        let unknown = |field: &'static str, name: &str| {
            let hint = match crate::config::closest(name, &known) {
                Some(near) => format!("; did you mean `{near}`?"),
                None => String::new(),
            };
            Err((field, format!("no engine produces a metric named `{name}`{hint}")))
        };
        if !known.contains(&name.as_str()) {
            return unknown("metric", name);
        }
        if let Some(other) = raw.ratio_to.as_deref().filter(|m| !known.contains(m)) {
            return unknown("ratio_to", other);
        }
        if let Some(gate) = raw
            .requires
            .as_ref()
            .filter(|r| !r.metric.trim().is_empty() && !known.contains(&r.metric.as_str()))
        {
            return unknown("requires", &gate.metric);
        }
        if raw.per_key && raw.key.is_some() {
            return Err(("per_key", "`per_key` and `key` exclude each other".to_owned()));
        }
        let ratio_min = raw.ratio_min.unwrap_or(0.0);
        if !ratio_min.is_finite() || ratio_min < 0.0 {
            return Err(("ratio_min", "must be a finite number, 0 or more".to_owned()));
        }
        if raw
            .requires
            .as_ref()
            .is_some_and(|r| !r.min.is_finite() || r.min < 0.0 || r.metric.trim().is_empty())
        {
            return Err(("requires", "give a metric name and a finite `min`, 0 or more".to_owned()));
        }
        return Ok(Condition::Metric {
            name: name.clone(),
            key: raw.key.clone(),
            per_key: raw.per_key,
            ratio_to: raw.ratio_to.clone(),
            ratio_min,
            requires: raw.requires.as_ref().map(|r| (r.metric.clone(), r.min)),
        });
    }
    if let Some(sessions) = &raw.sessions {
        return needs_tier(Tier::High, Condition::Sessions { state: sessions.state, field: sessions.field });
    }
    if raw.blocking.is_some() {
        return needs_tier(Tier::High, Condition::BlockingDepth);
    }
    if raw.slots.is_some() {
        return needs_tier(Tier::Medium, Condition::InactiveSlotRetainedBytes);
    }
    if raw.status.is_some() {
        return needs_tier(Tier::High, Condition::TargetDown);
    }
    needs_tier(Tier::Medium, Condition::StatementsUnavailable)
}

fn yaml_error(path: &str, text: &str, error: &serde_saphyr::Error) -> TemplateError {
    let plain = error.without_snippet().to_string();
    let (line, column) = error.location().map_or((1, 1), |l| (l.line().max(1), l.column().max(1)));
    // Serde names the field in backticks ("missing field `code`"), but backticks in other
    // messages quote values; otherwise the key written on the offending line is the field.
    let field = quoted_name(&plain).unwrap_or_else(|| key_on_line(text, line));
    let message = if plain.to_ascii_lowercase().contains("duplicate") {
        // The crate's own text names its policy setting: say it in the user's words.
        let what = if field.is_empty() { "a key".to_owned() } else { format!("`{field}`") };
        format!("{what} is duplicated: give each key once")
    } else {
        strip_location(&plain)
    };
    // A document that is not a mapping at all has no field to blame: name the template.
    let field = if field.is_empty() { "template".to_owned() } else { field };
    TemplateError { path: path.to_owned(), line, column, field, message }
}

fn quoted_name(message: &str) -> Option<String> {
    if !["unknown field", "missing field", "duplicate field"].iter().any(|m| message.contains(m)) {
        return None;
    }
    let start = message.find('`')? + 1;
    let len = message.get(start..)?.find('`')?;
    message.get(start..start + len).map(str::to_owned)
}

fn key_on_line(text: &str, line: u64) -> String {
    let Some(content) = text.lines().nth(usize::try_from(line.saturating_sub(1)).unwrap_or(usize::MAX))
    else {
        return String::new();
    };
    let trimmed = content.trim_start().trim_start_matches("- ");
    match trimmed.split_once(':') {
        Some((key, _)) if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_') => {
            key.to_owned()
        }
        _ => String::new(),
    }
}

/// serde-saphyr appends " at line L column C"; we print the position in front instead.
fn strip_location(message: &str) -> String {
    let cut = message.rfind(" at line ").unwrap_or(message.len());
    message.get(..cut).unwrap_or(message).trim().to_owned()
}

/// Line and column of `field:` at the start of a line (the first one), else 1:1.
fn field_position(text: &str, field: &str) -> (u64, u64) {
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start().len();
        if line.trim_start().strip_prefix(field).is_some_and(|rest| rest.trim_start().starts_with(':')) {
            return (n as u64 + 1, indent as u64 + 1);
        }
    }
    (1, 1)
}

#[cfg(test)]
#[path = "template_tests.rs"]
mod tests;
