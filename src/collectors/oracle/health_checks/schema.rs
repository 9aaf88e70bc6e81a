//! Schema checks: invalid objects and index usage (low tier), unusable indexes and
//! missing statistics (schema tier's inventory: Oracle's own schemas are not in it).

use super::{NO_SCHEMA, fact, pairs, read_marker};
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, TableInfo};

/// Every table of the inventory as (`OWNER.TABLE`, table); Err when there is nothing to read.
fn tables(i: &HealthInput) -> Result<Vec<(String, &TableInfo)>, Outcome> {
    let Some(snap) = &i.schema else { return Err(not_evaluated(NO_SCHEMA)) };
    let readable: Vec<_> = snap.databases.iter().filter(|d| d.error.is_none()).collect();
    if readable.is_empty() {
        let why = snap.databases.iter().find_map(|d| d.error.clone());
        return Err(not_evaluated(why.unwrap_or_else(|| "the schema could not be read".into())));
    }
    Ok(readable
        .into_iter()
        .flat_map(|d| d.schemas.iter())
        .flat_map(|s| s.tables.iter().map(move |t| (format!("{}.{}", s.name, t.name), t)))
        .collect())
}

pub fn invalid_objects(i: &HealthInput) -> Outcome {
    let n = match read_marker(i, fact::INVALID_OBJECTS_COUNT, fact::READ_INVALID_OBJECTS) {
        Ok(n) => n,
        Err(why) => return not_evaluated(why),
    };
    let named: Vec<String> =
        pairs(i, fact::INVALID_OBJECT).iter().map(|(o, t)| format!("{o} ({t})")).collect();
    (
        grade(n, 1.0, 50.0),
        format!(
            "{n:.0} invalid objects outside Oracle's schemas (attention ≥ 1, critical ≥ 50) {}",
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn unusable_indexes(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let unusable: Vec<String> = t
        .iter()
        .flat_map(|(q, t)| t.indexes.iter().filter(|x| !x.valid).map(move |x| format!("{q}.{}", x.name)))
        .collect();
    let status = if unusable.is_empty() { CheckStatus::Healthy } else { CheckStatus::Critical };
    (
        status,
        format!(
            "{} unusable indexes (or index partitions) (critical ≥ 1) {}",
            unusable.len(),
            some_of(&unusable)
        )
        .trim_end()
        .to_owned(),
    )
}

/// Tables never analysed, or changed by more than 10 % of their rows since (Oracle's own
/// staleness threshold, `STALE_PERCENT` 10).
pub fn stale_statistics(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let analysed = |t: &TableInfo| t.last_analyze_ms.or(t.last_autoanalyze_ms).is_some();
    if !t.is_empty() && !t.iter().any(|(_, t)| analysed(t) || t.n_mod_since_analyze.is_some()) {
        return not_evaluated("the inventory carries no statistics dates");
    }
    let stale: Vec<String> = t
        .iter()
        .filter(|(_, t)| {
            let changed = match (t.n_mod_since_analyze, t.row_estimate) {
                (Some(m), Some(rows)) => m as f64 > rows.max(1.0) * 0.1,
                _ => false,
            };
            !analysed(t) || changed
        })
        .map(|(q, _)| q.clone())
        .collect();
    let status = if stale.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "{} of {} tables never analysed or changed by more than 10 % since (attention ≥ 1) {}",
            stale.len(),
            t.len(),
            some_of(&stale)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn unused_indexes(i: &HealthInput) -> Outcome {
    let tracked = match read_marker(i, fact::INDEXES_TRACKED, fact::READ_INDEX_USAGE) {
        Ok(n) => n,
        Err(why) => return not_evaluated(why),
    };
    let never: f64 = i.fact(fact::INDEXES_NEVER_USED).and_then(|v| v.parse().ok()).unwrap_or(0.0);
    let named: Vec<String> =
        pairs(i, fact::INDEX_NEVER_USED).iter().map(|(x, t)| format!("{x} on {t}")).collect();
    let status = if never > 0.0 { CheckStatus::Attention } else { CheckStatus::Healthy };
    (
        status,
        format!(
            "{never:.0} of {tracked:.0} non-unique application indexes never used since index usage tracking began (attention ≥ 1) {}",
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
