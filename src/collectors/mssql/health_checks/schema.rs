//! Schema checks over the schema tier's inventory: heaps and keys, index usage,
//! duplicates, foreign keys, the optimizer's missing-index suggestions, identity
//! headroom and disabled indexes.

use super::{NO_SCHEMA, is_system_database, uptime_days};
use crate::health::{HealthInput, Outcome, bytes, not_evaluated, some_of};
use crate::model::{CheckStatus, IndexInfo, SequenceInfo, TableInfo};

/// Schemas of SQL Server's own objects.
const SYSTEM_SCHEMAS: [&str; 2] = ["sys", "INFORMATION_SCHEMA"];

/// Every application table as (`[db].schema.table`, table); Err when there is nothing to read.
fn tables(i: &HealthInput) -> Result<Vec<(String, &TableInfo)>, Outcome> {
    let Some(snap) = &i.schema else { return Err(not_evaluated(NO_SCHEMA)) };
    let readable: Vec<_> = snap.databases.iter().filter(|d| d.error.is_none()).collect();
    if readable.is_empty() {
        let why = snap.databases.iter().filter_map(|d| d.error.clone()).next();
        return Err(not_evaluated(why.unwrap_or_else(|| "no database's schema could be read".into())));
    }
    Ok(readable
        .into_iter()
        .filter(|d| !is_system_database(&d.name))
        .flat_map(|d| {
            d.schemas
                .iter()
                .filter(|s| !SYSTEM_SCHEMAS.iter().any(|x| x.eq_ignore_ascii_case(&s.name)))
                .flat_map(move |s| {
                    s.tables.iter().map(move |t| (format!("{}.{}.{}", d.name, s.name, t.name), t))
                })
        })
        .collect())
}

fn count(found: Vec<String>, what: &str) -> Outcome {
    let status = if found.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (status, format!("{} {what} {}", found.len(), some_of(&found)).trim_end().to_owned())
}

/// Whether an index definition says it is clustered (`CREATE [UNIQUE] CLUSTERED
/// [COLUMNSTORE] INDEX …`); None when it says neither.
fn clustered(x: &IndexInfo) -> Option<bool> {
    let d = x.definition.to_ascii_uppercase();
    if d.contains("NONCLUSTERED") {
        Some(false)
    } else if d.contains("CLUSTERED") {
        Some(true)
    } else {
        None
    }
}

pub fn heaps(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let described = t.iter().flat_map(|(_, t)| t.indexes.iter()).any(|x| clustered(x).is_some());
    if !described && t.iter().any(|(_, t)| !t.indexes.is_empty()) {
        return not_evaluated("the inventory does not say which indexes are clustered");
    }
    count(
        t.iter()
            .filter(|(_, t)| !t.indexes.iter().any(|x| clustered(x) == Some(true)))
            .map(|(q, t)| match t.row_estimate {
                Some(rows) => format!("{q} (~{rows:.0} rows)"),
                None => q.clone(),
            })
            .collect(),
        "heaps (tables without a clustered index)",
    )
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

pub fn unused_indexes(i: &HealthInput) -> Outcome {
    if let Some(days) = uptime_days(i).filter(|d| *d < 7.0) {
        return not_evaluated(format!(
            "index usage counts since the last restart, only {days:.1} days ago: weekly and monthly jobs may not have run"
        ));
    }
    indexes(
        i,
        |x| x.unused.then(|| format!(" ({})", bytes(x.size_bytes as f64))),
        "unused indexes (no seek, scan or lookup since the instance started)",
    )
}

pub fn duplicate_indexes(i: &HealthInput) -> Outcome {
    indexes(
        i,
        |x| match (&x.duplicate_of, &x.redundant_with) {
            (Some(d), _) => Some(format!(" = {d}")),
            (None, Some(r)) => Some(format!(" ⊂ {r}")),
            _ => None,
        },
        "duplicate or redundant indexes",
    )
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

pub fn missing_indexes(i: &HealthInput) -> Outcome {
    match tables(i) {
        Ok(t) => count(
            t.iter()
                .flat_map(|(q, t)| {
                    t.suggested_indexes.iter().filter(|s| s.impact_pct >= 50.0 && s.uses >= 100).map(
                        move |s| {
                            format!(
                                "{q} ({}) {:.0} % × {} uses",
                                s.key_columns.join(", "),
                                s.impact_pct,
                                s.uses
                            )
                        },
                    )
                })
                .collect(),
            "missing-index suggestions with ≥ 50 % estimated impact and ≥ 100 uses",
        ),
        Err(o) => o,
    }
}

pub fn identity_exhaustion(i: &HealthInput) -> Outcome {
    let Some(snap) = &i.schema else { return not_evaluated(NO_SCHEMA) };
    let all: Vec<(String, &SequenceInfo)> = snap
        .databases
        .iter()
        .filter(|d| !is_system_database(&d.name))
        .flat_map(|d| d.schemas.iter().map(move |s| (d, s)))
        .flat_map(|(d, s)| s.sequences.iter().map(move |q| (format!("{}.{}.{}", d.name, s.name, q.name), q)))
        .collect();
    crate::health::counter_headroom(
        &all,
        "identity columns and sequences",
        "identity and sequence positions are not readable",
    )
}

pub fn disabled_indexes(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let disabled: Vec<(String, &IndexInfo)> = t
        .iter()
        .flat_map(|(q, t)| t.indexes.iter().filter(|x| !x.valid).map(move |x| (format!("{q}.{}", x.name), x)))
        .collect();
    let status = if disabled.iter().any(|(_, x)| clustered(x) == Some(true)) {
        CheckStatus::Critical
    } else if disabled.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = disabled.iter().map(|(n, _)| n.clone()).collect();
    (
        status,
        format!(
            "{} disabled indexes (attention; critical for a clustered one: its table cannot be read) {}",
            names.len(),
            some_of(&names)
        )
        .trim_end()
        .to_owned(),
    )
}
