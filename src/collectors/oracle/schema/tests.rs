//! Schema tier tests: the mapping on invented dictionary replies (owners SALES and HR,
//! an Oracle schema left unmarked), change detection, refusals and caps that must not
//! read as removals, and whole rounds through the worker thread with a stand-in server.

use super::carry::{Part, Scope};
use super::parse::{self, Reads};
use super::*;
use crate::collectors::schema_diff::diff;
use crate::collectors::text_rows::from_batch;
use crate::model::{ChangeKind, IndexInfo, SchemaChange, TableInfo, TableKind};

pub const OWNERS: &str = include_str!("../fixtures/schema_owners.tsv");
pub const TABLES: &str = include_str!("../fixtures/schema_tables.tsv");
pub const COLUMNS: &str = include_str!("../fixtures/schema_columns.tsv");
pub const INDEXES: &str = include_str!("../fixtures/schema_indexes.tsv");
pub const INDEX_COLUMNS: &str = include_str!("../fixtures/schema_index_columns.tsv");
pub const CONSTRAINTS: &str = include_str!("../fixtures/schema_constraints.tsv");
pub const SEQUENCES: &str = include_str!("../fixtures/schema_sequences.tsv");
pub const OBJECTS: &str = include_str!("../fixtures/schema_objects.tsv");
pub const SEGMENTS: &str = include_str!("../fixtures/schema_segments.tsv");
pub const INDEX_USAGE: &str = include_str!("../fixtures/schema_index_usage.tsv");

const NOW_MS: i64 = 1_780_000_000_000;
const MIB: u64 = 1 << 20;

fn reads() -> Reads {
    Reads {
        database: "SHOPPDB".into(),
        owners: from_batch(OWNERS),
        tables: from_batch(TABLES),
        columns: from_batch(COLUMNS),
        indexes: from_batch(INDEXES),
        index_columns: from_batch(INDEX_COLUMNS),
        constraints: from_batch(CONSTRAINTS),
        sequences: from_batch(SEQUENCES),
        objects: from_batch(OBJECTS),
        segments: Some(from_batch(SEGMENTS)),
        index_usage: Some(from_batch(INDEX_USAGE)),
        ..Default::default()
    }
}

/// The second snapshot: HR.EMPLOYEES got a column, SALES.ORDERS_CUST_IX2 was dropped.
fn changed_reads() -> Reads {
    let mut r = reads();
    r.owners = from_batch(&OWNERS.replace("HR\t14\t2026-11-30 09:12:44", "HR\t14\t2026-12-06 08:00:00"));
    r.columns =
        from_batch(&format!("{COLUMNS}HR\tEMPLOYEES\tPHONE\t8\tVARCHAR2\t20\t20\tB\tNULL\tNULL\tY\n"));
    let without =
        |text: &str| text.lines().filter(|l| !l.contains("ORDERS_CUST_IX2")).collect::<Vec<_>>().join("\n");
    r.indexes = from_batch(&without(INDEXES));
    r.index_columns = from_batch(&without(INDEX_COLUMNS));
    r
}

fn snapshot(reads: &Reads) -> SchemaSnapshot {
    parse::build(reads, NOW_MS)
}

fn table<'a>(s: &'a SchemaSnapshot, owner: &str, name: &str) -> &'a TableInfo {
    let schema = s.databases[0].schemas.iter().find(|x| x.name == owner);
    let found = schema.and_then(|x| x.tables.iter().find(|t| t.name == name));
    found.unwrap_or_else(|| unreachable!("no table {owner}.{name}"))
}

fn index<'a>(t: &'a TableInfo, name: &str) -> &'a IndexInfo {
    t.indexes.iter().find(|i| i.name == name).unwrap_or_else(|| unreachable!("no index {name}"))
}

fn summary(changes: &[SchemaChange]) -> Vec<(String, String, String, ChangeKind)> {
    let mut out: Vec<_> = changes
        .iter()
        .map(|c| (c.schema.clone(), c.object_type.clone(), c.object.clone(), c.change))
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    out
}

#[test]
fn owners_are_the_schemas_and_oracle_ones_are_left_out() {
    let s = snapshot(&reads());
    let db = &s.databases[0];
    assert_eq!((db.name.as_str(), db.error.as_deref()), ("SHOPPDB", None));
    let names: Vec<&str> = db.schemas.iter().map(|x| x.name.as_str()).collect();
    assert_eq!(names, ["HR", "SALES"], "ORDS_METADATA is Oracle's even when not marked");
    assert!(db.schemas.iter().all(|x| x.owner == x.name));
    let total: u64 = from_batch(SEGMENTS).iter().filter_map(|r| r.uint("bytes")).sum();
    assert_eq!(db.size_bytes, Some(total));
    assert!(
        parse::is_oracle_owner("APEX_230200")
            && parse::is_oracle_owner("SYS")
            && !parse::is_oracle_owner("HR")
    );
}

#[test]
fn tables_kinds_statistics_and_sizes() {
    let s = snapshot(&reads());
    let sales: Vec<&str> = s.databases[0].schemas[1].tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        sales,
        ["CART_TMP", "COUNTRY_CODES", "CUSTOMERS", "ORDERS", "ORDER_LINES"],
        "the materialized view's container table is the view"
    );
    let orders = table(&s, "SALES", "ORDERS");
    assert_eq!((orders.kind, orders.storage_engine.as_str()), (TableKind::Partitioned, "heap"));
    assert_eq!((orders.table_bytes, orders.toast_bytes), (64 * MIB, 8 * MIB));
    assert_eq!(
        orders.index_bytes,
        4 * MIB + 3 * MIB + 3 * MIB + 2 * MIB + 2 * MIB,
        "the bitmap index has no segment"
    );
    assert_eq!(orders.total_bytes, 86 * MIB);
    assert_eq!((orders.row_estimate, orders.n_mod_since_analyze), (Some(250_000.0), Some(1_200)));
    assert_eq!(orders.last_analyze_ms, Some(NOW_MS - 3_600_000));
    // Analysed 100 days ago with 60 % of its rows changed since: stale statistics.
    let customers = table(&s, "SALES", "CUSTOMERS");
    assert_eq!(customers.last_analyze_ms, Some(NOW_MS - 8_640_000_000));
    assert!(crate::ui::views::schema_tree::stale_stats(customers, NOW_MS));
    assert_eq!(customers.n_mod_since_analyze, Some(2_900));
    let never = table(&s, "HR", "JOB_HISTORY");
    assert_eq!((never.last_analyze_ms, never.n_mod_since_analyze, never.row_estimate), (None, Some(0), None));
    assert!(crate::ui::views::schema_tree::stale_stats(never, NOW_MS), "never analysed");
    let tmp = table(&s, "SALES", "CART_TMP");
    assert_eq!((tmp.storage_engine.as_str(), tmp.n_mod_since_analyze), ("global temporary", None));
    assert_eq!(table(&s, "SALES", "COUNTRY_CODES").storage_engine, "index-organized");
    let feed = table(&s, "HR", "BADGE_FEED");
    assert_eq!((feed.kind, feed.storage_engine.as_str()), (TableKind::Foreign, "external"));
}

#[test]
fn columns_in_order_with_oracle_types() {
    let s = snapshot(&reads());
    let typed = |t: &TableInfo| -> Vec<(String, String, bool)> {
        t.columns.iter().map(|c| (c.name.clone(), c.data_type.clone(), c.nullable)).collect()
    };
    let orders = typed(table(&s, "SALES", "ORDERS"));
    let expect = [
        ("ORDER_ID", "NUMBER(12)", false),
        ("CUSTOMER_ID", "INTEGER", false),
        ("ORDER_DATE", "DATE", false),
        ("STATUS", "VARCHAR2(10 CHAR)", true),
        ("NOTE", "CLOB", true),
        ("WEIGHT", "NUMBER", true),
        ("TRACKING", "RAW(16)", true),
    ];
    let expect: Vec<(String, String, bool)> =
        expect.iter().map(|(n, t, b)| ((*n).into(), (*t).into(), *b)).collect();
    assert_eq!(orders, expect);
    let employees = typed(table(&s, "HR", "EMPLOYEES"));
    assert_eq!(employees[1].1, "VARCHAR2(25 BYTE)");
    assert_eq!(employees[3].1, "NUMBER(8,2)");
    assert_eq!(employees[6].1, "TIMESTAMP(6)");
    assert_eq!(typed(table(&s, "SALES", "CUSTOMERS"))[1].1, "NVARCHAR2(100)");
    assert!(table(&s, "SALES", "CUSTOMERS").columns.iter().all(|c| c.default.is_none()));
}

#[test]
fn unusable_duplicate_redundant_and_unused_indexes() {
    let s = snapshot(&reads());
    let orders = table(&s, "SALES", "ORDERS");
    let pk = index(orders, "ORDERS_PK");
    assert!(pk.primary && pk.unique && pk.valid && !pk.unused);
    assert_eq!(pk.definition, "CREATE UNIQUE INDEX SALES.ORDERS_PK ON SALES.ORDERS (ORDER_ID)");
    assert_eq!((pk.size_bytes, pk.scans), (4 * MIB, Some(120_000)));
    let copy = index(orders, "ORDERS_CUST_IX2");
    assert_eq!(copy.duplicate_of.as_deref(), Some("ORDERS_CUST_IX"));
    assert!(copy.unused, "no row in dba_index_usage");
    let narrow = index(orders, "ORDERS_CUST_IX");
    assert_eq!(
        (narrow.duplicate_of.as_deref(), narrow.redundant_with.as_deref()),
        (None, Some("ORDERS_CUST_DATE_IX"))
    );
    let wide = index(orders, "ORDERS_CUST_DATE_IX");
    assert_eq!(wide.columns, ["CUSTOMER_ID", "ORDER_DATE"]);
    assert!(!wide.unused && wide.redundant_with.is_none());
    let local = index(orders, "ORDERS_DATE_LIX");
    assert!(!local.valid, "two unusable partitions");
    assert_eq!(local.columns, ["SYS_NC00008$ DESC"]);
    assert!(local.definition.ends_with("(SYS_NC00008$ DESC) PARTITIONED"), "{}", local.definition);
    let bitmap = index(orders, "ORDERS_STATUS_BIX");
    assert!(bitmap.definition.starts_with("CREATE BITMAP INDEX") && bitmap.valid && !bitmap.unused);
    assert_eq!(bitmap.scans, Some(12));

    let employees = table(&s, "HR", "EMPLOYEES");
    let name = index(employees, "EMP_NAME_IX");
    assert!(!name.valid && name.unused);
    let manager = index(employees, "EMP_MGR_IX");
    assert!(manager.definition.ends_with(" INVISIBLE"));
    assert!(!manager.unused, "the only index of a foreign key is never advised away");
    let email = index(employees, "EMP_EMAIL_UK");
    assert!(email.unique && !email.primary && !email.unused);
    assert!(index(table(&s, "SALES", "COUNTRY_CODES"), "COUNTRY_CODES_PK").primary);
}

#[test]
fn primary_unique_and_foreign_keys() {
    let s = snapshot(&reads());
    let employees = table(&s, "HR", "EMPLOYEES");
    assert!(employees.has_primary_key);
    let keys: Vec<(&str, &str)> =
        employees.constraints.iter().map(|c| (c.name.as_str(), c.definition.as_str())).collect();
    assert_eq!(
        keys,
        [
            ("EMP_DEPT_FK", "FOREIGN KEY (DEPARTMENT_ID) REFERENCES HR.DEPARTMENTS (DEPARTMENT_ID)"),
            ("EMP_EMAIL_UK", "UNIQUE (EMAIL)"),
            ("EMP_MGR_FK", "FOREIGN KEY (MANAGER_ID) REFERENCES HR.EMPLOYEES (EMPLOYEE_ID) DISABLE"),
            ("EMP_PK", "PRIMARY KEY (EMPLOYEE_ID)"),
        ]
    );
    let fks: Vec<(&str, bool)> =
        employees.foreign_keys.iter().map(|f| (f.name.as_str(), f.has_index)).collect();
    assert_eq!(fks, [("EMP_DEPT_FK", false), ("EMP_MGR_FK", true)]);
    let lines = table(&s, "SALES", "ORDER_LINES");
    assert_eq!(lines.constraints[1].definition, "PRIMARY KEY (ORDER_ID, LINE_NO)");
    let fk = &lines.foreign_keys[0];
    assert_eq!((fk.references.as_str(), fk.has_index), ("SALES.ORDERS", true));
    assert!(
        lines.constraints[0].definition.ends_with("REFERENCES SALES.ORDERS (ORDER_ID) ON DELETE CASCADE")
    );
    assert!(!table(&s, "HR", "JOB_HISTORY").has_primary_key);
}

#[test]
fn views_code_synonyms_and_sequences() {
    let s = snapshot(&reads());
    let (hr, sales) = (&s.databases[0].schemas[0], &s.databases[0].schemas[1]);
    let views: Vec<(&str, bool, u64)> =
        sales.views.iter().map(|v| (v.name.as_str(), v.materialized, v.size_bytes)).collect();
    assert_eq!(views, [("MV_DAILY_TOTALS", true, 65_536), ("OPEN_ORDERS_V", false, 0)]);
    assert!(sales.views.iter().all(|v| v.definition_hash.len() == 16));
    let routines = |x: &crate::model::SchemaInfo| -> Vec<(String, String, String)> {
        x.functions.iter().map(|f| (f.name.clone(), f.returns.clone(), f.language.clone())).collect()
    };
    let own = |v: &[(&str, &str, &str)]| -> Vec<(String, String, String)> {
        v.iter().map(|(a, b, c)| ((*a).into(), (*b).into(), (*c).into())).collect()
    };
    assert_eq!(
        routines(hr),
        own(&[
            ("EMP_AUDIT_TRG", "BEFORE EACH ROW INSERT OR UPDATE ON EMPLOYEES, DISABLED", "trigger"),
            ("PAYROLL", "package", "plsql"),
        ])
    );
    assert_eq!(
        routines(sales),
        own(&[
            ("EMPLOYEES", "HR.EMPLOYEES", "synonym"),
            ("FX_RATES", "TREASURY.RATES@FINANCE_LINK", "synonym"),
            ("ORDER_TOTAL", "function", "plsql"),
            ("PLACE_ORDER", "procedure", "plsql"),
        ])
    );
    let seqs: Vec<(&str, Option<i64>, i64, Option<f64>)> =
        sales.sequences.iter().map(|q| (q.name.as_str(), q.last_value, q.max_value, q.pct_used)).collect();
    assert_eq!(seqs[0].0, "ORDERS_SEQ");
    assert_eq!((seqs[0].1, seqs[0].2), (Some(250_021), i64::MAX), "10^28 − 1 saturates");
    assert_eq!((seqs[1].0, seqs[1].3), ("TICKET_SEQ", None), "a cycling sequence is never used up");
    let emp = hr.sequences[0].pct_used.unwrap_or_default();
    assert!((emp - 95.0).abs() < 1e-9, "{emp}");
}

#[test]
fn an_added_column_and_a_dropped_index_are_the_changes() {
    let old = snapshot(&reads());
    assert!(diff(&old, &snapshot(&reads()), Timestamp(1)).is_empty(), "same read, no change");
    let changes = diff(&old, &snapshot(&changed_reads()), Timestamp(1));
    assert_eq!(
        summary(&changes),
        [
            ("HR".into(), "column".into(), "EMPLOYEES.PHONE".into(), ChangeKind::Added),
            ("SALES".into(), "index".into(), "ORDERS.ORDERS_CUST_IX2".into(), ChangeKind::Removed),
        ]
    );
    assert!(changes.iter().all(|c| c.database == "SHOPPDB"));
}

#[test]
fn replaced_code_is_a_change_a_recompile_is_not() {
    let old = snapshot(&reads());
    let mut r = reads();
    // A recompile moves LAST_DDL_TIME and the status, not the specification's time.
    r.objects = from_batch(&OBJECTS.replace("PACKAGE BODY\tINVALID", "PACKAGE BODY\tVALID"));
    assert!(diff(&old, &snapshot(&r), Timestamp(1)).is_empty());
    r.objects = from_batch(&OBJECTS.replace("2026-02-03:14:30:00", "2026-12-06:07:00:00"));
    let changes = diff(&old, &snapshot(&r), Timestamp(1));
    assert_eq!(
        summary(&changes),
        [("SALES".into(), "view".into(), "OPEN_ORDERS_V".into(), ChangeKind::Modified)]
    );
}

#[test]
fn a_database_that_failed_is_an_error_not_a_removal() {
    let old = snapshot(&reads());
    let failed = Reads {
        database: "SHOPPDB".into(),
        error: Some(
            "tables (dba_tables): not readable by LOGSTAG (ORA-01031: insufficient privileges)".into(),
        ),
        ..Default::default()
    };
    let new = snapshot(&failed);
    let db = &new.databases[0];
    assert!(db.error.as_deref().is_some_and(|e| e.contains("ORA-01031")));
    assert!(db.schemas.is_empty() && db.size_bytes.is_none());
    assert!(diff(&old, &new, Timestamp(1)).is_empty());
}

#[test]
fn a_refused_view_keeps_the_previous_read_of_its_part() {
    let old = snapshot(&reads());
    let mut r = reads();
    r.indexes.clear();
    r.index_columns.clear();
    r.unknown.push((Part::Indexes, Scope::All));
    let mut new = snapshot(&r);
    assert!(table(&new, "SALES", "ORDERS").indexes.is_empty());
    carry::carry(Some(&old), &mut new, &r.unknown);
    assert_eq!(table(&new, "SALES", "ORDERS").indexes, table(&old, "SALES", "ORDERS").indexes);
    assert!(diff(&old, &new, Timestamp(1)).is_empty());
    // Without a previous read there is nothing to keep: what was read stands.
    let mut first = snapshot(&r);
    carry::carry(None, &mut first, &r.unknown);
    assert!(table(&first, "HR", "EMPLOYEES").indexes.is_empty());
}

#[test]
fn a_capped_read_keeps_the_previous_read_of_the_owners_it_cut() {
    let old = snapshot(&reads());
    let mut r = changed_reads();
    // The tables were cut in SALES: SALES keeps its tables, HR's change is still seen.
    r.tables = from_batch(&TABLES.lines().take(7).collect::<Vec<_>>().join("\n"));
    r.unknown.push((Part::Tables, Scope::From("SALES".into())));
    let mut new = snapshot(&r);
    carry::carry(Some(&old), &mut new, &r.unknown);
    assert_eq!(new.databases[0].schemas[1].tables, old.databases[0].schemas[1].tables);
    let changes = diff(&old, &new, Timestamp(1));
    assert_eq!(
        summary(&changes),
        [("HR".into(), "column".into(), "EMPLOYEES.PHONE".into(), ChangeKind::Added)]
    );
    // The owners list cut at SALES: SALES stays as last read, not dropped.
    let mut r = reads();
    r.owners = from_batch(&OWNERS.lines().take(2).collect::<Vec<_>>().join("\n"));
    r.unknown.push((Part::Schemas, Scope::From("ORDS_METADATA".into())));
    let mut new = snapshot(&r);
    assert_eq!(new.databases[0].schemas.len(), 1);
    carry::carry(Some(&old), &mut new, &r.unknown);
    assert_eq!(new, old);
}

#[test]
fn the_signature_moves_with_ddl_only() {
    let a = parse::signature(&from_batch(OWNERS));
    assert_eq!(a.len(), 2, "Oracle's schemas are not part of it");
    assert_eq!(a.get("SALES"), Some(&(31, "2026-12-01 17:40:02".to_owned())));
    assert_eq!(parse::signature(&changed_reads().owners).len(), 2);
    assert_ne!(parse::signature(&changed_reads().owners), a);
    assert_eq!(parse::database_name(&from_batch("CON_NAME\tDB_NAME\nNULL\tORCL\n")).as_deref(), Some("ORCL"));
}

#[path = "round_tests.rs"]
mod round;

#[test]
fn without_index_usage_no_index_is_called_unused() {
    let mut r = reads();
    r.index_usage = None;
    // An index HR owns on a SALES table is named with its owner.
    r.indexes.extend(from_batch(&format!(
        "{}\nHR\tORDERS_HR_IX\tSALES\tORDERS\tNORMAL\tNONUNIQUE\tVALID\tVISIBLE\tNO\tNULL\n",
        INDEXES.lines().next().unwrap_or_default()
    )));
    let s = snapshot(&r);
    let orders = table(&s, "SALES", "ORDERS");
    assert!(orders.indexes.iter().all(|i| i.scans.is_none() && !i.unused));
    assert_eq!(
        index(orders, "HR.ORDERS_HR_IX").definition,
        "CREATE INDEX HR.ORDERS_HR_IX ON SALES.ORDERS ()"
    );
    assert_eq!(index(orders, "ORDERS_CUST_IX2").duplicate_of.as_deref(), Some("ORDERS_CUST_IX"));
}
