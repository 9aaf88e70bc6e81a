//! Every check on hand-built inputs (`test_input.rs`): a healthy SQL Server 2022, one
//! with every problem, nothing collected; the edges are in `tests_edges.rs`.

use super::CHECKS;
pub use super::test_input::*;
use crate::health::{HealthInput, evaluate_with};
use crate::model::*;

pub fn run(input: &HealthInput, id: &str) -> (CheckStatus, String) {
    crate::health::testing::run(CHECKS, input, id)
}

#[test]
fn catalogue_ids_are_unique_and_cover_the_areas() {
    crate::health::testing::assert_catalogue(CHECKS, "mssql.", 22, "sqlserver");
}

#[test]
fn every_check_is_healthy_on_a_healthy_server() {
    for c in evaluate_with(CHECKS, &input(true)).checks {
        assert_eq!(c.status, CheckStatus::Healthy, "{}: {}", c.id, c.evidence);
    }
}

#[test]
fn every_check_flags_a_bad_server() {
    use CheckStatus::{Attention, Critical};
    let report = evaluate_with(CHECKS, &input(false));
    let expected = [
        ("mssql.sa_login", Critical),
        ("mssql.sysadmin_members", Critical),
        ("mssql.password_policy", Attention),
        ("mssql.weak_passwords", Critical),
        ("mssql.xp_cmdshell", Attention),
        ("mssql.clr_security", Critical),
        ("mssql.ole_automation", Attention),
        ("mssql.surface_area", Attention),
        ("mssql.authentication_mode", Attention),
        ("mssql.orphaned_users", Attention),
        ("mssql.tde", Critical),
        ("mssql.trustworthy", Critical),
        ("mssql.service_accounts", Attention),
        ("mssql.max_server_memory", Attention),
        ("mssql.maxdop", Attention),
        ("mssql.cost_threshold", Attention),
        ("mssql.optimize_for_ad_hoc", Attention),
        ("mssql.auto_close_shrink", Attention),
        ("mssql.page_verify", Critical),
        ("mssql.compatibility_level", Attention),
        ("mssql.query_store", Attention),
        ("mssql.recovery_without_log_backups", Attention),
        ("mssql.page_life_expectancy", Critical),
        ("mssql.memory_grants_pending", Critical),
        ("mssql.buffer_cache_hit", Critical),
        ("mssql.compilations", Critical),
        ("mssql.deadlocks", Critical),
        ("mssql.dominant_wait", Critical),
        ("mssql.log_space", Critical),
        ("mssql.long_requests", Critical),
        ("mssql.blocking", Critical),
        ("mssql.full_backups", Critical),
        ("mssql.log_backups", Critical),
        ("mssql.failed_jobs", Critical),
        ("mssql.agent_running", Attention),
        ("mssql.availability_groups", Critical),
        ("mssql.log_reuse_wait", Critical),
        ("mssql.database_state", Critical),
        ("mssql.idle_transactions", Critical),
        ("mssql.heaps", Attention),
        ("mssql.tables_without_pk", Attention),
        ("mssql.unused_indexes", Attention),
        ("mssql.duplicate_indexes", Attention),
        ("mssql.fk_without_index", Attention),
        ("mssql.missing_indexes", Attention),
        ("mssql.identity_exhaustion", Critical),
        ("mssql.disabled_indexes", Critical),
    ];
    assert_eq!(expected.len(), CHECKS.len(), "every check has an expectation");
    for (id, want) in expected {
        let got = report.checks.iter().find(|c| c.id == id);
        assert_eq!(got.map(|c| &c.status), Some(&want), "{id}: {:?}", got.map(|c| &c.evidence));
    }
    let e = |id: &str| run(&input(false), id).1;
    assert!(
        e("mssql.sysadmin_members").contains("[BUILTIN\\Administrators]"),
        "{}",
        e("mssql.sysadmin_members")
    );
    assert!(!e("mssql.sysadmin_members").contains("SQLSERVERAGENT"), "service SIDs are expected");
    assert!(e("mssql.weak_passwords").contains("[app] empty"), "{}", e("mssql.weak_passwords"));
    assert!(e("mssql.orphaned_users").contains("[Sales].[old_app]"), "{}", e("mssql.orphaned_users"));
    assert!(e("mssql.full_backups").contains("[Legacy] none in 30 days"), "{}", e("mssql.full_backups"));
    assert!(e("mssql.log_backups").contains("[Sales] 33.3 h ago"), "{}", e("mssql.log_backups"));
    assert!(e("mssql.blocking").contains("SPID 53 behind 52"), "{}", e("mssql.blocking"));
    assert!(
        e("mssql.page_life_expectancy").contains("expected ≥ 4800 s"),
        "{}",
        e("mssql.page_life_expectancy")
    );
    assert!(
        e("mssql.identity_exhaustion").contains("Sales.dbo.Orders.Id 98 %"),
        "{}",
        e("mssql.identity_exhaustion")
    );
    assert!(
        e("mssql.log_reuse_wait").contains("[Sales] ACTIVE_TRANSACTION, log 96 % used"),
        "{}",
        e("mssql.log_reuse_wait")
    );
    assert!(
        e("mssql.query_store").contains("[Legacy] off") || e("mssql.query_store").contains("[Sales] off")
    );
}

#[test]
fn nothing_collected_is_never_healthy() {
    let report = evaluate_with(CHECKS, &HealthInput::default());
    for c in &report.checks {
        assert!(
            matches!(&c.status, CheckStatus::NotEvaluated(r) if !r.is_empty()),
            "{}: {:?}",
            c.id,
            c.status
        );
    }
    assert_eq!(report.overall, None);
}
