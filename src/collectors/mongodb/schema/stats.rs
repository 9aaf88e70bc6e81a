//! What `$collStats`, `$indexStats` and `listIndexes` say about one collection. Counts
//! and sizes come from the storage engine's metadata (`storageStats`), never from
//! reading documents. Through mongos each reply has one document per shard holding the
//! collection: sizes and counts are summed, index usage summed per index.

use super::super::doc;
use super::listing::canonical;
use crate::collectors::schema_indexes::fnv64;
use mongodb::bson::{Bson, Document};
use std::collections::BTreeMap;

/// A collection's figures, summed over the shards that answered.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CollStats {
    /// Documents, from the collection's metadata (`count: {}` or `storageStats.count`).
    pub count: Option<u64>,
    /// Uncompressed data size.
    pub size: u64,
    /// On-disk size of the data, and of its reusable free space.
    pub storage: u64,
    pub free: Option<u64>,
    pub index_bytes: u64,
    pub nindexes: u64,
    pub index_sizes: BTreeMap<String, u64>,
    pub avg_obj_size: Option<u64>,
    /// Collection scans since the server started (`queryExecStats`, 4.4+).
    pub collection_scans: Option<u64>,
    /// Documents the reply had: the shards that hold this collection (1 off mongos).
    pub shards: usize,
}

/// The `$collStats` documents of one collection; None when there are none.
pub fn coll_stats(documents: &[Document]) -> Option<CollStats> {
    if documents.is_empty() {
        return None;
    }
    let mut s = CollStats { shards: documents.len(), ..Default::default() };
    let add = |total: &mut Option<u64>, v: Option<u64>| {
        if let Some(v) = v {
            *total = Some(total.unwrap_or(0) + v);
        }
    };
    for d in documents {
        let count = doc::uint(d, "count").or_else(|| doc::uint(d, "storageStats.count"));
        add(&mut s.count, count);
        s.size += doc::uint(d, "storageStats.size").unwrap_or(0);
        s.storage += doc::uint(d, "storageStats.storageSize").unwrap_or(0);
        add(&mut s.free, doc::uint(d, "storageStats.freeStorageSize"));
        s.index_bytes += doc::uint(d, "storageStats.totalIndexSize").unwrap_or(0);
        s.nindexes = s.nindexes.max(doc::uint(d, "storageStats.nindexes").unwrap_or(0));
        if let Some(sizes) = doc::sub(d, "storageStats.indexSizes") {
            for (name, value) in sizes {
                *s.index_sizes.entry(name.clone()).or_default() +=
                    doc::number(value).filter(|v| *v >= 0.0).map_or(0, |v| v as u64);
            }
        }
        add(&mut s.collection_scans, doc::uint(d, "queryExecStats.collectionScans.total"));
    }
    s.avg_obj_size = s.count.filter(|c| *c > 0).map(|c| s.size / c);
    Some(s)
}

/// One index: its key spec and options, and its usage where `$indexStats` was read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexEntry {
    pub name: String,
    /// Key fields with their direction or type, in order: ("status", "1"), ("loc", "2dsphere").
    pub key: Vec<(String, String)>,
    pub unique: bool,
    pub sparse: bool,
    /// Short hash of the partial filter: its values are application data.
    pub partial: Option<String>,
    /// TTL: documents expire this many seconds after the indexed date.
    pub ttl_seconds: Option<i64>,
    pub hidden: bool,
    /// The collation's locale, when the index has its own.
    pub collation: String,
    /// Operations that used the index since `since_ms` (summed over shards).
    pub ops: Option<u64>,
    /// When the usage counter started (server start or index creation); the latest
    /// over shards, so a short window on one shard is not hidden by a long one.
    pub since_ms: Option<i64>,
}

/// `$indexStats` documents (the options under `spec`, 4.2+) merged by index name.
pub fn index_stats(documents: &[Document]) -> Vec<IndexEntry> {
    let mut by_name: BTreeMap<String, IndexEntry> = BTreeMap::new();
    for d in documents {
        let spec = doc::sub(d, "spec").unwrap_or(d);
        let Some(mut entry) = index(spec) else { continue };
        if entry.key.is_empty() {
            entry.key = key_of(d);
        }
        let ops = doc::uint(d, "accesses.ops");
        let since = doc::millis(d, "accesses.since");
        match by_name.get_mut(&entry.name) {
            Some(known) => {
                known.ops = match (known.ops, ops) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                known.since_ms = known.since_ms.max(since);
            }
            None => {
                entry.ops = ops;
                entry.since_ms = since;
                by_name.insert(entry.name.clone(), entry);
            }
        }
    }
    by_name.into_values().collect()
}

/// `listIndexes` documents: definitions without usage.
pub fn list_indexes(documents: &[Document]) -> Vec<IndexEntry> {
    let mut out: Vec<IndexEntry> = documents.iter().filter_map(index).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn index(spec: &Document) -> Option<IndexEntry> {
    let name = doc::text(spec, "name");
    if name.is_empty() {
        return None;
    }
    let partial = spec.get("partialFilterExpression").map(|f| fnv64(&canonical(f))[..8].to_owned());
    Some(IndexEntry {
        name,
        key: key_of(spec),
        unique: doc::flag(spec, "unique").unwrap_or(false),
        sparse: doc::flag(spec, "sparse").unwrap_or(false),
        partial,
        ttl_seconds: doc::int(spec, "expireAfterSeconds"),
        hidden: doc::flag(spec, "hidden").unwrap_or(false),
        collation: doc::text(spec, "collation.locale"),
        ops: None,
        since_ms: None,
    })
}

fn key_of(d: &Document) -> Vec<(String, String)> {
    let Some(key) = doc::sub(d, "key") else { return Vec::new() };
    key.iter()
        .map(|(field, value)| {
            let how = match value {
                Bson::String(kind) => kind.clone(),
                other => match doc::number(other) {
                    Some(v) if v < 0.0 => "-1".to_owned(),
                    Some(_) => "1".to_owned(),
                    None => String::new(),
                },
            };
            (field.clone(), how)
        })
        .collect()
}

impl IndexEntry {
    pub fn is_id(&self) -> bool {
        self.name == "_id_" || (self.key.len() == 1 && self.key[0].0 == "_id" && self.key[0].1 == "1")
    }

    /// How the index is organised: btree for ascending/descending keys, else the kind
    /// its key names (text, 2dsphere, 2d, hashed), and wildcard for `$**` keys.
    pub fn method(&self) -> &str {
        if self.key.iter().any(|(field, _)| field == "$**" || field.ends_with(".$**")) {
            return "wildcard";
        }
        self.key
            .iter()
            .map(|(_, how)| how.as_str())
            .find(|how| !matches!(*how, "1" | "-1"))
            .unwrap_or("btree")
    }

    /// Key fields as shown: "status", "createdAt -1", "location 2dsphere".
    pub fn columns(&self) -> Vec<String> {
        self.key
            .iter()
            .map(|(field, how)| if how == "1" { field.clone() } else { format!("{field} {how}") })
            .collect()
    }

    /// The structure as one text: `{status: 1, createdAt: -1} unique sparse ttl=3600`.
    /// It is what change detection compares, so it holds no usage and no size.
    pub fn definition(&self) -> String {
        let key: Vec<String> = self
            .key
            .iter()
            .map(|(field, how)| match how.as_str() {
                "1" | "-1" => format!("{field}: {how}"),
                kind => format!("{field}: \"{kind}\""),
            })
            .collect();
        let mut text = format!("{{{}}}", key.join(", "));
        for (on, word) in [(self.unique, "unique"), (self.sparse, "sparse"), (self.hidden, "hidden")] {
            if on {
                text.push(' ');
                text.push_str(word);
            }
        }
        if let Some(hash) = &self.partial {
            text.push_str(&format!(" partial={hash}"));
        }
        if let Some(ttl) = self.ttl_seconds {
            text.push_str(&format!(" ttl={ttl}"));
        }
        if !self.collation.is_empty() {
            text.push_str(&format!(" collation={}", self.collation));
        }
        text
    }
}
