//! Schema checks over the schema tier's inventory: keys, storage engines, indexes,
//! AUTO_INCREMENT headroom and free space inside tables.

use super::NO_SCHEMA;
use crate::health::{HealthInput, Outcome, bytes, not_evaluated, some_of};
use crate::model::{CheckStatus, IndexInfo, SequenceInfo, TableInfo};

/// The server's own schemas: not the application's to fix.
const SYSTEM: [&str; 4] = ["mysql", "information_schema", "performance_schema", "sys"];

/// Every application table as (`schema.table`, table); Err when there is nothing to read.
fn tables(i: &HealthInput) -> Result<Vec<(String, &TableInfo)>, Outcome> {
    let Some(snap) = &i.schema else { return Err(not_evaluated(NO_SCHEMA)) };
    let readable: Vec<_> = snap.databases.iter().filter(|d| d.error.is_none()).collect();
    if readable.is_empty() {
        let why = snap.databases.iter().filter_map(|d| d.error.clone()).next();
        return Err(not_evaluated(why.unwrap_or_else(|| "no schema could be read".into())));
    }
    Ok(readable
        .into_iter()
        .filter(|d| !SYSTEM.contains(&d.name.as_str()))
        .flat_map(|d| {
            d.schemas
                .iter()
                .filter(|s| !SYSTEM.contains(&s.name.as_str()))
                .flat_map(|s| s.tables.iter().map(move |t| (format!("{}.{}", s.name, t.name), t)))
        })
        .collect())
}

fn count(found: Vec<String>, what: &str) -> Outcome {
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (status, format!("{} {what} {}", found.len(), some_of(&found)).trim_end().to_owned())
}

fn indexes(i: &HealthInput, pick: fn(&IndexInfo) -> Option<String>, what: &str) -> Outcome {
    match tables(i) {
        Ok(t) => count(
            t.iter()
                .flat_map(|(q, t)| {
                    t.indexes.iter().filter_map(move |x| pick(x).map(|why| format!("{q}.{}{why}", x.name)))
                })
                .collect(),
            what,
        ),
        Err(o) => o,
    }
}

pub fn no_primary_key(i: &HealthInput) -> Outcome {
    match tables(i) {
        Ok(t) => count(
            t.iter().filter(|(_, t)| !t.has_primary_key).map(|(q, _)| q.clone()).collect(),
            "tables without a primary key",
        ),
        Err(o) => o,
    }
}

/// Engines with transactions and crash recovery; anything else (MyISAM, Aria, MEMORY,
/// CSV, ARCHIVE, MERGE, FEDERATED…) is not.
const TRANSACTIONAL: [&str; 4] = ["innodb", "rocksdb", "tokudb", "ndbcluster"];

pub fn non_transactional(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    if !t.is_empty() && t.iter().all(|(_, t)| t.storage_engine.is_empty()) {
        return not_evaluated(
            "the schema inventory does not say the tables' storage engines (an older snapshot)",
        );
    }
    count(
        t.iter()
            .filter(|(_, t)| {
                !t.storage_engine.is_empty()
                    && !TRANSACTIONAL.contains(&t.storage_engine.to_ascii_lowercase().as_str())
            })
            .map(|(q, t)| format!("{q} ({})", t.storage_engine))
            .collect(),
        "tables on a non-transactional engine",
    )
}

pub fn unused_indexes(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let all: Vec<&IndexInfo> = t.iter().flat_map(|(_, t)| t.indexes.iter()).collect();
    if !all.is_empty() && all.iter().all(|x| x.scans.is_none() && !x.unused) {
        return not_evaluated("index usage is not in the inventory (it comes from performance_schema)");
    }
    indexes(
        i,
        |x| x.unused.then(|| format!(" ({})", bytes(x.size_bytes as f64))),
        "unused indexes (not used since the server started)",
    )
}

pub fn duplicate_indexes(i: &HealthInput) -> Outcome {
    indexes(i, |x| x.duplicate_of.as_ref().map(|d| format!(" = {d}")), "duplicate indexes")
}

pub fn redundant_indexes(i: &HealthInput) -> Outcome {
    indexes(i, |x| x.redundant_with.as_ref().map(|d| format!(" ⊂ {d}")), "redundant indexes")
}

pub fn fk_without_index(i: &HealthInput) -> Outcome {
    match tables(i) {
        Ok(t) => count(
            t.iter()
                .flat_map(|(q, t)| {
                    t.foreign_keys.iter().filter(|f| !f.has_index).map(move |f| format!("{q}.{}", f.name))
                })
                .collect(),
            "foreign keys without a supporting index",
        ),
        Err(o) => o,
    }
}

pub fn auto_increment(i: &HealthInput) -> Outcome {
    let Some(snap) = &i.schema else { return not_evaluated(NO_SCHEMA) };
    let columns: Vec<(String, &SequenceInfo)> = snap
        .databases
        .iter()
        .flat_map(|d| d.schemas.iter())
        .flat_map(|s| s.sequences.iter().map(move |q| (format!("{}.{}", s.name, q.name), q)))
        .collect();
    crate::health::counter_headroom(
        &columns,
        "AUTO_INCREMENT columns",
        "AUTO_INCREMENT positions are not readable",
    )
}

pub fn fragmented_tables(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    // The schema tier leaves DATA_FREE out for tables in a shared tablespace (it is the
    // whole tablespace's there), so only tables with a file of their own are judged.
    if !t.is_empty() && t.iter().all(|(_, t)| t.bloat_bytes.is_none()) {
        return not_evaluated(
            "no table has a tablespace of its own (innodb_file_per_table OFF when they were created)",
        );
    }
    const MIB: u64 = 1024 * 1024;
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for (q, t) in &t {
        let Some(free) = t.bloat_bytes else { continue };
        let size = t.total_bytes.max(1);
        let pct = free as f64 * 100.0 / size as f64;
        let s = if pct >= 60.0 && free >= 1024 * MIB {
            CheckStatus::Critical
        } else if pct >= 30.0 && free >= 64 * MIB {
            CheckStatus::Attention
        } else {
            continue;
        };
        named.push(format!("{q} {pct:.0} % ({})", bytes(free as f64)));
        if s == CheckStatus::Critical || status == CheckStatus::Healthy {
            status = s;
        }
    }
    (
        status,
        format!(
            "{} tables with much free space inside (attention ≥ 30 % and ≥ 64 MiB, critical ≥ 60 % and ≥ 1 GiB) {}",
            named.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
