//! The model of one database from what the round read: one `SchemaInfo` named after
//! the database (MongoDB has no schemas), a `TableInfo` per collection, a `ViewInfo`
//! per view, an `IndexInfo` per index with the same unused / duplicate / redundant
//! analysis as the SQL engines. Collections the round did not read (the command budget
//! ran out, or their indexes were refused) keep the previous round's figures and
//! indexes and are named in `DatabaseSchema::skipped`.

use super::listing::{CollectionEntry, CollectionKind};
use super::stats::{CollStats, IndexEntry};
use crate::collectors::schema_indexes::{IndexFacts, analyse_indexes};
use crate::model::{
    ConstraintInfo, ConstraintKind, DatabaseSchema, IndexInfo, SchemaInfo, TableInfo, TableKind, ViewInfo,
};

/// Usage counters younger than this (a restart, a new index) cannot call an index unused.
pub const MIN_USAGE_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// The `skipped` note of a database with more collections than the inventory keeps.
pub const MORE_THAN_LIMIT: &str = "more collections than the schema tier lists";
/// The `skipped` note of a database whose collections' options could not be listed.
pub const OPTIONS_UNKNOWN: &str = "collection options (validator, capped, view pipeline) not readable";

/// One collection as this round read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CollectionRead {
    pub entry: CollectionEntry,
    pub stats: Option<CollStats>,
    /// None: not read this round (budget, or refused).
    pub indexes: Option<Vec<IndexEntry>>,
}

/// One database as this round read it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DatabaseRead {
    pub name: String,
    /// Why it could not be listed: then nothing of it is known (never a removal).
    pub error: Option<String>,
    pub collections: Vec<CollectionRead>,
    /// The listing was cut at the limit: collections beyond it are unknown.
    pub more_than_limit: bool,
    /// Only names and types could be listed: options are unknown.
    pub names_only: bool,
}

/// The database's model; `previous` is the last snapshot's read of the same database
/// (what not-read collections keep).
pub fn database(read: &DatabaseRead, previous: Option<&DatabaseSchema>, now_ms: i64) -> DatabaseSchema {
    if let Some(error) = &read.error {
        return DatabaseSchema { name: read.name.clone(), error: Some(error.clone()), ..Default::default() };
    }
    let old = previous.filter(|p| p.error.is_none()).and_then(|p| p.schemas.first());
    let old_table = |name: &str| old.and_then(|s| s.tables.iter().find(|t| t.name == name));
    let mut schema = SchemaInfo { name: read.name.clone(), ..Default::default() };
    let mut skipped = Vec::new();
    for c in &read.collections {
        if c.entry.kind == CollectionKind::View {
            let mut v = ViewInfo { name: c.entry.name.clone(), ..Default::default() };
            v.definition_hash = c.entry.view_hash.clone();
            if !c.entry.options_known {
                let before = old.and_then(|s| s.views.iter().find(|x| x.name == v.name));
                v.definition_hash = before.map(|x| x.definition_hash.clone()).unwrap_or_default();
            }
            schema.views.push(v);
            continue;
        }
        let mut t = table(c, now_ms);
        let before = old_table(&t.name);
        if c.indexes.is_none() {
            skipped.push(format!("{}.{}", read.name, t.name));
            if let Some(before) = before {
                keep_figures(&mut t, before);
            }
        }
        if !c.entry.options_known {
            t.constraints = before.map(|b| b.constraints.clone()).unwrap_or_default();
        }
        schema.tables.push(t);
    }
    if read.more_than_limit {
        skipped.push(MORE_THAN_LIMIT.to_owned());
    }
    if read.names_only {
        skipped.push(OPTIONS_UNKNOWN.to_owned());
    }
    let size: u64 = schema.tables.iter().map(|t| t.total_bytes).sum();
    DatabaseSchema {
        name: read.name.clone(),
        size_bytes: Some(size),
        error: None,
        schemas: vec![schema],
        extensions: Vec::new(),
        skipped,
    }
}

/// A not-read collection shows the last read of its figures and indexes; what
/// `listCollections` said this round (kind, capped, validator) stays current.
fn keep_figures(t: &mut TableInfo, before: &TableInfo) {
    t.row_estimate = before.row_estimate;
    t.total_bytes = before.total_bytes;
    t.table_bytes = before.table_bytes;
    t.index_bytes = before.index_bytes;
    t.bloat_bytes = before.bloat_bytes;
    t.seq_scans = before.seq_scans;
    t.idx_scans = before.idx_scans;
    t.storage_engine = before.storage_engine.clone();
    t.indexes = before.indexes.clone();
}

pub fn table(c: &CollectionRead, now_ms: i64) -> TableInfo {
    let e = &c.entry;
    let mut t = TableInfo {
        name: e.name.clone(),
        // A time series is stored as buckets: the model's partitioned kind.
        kind: if e.kind == CollectionKind::TimeSeries { TableKind::Partitioned } else { TableKind::Table },
        // Every document has an `_id`.
        has_primary_key: true,
        // A names-only listing knows no options: the caller keeps the last read ones.
        constraints: if e.options_known { constraints(e) } else { Vec::new() },
        ..Default::default()
    };
    if let Some(s) = &c.stats {
        t.row_estimate = s.count.map(|n| n as f64);
        t.table_bytes = s.storage;
        t.index_bytes = s.index_bytes;
        t.total_bytes = s.storage + s.index_bytes;
        t.bloat_bytes = s.free;
        t.seq_scans = s.collection_scans;
        t.storage_engine = "wiredTiger".to_owned();
    }
    if let Some(entries) = &c.indexes {
        t.indexes = indexes(entries, c.stats.as_ref(), now_ms);
        let ops: Vec<u64> = entries.iter().filter_map(|i| i.ops).collect();
        t.idx_scans = (!ops.is_empty()).then(|| ops.iter().sum());
    }
    t
}

/// A collection's structural options as constraints, so change detection sees them
/// change: a validator (presence, level, action), capped limits, time series granularity.
fn constraints(e: &CollectionEntry) -> Vec<ConstraintInfo> {
    let check = |name: &str, definition: String| ConstraintInfo {
        name: name.to_owned(),
        kind: ConstraintKind::Check,
        definition,
    };
    let mut out = Vec::new();
    if let Some(text) = e.capped_text() {
        out.push(check("capped", text));
    }
    if e.kind == CollectionKind::TimeSeries {
        let granularity = if e.granularity.is_empty() { "custom" } else { e.granularity.as_str() };
        out.push(check("timeseries", format!("granularity {granularity}")));
    }
    if let Some(text) = e.validator_text() {
        out.push(check("validator", text));
    }
    out
}

/// The indexes with their sizes and the shared analysis. `_id` is the primary key
/// (never unused); a TTL index deletes documents, so it counts as enforcing something
/// (never unused nor redundant); an index is called unused only when its counter has
/// run for `MIN_USAGE_WINDOW_MS`.
pub fn indexes(entries: &[IndexEntry], stats: Option<&CollStats>, now_ms: i64) -> Vec<IndexInfo> {
    let mut fields: Vec<&str> = Vec::new();
    let mut facts = Vec::with_capacity(entries.len());
    let mut out: Vec<IndexInfo> = Vec::with_capacity(entries.len());
    for e in entries {
        let keys = e
            .key
            .iter()
            .map(|(field, _)| {
                let at = fields.iter().position(|f| *f == field).unwrap_or_else(|| {
                    fields.push(field);
                    fields.len() - 1
                });
                i16::try_from(at + 1).unwrap_or(i16::MAX)
            })
            .collect();
        let mut pred = Vec::new();
        if e.sparse {
            pred.push("sparse".to_owned());
        }
        if let Some(hash) = &e.partial {
            pred.push(format!("partial={hash}"));
        }
        if !e.collation.is_empty() {
            pred.push(format!("collation={}", e.collation));
        }
        facts.push(IndexFacts {
            keys,
            indclass: e.key.iter().map(|(_, how)| how.as_str()).collect::<Vec<_>>().join(" "),
            exprs: String::new(),
            pred: pred.join(" "),
            method: e.method().to_owned(),
            backs_constraint: e.ttl_seconds.is_some(),
            includes: Vec::new(),
        });
        let primary = e.is_id();
        out.push(IndexInfo {
            name: e.name.clone(),
            columns: e.columns(),
            definition: e.definition(),
            size_bytes: stats.and_then(|s| s.index_sizes.get(&e.name).copied()).unwrap_or(0),
            scans: e.ops,
            valid: true,
            unique: e.unique || primary,
            primary,
            ..Default::default()
        });
    }
    analyse_indexes(&mut out, &facts);
    for (info, e) in out.iter_mut().zip(entries) {
        let long_enough = e.since_ms.is_some_and(|since| now_ms - since >= MIN_USAGE_WINDOW_MS);
        info.unused = info.unused && long_enough;
    }
    out
}
