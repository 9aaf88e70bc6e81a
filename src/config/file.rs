//! The raw TOML shapes: every key optional, every value spanned, unknown keys refused.
//!
//! The file is first parsed into toml's spanned tree, then each table is decoded on its
//! own. That way one bad table does not hide the problems of the others: every unknown
//! key and every wrong type in the file is reported, not only the first.

use super::Secret;
use super::error::{Sink, article, closest, friendly};
pub(crate) use super::known_keys::field_names;
use super::known_keys::unknown_key;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

pub(crate) type Value<T> = Option<Spanned<T>>;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAgent {
    pub api_base_url: Value<String>,
    pub api_key: Value<Secret>,
    pub log_level: Value<String>,
    pub high_frequency_interval: Value<i64>,
    pub medium_frequency_interval: Value<i64>,
    pub low_frequency_interval: Value<i64>,
    pub schema_frequency_interval: Value<i64>,
    pub startup_warmup_delay: Value<i64>,
    pub compress_request_payload: Value<bool>,
    pub update_check_enabled: Value<bool>,
    pub update_channel: Value<String>,
    pub update_check_interval: Value<i64>,
    pub auto_install_updates: Value<bool>,
    pub export_to_file: Value<bool>,
    pub export_path: Value<String>,
    pub mock_mode: Value<bool>,
    pub log_file: Value<String>,
    pub log_format: Value<String>,
    pub log_max_bytes: Value<i64>,
    pub log_retention_hours: Value<i64>,
}

/// `[targets.<name>]`. The sub-tables are decoded separately (see [`read`]), so a typo
/// inside `tls` is reported alongside a typo in the target itself.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTarget {
    pub platform: Value<String>,
    pub db_engine: Value<String>,
    pub db_host: Value<String>,
    pub db_port: Value<i64>,
    pub db_username: Value<String>,
    pub db_password: Value<Secret>,
    pub db_name: Value<String>,
    pub cloud_region: Value<String>,
    pub cloud_instance_id: Value<String>,
    pub cloud_access_key: Value<String>,
    pub cloud_secret_key: Value<Secret>,
    pub cloud_project_id: Value<String>,
    #[serde(skip)]
    pub tls: Option<RawTls>,
    #[serde(skip)]
    pub intervals: Option<RawIntervals>,
    #[serde(skip)]
    pub meta: Option<RawMeta>,
    #[serde(skip)]
    pub alerts: Option<RawTargetAlerts>,
    /// Engine option tables (`[targets.<name>.<table>]`), checked once the engine is known.
    #[serde(skip)]
    pub engine_tables: Vec<super::engine_options::RawOptionTable>,
}

/// Sub-tables of a target, in the order they are decoded.
const TARGET_SUBTABLES: [&str; 4] = ["tls", "intervals", "meta", "alerts"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTls {
    pub mode: Value<String>,
    pub ca_file: Value<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIntervals {
    pub high_frequency_interval: Value<i64>,
    pub medium_frequency_interval: Value<i64>,
    pub low_frequency_interval: Value<i64>,
    pub schema_frequency_interval: Value<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMeta {
    pub tags: Value<Vec<String>>,
}

/// `[targets.<name>.alerts]`: rule codes are checked later, against the loaded rules.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawTargetAlerts {
    pub disable: Value<Vec<String>>,
    /// Rule code → severity name → threshold.
    pub thresholds: Value<BTreeMap<String, BTreeMap<String, f64>>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAlerts {
    pub templates_dir: Value<String>,
    pub bell: Value<bool>,
    pub hook_command: Value<Vec<String>>,
    pub slack_webhook: Value<Secret>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawForwarding {
    pub outbox_max_rows: Value<i64>,
    pub outbox_max_mb: Value<i64>,
    pub outbox_max_age_hours: Value<i64>,
    pub batch_max_samples: Value<i64>,
    pub batch_max_kb: Value<i64>,
    pub request_timeout: Value<i64>,
    pub heartbeat_interval: Value<i64>,
    pub max_backoff: Value<i64>,
    pub ca_file: Value<String>,
    pub normalize_query_text: Value<bool>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawHistory {
    pub path: Value<String>,
    pub retention_hours: Value<i64>,
    pub prune_interval: Value<i64>,
    pub max_mb: Value<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawUi {
    pub refresh_interval: Value<i64>,
    pub theme: Value<String>,
    pub chart_window: Value<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPrometheus {
    pub listen: Value<String>,
    pub top_statements: Value<i64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCollect {
    pub connect_timeout: Value<i64>,
    pub query_timeout: Value<i64>,
    pub lock_timeout: Value<i64>,
}

pub(crate) struct RawTargetEntry {
    pub name: String,
    /// Where the target's name appears (its `[targets.<name>]` header).
    pub name_span: Range<usize>,
    pub raw: RawTarget,
    /// Keys present in the file but misspelt or of the wrong type (already reported).
    pub broken: Vec<String>,
}

#[derive(Default)]
pub(crate) struct RawFile {
    pub agent: RawAgent,
    pub targets: Vec<RawTargetEntry>,
    pub history: RawHistory,
    pub ui: RawUi,
    pub collect: RawCollect,
    pub alerts: RawAlerts,
    pub prometheus: RawPrometheus,
    pub forwarding: RawForwarding,
}

pub(super) const TOP_LEVEL: [&str; 8] =
    ["agent", "targets", "history", "ui", "collect", "alerts", "prometheus", "forwarding"];

/// Parses `text`; syntax errors, unknown keys and wrong types go to `sink`. Whatever
/// could be decoded is returned so that validation can report its problems too.
pub(crate) fn read(text: &str, sink: &mut Sink<'_>) -> RawFile {
    let root = match DeTable::parse(text) {
        Ok(root) => root,
        Err(e) if e.message().contains("duplicate") => {
            let span = e.span().unwrap_or(0..0);
            let name = text.get(span.clone()).unwrap_or_default().trim().trim_matches(['[', ']']);
            let name: String = name.chars().take(80).collect();
            sink.push(span, "", format!("`{name}` is duplicated: each key and table may appear only once"));
            return RawFile::default();
        }
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let bare_word =
                text.get(span.start..).and_then(|t| t.chars().next()).is_some_and(char::is_alphabetic);
            let hint = if bare_word && !e.message().contains("quoted") {
                " (text values must be in quotes)"
            } else {
                ""
            };
            sink.push(span, "", format!("not valid TOML: {}{hint}", e.message()));
            return RawFile::default();
        }
    };
    let mut file = RawFile::default();
    for (key, value) in root.get_ref().iter() {
        match key.get_ref().as_ref() {
            "agent" => file.agent = decode(value, "agent", &[], sink).map(|d| d.0).unwrap_or_default(),
            "history" => file.history = decode(value, "history", &[], sink).map(|d| d.0).unwrap_or_default(),
            "ui" => file.ui = decode(value, "ui", &[], sink).map(|d| d.0).unwrap_or_default(),
            "collect" => file.collect = decode(value, "collect", &[], sink).map(|d| d.0).unwrap_or_default(),
            "alerts" => file.alerts = decode(value, "alerts", &[], sink).map(|d| d.0).unwrap_or_default(),
            "prometheus" => {
                file.prometheus = decode(value, "prometheus", &[], sink).map(|d| d.0).unwrap_or_default();
            }
            "forwarding" => {
                file.forwarding = decode(value, "forwarding", &[], sink).map(|d| d.0).unwrap_or_default();
            }
            "targets" => file.targets = read_targets(value, sink),
            other => unknown_key(sink, key.span(), "", other, &TOP_LEVEL),
        }
    }
    file
}

fn read_targets(value: &Spanned<DeValue<'_>>, sink: &mut Sink<'_>) -> Vec<RawTargetEntry> {
    let Some(table) = as_table(value, "targets", sink) else {
        return Vec::new();
    };
    let mut entries = Vec::new();
    for (name, value) in table.iter() {
        let prefix = format!("targets.{}", name.get_ref());
        let Some(table) = as_table(value, &prefix, sink) else {
            continue;
        };
        let mut rest = table.clone();
        let subtables: Vec<_> = TARGET_SUBTABLES.iter().map(|k| rest.remove(*k)).collect();
        let option_tables = super::engine_options::declared_tables();
        let engine_tables: Vec<_> =
            option_tables.iter().filter_map(|name| Some((*name, rest.remove(*name)?))).collect();
        let rest = Spanned::new(value.span(), DeValue::Table(rest));
        let also_known: Vec<&str> = TARGET_SUBTABLES.iter().chain(&option_tables).copied().collect();
        let Some((mut raw, broken)) = decode::<RawTarget>(&rest, &prefix, &also_known, sink) else {
            continue;
        };
        if let [tls, intervals, meta, alerts] = subtables.as_slice() {
            raw.tls = decode_subtable(tls, &prefix, "tls", sink);
            raw.intervals = decode_subtable(intervals, &prefix, "intervals", sink);
            raw.meta = decode_subtable(meta, &prefix, "meta", sink);
            raw.alerts = decode_subtable(alerts, &prefix, "alerts", sink);
        }
        for (name, value) in engine_tables {
            if let Some(table) = as_table(&value, &format!("{prefix}.{name}"), sink) {
                raw.engine_tables.push(super::engine_options::read(name, table));
            }
        }
        entries.push(RawTargetEntry {
            name: name.get_ref().to_string(),
            name_span: name.span(),
            raw,
            broken,
        });
    }
    // The tree is sorted by key; keep the order of the file instead.
    entries.sort_by_key(|e| e.name_span.start);
    entries
}

fn decode_subtable<T: DeserializeOwned>(
    value: &Option<Spanned<DeValue<'_>>>,
    prefix: &str,
    name: &str,
    sink: &mut Sink<'_>,
) -> Option<T> {
    let value = value.as_ref()?;
    decode(value, &format!("{prefix}.{name}"), &[], sink).map(|(decoded, _)| decoded)
}

fn as_table<'a, 'i>(
    value: &'a Spanned<DeValue<'i>>,
    key: &str,
    sink: &mut Sink<'_>,
) -> Option<&'a DeTable<'i>> {
    match value.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            sink.push(value.span(), key, format!("expected a table, found {}", article(other.type_str())));
            None
        }
    }
}

/// Decodes one table into `T`, reporting every unknown key and every wrongly typed
/// value. Returns the decoded value (offending keys left out) and the keys that are
/// absent only because they were already reported. `also_known` are keys the caller
/// took out beforehand, named in hints only.
fn decode<T: DeserializeOwned>(
    value: &Spanned<DeValue<'_>>,
    prefix: &str,
    also_known: &[&str],
    sink: &mut Sink<'_>,
) -> Option<(T, Vec<String>)> {
    let table = as_table(value, prefix, sink)?;
    let fields = field_names::<T>();
    let known: Vec<&str> = fields.iter().chain(also_known).copied().collect();
    let mut table = table.clone();
    let unknown: Vec<_> = table
        .iter()
        .filter(|(k, _)| !fields.contains(&k.get_ref().as_ref()))
        .map(|(k, _)| k.clone())
        .collect();
    let mut broken = Vec::new();
    for key in unknown {
        unknown_key(sink, key.span(), prefix, key.get_ref(), &known);
        table.remove(key.get_ref().as_ref());
        // `db_hots` already says "did you mean `db_host`?"; do not also call it missing.
        if let Some(near) = closest(key.get_ref(), fields) {
            broken.push(near.to_owned());
        }
    }
    // Each failed attempt removes one key, so this ends.
    loop {
        let de = ValueDeserializer::from(Spanned::new(value.span(), DeValue::Table(table.clone())));
        let error = match T::deserialize(de) {
            Ok(decoded) => return Some((decoded, broken)),
            Err(e) => e,
        };
        let at = error.span().unwrap_or_else(|| value.span());
        let culprit = table
            .iter()
            .find(|(k, v)| contains(&k.span(), at.start) || contains(&v.span(), at.start))
            .map(|(k, _)| k.get_ref().to_string());
        let Some(culprit) = culprit else {
            sink.push(at, prefix, friendly(error.message()));
            return None;
        };
        sink.push(at, &format!("{prefix}.{culprit}"), friendly(error.message()));
        table.remove(culprit.as_str());
        broken.push(culprit);
    }
}

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && offset < span.end.max(span.start + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_errors_read_naturally() {
        assert_eq!(
            friendly("invalid type: string \"x\", expected i64"),
            "expected an integer, found string \"x\""
        );
        assert_eq!(friendly("something else"), "something else");
    }
}
