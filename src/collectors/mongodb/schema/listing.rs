//! What `listDatabases` and `listCollections` say: database names, and per collection
//! its type and the options that make up its structure (capped limits, a validator's
//! level and action, a view's source and pipeline, a time series' granularity). A
//! validator's rules and a view's stage values are never kept: only that a validator
//! exists, the stage names, and a hash of the pipeline for change detection.

use super::super::doc;
use crate::collectors::schema_indexes::fnv64;
use mongodb::bson::{Bson, Document};

/// Databases the server keeps for itself: read only when the target names one.
pub const SYSTEM_DATABASES: [&str; 3] = ["admin", "config", "local"];

/// The database names to read, sorted: the server's own databases left out unless
/// `named` (the target's database) is one of them.
pub fn databases(reply: &Document, named: &str) -> Vec<String> {
    let mut names: Vec<String> = doc::docs(reply, "databases")
        .into_iter()
        .map(|d| doc::text(d, "name"))
        .filter(|n| !n.is_empty() && (!SYSTEM_DATABASES.contains(&n.as_str()) || n == named))
        .collect();
    names.sort();
    names.dedup();
    names
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CollectionKind {
    #[default]
    Collection,
    View,
    TimeSeries,
}

/// A validator's presence and how it applies (its rules are application data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validator {
    /// strict, moderate or off.
    pub level: String,
    /// error or warn.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CollectionEntry {
    pub name: String,
    pub kind: CollectionKind,
    /// `(size in bytes, max documents)` of a capped collection.
    pub capped: Option<(Option<u64>, Option<u64>)>,
    pub validator: Option<Validator>,
    /// A view's source collection and its stage names, in order.
    pub view_on: String,
    pub view_stages: Vec<String>,
    /// Hash of the view's source and whole pipeline: a changed stage value is a change,
    /// though the value itself is never kept.
    pub view_hash: String,
    /// A time series collection's granularity (seconds, minutes, hours or custom).
    pub granularity: String,
    /// False when only names and types could be listed (`nameOnly`): the options are
    /// then unknown, not absent.
    pub options_known: bool,
}

/// The collections and views of one `listCollections` reply, sorted by name. The
/// server's own collections (`system.*`: views' definitions, profiler, time series
/// buckets) are left out; a time series is listed once, as itself.
pub fn collections(documents: &[Document]) -> Vec<CollectionEntry> {
    let mut out: Vec<CollectionEntry> =
        documents.iter().filter_map(collection).filter(|c| !c.name.starts_with("system.")).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.name == b.name);
    out
}

fn collection(d: &Document) -> Option<CollectionEntry> {
    let name = doc::text(d, "name");
    if name.is_empty() {
        return None;
    }
    let kind = match doc::text(d, "type").as_str() {
        "view" => CollectionKind::View,
        "timeseries" => CollectionKind::TimeSeries,
        _ => CollectionKind::Collection,
    };
    let Some(options) = doc::sub(d, "options") else {
        // A nameOnly reply: the type is known, the options are not.
        return Some(CollectionEntry { name, kind, ..Default::default() });
    };
    let capped = doc::flag(options, "capped")
        .unwrap_or(false)
        .then(|| (doc::uint(options, "size"), doc::uint(options, "max").filter(|m| *m > 0)));
    let has_validator = doc::sub(options, "validator").is_some_and(|v| !v.is_empty());
    let validator = has_validator.then(|| Validator {
        level: or(doc::text(options, "validationLevel"), "strict"),
        action: or(doc::text(options, "validationAction"), "error"),
    });
    let (view_on, view_stages, view_hash) = if kind == CollectionKind::View {
        let view_on = doc::text(options, "viewOn");
        let stages = doc::docs(options, "pipeline")
            .into_iter()
            .filter_map(|s| s.keys().next().cloned())
            .collect::<Vec<_>>();
        let pipeline = match options.get("pipeline") {
            Some(Bson::Array(items)) => canonical(&Bson::Array(items.clone())),
            _ => String::new(),
        };
        let hash = fnv64(&format!("{view_on}\n{pipeline}"));
        (view_on, stages, hash)
    } else {
        (String::new(), Vec::new(), String::new())
    };
    Some(CollectionEntry {
        name,
        kind,
        capped,
        validator,
        view_on,
        view_stages,
        view_hash,
        granularity: doc::text(options, "timeseries.granularity"),
        options_known: true,
    })
}

fn or(text: String, default: &str) -> String {
    if text.is_empty() { default.to_owned() } else { text }
}

/// A stable text of a BSON value for hashing (relaxed Extended JSON keeps key order,
/// and the server returns a view's pipeline as it was defined).
pub fn canonical(value: &Bson) -> String {
    value.clone().into_relaxed_extjson().to_string()
}

impl CollectionEntry {
    /// A validator's presence as "level strict, action error".
    pub fn validator_text(&self) -> Option<String> {
        self.validator.as_ref().map(|v| format!("level {}, action {}", v.level, v.action))
    }

    /// "1048576 bytes, max 5000 documents"
    pub fn capped_text(&self) -> Option<String> {
        let (size, max) = self.capped?;
        let mut text = match size {
            Some(bytes) => format!("{bytes} bytes"),
            None => "size unknown".to_owned(),
        };
        if let Some(max) = max {
            text.push_str(&format!(", max {max} documents"));
        }
        Some(text)
    }

    /// "view on orders: $match, $group"
    #[cfg(test)]
    pub fn view_text(&self) -> String {
        format!("view on {}: {}", self.view_on, self.view_stages.join(", "))
    }
}
