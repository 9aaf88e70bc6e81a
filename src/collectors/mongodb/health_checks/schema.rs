//! Schema checks from the schema tier's inventory (a database is one `SchemaInfo`,
//! collections are `TableInfo`): unused and duplicate indexes, large collections with no
//! index but `_id`, and collections scanned heavily. The system databases (admin,
//! config, local) and `system.*` collections are left out.

use super::NO_SCHEMA;
use crate::health::{HealthInput, Outcome, bytes, not_evaluated, some_of};
use crate::model::{CheckStatus, TableInfo};

const SYSTEM_DATABASES: [&str; 3] = ["admin", "config", "local"];
/// Our marks for "large": a collection this big without a secondary index makes every
/// query but one by `_id` read all of it.
pub const LARGE_DOCUMENTS: f64 = 100_000.0;
pub const LARGE_BYTES: u64 = 1 << 30;
/// Collection scans since the statistics reset that make a collection "scanned heavily".
pub const HEAVY_SCANS: u64 = 1_000;

/// Application collections as (`db.collection`, collection).
fn collections(i: &HealthInput) -> Result<Vec<(String, &TableInfo)>, String> {
    let schema = i.schema.as_ref().ok_or_else(|| NO_SCHEMA.to_owned())?;
    let mut out = Vec::new();
    for db in schema.databases.iter().filter(|d| !SYSTEM_DATABASES.contains(&d.name.as_str())) {
        for s in &db.schemas {
            for t in s.tables.iter().filter(|t| !t.name.starts_with("system.")) {
                out.push((format!("{}.{}", db.name, t.name), t));
            }
        }
    }
    Ok(out)
}

fn listed(found: Vec<String>, noun: &str) -> Outcome {
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (status, format!("{} {noun} {}", found.len(), some_of(&found)).trim_end().to_owned())
}

pub fn unused_indexes(i: &HealthInput) -> Outcome {
    let list = match collections(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let indexes: Vec<_> = list
        .iter()
        .flat_map(|(n, t)| t.indexes.iter().map(move |x| (n, x)))
        .filter(|(_, x)| x.name != "_id_")
        .collect();
    if !indexes.is_empty() && indexes.iter().all(|(_, x)| x.scans.is_none()) {
        return not_evaluated("index usage ($indexStats) was not read for any collection");
    }
    let unused: Vec<String> =
        indexes.iter().filter(|(_, x)| x.unused).map(|(n, x)| format!("{n}.{}", x.name)).collect();
    listed(
        unused,
        "index(es) not used since the server started (attention when any; usage resets at restart)",
    )
}

pub fn duplicate_indexes(i: &HealthInput) -> Outcome {
    let list = match collections(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let found: Vec<String> = list
        .iter()
        .flat_map(|(n, t)| t.indexes.iter().map(move |x| (n, x)))
        .filter_map(|(n, x)| {
            let other = x.duplicate_of.as_ref().or(x.redundant_with.as_ref())?;
            Some(format!("{n}.{} (covered by {other})", x.name))
        })
        .collect();
    listed(found, "duplicate or redundant index(es)")
}

fn only_id_index(t: &TableInfo) -> bool {
    t.indexes.iter().all(|x| x.name == "_id_")
}

fn large(t: &TableInfo) -> bool {
    t.row_estimate.is_some_and(|r| r >= LARGE_DOCUMENTS) || t.table_bytes >= LARGE_BYTES
}

pub fn unindexed_large_collections(i: &HealthInput) -> Outcome {
    let list = match collections(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    let found: Vec<String> = list
        .iter()
        .filter(|(_, t)| only_id_index(t) && large(t))
        .map(|(n, t)| {
            format!("{n} ({:.0} documents, {})", t.row_estimate.unwrap_or(0.0), bytes(t.table_bytes as f64))
        })
        .collect();
    listed(found, "large collection(s) with no index but _id (≥ 100,000 documents or ≥ 1 GiB)")
}

pub fn collection_scans(i: &HealthInput) -> Outcome {
    let list = match collections(i) {
        Ok(l) => l,
        Err(why) => return not_evaluated(why),
    };
    if !list.iter().any(|(_, t)| t.seq_scans.is_some()) {
        return not_evaluated(
            "the schema tier reported no collection scan counts ($collStats queryExecStats)",
        );
    }
    let mut heavy: Vec<(u64, String, bool)> = list
        .iter()
        .filter(|(_, t)| t.seq_scans.unwrap_or(0) >= HEAVY_SCANS && large(t))
        .map(|(n, t)| (t.seq_scans.unwrap_or(0), n.clone(), only_id_index(t)))
        .collect();
    heavy.sort_by_key(|h| std::cmp::Reverse(h.0));
    let status = if heavy.iter().any(|h| h.2) {
        CheckStatus::Critical
    } else if heavy.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = heavy.iter().map(|(n, c, _)| format!("{c} {n} scans")).collect();
    (
        status,
        format!(
            "{} large collection(s) scanned ≥ {HEAVY_SCANS} times (critical when it has no index but _id) {}",
            heavy.len(),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}
