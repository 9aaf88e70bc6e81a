//! Schema rounds: change detection between two snapshots, a database that fails, reads
//! the server refuses, the order databases are read in, what is carried and said.

use super::*;

#[test]
fn a_table_added_a_column_retyped_an_index_dropped_and_a_body_changed() {
    let old = snapshot();
    assert!(diff(&old, &snapshot(), Timestamp(1)).is_empty(), "same read, no change");
    let new = snapshot_with(|sales| {
        let mut text = sales
            .replace("9\t12\t2\t1\tNULL", "9\t14\t2\t1\tNULL")
            .lines()
            .filter(|l| !l.contains("IX_Orders_Legacy"))
            .collect::<Vec<_>>()
            .join("\n");
        // A body edited with ALTER PROCEDURE hashes differently.
        let place = text.lines().find(|l| l.contains("usp_PlaceOrder")).unwrap_or_default().to_owned();
        let hash = place.split('\t').nth(4).unwrap_or_default().to_owned();
        text = text.replace(&hash, &format!("0x{}", "AB".repeat(32)));
        text.replace("-- sizes\n", "1400000000\tdbo\tRefunds\t0\t0\tNON_TEMPORAL_TABLE\t0\n-- sizes\n")
    });
    let changes = diff(&old, &new, Timestamp(1));
    let mut seen: Vec<(&str, &str, ChangeKind, &str)> = changes
        .iter()
        .map(|c| (c.object_type.as_str(), c.object.as_str(), c.change, c.detail.as_str()))
        .collect();
    seen.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let place = routine(schema(&old, "Sales", "dbo"), "usp_PlaceOrder").definition_hash.clone();
    let placed = routine(schema(&new, "Sales", "dbo"), "usp_PlaceOrder").definition_hash.clone();
    let body = format!("definition: {place} → {placed}");
    assert_eq!(
        seen,
        [
            ("column", "Orders.Total", ChangeKind::Modified, "type: decimal(12,2) → decimal(14,2)"),
            ("index", "Orders.IX_Orders_Legacy", ChangeKind::Removed, ""),
            ("procedure", "usp_PlaceOrder()", ChangeKind::Modified, body.as_str()),
            ("table", "Refunds", ChangeKind::Added, ""),
        ]
    );
    assert!(changes.iter().all(|c| c.database == "Sales" && c.schema == "dbo"));
}

#[test]
fn a_database_that_failed_is_an_error_not_a_removal() {
    let old = snapshot();
    let mut reads = reads_with(str::to_owned);
    for db in reads.databases.iter_mut().filter(|d| d.entry.name == "Sales") {
        db.error = Some("columns: gave up waiting for a lock (LOCK_TIMEOUT)".into());
    }
    let failed = build(&reads).0;
    let sales = failed.databases.iter().find(|d| d.name == "Sales");
    assert!(sales.is_some_and(|d| d.schemas.is_empty() && d.size_bytes.is_none() && d.error.is_some()));
    assert!(diff(&old, &failed, Timestamp(1)).is_empty());
}

#[test]
fn without_server_state_nothing_is_called_unused() {
    let mut reads = reads_with(str::to_owned);
    reads.missing = None;
    for db in &mut reads.databases {
        db.replies.remove(q::INDEX_USAGE);
    }
    let s = build(&reads).0;
    let indexes =
        s.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables).flat_map(|t| &t.indexes);
    assert!(indexes.clone().all(|i| !i.unused && i.scans.is_none()));
    assert!(indexes.clone().any(|i| i.duplicate_of.is_some()), "duplicates need no usage");
    assert!(table(&s, "Orders").suggested_indexes.is_empty() && table(&s, "Orders").seq_scans.is_none());
}

#[test]
fn rounds_resume_after_the_last_database_read() {
    let list = || schema_parse::databases(&from_batch(DATABASES));
    let names = |l: Vec<DatabaseEntry>| l.into_iter().map(|d| d.name).collect::<Vec<_>>();
    assert_eq!(names(rotation(list(), None))[0], "Archive");
    assert_eq!(names(rotation(list(), Some("Maint"))), [HOSTILE, "Reporting", "Sales", "Archive", "Maint"]);
    assert_eq!(names(rotation(list(), Some("Zebra")))[0], "Archive", "past the end: from the start");
    assert_eq!(sample(&names(list())), "Archive, Maint, Ops]; DROP DATABASE Sales; -- and 2 more");
}

#[test]
fn the_round_budget_stays_inside_the_schedulers_deadline() {
    let target = TargetConfig { query_timeout: Duration::from_secs(5), ..Default::default() };
    assert_eq!(round_budget(&target), Duration::from_secs(96));
    // A statement started at the budget's end may run a query timeout (and the
    // driver's 2 s) longer, and must still end before the scheduler cancels the round.
    for seconds in [1, 5, 30, 120] {
        let target = TargetConfig { query_timeout: Duration::from_secs(seconds), ..Default::default() };
        use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
        let cancel = schema_round_timeout(default_round_timeout(target.query_timeout));
        assert!(round_budget(&target) + target.query_timeout + Duration::from_secs(2) < cancel, "{seconds}");
    }
}

fn collector() -> MssqlCollector {
    MssqlCollector::new(&TargetConfig::default())
}

#[test]
fn databases_not_reached_keep_their_previous_read() {
    let mut c = collector();
    c.previous_schema = Some(snapshot());
    let mut reads = reads_with(str::to_owned);
    let entries: Vec<DatabaseEntry> = reads.databases.drain(3..).map(|d| d.entry).collect();
    let fresh = DatabaseEntry { id: 12, name: "Zeta".into(), ..Default::default() };
    let mut partial = build(&reads).0;
    let mut problems = Vec::new();
    c.carry_unreached(&mut partial, entries.into_iter().chain([fresh]).collect(), &mut problems);
    let names: Vec<&str> = partial.databases.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Archive", "Maint", HOSTILE, "Reporting", "Sales", "Zeta"]);
    let sales = partial.databases.iter().find(|d| d.name == "Sales");
    assert_eq!(sales, snapshot().databases.iter().find(|d| d.name == "Sales"), "last round's read");
    assert!(partial.databases[5].error.as_deref().is_some_and(|e| e.contains("not read yet")));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("schema: 3 of 6 databases not read this round"), "{}", problems[0]);
    let Some(previous) = c.previous_schema.clone() else { unreachable!() };
    let changes = diff(&previous, &partial, Timestamp(1));
    assert!(changes.iter().all(|c| c.database == "Zeta"), "carried databases show no change: {changes:?}");
}

#[test]
fn permission_notes_are_said_once_per_connection() {
    let mut c = collector();
    let hidden = Hidden { modules: 2, databases: vec![HOSTILE.to_owned()] };
    let refused: Refused = [("table sizes", vec![HOSTILE.to_owned()])].into_iter().collect();
    let mut first = Vec::new();
    c.tell(&hidden, &refused, &mut first);
    assert_eq!(first.len(), 2, "{first:?}");
    assert!(
        first[0].contains("GRANT VIEW ANY DEFINITION") && first[0].contains("2 view, routine and trigger")
    );
    assert!(first[1].starts_with("table sizes: refused in 1 database (Ops]; DROP DATABASE Sales; --)"));
    let mut again = Vec::new();
    c.tell(&hidden, &refused, &mut again);
    assert!(again.is_empty());
    crate::collectors::Collector::disconnect(&mut c);
    c.tell(&hidden, &refused, &mut again);
    assert_eq!(again, first, "a new connection says it again");
}

#[tokio::test]
async fn without_a_connection_the_round_is_a_lost_connection() {
    let mut c = collector();
    assert!(c.collect_schema().await.is_err_and(|e| e.is_disconnect()));
}
