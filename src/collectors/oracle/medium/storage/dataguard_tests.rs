use super::super::database;
use super::*;
use crate::collectors::testing::value;
use crate::collectors::text_rows::from_batch;

const STANDBY_ADG: &str = include_str!("../../fixtures/storage_database_standby_adg_19c.tsv");
const STANDBY_MOUNTED: &str = include_str!("../../fixtures/storage_database_standby_mounted_19c.tsv");
const LAG_45S: &str = include_str!("../../fixtures/storage_dg_stats_standby_19c.tsv");
const LAG_SILENT: &str = include_str!("../../fixtures/storage_dg_stats_standby_silent_23ai.tsv");
const PROCESSES: &str = include_str!("../../fixtures/storage_dg_process_standby_19c.tsv");
const NO_APPLY: &str = include_str!("../../fixtures/storage_dg_process_no_apply_23ai.tsv");
const MANAGED_STANDBY_ROWS: &str = include_str!("../../fixtures/storage_managed_standby_19c.tsv");
const DESTS_19C: &str = include_str!("../../fixtures/storage_archive_dest_primary_19c.tsv");
const DESTS_23AI: &str = include_str!("../../fixtures/storage_archive_dest_primary_23ai.tsv");

fn db(text: &str) -> Database {
    database::parse(&from_batch(text)).unwrap_or_else(|| unreachable!("one row"))
}

#[test]
fn a_physical_standby_45_seconds_behind() {
    let lag = standby_lag(&from_batch(LAG_45S));
    assert_eq!(lag, StandbyLag { transport_s: Some(2.0), apply_s: Some(45.0), datum_age_s: Some(2.0) });
    let apply = apply_state(&from_batch(PROCESSES));
    assert_eq!(apply.mrp.as_deref(), Some("APPLYING_LOG (thread 1, sequence 4411)"));
    assert_eq!(apply.receivers, 2);
    let (body, m) = standby(&db(STANDBY_ADG), Some(&lag), Some(&apply));
    assert_eq!(body.role, ServerRole::Standby);
    assert!(body.replicas.is_empty());
    let receiver = body.receiver.unwrap_or_default();
    assert_eq!(receiver.sender, "ledger_prod");
    assert_eq!((receiver.replay_delay_s, receiver.last_msg_age_s), (Some(45.0), Some(2.0)));
    assert_eq!(
        receiver.status,
        "PHYSICAL STANDBY, READ ONLY WITH APPLY, MAXIMUM PERFORMANCE; redo apply APPLYING_LOG (thread 1, \
         sequence 4411); 2 redo receiver(s); switchover NOT ALLOWED"
    );
    assert_eq!(value(&m, ora::APPLY_LAG_S, ""), Some(45.0));
    assert_eq!(value(&m, metric::REPLICATION_LAG_S, ""), Some(45.0), "the neutral lag is the apply lag");
    assert_eq!(value(&m, ora::TRANSPORT_LAG_S, ""), Some(2.0));
    assert_eq!(value(&m, ora::APPLY_RUNNING, ""), Some(1.0));
    assert_eq!(m.len(), 4);
}

#[test]
fn a_silent_primary_leaves_the_lag_unknown_not_zero() {
    let lag = standby_lag(&from_batch(LAG_SILENT));
    assert_eq!((lag.transport_s, lag.apply_s), (None, None));
    assert_eq!(lag.datum_age_s, Some(600.0), "last heard from ten minutes before");
    let apply = apply_state(&from_batch(NO_APPLY));
    assert_eq!(apply, ApplyState { mrp: None, receivers: 1 });
    let (body, m) = standby(&db(STANDBY_MOUNTED), Some(&lag), Some(&apply));
    let receiver = body.receiver.unwrap_or_default();
    assert!(receiver.status.contains("apply lag unknown; redo apply stopped"), "{}", receiver.status);
    assert_eq!(receiver.replay_delay_s, None);
    assert_eq!(value(&m, ora::APPLY_LAG_S, ""), None);
    assert_eq!(value(&m, metric::REPLICATION_LAG_S, ""), None);
    assert_eq!(value(&m, ora::APPLY_RUNNING, ""), Some(0.0));
}

#[test]
fn the_older_process_view_reads_the_same() {
    let apply = apply_state(&from_batch(MANAGED_STANDBY_ROWS));
    assert_eq!(apply.mrp.as_deref(), Some("WAIT_FOR_GAP (thread 1, sequence 4390)"));
    assert_eq!(apply.receivers, 1);
}

#[test]
fn unreadable_standby_views_give_the_role_without_guesses() {
    let (body, m) = standby(&db(STANDBY_MOUNTED), None, None);
    assert_eq!(body.role, ServerRole::Standby);
    assert_eq!(
        body.receiver.map(|r| r.status).unwrap_or_default(),
        "PHYSICAL STANDBY, MOUNTED, MAXIMUM PERFORMANCE; switchover NOT ALLOWED"
    );
    assert!(m.is_empty(), "no lag and no apply state: nothing, not zeros: {m:?}");
}

#[test]
fn a_primary_with_a_lagging_destination_in_error() {
    let dests = archive_dests(&from_batch(DESTS_19C));
    assert_eq!(dests.len(), 2);
    assert!(dests[0].in_error() && !dests[1].in_error());
    let (body, m) = primary(&dests);
    let body = body.unwrap_or_default();
    assert_eq!(body.role, ServerRole::Primary);
    assert_eq!(body.receiver, None);
    let dr = &body.replicas[0];
    assert_eq!((dr.name.as_str(), dr.client.as_str()), ("ledger_dr", "ledger_dr"));
    assert_eq!(dr.state, "ERROR: ORA-12541: TNS:no listener, RESOLVABLE GAP, IDLE, 31 log(s) not applied");
    assert_eq!(dr.sync_state, "MAXIMUM PERFORMANCE");
    assert_eq!(body.replicas[1].state, "VALID, NO GAP, MANAGED REAL TIME APPLY, 1 log(s) not applied");
    assert_eq!(value(&m, ora::ARCHIVE_DEST_ERRORS, ""), Some(1.0));
    assert_eq!(value(&m, metric::CONNECTED_REPLICAS, ""), Some(1.0));
}

#[test]
fn oracle_23ai_far_sync_and_a_deferred_destination_are_not_errors() {
    let dests = archive_dests(&from_batch(DESTS_23AI));
    assert!(dests.iter().all(|d| !d.in_error()), "{dests:?}");
    assert_eq!(dests[1].name, "orcl_tokyo", "NONE unique name: the destination");
    assert_eq!(dests[0].sequences_behind, None, "a far sync applies nothing");
    let (body, m) = primary(&dests);
    let body = body.unwrap_or_default();
    assert_eq!(body.replicas[0].state, "VALID, LOG SWITCH GAP, IDLE");
    assert_eq!(body.replicas[1].state, "DEFERRED, UNKNOWN");
    assert_eq!(value(&m, ora::ARCHIVE_DEST_ERRORS, ""), Some(0.0));
    assert_eq!(value(&m, metric::CONNECTED_REPLICAS, ""), Some(1.0));
}

#[test]
fn a_primary_without_standby_has_no_body_but_counts_zero_errors() {
    let (body, m) = primary(&[]);
    assert_eq!(body, None);
    assert_eq!(value(&m, ora::ARCHIVE_DEST_ERRORS, ""), Some(0.0));
}
