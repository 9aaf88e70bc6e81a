//! Configuration checks: startup warnings, the feature compatibility version, the
//! WiredTiger cache size against memory, the profiler, the storage engine and journal,
//! and a server without a replica set.

use super::{
    NO_LOW, ROUTER_STORES_NOTHING, low_gap, major_minor, number, on_router, posture as p, setting as s,
    setting_text, topology, version,
};
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

pub fn startup_warnings(i: &HealthInput) -> Outcome {
    let Some(count) = i.fact(p::STARTUP_WARNINGS).and_then(|c| c.parse::<usize>().ok()) else {
        return not_evaluated(low_gap(i, p::READ_WARNINGS, "its startup warnings"));
    };
    if count == 0 {
        return (CheckStatus::Healthy, "no startup warnings".to_owned());
    }
    let texts: Vec<String> = i
        .facts(p::STARTUP_WARNING)
        .into_iter()
        .flatten()
        .map(|f| f.value.chars().take(60).collect::<String>())
        .collect();
    (CheckStatus::Attention, format!("{count} startup warning(s) {}", some_of(&texts)))
}

pub fn feature_compatibility(i: &HealthInput) -> Outcome {
    let Some(fcv) = setting_text(i, s::FCV) else {
        return not_evaluated(low_gap(i, p::READ_FCV, "its feature compatibility version"));
    };
    let Some((major, minor)) = version(i) else {
        return not_evaluated(low_gap(i, p::READ_BUILD, "its version"));
    };
    if fcv.contains('→') {
        return (
            CheckStatus::Attention,
            format!("featureCompatibilityVersion {fcv}: an upgrade or downgrade is unfinished"),
        );
    }
    match major_minor(fcv) {
        Some(f) if f < (major, minor) => (
            CheckStatus::Attention,
            format!(
                "featureCompatibilityVersion {fcv} on a {major}.{minor} server (attention when below the binary)"
            ),
        ),
        Some(_) => {
            (CheckStatus::Healthy, format!("featureCompatibilityVersion {fcv} on a {major}.{minor} server"))
        }
        None => not_evaluated(format!("unreadable featureCompatibilityVersion {fcv}")),
    }
}

/// The memory the server may use, MB: a container's limit when it reports one.
fn memory_mb(i: &HealthInput) -> Option<f64> {
    number(i, s::MEM_LIMIT_MB).filter(|v| *v > 0.0).or_else(|| number(i, s::MEM_SIZE_MB))
}

pub fn cache_size(i: &HealthInput) -> Outcome {
    if on_router(i) {
        return not_evaluated(ROUTER_STORES_NOTHING);
    }
    if setting_text(i, s::STORAGE_ENGINE).is_none() {
        return not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options"));
    }
    let Some(gb) = number(i, s::CACHE_SIZE_GB) else {
        return (
            CheckStatus::Healthy,
            "cacheSizeGB not set: the default, 50 % of (RAM − 1 GB), at least 256 MB".to_owned(),
        );
    };
    let Some(ram) = memory_mb(i) else {
        return not_evaluated(low_gap(i, p::READ_HOST, "its memory size"));
    };
    let pct = gb * 1024.0 / ram * 100.0;
    let status = if pct > 100.0 {
        CheckStatus::Critical
    } else if pct > 80.0 || (pct < 10.0 && ram >= 4096.0) {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (
        status,
        format!(
            "cacheSizeGB {gb} = {pct:.0} % of {:.1} GiB of memory (attention above 80 % or below 10 %, critical above 100 %)",
            ram / 1024.0
        ),
    )
}

pub fn profiler_all(i: &HealthInput) -> Outcome {
    if on_router(i) {
        return not_evaluated(ROUTER_STORES_NOTHING);
    }
    match setting_text(i, s::PROFILING_MODE) {
        Some("all") => (
            CheckStatus::Attention,
            "operationProfiling.mode all (level 2): every operation is written to system.profile".to_owned(),
        ),
        Some(mode) => (CheckStatus::Healthy, format!("operationProfiling.mode {mode}")),
        None => not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options")),
    }
}

pub fn storage_engine(i: &HealthInput) -> Outcome {
    if on_router(i) {
        return not_evaluated(ROUTER_STORES_NOTHING);
    }
    let Some(engine) = setting_text(i, s::STORAGE_ENGINE) else {
        return not_evaluated(low_gap(i, p::READ_OPTIONS, "its command-line options"));
    };
    let journal_off = setting_text(i, s::JOURNAL_ENABLED) == Some("false");
    let status = match engine {
        _ if journal_off => CheckStatus::Critical,
        "wiredTiger" => CheckStatus::Healthy,
        "inMemory" => CheckStatus::Attention,
        _ => CheckStatus::Critical,
    };
    let journal = if journal_off { ", journal disabled" } else { "" };
    (
        status,
        format!(
            "storage.engine {engine}{journal} (inMemory: attention; journal off or another engine: critical)"
        ),
    )
}

pub fn standalone(i: &HealthInput) -> Outcome {
    match setting_text(i, s::TOPOLOGY) {
        Some(topology::STANDALONE) => (
            CheckStatus::Attention,
            "a standalone server: no replica set, so no automatic failover and no redundant copy".to_owned(),
        ),
        Some(t) => (CheckStatus::Healthy, t.to_owned()),
        None => not_evaluated(NO_LOW),
    }
}
