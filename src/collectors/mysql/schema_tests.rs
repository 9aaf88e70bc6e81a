//! Schema tier unit tests: the whole mapping on MariaDB 10.11 and MySQL 8.0 fixtures,
//! change detection between two snapshots, failed databases, what is said once. (The
//! live ones belong to tests/integration.)

use super::*;
use crate::collectors::mysql::rows::from_batch;
use crate::collectors::mysql::schema_fixtures::{
    self as fx, MARIADB_COLUMNS, MARIADB_INDEXES, MARIADB_TABLES,
};
use crate::collectors::schema_diff::diff;
use crate::collectors::schema_indexes::fnv64;
use crate::model::{ChangeKind, IndexInfo, TableInfo, TableKind};

fn snapshot(reads: &Reads) -> SchemaSnapshot {
    schema_parse::build(reads).0
}

fn table<'a>(s: &'a SchemaSnapshot, name: &str) -> &'a TableInfo {
    let tables = s.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables);
    tables.clone().find(|t| t.name == name).unwrap_or_else(|| unreachable!("no table {name}"))
}

fn index<'a>(t: &'a TableInfo, name: &str) -> &'a IndexInfo {
    t.indexes.iter().find(|i| i.name == name).unwrap_or_else(|| unreachable!("no index {name}"))
}

#[test]
fn mariadb_tables_columns_and_sizes() {
    let s = snapshot(&fx::mariadb());
    let db = &s.databases[0];
    assert_eq!((db.name.as_str(), db.error.as_deref(), db.size_bytes), ("shop", None, Some(197_632)));
    let schema = &db.schemas[0];
    assert_eq!(schema.name, "shop");
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["customers", "legacy", "orders", "parts", "tiny"], "views are not tables");
    let parts = table(&s, "parts");
    assert_eq!(parts.kind, TableKind::Partitioned);
    assert_eq!(index(parts, "PRIMARY").size_bytes, 4 * 16_384, "partitions summed");
    let orders = table(&s, "orders");
    assert_eq!((orders.table_bytes, orders.index_bytes, orders.total_bytes), (16_384, 32_768, 49_152));
    assert_eq!((orders.bloat_bytes, orders.storage_engine.as_str()), (Some(4_194_304), "InnoDB"));
    assert_eq!(orders.last_autoanalyze_ms, Some(1_764_993_600_000), "the newest statistics of its indexes");
    assert_eq!(table(&s, "customers").last_autoanalyze_ms, None);
    let customers = table(&s, "customers");
    assert_eq!(customers.row_estimate, Some(2.0));
    let defaults: Vec<(&str, Option<&str>)> =
        customers.columns.iter().map(|c| (c.name.as_str(), c.default.as_deref())).collect();
    assert_eq!(
        defaults,
        [
            ("id", None),
            ("email", None),
            ("name", Some("'anon'")),
            ("note", None),
            ("created", Some("current_timestamp()"))
        ]
    );
    assert!(!customers.columns[0].nullable && customers.columns[2].nullable);
    assert_eq!(orders.columns[4].default.as_deref(), Some("AS (`total` * 2) VIRTUAL"));
    let legacy = table(&s, "legacy");
    assert_eq!(legacy.storage_engine, "MyISAM");
    assert!(!legacy.has_primary_key && customers.has_primary_key);
    let v = index(legacy, "v");
    assert_eq!((v.scans, v.unused, v.size_bytes), (None, false, 0), "no usage row: unknown, not unused");
}

#[test]
fn mariadb_index_findings_and_constraints() {
    let s = snapshot(&fx::mariadb());
    let customers = table(&s, "customers");
    assert_eq!(customers.indexes[0].name, "PRIMARY");
    let name = index(customers, "idx_name");
    assert!(name.unused);
    assert_eq!(
        (name.redundant_with.as_deref(), name.duplicate_of.as_deref()),
        (Some("idx_name_email"), None)
    );
    let copy = index(customers, "idx_name_copy");
    assert_eq!(copy.duplicate_of.as_deref(), Some("idx_name"));
    assert_eq!(copy.definition, "KEY idx_name_copy (name) IGNORED");
    let wide = index(customers, "idx_name_email");
    assert_eq!(
        (wide.columns.clone(), wide.definition.as_str()),
        (vec!["name".into(), "email".into()], "KEY idx_name_email (name,email)")
    );
    assert!(!wide.unused && wide.redundant_with.is_none() && wide.scans == Some(5));
    let note = index(customers, "idx_note");
    assert_eq!(note.definition, "KEY idx_note (note(20))");
    assert!(note.redundant_with.is_none());
    let email = index(customers, "uq_email");
    assert!(email.unique && !email.unused && email.definition == "UNIQUE KEY uq_email (email)");
    let constraints: Vec<(&str, &str)> =
        customers.constraints.iter().map(|c| (c.name.as_str(), c.definition.as_str())).collect();
    assert_eq!(
        constraints,
        [
            ("PRIMARY", "PRIMARY KEY (id)"),
            ("uq_email", "UNIQUE (email)"),
            ("chk_name", "CHECK (`name` <> '')")
        ]
    );

    let orders = table(&s, "orders");
    let fk_index = index(orders, "fk_customer");
    assert!(!fk_index.unused, "the only index of a foreign key cannot be dropped");
    assert!(index(orders, "idx_status_desc").unused);
    assert_eq!(index(orders, "idx_status_desc").definition, "KEY idx_status_desc (status DESC)");
    let fk = &orders.foreign_keys[0];
    assert_eq!((fk.references.as_str(), fk.has_index), ("shop.customers", true));
    let fk_constraint =
        orders.constraints.iter().find(|c| c.name == "fk_customer").map(|c| c.definition.as_str());
    assert_eq!(
        fk_constraint,
        Some("FOREIGN KEY (customer_id) REFERENCES shop.customers (id) ON DELETE CASCADE")
    );
}

#[test]
fn mariadb_sequences_views_and_routines() {
    let (s, hidden) = schema_parse::build(&fx::mariadb());
    assert_eq!(hidden, Hidden::default());
    let schema = &s.databases[0].schemas[0];
    let seqs: Vec<(&str, Option<i64>, i64)> =
        schema.sequences.iter().map(|q| (q.name.as_str(), q.last_value, q.max_value)).collect();
    assert_eq!(
        seqs,
        [
            ("customers.id", Some(2), 4_294_967_295),
            ("orders.id", None, i64::MAX),
            ("tiny.id", Some(121), 127)
        ]
    );
    let tiny = schema.sequences[2].pct_used.unwrap_or_default();
    assert!((tiny - 121.0 / 127.0 * 100.0).abs() < 1e-9, "{tiny}");
    assert_eq!(schema.views[0].name, "big_orders");
    assert_eq!(schema.views[0].definition_hash, fnv64(&from_batch(fx::MARIADB_VIEWS)[0].text("definition")));
    let functions: Vec<(&str, &str, &str, &str)> = schema
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.arguments.as_str(), f.returns.as_str(), f.language.as_str()))
        .collect();
    assert_eq!(
        functions,
        [
            ("add_one", "x int(11)", "int(11)", "sql"),
            ("noop", "IN a int(11), OUT b varchar(10)", "procedure", "sql"),
            ("orders_bi", "", "BEFORE INSERT ON orders", "trigger"),
            ("purge_old", "", "EVERY 1 HOUR, DISABLED", "event"),
        ]
    );
    assert!(schema.functions.iter().all(|f| f.definition_hash.len() == 16));
}

#[test]
fn mysql8_shapes() {
    let (s, hidden) = schema_parse::build(&fx::mysql8());
    assert_eq!(hidden, Hidden { views: 1, routines: 1 });
    let reports = &s.databases[1];
    assert_eq!(
        (reports.name.as_str(), reports.size_bytes, reports.schemas[0].tables.len()),
        ("reports", Some(0), 0)
    );
    let invoices = table(&s, "invoices");
    let defaults: Vec<Option<&str>> = invoices.columns.iter().map(|c| c.default.as_deref()).collect();
    assert_eq!(
        defaults,
        [
            None,
            None,
            Some("draft"),
            Some("CURRENT_TIMESTAMP"),
            None,
            Some("AS ((`amount_cents` / 100)) STORED")
        ]
    );
    let lower = index(invoices, "idx_email_lower");
    assert_eq!(lower.columns, ["(lower(`customer_email`))"]);
    assert_eq!(lower.definition, "KEY idx_email_lower ((lower(`customer_email`)))");
    assert!(lower.redundant_with.is_none() && lower.duplicate_of.is_none() && !lower.unused);
    let status = index(invoices, "idx_status");
    assert_eq!(status.definition, "KEY idx_status (status) INVISIBLE");
    assert_eq!((status.redundant_with.as_deref(), status.unused), (Some("idx_status_created"), true));
    assert_eq!(
        index(invoices, "idx_status_created").definition,
        "KEY idx_status_created (status,created_at DESC)"
    );
    assert_eq!(invoices.bloat_bytes, Some(4_194_304));
    assert!(invoices.constraints.iter().any(|c| c.definition == "CHECK ((`amount_cents` >= 0))"));

    // Two indexes serve the foreign key: the narrow one may go.
    let ledger = table(&s, "ledger");
    let narrow = index(ledger, "fk_ledger_invoice");
    assert_eq!((narrow.redundant_with.as_deref(), narrow.unused), (Some("idx_invoice_booked"), true));
    assert!(ledger.foreign_keys[0].has_index);
    let fk = ledger.constraints.iter().find(|c| c.name == "fk_ledger_invoice").map(|c| c.definition.as_str());
    assert_eq!(fk, Some("FOREIGN KEY (invoice_id) REFERENCES billing.invoices (id) ON DELETE CASCADE"));

    let metrics = table(&s, "metrics_2024");
    assert_eq!((metrics.kind, index(metrics, "PRIMARY").size_bytes), (TableKind::Partitioned, 609 * 16_384));
    assert_eq!(
        table(&s, "audit_blob").bloat_bytes,
        None,
        "shared tablespace: its free space is not the table's"
    );
    let audit = table(&s, "old_audit");
    assert_eq!(index(audit, "ft_line").definition, "FULLTEXT KEY ft_line (line)");
    assert!(!audit.has_primary_key && audit.storage_engine == "MyISAM");

    let schema = &s.databases[0].schemas[0];
    let invoice_seq = &schema.sequences[0];
    assert_eq!(invoice_seq.name, "invoices.id");
    assert_eq!(invoice_seq.last_value, Some(49_000), "the live counter beats a day-old cached one");
    assert_eq!((invoice_seq.data_type.as_str(), invoice_seq.max_value), ("bigint unsigned", i64::MAX));
    let ledger_seq = &schema.sequences[1];
    assert!(ledger_seq.pct_used.is_some_and(|p| p > 99.9999 && p < 100.0), "{ledger_seq:?}");
    let view_hashes: Vec<(&str, bool)> =
        schema.views.iter().map(|v| (v.name.as_str(), v.definition_hash.is_empty())).collect();
    assert_eq!(view_hashes, [("finance_summary", true), ("paid_invoices", false)]);
    let f: Vec<(&str, &str, &str, bool)> = schema
        .functions
        .iter()
        .map(|f| (f.name.as_str(), f.arguments.as_str(), f.returns.as_str(), f.definition_hash.is_empty()))
        .collect();
    assert_eq!(
        f,
        [
            ("close_month", "", "AT 2025-02-01 00:00:00, ENABLED", false),
            ("next_invoice_no", "prefix varchar(8)", "bigint", true),
        ]
    );
}

#[test]
fn a_table_added_a_column_retyped_and_an_index_dropped_are_the_changes() {
    let old = snapshot(&fx::mariadb());
    assert!(diff(&old, &snapshot(&fx::mariadb()), Timestamp(1)).is_empty(), "same read, no change");
    let mut reads = fx::mariadb();
    reads.tables = from_batch(&format!("{MARIADB_TABLES}shop\trefunds\tInnoDB\t0\t16384\t0\t0\tNULL\t\n"));
    let columns = MARIADB_COLUMNS.replace("status\t4\ttinyint(4)", "status\t4\tsmallint(6)");
    reads.columns = from_batch(&format!("{columns}shop\trefunds\tid\t1\tint(11)\tNO\tNULL\t\tNULL\n"));
    let kept: Vec<&str> = MARIADB_INDEXES.lines().filter(|l| !l.contains("idx_name_copy")).collect();
    reads.indexes = from_batch(&kept.join("\n"));
    let changes = diff(&old, &snapshot(&reads), Timestamp(1));
    let mut seen: Vec<(&str, &str, ChangeKind, &str)> = changes
        .iter()
        .map(|c| (c.object_type.as_str(), c.object.as_str(), c.change, c.detail.as_str()))
        .collect();
    seen.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    assert_eq!(
        seen,
        [
            ("column", "orders.status", ChangeKind::Modified, "type: tinyint(4) → smallint(6)"),
            ("index", "customers.idx_name_copy", ChangeKind::Removed, ""),
            ("table", "refunds", ChangeKind::Added, ""),
        ]
    );
    assert!(changes.iter().all(|c| c.database == "shop" && c.schema == "shop"));
}

#[test]
fn a_database_that_failed_is_an_error_not_a_removal() {
    let old = snapshot(&fx::mariadb());
    let mut reads = fx::mariadb();
    reads.failed.insert("shop".into(), "columns: stopped by the statement time limit".into());
    let failed = snapshot(&reads);
    let db = &failed.databases[0];
    assert_eq!(db.error.as_deref(), Some("columns: stopped by the statement time limit"));
    assert!(db.schemas.is_empty() && db.size_bytes.is_none());
    assert!(diff(&old, &failed, Timestamp(1)).is_empty());
}

#[test]
fn statements_follow_the_version() {
    let pick = |banner: &str| Server::parse(banner).map(|s| variants(&s));
    let maria = pick("10.11.19-MariaDB").unwrap_or_else(|| unreachable!());
    assert_eq!(
        (maria.indexes, maria.checks, maria.events),
        (q::INDEXES_MARIADB_IGNORED, Some(q::CHECKS_MARIADB), q::EVENTS_TABLE)
    );
    assert_eq!(maria.innodb_tables, q::INNODB_TABLES_SYS);
    assert!(pick("10.5.9-MariaDB").is_some_and(|v| v.indexes == q::INDEXES));
    let mysql = pick("8.0.36").unwrap_or_else(|| unreachable!());
    assert_eq!(
        (mysql.indexes, mysql.checks, mysql.events),
        (q::INDEXES_MYSQL8, Some(q::CHECKS_MYSQL), q::EVENTS_VIEW)
    );
    assert_eq!(mysql.innodb_tables, q::INNODB_TABLES_MYSQL8);
    assert!(pick("8.0.12").is_some_and(|v| v.indexes == q::INDEXES && v.checks.is_none()));
    let old = pick("5.7.44").unwrap_or_else(|| unreachable!());
    assert_eq!((old.checks, old.events, old.innodb_tables), (None, q::EVENTS_TABLE, q::INNODB_TABLES_SYS));
}

#[test]
fn hidden_definitions_are_said_once_per_connection() {
    let mut c = MysqlCollector::new(&TargetConfig::default());
    let said = |c: &mut MysqlCollector, views, routines| {
        let mut problems = Vec::new();
        c.tell_hidden(Hidden { views, routines }, &mut problems);
        problems
    };
    let first = said(&mut c, 1, 0);
    assert!(first.len() == 1 && first[0].contains("GRANT SHOW VIEW"), "{first:?}");
    assert!(said(&mut c, 1, 0).is_empty());
    assert!(said(&mut c, 0, 3).first().is_some_and(|p| p.contains("3 stored routines")));
    assert_eq!(said(&mut c, 2, 3).len(), 1, "one more hidden view is said again");
    c.schema.forget();
    assert_eq!(said(&mut c, 2, 3).len(), 2);
}

#[test]
fn the_round_stops_retrying_before_the_scheduler_gives_up() {
    let target = TargetConfig { query_timeout: Duration::from_secs(5), ..Default::default() };
    let scheduler = crate::collectors::scheduler::schema_round_timeout(target.query_timeout * 3);
    assert_eq!(round_budget(&target), scheduler * 4 / 5);
}
