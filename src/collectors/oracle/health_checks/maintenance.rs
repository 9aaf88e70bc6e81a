//! Maintenance checks: RMAN backups of the database and of archived logs, failed jobs,
//! the fast recovery area and tablespaces.

use super::configuration::data_guard;
use super::{NO_MEDIUM, age, fact, gap_of, keyed, pairs, read_marker, setting, setting_text};
use crate::collectors::oracle::metric as om;
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::CheckStatus;

const DAY_S: f64 = 86_400.0;

fn fact_number(i: &HealthInput, name: &str) -> Option<f64> {
    i.fact(name)?.parse().ok()
}

/// How far back the RMAN history reaches, in words.
fn remembered(i: &HealthInput) -> String {
    fact_number(i, fact::RMAN_HISTORY_S)
        .map_or("no RMAN job remembered".to_owned(), |s| format!("history reaches back {}", age(s)))
}

pub fn backups(i: &HealthInput) -> Outcome {
    if let Err(why) = read_marker(i, fact::RMAN_JOBS_7D, fact::READ_RMAN) {
        return not_evaluated(why);
    }
    let newest = fact_number(i, fact::RMAN_DB_BACKUP_AGE_S);
    let mut status = match newest {
        None => CheckStatus::Critical,
        Some(s) => grade(s, 26.0 * 3600.0, 7.0 * DAY_S),
    };
    // Backups are often taken on the standby, whose control file the primary never sees.
    let offloaded = data_guard(i) && status == CheckStatus::Critical;
    if offloaded {
        status = CheckStatus::Attention;
    }
    let when = newest.map_or("no successful database backup".to_owned(), |s| {
        format!("newest database backup {} ago", age(s))
    });
    let full = fact_number(i, fact::RMAN_FULL_BACKUP_AGE_S)
        .map_or(String::new(), |s| format!(", last full {} ago", age(s)));
    let note =
        if offloaded { "; at most attention with Data Guard (backups may run on the standby)" } else { "" };
    (
        status,
        format!(
            "{when}{full} ({}; attention after 26 h, critical after 7 days or none{note})",
            remembered(i)
        ),
    )
}

pub fn rman_failures(i: &HealthInput) -> Outcome {
    let Ok(week) = read_marker(i, fact::RMAN_FAILED_7D, fact::READ_RMAN) else {
        return not_evaluated(super::fact_gap(i, fact::READ_RMAN));
    };
    let day = fact_number(i, fact::RMAN_FAILED_24H).unwrap_or(0.0);
    let status = if day > 0.0 {
        CheckStatus::Critical
    } else if week > 0.0 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    let named: Vec<String> = pairs(i, fact::RMAN_FAILED_JOB)
        .into_iter()
        .map(|(start, job)| format!("{job} {} ago", start.parse().map_or(start.to_owned(), age)))
        .collect();
    (
        status,
        format!(
            "{day:.0} RMAN jobs failed in 24 h, {week:.0} in 7 days (critical for 24 h, attention for 7 days) {}",
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn archivelog_backups(i: &HealthInput) -> Outcome {
    let Some(mode) = setting_text(i, setting::DATABASE_LOG_MODE) else {
        return not_evaluated(gap_of(i, fact::READ_DATABASE, "its log mode"));
    };
    if !mode.eq_ignore_ascii_case("ARCHIVELOG") {
        return not_evaluated(format!("{mode}: there are no archived logs to back up"));
    }
    if let Err(why) = read_marker(i, fact::RMAN_JOBS_7D, fact::READ_RMAN) {
        return not_evaluated(why);
    }
    let newest = fact_number(i, fact::RMAN_ARCHIVELOG_BACKUP_AGE_S);
    let status = newest.map_or(CheckStatus::Critical, |s| grade(s, DAY_S, 7.0 * DAY_S));
    let when = newest.map_or("no archived log backup".to_owned(), |s| {
        format!("newest archived log backup {} ago", age(s))
    });
    (status, format!("{when} ({}; attention after 24 h, critical after 7 days or none)", remembered(i)))
}

pub fn recovery_area(i: &HealthInput) -> Outcome {
    if setting_text(i, setting::DB_RECOVERY_FILE_DEST).is_some_and(str::is_empty) {
        return not_evaluated("no fast recovery area is configured (db_recovery_file_dest unset)");
    }
    match i.metric(om::RECOVERY_AREA_USED_PCT, "") {
        Some(pct) => (
            grade(pct, 85.0, 97.0),
            format!(
                "fast recovery area {pct:.0} % used, reclaimable space excluded (attention ≥ 85 %, critical ≥ 97 %)"
            ),
        ),
        None => not_evaluated(NO_MEDIUM),
    }
}

pub fn tablespaces(i: &HealthInput) -> Outcome {
    let mut used: Vec<(&str, f64)> = keyed(i, om::TABLESPACE_USED_PCT).collect();
    if used.is_empty() {
        return not_evaluated(NO_MEDIUM);
    }
    used.sort_by(|a, b| b.1.total_cmp(&a.1));
    let worst = used[0].1;
    let full: Vec<String> =
        used.iter().filter(|(_, p)| *p >= 85.0).map(|(t, p)| format!("{t} {p:.0} %")).collect();
    (
        grade(worst, 85.0, 97.0),
        format!(
            "{} tablespaces, fullest {worst:.0} % of its size including autoextend (attention ≥ 85 %, critical ≥ 97 %) {}",
            used.len(),
            some_of(&full)
        )
        .trim_end()
        .to_owned(),
    )
}
