//! Schema checks over the schema tier's inventory.

use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, IndexInfo, SequenceInfo, TableInfo};

pub const NO_SCHEMA: &str = "schema tier has not run yet";
const SYSTEM: [&str; 3] = ["pg_catalog", "information_schema", "pg_toast"];

/// Every user table as (`db.schema.table`, table); Err when there is nothing to read.
pub fn tables(i: &HealthInput) -> Result<Vec<(String, &TableInfo)>, Outcome> {
    let Some(snap) = &i.schema else { return Err(not_evaluated(NO_SCHEMA)) };
    let readable: Vec<_> = snap.databases.iter().filter(|d| d.error.is_none()).collect();
    if readable.is_empty() {
        let why = snap.databases.iter().filter_map(|d| d.error.clone()).next();
        return Err(not_evaluated(why.unwrap_or_else(|| "no database could be read".into())));
    }
    Ok(readable
        .into_iter()
        .flat_map(|d| {
            d.schemas.iter().filter(|s| !SYSTEM.contains(&s.name.as_str())).flat_map(move |s| {
                s.tables.iter().map(move |t| (format!("{}.{}.{}", d.name, s.name, t.name), t))
            })
        })
        .collect())
}

fn count(found: Vec<String>, what: &str, status_if_any: CheckStatus) -> Outcome {
    let status = if found.is_empty() { CheckStatus::Healthy } else { status_if_any };
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
            CheckStatus::Attention,
        ),
        Err(o) => o,
    }
}

pub fn no_primary_key(i: &HealthInput) -> Outcome {
    match tables(i) {
        Ok(t) => count(
            t.iter().filter(|(_, t)| !t.has_primary_key).map(|(q, _)| q.clone()).collect(),
            "tables without a primary key",
            CheckStatus::Attention,
        ),
        Err(o) => o,
    }
}

pub fn unused_indexes(i: &HealthInput) -> Outcome {
    indexes(
        i,
        |x| x.unused.then(|| format!(" ({})", bytes(x.size_bytes as f64))),
        "unused indexes (never scanned since the stats reset)",
    )
}

pub fn duplicate_indexes(i: &HealthInput) -> Outcome {
    indexes(i, |x| x.duplicate_of.as_ref().map(|d| format!(" = {d}")), "duplicate indexes")
}

pub fn redundant_indexes(i: &HealthInput) -> Outcome {
    indexes(i, |x| x.redundant_with.as_ref().map(|d| format!(" ⊂ {d}")), "redundant indexes")
}

pub fn invalid_indexes(i: &HealthInput) -> Outcome {
    indexes(i, |x| (!x.valid).then(String::new), "invalid indexes")
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
            CheckStatus::Attention,
        ),
        Err(o) => o,
    }
}

pub fn sequences(i: &HealthInput) -> Outcome {
    let Some(snap) = &i.schema else { return not_evaluated(NO_SCHEMA) };
    let seqs: Vec<(String, &SequenceInfo)> = snap
        .databases
        .iter()
        .flat_map(|d| {
            d.schemas.iter().flat_map(move |s| {
                s.sequences.iter().map(move |q| (format!("{}.{}.{}", d.name, s.name, q.name), q))
            })
        })
        .collect();
    let mut used: Vec<(f64, String)> =
        seqs.iter().filter_map(|(n, s)| Some((s.pct_used?, n.clone()))).collect();
    if used.is_empty() && !seqs.is_empty() {
        return not_evaluated("sequence positions are not readable");
    }
    used.sort_by(|a, b| b.0.total_cmp(&a.0));
    let worst = used.first().map_or(0.0, |u| u.0);
    let over: Vec<String> =
        used.iter().filter(|u| u.0 >= 80.0).map(|(p, n)| format!("{n} {p:.0} %")).collect();
    (
        grade(worst, 80.0, 95.0),
        format!(
            "{} sequences, fullest {worst:.0} % used (attention ≥ 80 %, critical ≥ 95 %) {}",
            used.len(),
            some_of(&over)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn table_bloat(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    const MIB: u64 = 1024 * 1024;
    let estimated: Vec<_> = t.iter().filter_map(|(q, t)| Some((q, t.bloat_bytes?, t.table_bytes))).collect();
    if estimated.is_empty() && !t.is_empty() {
        return not_evaluated("no bloat estimate (statistics missing: tables never analyzed)");
    }
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for (q, bloat, size) in estimated {
        let pct = if size == 0 { 0.0 } else { bloat as f64 * 100.0 / size as f64 };
        let s = if pct >= 60.0 && bloat >= 1024 * MIB {
            CheckStatus::Critical
        } else if pct >= 30.0 && bloat >= 64 * MIB {
            CheckStatus::Attention
        } else {
            continue;
        };
        named.push(format!("{q} {pct:.0} % ({})", bytes(bloat as f64)));
        if s == CheckStatus::Critical || status == CheckStatus::Healthy {
            status = s;
        }
    }
    (
        status,
        format!(
            "{} bloated tables (attention ≥ 30 % and ≥ 64 MiB, critical ≥ 60 % and ≥ 1 GiB) {}",
            named.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
