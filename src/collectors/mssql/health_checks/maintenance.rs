//! Maintenance checks: backups (full, log), Agent jobs and the Agent service,
//! Availability Groups, what holds the log back, database states and idle transactions.

use super::performance::longest;
use super::views::{DbView, bracketed, databases, online_user_databases};
use super::{NO_HIGH, age, fact, fact_gap, keyed, setting as s, setting_text};
use crate::collectors::mssql::metric as ms;
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, SessionState, metric};

fn listed(status: CheckStatus, head: String, names: &[String]) -> Outcome {
    (status, format!("{head} {}", some_of(names)).trim_end().to_owned())
}

/// Worse of two statuses.
fn worse(a: CheckStatus, b: CheckStatus) -> CheckStatus {
    let rank = |s: &CheckStatus| match s {
        CheckStatus::Critical => 2,
        CheckStatus::Attention => 1,
        _ => 0,
    };
    if rank(&b) > rank(&a) { b } else { a }
}

/// An Availability Group database may be backed up on another replica, whose msdb
/// this one does not see: never more than attention.
fn capped(d: &DbView, status: CheckStatus) -> CheckStatus {
    if d.in_availability_group && status == CheckStatus::Critical { CheckStatus::Attention } else { status }
}

fn ag_note(d: &DbView) -> &'static str {
    if d.in_availability_group { " (AG)" } else { "" }
}

/// The backup window, or why the history is unknown.
fn backup_window(i: &HealthInput) -> Result<String, Outcome> {
    i.fact(fact::BACKUPS_WINDOW_DAYS)
        .map(str::to_owned)
        .ok_or_else(|| not_evaluated(fact_gap(i, fact::READ_BACKUPS, "its backup history")))
}

pub fn full_backups(i: &HealthInput) -> Outcome {
    let days = match backup_window(i) {
        Ok(d) => d,
        Err(o) => return o,
    };
    let dbs = match databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let judged: Vec<&DbView> = dbs
        .iter()
        .filter(|d| d.online() && !matches!(d.name.to_ascii_lowercase().as_str(), "tempdb" | "model"))
        .collect();
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for d in &judged {
        let s = match d.full_backup_age_min {
            None => CheckStatus::Critical,
            Some(m) if m > 7.0 * 1440.0 => CheckStatus::Attention,
            Some(_) => continue,
        };
        status = worse(status, capped(d, s));
        let when =
            d.full_backup_age_min.map_or(format!("none in {days} days"), |m| format!("{} ago", age(m)));
        named.push(format!("{} {when}{}", bracketed(&d.name), ag_note(d)));
    }
    let head = format!(
        "{} of {} databases without a full backup in 7 days (attention; critical with none in {days} days; AG databases at most attention: another replica may take them)",
        named.len(),
        judged.len()
    );
    listed(status, head, &named)
}

pub fn log_backups(i: &HealthInput) -> Outcome {
    if let Err(o) = backup_window(i) {
        return o;
    }
    let dbs = match online_user_databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let logged: Vec<&DbView> = dbs.iter().filter(|d| d.logged_recovery() && !d.read_only).collect();
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for d in logged.iter().filter(|d| d.log_backup_age_min.is_some()) {
        let minutes = d.log_backup_age_min.unwrap_or_default();
        let s = grade(minutes, 60.0, 1440.0);
        if s != CheckStatus::Healthy {
            status = worse(status, capped(d, s));
            named.push(format!("{} {} ago{}", bracketed(&d.name), age(minutes), ag_note(d)));
        }
    }
    let never = logged.iter().filter(|d| d.log_backup_age_min.is_none()).count();
    let head = format!(
        "{} of {} FULL/BULK_LOGGED databases without a log backup in the last hour (attention; critical over 24 h; {never} never log-backed up are the recovery-model check's)",
        named.len(),
        logged.len()
    );
    listed(status, head, &named)
}

pub fn failed_jobs(i: &HealthInput) -> Outcome {
    let Some(outcomes) = i.facts(fact::JOB_LAST_OUTCOME) else {
        return not_evaluated(fact_gap(i, fact::READ_JOBS, ""));
    };
    let outcomes: Vec<(&str, &str)> = outcomes.map(|f| (f.key.as_str(), f.value.as_str())).collect();
    if outcomes.is_empty() && i.metric(ms::FAILED_JOBS, "").is_none() {
        return not_evaluated(fact_gap(i, fact::READ_JOBS, "its Agent job history"));
    }
    let failing: Vec<&str> = outcomes.iter().filter(|(_, o)| *o == "failed").map(|(j, _)| *j).collect();
    let recovered = outcomes.len() - failing.len();
    let status = if failing.iter().any(|j| j.to_ascii_lowercase().contains("backup")) {
        CheckStatus::Critical
    } else if failing.is_empty() {
        CheckStatus::Healthy
    } else {
        CheckStatus::Attention
    };
    let names: Vec<String> = failing.iter().map(|j| bracketed(j)).collect();
    let head = format!(
        "{} Agent jobs failed on their latest run in the last 24 h, {recovered} failed earlier and then succeeded (attention; critical for a backup job)",
        failing.len()
    );
    listed(status, head, &names)
}

pub fn agent_running(i: &HealthInput) -> Outcome {
    let Some(services) = i.facts(fact::SERVICE_STATUS) else {
        return not_evaluated(fact_gap(i, fact::READ_SERVICES, ""));
    };
    let services: Vec<(&str, &str)> = services.map(|f| (f.key.as_str(), f.value.as_str())).collect();
    if services.is_empty() {
        return not_evaluated(fact_gap(i, fact::READ_SERVICES, "its services"));
    }
    let Some((name, status)) =
        services.iter().find(|(n, _)| n.to_ascii_lowercase().starts_with("sql server agent"))
    else {
        return not_evaluated(
            "not applicable: this instance has no SQL Server Agent service (Express edition has none)",
        );
    };
    let running = status.eq_ignore_ascii_case("Running");
    (
        if running { CheckStatus::Healthy } else { CheckStatus::Attention },
        format!(
            "{name} is {status} (attention when not running: scheduled backups and maintenance do not run)"
        ),
    )
}

pub fn availability_groups(i: &HealthInput) -> Outcome {
    let health: Vec<(&str, f64)> = keyed(i, ms::AG_REPLICA_HEALTHY).collect();
    if health.is_empty() {
        return not_evaluated(match setting_text(i, s::IS_HADR_ENABLED) {
            Some("false") => "not applicable: Always On availability groups are not enabled",
            _ => "no Availability Group figures: none is configured, or the medium tier has not run yet",
        });
    }
    let unhealthy: Vec<String> =
        health.iter().filter(|(_, v)| *v < 1.0).map(|(k, _)| format!("{k} not healthy")).collect();
    let mut status = if unhealthy.is_empty() { CheckStatus::Healthy } else { CheckStatus::Critical };
    let queue_kb = keyed(i, ms::AG_REDO_QUEUE_KB)
        .chain(keyed(i, ms::AG_LOG_SEND_QUEUE_KB))
        .map(|(_, v)| v)
        .fold(0.0, f64::max);
    status = worse(status, grade(queue_kb, 1_048_576.0, 10_485_760.0));
    let lag = i.metric(metric::REPLICATION_LAG_S, "");
    status = worse(status, grade(lag.unwrap_or(0.0), 60.0, 600.0));
    let lag = lag.map_or(String::new(), |l| format!(", estimated lag {l:.0} s"));
    let head = format!(
        "{} of {} replicas not healthy, largest queue {:.1} GiB{lag} (critical when a replica is unhealthy; queue attention ≥ 1 GiB, critical ≥ 10 GiB; lag attention ≥ 60 s, critical ≥ 600 s)",
        unhealthy.len(),
        health.len(),
        queue_kb / 1_048_576.0
    );
    listed(status, head, &unhealthy)
}

/// Reasons that keep the log from being truncated (sys.databases.log_reuse_wait_desc).
const HOLDING: [&str; 4] = ["LOG_BACKUP", "ACTIVE_TRANSACTION", "REPLICATION", "AVAILABILITY_REPLICA"];

pub fn log_reuse_wait(i: &HealthInput) -> Outcome {
    let dbs = match databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for d in
        dbs.iter().filter(|d| d.online() && HOLDING.contains(&d.log_reuse_wait.to_ascii_uppercase().as_str()))
    {
        let used = i.metric(ms::LOG_USED_PCT, &d.name);
        let reader_stalled =
            matches!(d.log_reuse_wait.to_ascii_uppercase().as_str(), "REPLICATION" | "AVAILABILITY_REPLICA");
        let s = match used {
            Some(p) if p >= 90.0 => CheckStatus::Critical,
            Some(p) if p >= 50.0 => CheckStatus::Attention,
            None if reader_stalled => CheckStatus::Attention,
            _ => continue,
        };
        status = worse(status, s);
        let used = used.map_or(String::new(), |p| format!(", log {p:.0} % used"));
        named.push(format!("{} {}{used}", bracketed(&d.name), d.log_reuse_wait));
    }
    let head = format!(
        "{} databases whose log cannot be truncated (LOG_BACKUP, ACTIVE_TRANSACTION, REPLICATION, AVAILABILITY_REPLICA) with the log ≥ 50 % used: attention, ≥ 90 % critical; REPLICATION/AVAILABILITY_REPLICA without log figures: attention",
        named.len()
    );
    listed(status, head, &named)
}

pub fn database_state(i: &HealthInput) -> Outcome {
    let dbs = match databases(i) {
        Ok(d) => d,
        Err(why) => return not_evaluated(why),
    };
    let mut status = CheckStatus::Healthy;
    let mut named = Vec::new();
    for d in dbs.iter().filter(|d| !d.online()) {
        let s = match d.state.to_ascii_uppercase().as_str() {
            "SUSPECT" | "RECOVERY_PENDING" | "EMERGENCY" => CheckStatus::Critical,
            _ => CheckStatus::Attention,
        };
        status = worse(status, s);
        named.push(format!("{} {}", bracketed(&d.name), d.state));
    }
    let head = format!(
        "{} of {} databases not ONLINE (critical for SUSPECT, RECOVERY_PENDING, EMERGENCY; attention for OFFLINE, RESTORING, RECOVERING)",
        named.len(),
        dbs.len()
    );
    listed(status, head, &named)
}

pub fn idle_transactions(i: &HealthInput) -> Outcome {
    if let Some(a) = &i.activity {
        let found: Vec<(i64, u64)> = a
            .sessions
            .iter()
            .filter(|s| s.state == SessionState::IdleInTransaction)
            .filter_map(|s| Some((s.id, s.state_ms.or(s.xact_ms)?)))
            .collect();
        return longest("idle open transaction", &found, 300, 3600);
    }
    match i.metric(metric::LONGEST_IDLE_IN_TX_S, "") {
        Some(v) => (
            grade(v, 300.0, 3600.0),
            format!("longest idle open transaction {v:.0} s (attention ≥ 300 s, critical ≥ 3600 s)"),
        ),
        None => not_evaluated(NO_HIGH),
    }
}
