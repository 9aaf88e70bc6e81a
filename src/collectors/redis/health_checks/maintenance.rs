//! Maintenance checks: persistence (RDB snapshots and the AOF) and its safety on a primary.

use super::{NO_MEDIUM, fact, low_gap, setting};
use crate::health::{HealthInput, Outcome, not_evaluated};
use crate::model::{CheckStatus, metric};

pub fn persistence_errors(i: &HealthInput) -> Outcome {
    let rdb = i.fact(fact::RDB_STATUS);
    let aof = i.fact(fact::AOF_STATUS);
    let ok_metric = i.metric(metric::PERSISTENCE_OK, "");
    if rdb.is_none() && aof.is_none() && ok_metric.is_none() {
        return not_evaluated(NO_MEDIUM);
    }
    let mut failing = Vec::new();
    if rdb.is_some_and(|s| s != "ok") {
        failing.push("last background save failed");
    }
    if aof.is_some_and(|s| s != "ok") {
        failing.push("last AOF write failed");
    }
    if failing.is_empty() && ok_metric.is_some_and(|v| v < 1.0) {
        failing.push("the server reports a persistence error");
    }
    if failing.is_empty() {
        let shown = |s: Option<&str>| s.unwrap_or("-").to_owned();
        return (
            CheckStatus::Healthy,
            format!("rdb_last_bgsave_status {}, aof_last_write_status {}", shown(rdb), shown(aof)),
        );
    }
    (CheckStatus::Critical, format!("{} (critical: writes may be refused)", failing.join("; ")))
}

/// RDB snapshots are configured when `save` has save points.
fn snapshots_on(i: &HealthInput) -> Option<bool> {
    setting(i, "save").map(|s| !s.trim().is_empty())
}

fn aof_on(i: &HealthInput) -> Option<bool> {
    setting(i, "appendonly").map(|s| s == "yes")
}

pub fn last_save_age(i: &HealthInput) -> Outcome {
    let (Some(snapshots), Some(aof)) = (snapshots_on(i), aof_on(i)) else {
        return not_evaluated(low_gap(i, "CONFIG"));
    };
    if !snapshots {
        return not_evaluated("not applicable: RDB snapshots are off (save \"\")");
    }
    let (Some(age), Some(unsaved)) =
        (i.metric(metric::LAST_SAVE_AGE_S, ""), i.metric(metric::UNSAVED_CHANGES, ""))
    else {
        return not_evaluated(NO_MEDIUM);
    };
    let hours = age / 3600.0;
    let status =
        if unsaved < 1.0 || aof { CheckStatus::Healthy } else { crate::health::grade(age, 3600.0, 86_400.0) };
    let aof_note = if aof { ", AOF on" } else { "" };
    (
        status,
        format!(
            "{unsaved:.0} changes since the last snapshot {hours:.1} h ago{aof_note} (without AOF: attention ≥ 1 h, critical ≥ 24 h with changes pending)"
        ),
    )
}

pub fn persistence_on_primary(i: &HealthInput) -> Outcome {
    let (Some(snapshots), Some(aof)) = (snapshots_on(i), aof_on(i)) else {
        return not_evaluated(low_gap(i, "CONFIG"));
    };
    let replicas = match (i.metric(metric::CONNECTED_REPLICAS, ""), &i.replication) {
        (Some(n), _) => n,
        (None, Some(r)) => r.replicas.len() as f64,
        (None, None) => return not_evaluated(NO_MEDIUM),
    };
    let persistence = match (snapshots, aof) {
        (true, true) => "RDB and AOF",
        (true, false) => "RDB",
        (false, true) => "AOF",
        (false, false) => "none",
    };
    let status =
        if !snapshots && !aof && replicas >= 1.0 { CheckStatus::Attention } else { CheckStatus::Healthy };
    (
        status,
        format!(
            "persistence {persistence}, {replicas:.0} replicas connected (attention: none with replicas)"
        ),
    )
}
