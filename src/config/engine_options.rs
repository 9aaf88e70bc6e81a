//! `[targets.<name>.<table>]` tables that engines declare (`EngineSpec::options`):
//! read from the file without knowing any engine, then checked against the target's
//! engine's declarations, every problem reported as `file:line:column: key: message`.

use super::engine::{EngineOptions, OptionKind, OptionValue};
use super::error::{Sink, closest};
use crate::collectors::registry::{self, EngineSpec};
use serde::Deserialize;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// One option table as written, before the target's engine is known.
pub(crate) struct RawOptionTable {
    pub name: String,
    pub entries: Vec<RawOption>,
}

pub(crate) struct RawOption {
    pub key: String,
    /// Where the value is written: errors point there.
    pub span: Range<usize>,
    pub value: RawOptionValue,
}

pub(crate) enum RawOptionValue {
    Flag(bool),
    Whole(i64),
    Text(String),
    /// Anything else, described for the message ("a string").
    Other(String),
}

/// Every table name some engine declares; the file reader takes these out of a target.
pub(crate) fn declared_tables() -> Vec<&'static str> {
    let mut names: Vec<&str> =
        registry::ENGINES.iter().flat_map(|e| e.options.iter().map(|t| t.table)).collect();
    names.sort_unstable();
    names.dedup();
    names
}

/// Reads one declared table's keys (types are checked later, against the declaration).
pub(crate) fn read(name: &str, table: &DeTable<'_>) -> RawOptionTable {
    let entries = table
        .iter()
        .map(|(key, value)| RawOption {
            key: key.get_ref().to_string(),
            span: value.span(),
            value: raw_value(value),
        })
        .collect();
    RawOptionTable { name: name.to_owned(), entries }
}

fn raw_value(value: &Spanned<DeValue<'_>>) -> RawOptionValue {
    match value.get_ref() {
        DeValue::Boolean(b) => RawOptionValue::Flag(*b),
        DeValue::Integer(_) => match i64::deserialize(ValueDeserializer::from(value.clone())) {
            Ok(n) => RawOptionValue::Whole(n),
            Err(_) => RawOptionValue::Other("an integer too large".to_owned()),
        },
        DeValue::String(text) => RawOptionValue::Text(text.to_string()),
        other => RawOptionValue::Other(super::error::article(other.type_str())),
    }
}

/// The target's option values: declared defaults, overridden by what the file says.
pub(crate) fn resolve(
    tables: &[RawOptionTable],
    engine: &EngineSpec,
    prefix: &str,
    sink: &mut Sink<'_>,
) -> EngineOptions {
    let mut options = EngineOptions::defaults(engine.options);
    for raw in tables {
        let table_key = format!("{prefix}.{}", raw.name);
        let Some(declared) = engine.options.iter().find(|t| t.table == raw.name) else {
            if let Some(first) = raw.entries.first() {
                let owners: Vec<&str> = registry::ENGINES
                    .iter()
                    .filter(|e| e.options.iter().any(|t| t.table == raw.name))
                    .map(|e| e.name)
                    .collect();
                let purpose = registry::ENGINES
                    .iter()
                    .flat_map(|e| e.options.iter())
                    .find(|t| t.table == raw.name)
                    .map_or("this table", |t| t.purpose);
                let message =
                    format!("{purpose} is for {} targets, not {}", owners.join(" and "), engine.name);
                sink.push(first.span.clone(), &format!("{table_key}.{}", first.key), message);
            }
            continue;
        };
        for entry in &raw.entries {
            let key = format!("{table_key}.{}", entry.key);
            let Some(spec) = declared.keys.iter().find(|k| k.name == entry.key) else {
                let known: Vec<&str> = declared.keys.iter().map(|k| k.name).collect();
                let message = match closest(&entry.key, &known) {
                    Some(near) => format!("unknown key; did you mean `{near}`?"),
                    None => format!("unknown key; expected one of: {}", known.join(", ")),
                };
                sink.push(entry.span.clone(), &key, message);
                continue;
            };
            match (spec.kind, &entry.value) {
                (OptionKind::Flag { .. }, RawOptionValue::Flag(b)) => {
                    options.set(&raw.name, spec.name, OptionValue::Flag(*b));
                }
                (OptionKind::Whole { min, max, .. }, RawOptionValue::Whole(n)) => {
                    if (min..=max).contains(n) {
                        options.set(&raw.name, spec.name, OptionValue::Whole(*n));
                    } else {
                        sink.push(entry.span.clone(), &key, format!("must be {min} to {max}, found {n}"));
                    }
                }
                (kind @ OptionKind::Text { .. }, RawOptionValue::Text(text)) => match kind.text_value(text) {
                    Ok(text) => options.set(&raw.name, spec.name, OptionValue::Text(text)),
                    Err(message) => sink.push(entry.span.clone(), &key, message),
                },
                (kind, value) => {
                    let wanted = match kind {
                        OptionKind::Flag { .. } => "true or false",
                        OptionKind::Whole { .. } => "an integer",
                        OptionKind::Text { .. } => "a string",
                    };
                    let found = match value {
                        RawOptionValue::Flag(b) => b.to_string(),
                        RawOptionValue::Whole(n) => n.to_string(),
                        RawOptionValue::Text(t) => format!("the string \"{}\"", t.escape_debug()),
                        RawOptionValue::Other(what) => what.clone(),
                    };
                    sink.push(entry.span.clone(), &key, format!("expected {wanted}, found {found}"));
                }
            }
        }
    }
    options
}
