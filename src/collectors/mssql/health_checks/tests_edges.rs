//! Edges: refusals, partial permissions, not-applicable cases and threshold boundaries,
//! and the low tier's fixtures parsed and judged end to end.

use super::tests::{database, input, login, metrics, pf, run, setting};
use super::{fact, setting as s};
use crate::collectors::mssql::metric as ms;
use crate::collectors::mssql::rows::from_batch;
use crate::collectors::mssql::{posture, posture_access};
use crate::health::HealthInput;
use crate::model::{CheckStatus, PostureFact};

fn gap(o: &(CheckStatus, String)) -> String {
    match &o.0 {
        CheckStatus::NotEvaluated(r) => r.clone(),
        other => format!("evaluated: {other:?} {}", o.1),
    }
}

/// The healthy input with its posture facts edited.
fn with_posture(edit: impl Fn(&mut Vec<PostureFact>)) -> HealthInput {
    let mut i = input(true);
    if let Some(p) = i.posture.as_mut() {
        edit(p);
    }
    i
}

fn with_setting(name: &str, value: &str) -> HealthInput {
    let mut i = input(true);
    if let Some(list) = i.settings.as_mut() {
        list.retain(|x| x.name != name);
        list.push(setting(name, value));
    }
    i
}

#[test]
fn refused_reads_say_why_and_never_pass() {
    let i = with_posture(|p| {
        p.retain(|f| f.name != fact::BACKUPS_WINDOW_DAYS && f.name != fact::JOB_LAST_OUTCOME);
        p.push(pf(
            fact::UNAVAILABLE,
            fact::READ_BACKUPS,
            "backup history: permission denied; GRANT SELECT ON dbo.backupset",
        ));
        p.push(pf(fact::UNAVAILABLE, fact::READ_JOBS, "agent jobs: permission denied"));
    });
    let mut i = i;
    i.metrics.retain(|(n, _), _| n != ms::FAILED_JOBS);
    for id in ["mssql.full_backups", "mssql.log_backups", "mssql.recovery_without_log_backups"] {
        assert!(gap(&run(&i, id)).contains("GRANT SELECT ON dbo.backupset"), "{id}: {:?}", run(&i, id));
    }
    assert_eq!(gap(&run(&i, "mssql.failed_jobs")), "agent jobs: permission denied");
}

#[test]
fn without_view_any_definition_login_lists_are_not_judged_but_sa_is() {
    let i = with_posture(|p| {
        p.retain(|f| f.name != fact::PERMISSION);
        p.push(pf(fact::PERMISSION, fact::VIEW_ANY_DEFINITION, "false"));
    });
    for id in
        ["mssql.sysadmin_members", "mssql.password_policy", "mssql.weak_passwords", "mssql.orphaned_users"]
    {
        assert!(gap(&run(&i, id)).contains("GRANT VIEW ANY DEFINITION"), "{id}: {:?}", run(&i, id));
    }
    assert_eq!(run(&i, "mssql.sa_login").0, CheckStatus::Healthy, "sa is visible to every login");
}

#[test]
fn hidden_password_hashes_are_a_gap_and_no_sql_logins_is_fine() {
    let hidden = with_posture(|p| {
        p.retain(|f| f.name != fact::LOGIN_EMPTY_PASSWORD && f.name != fact::LOGIN_PASSWORD_IS_NAME);
        p.push(pf(fact::UNAVAILABLE, fact::READ_PASSWORDS, "comparing them needs CONTROL SERVER"));
    });
    assert!(gap(&run(&hidden, "mssql.weak_passwords")).contains("CONTROL SERVER"));
    let windows_only = with_posture(|p| {
        let sql: Vec<String> = p
            .iter()
            .filter(|f| f.name == fact::LOGIN_TYPE && f.value == "SQL_LOGIN")
            .map(|f| f.key.clone())
            .collect();
        p.retain(|f| !(f.name.starts_with("login.") && sql.contains(&f.key)));
    });
    assert_eq!(run(&windows_only, "mssql.weak_passwords").0, CheckStatus::Healthy);
    // A disabled login with an empty password is attention, not critical.
    let disabled = with_posture(|p| p.extend(login("old", "SQL_LOGIN", true, false, true, Some(true))));
    assert_eq!(run(&disabled, "mssql.weak_passwords").0, CheckStatus::Attention);
}

#[test]
fn sa_renamed_or_windows_only_is_attention() {
    let renamed = with_posture(|p| {
        p.retain(|f| !(f.key == "sa" || f.name == fact::SA_NAME));
        p.push(pf(fact::SA_NAME, "", "root_admin"));
        p.extend(login("root_admin", "SQL_LOGIN", false, true, true, Some(false)));
    });
    let (status, evidence) = run(&renamed, "mssql.sa_login");
    assert_eq!(status, CheckStatus::Attention, "{evidence}");
    assert!(evidence.contains("[root_admin] (renamed), enabled"), "{evidence}");
    let mut windows_enabled = with_posture(|p| {
        p.retain(|f| f.key != "sa");
        p.extend(login("sa", "SQL_LOGIN", false, true, true, Some(false)));
    });
    assert_eq!(
        run(&windows_enabled, "mssql.sa_login").0,
        CheckStatus::Attention,
        "Windows only: not reachable yet"
    );
    windows_enabled.settings = Some(vec![setting(s::AUTHENTICATION, "Mixed")]);
    assert_eq!(run(&windows_enabled, "mssql.sa_login").0, CheckStatus::Critical);
}

#[test]
fn memory_parallelism_and_clr_boundaries() {
    let check = |name: &str, value: &str, id: &str| run(&with_setting(name, value), id).0;
    assert_eq!(
        check(s::MAX_SERVER_MEMORY_MB, "70000", "mssql.max_server_memory"),
        CheckStatus::Critical,
        "above RAM"
    );
    assert_eq!(
        check(s::MAX_SERVER_MEMORY_MB, "62000", "mssql.max_server_memory"),
        CheckStatus::Attention,
        "3.5 GiB left < 4 GiB"
    );
    assert_eq!(
        check(s::MAX_SERVER_MEMORY_MB, "61440", "mssql.max_server_memory"),
        CheckStatus::Healthy,
        "4 GiB left"
    );
    assert_eq!(check(s::MAXDOP, "0", "mssql.maxdop"), CheckStatus::Attention);
    assert_eq!(check(s::NUMA_NODES, "4", "mssql.maxdop"), CheckStatus::Attention, "8 > 4 CPUs per node");
    assert_eq!(check(s::COST_THRESHOLD, "6", "mssql.cost_threshold"), CheckStatus::Healthy);
    let mut clr_2016 = with_setting(s::CLR_ENABLED, "1");
    if let Some(list) = clr_2016.settings.as_mut() {
        list.retain(|x| x.name != s::CLR_STRICT_SECURITY);
    }
    assert_eq!(run(&clr_2016, "mssql.clr_security").0, CheckStatus::Attention);
    assert_eq!(check(s::CLR_ENABLED, "1", "mssql.clr_security"), CheckStatus::Healthy, "strict security on");
    let mut no_ram = input(true);
    if let Some(list) = no_ram.settings.as_mut() {
        list.retain(|x| x.name != s::PHYSICAL_MEMORY_MB && x.name != s::CPU_COUNT);
    }
    assert_eq!(run(&no_ram, "mssql.max_server_memory").0, CheckStatus::Healthy);
    assert!(gap(&run(&no_ram, "mssql.maxdop")).contains("CPU count"));
    // PLE with max server memory 56 GiB: 4200 s expected; a quarter is 1050.
    let ple = |v: f64| {
        let mut i = input(true);
        i.metrics.insert((ms::PAGE_LIFE_EXPECTANCY_S.into(), String::new()), v);
        run(&i, "mssql.page_life_expectancy").0
    };
    assert_eq!(
        (ple(4200.0), ple(4199.0), ple(1049.0)),
        (CheckStatus::Healthy, CheckStatus::Attention, CheckStatus::Critical)
    );
}

#[test]
fn rates_need_enough_traffic_and_waits_judge_locks_and_io_only() {
    let mut quiet = input(false);
    quiet.metrics.insert((ms::BATCH_REQUESTS_PER_S.into(), String::new()), 5.0);
    assert!(gap(&run(&quiet, "mssql.compilations")).contains("too few batches"));
    let mut cpu = input(true);
    cpu.metrics = metrics(&[(ms::WAIT_MS_PER_S, "Other", 50_000.0), (ms::WAIT_MS_PER_S, "IO", 2_000.0)]);
    assert_eq!(run(&cpu, "mssql.dominant_wait").0, CheckStatus::Healthy, "Other on top is not judged");
    cpu.metrics = metrics(&[(ms::WAIT_MS_PER_S, "IO", 2_000.0)]);
    assert_eq!(run(&cpu, "mssql.dominant_wait").0, CheckStatus::Attention);
    let mut reports = input(true);
    reports.metrics.insert((ms::DEADLOCK_REPORTS.into(), String::new()), 2.0);
    assert_eq!(run(&reports, "mssql.deadlocks").0, CheckStatus::Attention, "reports without a rate");
}

#[test]
fn availability_groups_and_backups_of_ag_databases() {
    let mut plain = with_setting(s::IS_HADR_ENABLED, "false");
    plain.metrics.retain(|(n, _), _| !n.starts_with("ag_"));
    assert!(gap(&run(&plain, "mssql.availability_groups")).starts_with("not applicable"));
    let mut lagging = input(true);
    lagging.metrics.insert((ms::AG_LOG_SEND_QUEUE_KB.into(), "ag1/sql2/Sales".into()), 2_000_000.0);
    assert_eq!(run(&lagging, "mssql.availability_groups").0, CheckStatus::Attention, "queue ≥ 1 GiB");
    let ag = with_posture(|p| {
        p.retain(|f| f.key != "Reports");
        p.extend(database("Reports", "ONLINE", "SIMPLE", true, (None, None)));
        p.retain(|f| !(f.key == "Reports" && f.name == fact::DB_IN_AVAILABILITY_GROUP));
        p.push(pf(fact::DB_IN_AVAILABILITY_GROUP, "Reports", "true"));
    });
    let (status, evidence) = run(&ag, "mssql.full_backups");
    assert_eq!(status, CheckStatus::Attention, "another replica may back it up: {evidence}");
    assert!(evidence.contains("[Reports] none in 30 days (AG)"), "{evidence}");
}

#[test]
fn log_truncation_is_judged_with_the_logs_fill() {
    let wait = |reason: &str, used: Option<f64>| {
        let mut i = with_posture(|p| {
            p.retain(|f| !(f.key == "Sales" && f.name == fact::DB_LOG_REUSE_WAIT));
            p.push(pf(fact::DB_LOG_REUSE_WAIT, "Sales", reason));
        });
        i.metrics.retain(|(n, _), _| n != ms::LOG_USED_PCT);
        if let Some(u) = used {
            i.metrics.insert((ms::LOG_USED_PCT.into(), "Sales".into()), u);
        }
        run(&i, "mssql.log_reuse_wait").0
    };
    assert_eq!(wait("LOG_BACKUP", Some(30.0)), CheckStatus::Healthy, "normal between log backups");
    assert_eq!(wait("LOG_BACKUP", None), CheckStatus::Healthy);
    assert_eq!(wait("LOG_BACKUP", Some(60.0)), CheckStatus::Attention);
    assert_eq!(wait("AVAILABILITY_REPLICA", None), CheckStatus::Attention, "a stalled reader");
    assert_eq!(wait("CHECKPOINT", Some(95.0)), CheckStatus::Healthy, "not a holding reason");
}

#[test]
fn tde_halfway_query_store_read_only_and_agentless_instances() {
    let halfway = with_posture(|p| p.push(pf(fact::DB_TDE_STATE, "Sales", "encrypted")));
    let (status, evidence) = run(&halfway, "mssql.tde");
    assert_eq!(status, CheckStatus::Attention, "{evidence}");
    assert!(evidence.contains("— [Reports]"), "the unencrypted one is named: {evidence}");
    let mut read_only = input(true);
    read_only.metrics.insert((ms::QUERY_STORE_READ_WRITE.into(), "Sales".into()), 0.0);
    assert!(run(&read_only, "mssql.query_store").1.contains("[Sales] read-only"));
    let express = with_posture(|p| {
        p.retain(|f| !f.key.starts_with("SQL Server Agent"));
        p.push(pf(fact::SERVICE_STATUS, "SQL Server (SQLEXPRESS)", "Running"));
    });
    assert!(gap(&run(&express, "mssql.agent_running")).contains("no SQL Server Agent"));
}

#[test]
fn schema_edges_uptime_and_unknown_clustering() {
    let young = with_setting(s::UPTIME_S, "86400");
    assert!(gap(&run(&young, "mssql.unused_indexes")).contains("only 1.0 days"));
    let mut plain = input(false);
    if let Some(snap) = plain.schema.as_mut().map(std::sync::Arc::make_mut) {
        for t in
            snap.databases.iter_mut().flat_map(|d| d.schemas.iter_mut()).flat_map(|s| s.tables.iter_mut())
        {
            for x in &mut t.indexes {
                x.definition.clear();
            }
        }
    }
    assert!(gap(&run(&plain, "mssql.heaps")).contains("clustered"));
    assert_eq!(run(&plain, "mssql.disabled_indexes").0, CheckStatus::Attention, "not known to be clustered");
}

/// The fixtures of the low tier, parsed as the collector does, then judged: the facts
/// and settings the parsers write are the ones the checks read.
#[test]
fn the_low_tiers_fixtures_feed_the_checks() {
    let rows = |text: &str| from_batch(text);
    let mut settings = posture::configurations(&rows(include_str!("../fixtures/low_configurations.tsv")));
    let server = rows(include_str!("../fixtures/low_server_properties.tsv"));
    settings.extend(posture::server_properties(&server));
    settings.extend(posture::sys_info(&rows(include_str!("../fixtures/low_sys_info.tsv"))));
    let mut facts = posture::permissions(&server);
    facts.extend(posture::databases(&rows(include_str!("../fixtures/low_databases.tsv"))));
    posture_access::logins(&Ok(rows(include_str!("../fixtures/low_logins.tsv"))), &mut facts);
    posture::tde(&Ok(rows(include_str!("../fixtures/low_tde.tsv"))), &mut facts);
    posture::backups(&Ok(rows(include_str!("../fixtures/low_backups.tsv"))), &mut facts);
    posture_access::services(&Ok(rows(include_str!("../fixtures/low_services.tsv"))), &mut facts);
    let orphans = vec![("Sales".to_owned(), Ok(rows(include_str!("../fixtures/low_orphaned_users.tsv"))))];
    posture_access::orphans(&orphans, 0, &mut facts);
    let failed =
        posture_access::failed_jobs(&Ok(rows(include_str!("../fixtures/low_failed_jobs.tsv"))), &mut facts);
    let i = HealthInput {
        settings: Some(settings),
        posture: Some(facts),
        metrics: failed.into_iter().map(|m| ((m.name, m.key), m.value)).collect(),
        ..Default::default()
    };
    use CheckStatus::{Attention, Critical, Healthy};
    let expected = [
        ("mssql.sa_login", Healthy),
        ("mssql.sysadmin_members", Critical),
        ("mssql.password_policy", Attention),
        ("mssql.weak_passwords", Critical),
        ("mssql.xp_cmdshell", Healthy),
        ("mssql.clr_security", Healthy),
        ("mssql.authentication_mode", Attention),
        ("mssql.orphaned_users", Attention),
        ("mssql.tde", Critical),
        ("mssql.trustworthy", Critical),
        ("mssql.service_accounts", Healthy),
        ("mssql.max_server_memory", Attention),
        ("mssql.maxdop", Attention),
        ("mssql.cost_threshold", Attention),
        ("mssql.auto_close_shrink", Attention),
        ("mssql.page_verify", Attention),
        ("mssql.compatibility_level", Attention),
        ("mssql.recovery_without_log_backups", Attention),
        ("mssql.full_backups", Attention),
        ("mssql.log_backups", Healthy),
        ("mssql.failed_jobs", Critical),
        ("mssql.agent_running", Attention),
        ("mssql.database_state", Critical),
    ];
    for (id, want) in expected {
        let got = run(&i, id);
        assert_eq!(got.0, want, "{id}: {}", got.1);
    }
    assert!(
        run(&i, "mssql.trustworthy").1.ends_with("— [legacy_app] owned by [dba_root]"),
        "msdb is not judged"
    );
    assert!(
        run(&i, "mssql.page_verify").1.ends_with("— [legacy_app] TORN_PAGE_DETECTION"),
        "SUSPECT staging is not read"
    );
    assert!(
        run(&i, "mssql.database_state").1.contains("[archive]]; DROP TABLE x; --] OFFLINE"),
        "{}",
        run(&i, "mssql.database_state").1
    );
}
