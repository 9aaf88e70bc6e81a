//! Schema checks for a key-value store: key design as the keyspace and the big-key
//! sampler show it.

use super::NO_MEDIUM;
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated, some_of};
use crate::model::CheckStatus;

/// Databases smaller than this are not judged for missing TTLs.
const MANY_KEYS: u64 = 10_000;
const MIB: f64 = 1024.0 * 1024.0;

pub fn keys_without_ttl(i: &HealthInput) -> Outcome {
    let Some(k) = &i.keyspace else { return not_evaluated(NO_MEDIUM) };
    let offenders: Vec<String> = k
        .databases
        .iter()
        .filter(|d| d.keys >= MANY_KEYS && d.expires == 0)
        .map(|d| format!("db{} {} keys", d.index, d.keys))
        .collect();
    let keys: u64 = k.databases.iter().map(|d| d.keys).sum();
    let expires: u64 = k.databases.iter().map(|d| d.expires).sum();
    let share = if keys == 0 { 0.0 } else { expires as f64 * 100.0 / keys as f64 };
    let status = if offenders.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "{keys} keys, {share:.0} % with a TTL (attention: a database of ≥ {MANY_KEYS} keys where none expires) {}",
            some_of(&offenders)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn big_keys(i: &HealthInput) -> Outcome {
    let Some(k) = &i.keyspace else { return not_evaluated(NO_MEDIUM) };
    let Some(run) = &k.sampler else {
        return not_evaluated(format!(
            "the big-key sampler is off: set [targets.{}.keyspace] big_keys = true",
            i.target
        ));
    };
    if k.big_keys.is_empty() {
        let stopped = run.stopped.as_deref().map_or(String::new(), |s| format!(" (stopped early: {s})"));
        return (CheckStatus::Healthy, format!("no big key among {} sampled{stopped}", run.keys_sampled));
    }
    let largest = k.big_keys.iter().map(|b| b.bytes).max().unwrap_or(0) as f64;
    let over: Vec<String> = k
        .big_keys
        .iter()
        .filter(|b| b.bytes as f64 >= MIB)
        .map(|b| format!("{} ({}, {})", b.key, b.key_type, bytes(b.bytes as f64)))
        .collect();
    (
        grade(largest, MIB, 64.0 * MIB),
        format!(
            "{} keys of 1 MiB or more among {} sampled, largest {} (attention ≥ 1 MiB, critical ≥ 64 MiB) {}",
            over.len(),
            run.keys_sampled,
            bytes(largest),
            some_of(&over)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn logical_databases(i: &HealthInput) -> Outcome {
    let Some(k) = &i.keyspace else { return not_evaluated(NO_MEDIUM) };
    let used: Vec<String> =
        k.databases.iter().filter(|d| d.keys > 0).map(|d| format!("db{}", d.index)).collect();
    let status = if used.len() > 1 { CheckStatus::Attention } else { CheckStatus::Healthy };
    (
        status,
        format!("{} databases hold keys (attention above 1) {}", used.len(), some_of(&used))
            .trim_end()
            .to_owned(),
    )
}
