//! Configuration checks over `v$database` and `v$parameter`: ARCHIVELOG, FORCE LOGGING
//! with Data Guard, the Diagnostics Pack licence against `control_management_pack_access`,
//! memory management, statistics level, undo retention and the release.

use super::{NO_LOW, fact, free_edition, gap_of, is_standby, number, setting, setting_gap, setting_text};
use crate::health::{HealthInput, Outcome, bytes, not_evaluated, some_of};
use crate::model::{CheckStatus, metric};

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Whether a standby is part of the picture: this is one, an archive destination ships
/// redo over the network, or the broker is on.
pub fn data_guard(i: &HealthInput) -> bool {
    let ships = i.settings.iter().flatten().any(|s| {
        s.name.starts_with(setting::LOG_ARCHIVE_DEST_PREFIX)
            && s.value.to_ascii_uppercase().contains("SERVICE=")
    });
    let broker = setting_text(i, setting::DATABASE_DATAGUARD_BROKER)
        .is_some_and(|b| b.eq_ignore_ascii_case("ENABLED"));
    ships || broker || is_standby(i)
}

pub fn archivelog(i: &HealthInput) -> Outcome {
    let Some(mode) = setting_text(i, setting::DATABASE_LOG_MODE) else {
        return not_evaluated(gap_of(i, fact::READ_DATABASE, "its log mode"));
    };
    if mode.eq_ignore_ascii_case("ARCHIVELOG") {
        return (
            CheckStatus::Healthy,
            "ARCHIVELOG: point-in-time recovery and online backups possible".to_owned(),
        );
    }
    let (status, note) = if free_edition(i) {
        (CheckStatus::Attention, "attention on Express/Free editions")
    } else {
        (CheckStatus::Critical, "critical; attention on Express/Free editions")
    };
    (status, format!("{mode}: a restore loses every change since the last cold backup ({note})"))
}

pub fn force_logging(i: &HealthInput) -> Outcome {
    let Some(force) = setting_text(i, setting::DATABASE_FORCE_LOGGING) else {
        return not_evaluated(gap_of(i, fact::READ_DATABASE, "FORCE_LOGGING"));
    };
    if !data_guard(i) {
        return (
            CheckStatus::Healthy,
            format!("FORCE_LOGGING {force}; no Data Guard destination, so not required"),
        );
    }
    let forced =
        force.eq_ignore_ascii_case("YES") || force.to_ascii_uppercase().starts_with("STANDBY NOLOGGING");
    let status = if forced { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!("FORCE_LOGGING {force} with Data Guard (attention unless YES or a STANDBY NOLOGGING mode)"),
    )
}

pub fn pack_access(i: &HealthInput) -> Outcome {
    let Some(access) = setting_text(i, setting::CONTROL_MANAGEMENT_PACK_ACCESS) else {
        return not_evaluated(setting_gap(i, "control_management_pack_access"));
    };
    let Some(licensed) = i.fact(fact::DIAGNOSTICS_PACK_LICENSED).map(|v| v == "true") else {
        return not_evaluated(NO_LOW);
    };
    let edition =
        setting_text(i, setting::INSTANCE_EDITION).unwrap_or("unknown edition").to_ascii_uppercase();
    let packs_on = access.to_ascii_uppercase().contains("DIAGNOSTIC");
    let enterprise = !matches!(edition.as_str(), "SE" | "SE2" | "XE" | "FREE" | "PO");
    let (status, what) = match (packs_on, licensed) {
        (true, false) if edition == "FREE" => (CheckStatus::Healthy, "the Free edition includes the packs"),
        (true, false) => (
            CheckStatus::Attention,
            "the packs are enabled but the target says diagnostics_pack = false: any use of AWR, ASH or ADDM (by tools or people) is a licence exposure",
        ),
        (false, true) => {
            (CheckStatus::Attention, "diagnostics_pack = true but the packs are off: ASH is empty")
        }
        (true, true) if !enterprise => (
            CheckStatus::Attention,
            "diagnostics_pack = true on an edition that cannot license the Diagnostics Pack",
        ),
        _ => (CheckStatus::Healthy, "the setting and the target's licence word agree"),
    };
    (
        status,
        format!(
            "control_management_pack_access {access}, edition {edition}, diagnostics_pack {licensed}: {what}"
        ),
    )
}

pub fn memory(i: &HealthInput) -> Outcome {
    let (Some(memory_target), Some(sga_target)) =
        (number(i, setting::MEMORY_TARGET), number(i, setting::SGA_TARGET))
    else {
        return not_evaluated(setting_gap(i, "memory_target and sga_target"));
    };
    let mut issues = Vec::new();
    if memory_target > 4.0 * GIB {
        issues.push(format!("AMM with memory_target {} (cannot use HugePages)", bytes(memory_target)));
    }
    if memory_target == 0.0 && sga_target == 0.0 {
        issues.push("sga_target 0 without memory_target: the SGA is sized by hand".to_owned());
    }
    if number(i, setting::PGA_AGGREGATE_LIMIT) == Some(0.0) {
        issues.push("pga_aggregate_limit 0: PGA unbounded".to_owned());
    }
    let mode = if memory_target > 0.0 {
        "AMM"
    } else if sga_target > 0.0 {
        "ASMM"
    } else {
        "manual"
    };
    let status = if issues.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "{mode} memory management; {} issues (attention: AMM above 4 GiB, manual SGA, unlimited PGA) {}",
            issues.len(),
            some_of(&issues)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn statistics_level(i: &HealthInput) -> Outcome {
    let Some(level) = setting_text(i, setting::STATISTICS_LEVEL) else {
        return not_evaluated(setting_gap(i, "statistics_level"));
    };
    let status = match level.to_ascii_uppercase().as_str() {
        "BASIC" => CheckStatus::Critical,
        "ALL" => CheckStatus::Attention,
        _ => CheckStatus::Healthy,
    };
    (status, format!("statistics_level {level} (TYPICAL expected; BASIC critical, ALL attention)"))
}

pub fn undo_retention(i: &HealthInput) -> Outcome {
    let Some(retention) = number(i, setting::UNDO_RETENTION) else {
        return not_evaluated(setting_gap(i, "undo_retention"));
    };
    let longest = i.metric(metric::LONGEST_QUERY_S, "");
    let mut status = if retention < 300.0 {
        CheckStatus::Critical
    } else if retention < 900.0 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    if longest.is_some_and(|l| l > retention) && status == CheckStatus::Healthy {
        status = CheckStatus::Attention;
    }
    let running = longest.map_or(String::new(), |l| format!("; longest running query {l:.0} s"));
    (
        status,
        format!(
            "undo_retention {retention:.0} s{running} (attention below 900 s or below the longest query, critical below 300 s)"
        ),
    )
}

pub fn release(i: &HealthInput) -> Outcome {
    // The high tier's instance facts carry the version too.
    let Some(version) = setting_text(i, setting::INSTANCE_VERSION)
        .or_else(|| i.instance.as_ref().map(|x| x.version.as_str()).filter(|v| !v.is_empty()))
    else {
        return not_evaluated(gap_of(i, fact::READ_INSTANCE, "its version"));
    };
    let digits: String = version.trim().chars().take_while(char::is_ascii_digit).collect();
    let Ok(major) = digits.parse::<u32>() else {
        return not_evaluated(format!("unreadable version {version}"));
    };
    let (status, what) = match major {
        0..=18 => (CheckStatus::Critical, "out of Premier and Extended Support"),
        19 | 23 => (CheckStatus::Healthy, "a Long Term Release"),
        20..=22 => (CheckStatus::Attention, "an Innovation Release with a short support window"),
        _ => (CheckStatus::Healthy, "a current release"),
    };
    (status, format!("Oracle {version}: {what} (19c and 23ai are the Long Term Releases)"))
}
