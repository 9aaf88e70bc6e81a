//! Configuration checks: memory limit and eviction policy, slow log, keepalive.

use super::{NO_HIGH, low_gap, setting};
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated};
use crate::model::{CheckStatus, metric};

pub fn maxmemory(i: &HealthInput) -> Outcome {
    let (Some(limit), Some(policy)) =
        (setting(i, "maxmemory").and_then(|v| v.parse::<f64>().ok()), setting(i, "maxmemory-policy"))
    else {
        return not_evaluated(low_gap(i, "CONFIG"));
    };
    if limit <= 0.0 {
        let used =
            i.metric(metric::MEMORY_USED_BYTES, "").map_or(String::new(), |u| format!(", {} used", bytes(u)));
        return (CheckStatus::Attention, format!("maxmemory 0 (unlimited), policy {policy}{used}"));
    }
    if policy != "noeviction" {
        return (CheckStatus::Healthy, format!("maxmemory {}, policy {policy}", bytes(limit)));
    }
    let Some(pct) = i.metric(metric::MEMORY_USED_PCT, "") else { return not_evaluated(NO_HIGH) };
    (
        grade(pct, 75.0, 90.0),
        format!(
            "maxmemory {}, policy noeviction, {pct:.0} % used (attention ≥ 75 %, critical ≥ 90 %: writes fail when full)",
            bytes(limit)
        ),
    )
}

pub fn slowlog_enabled(i: &HealthInput) -> Outcome {
    let (Some(slower), Some(len)) = (
        setting(i, "slowlog-log-slower-than").and_then(|v| v.parse::<i64>().ok()),
        setting(i, "slowlog-max-len").and_then(|v| v.parse::<i64>().ok()),
    ) else {
        return not_evaluated(low_gap(i, "CONFIG"));
    };
    let status = if slower < 0 || len == 0 { CheckStatus::Attention } else { CheckStatus::Healthy };
    (
        status,
        format!(
            "slowlog-log-slower-than {slower} µs, slowlog-max-len {len} (attention when disabled: < 0 or length 0)"
        ),
    )
}

pub fn tcp_keepalive(i: &HealthInput) -> Outcome {
    let Some(seconds) = setting(i, "tcp-keepalive").and_then(|v| v.parse::<i64>().ok()) else {
        return not_evaluated(low_gap(i, "CONFIG"));
    };
    let status = if seconds <= 0 { CheckStatus::Attention } else { CheckStatus::Healthy };
    (status, format!("tcp-keepalive {seconds} s (attention when 0, off)"))
}
