//! Schema tier unit tests on our own fixtures (`fixtures/schema_*.tsv`, shaped like
//! SQL Server 2022's replies to `schema_queries`): two readable databases (`Sales`, and
//! one with a hostile name and few permissions), three that are not read, the
//! server-wide usage and missing-index reads, change detection between two snapshots.

use super::*;
use crate::collectors::mssql::rows::{TextRow, from_batch};
use crate::collectors::schema_diff::diff;
use crate::collectors::schema_indexes::fnv64;
use crate::model::{ChangeKind, ConstraintKind, FunctionInfo, IndexInfo, SchemaInfo, TableInfo, TableKind};
use std::collections::HashMap;

const DATABASES: &str = include_str!("fixtures/schema_databases.tsv");
const SALES: &str = include_str!("fixtures/schema_sales.tsv");
const OPS: &str = include_str!("fixtures/schema_ops.tsv");
const SERVER: &str = include_str!("fixtures/schema_server.tsv");
const HOSTILE: &str = "Ops]; DROP DATABASE Sales; --";
const NOW_MS: i64 = 1_714_558_272_000;

/// A fixture file's result sets, by the name after `-- `.
fn sections(text: &str) -> HashMap<String, String> {
    let mut out: HashMap<String, String> = HashMap::new();
    let mut current = None;
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("-- ") {
            current = Some(name.trim().to_owned());
        } else if let Some(name) = &current {
            let body = out.entry(name.clone()).or_default();
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

fn statement(section: &str) -> &'static str {
    match section {
        "schemas" => q::SCHEMAS,
        "tables" => q::TABLES,
        "sizes" => q::SIZES,
        "stats" => q::STATS,
        "columns" => q::COLUMNS,
        "indexes" => q::INDEXES,
        "foreign_keys" => q::FOREIGN_KEYS,
        "checks" => q::CHECKS,
        "objects" => q::OBJECTS,
        "usage" => q::INDEX_USAGE,
        "missing" => q::MISSING_INDEXES,
        other => unreachable!("no statement for fixture section {other}"),
    }
}

fn replies(text: &str) -> HashMap<&'static str, Vec<TextRow>> {
    sections(text).into_iter().map(|(name, body)| (statement(&name), from_batch(&body))).collect()
}

/// What one round reads with the fixtures, database by database as the collector
/// holds them, `edit` changing the Sales replies first.
struct Reads {
    databases: Vec<DatabaseReads>,
    missing: Option<Vec<TextRow>>,
}

fn reads_with(edit: impl Fn(&str) -> String) -> Reads {
    let databases = schema_parse::databases(&from_batch(DATABASES))
        .into_iter()
        .map(|entry| {
            let error = entry.unreadable();
            let replies = match (error.is_none(), entry.id) {
                (true, 5) => replies(&edit(SALES)),
                (true, 7) => replies(OPS),
                _ => HashMap::new(),
            };
            DatabaseReads { entry, error, replies }
        })
        .collect();
    Reads { databases, missing: sections(SERVER).get("missing").map(|b| from_batch(b)) }
}

fn build(reads: &Reads) -> (SchemaSnapshot, Hidden) {
    let mut hidden = Hidden::default();
    let databases = reads
        .databases
        .iter()
        .map(|db| schema_parse::database(db, reads.missing.as_deref(), NOW_MS, &mut hidden))
        .collect();
    (SchemaSnapshot { databases }, hidden)
}

fn snapshot_with(edit: impl Fn(&str) -> String) -> SchemaSnapshot {
    build(&reads_with(edit)).0
}

fn snapshot() -> SchemaSnapshot {
    snapshot_with(str::to_owned)
}

fn schema<'a>(s: &'a SchemaSnapshot, db: &str, name: &str) -> &'a SchemaInfo {
    let db = s.databases.iter().find(|d| d.name == db).unwrap_or_else(|| unreachable!("no database {db}"));
    db.schemas.iter().find(|x| x.name == name).unwrap_or_else(|| unreachable!("no schema {name}"))
}

fn table<'a>(s: &'a SchemaSnapshot, name: &str) -> &'a TableInfo {
    let tables = s.databases.iter().flat_map(|d| &d.schemas).flat_map(|s| &s.tables);
    tables.clone().find(|t| t.name == name).unwrap_or_else(|| unreachable!("no table {name}"))
}

fn index<'a>(t: &'a TableInfo, name: &str) -> &'a IndexInfo {
    t.indexes.iter().find(|i| i.name == name).unwrap_or_else(|| unreachable!("no index {name}"))
}

fn routine<'a>(s: &'a SchemaInfo, name: &str) -> &'a FunctionInfo {
    s.functions.iter().find(|f| f.name == name).unwrap_or_else(|| unreachable!("no routine {name}"))
}

/// The aliases of a statement's outer select list, in order.
fn select_columns(sql: &str) -> Vec<String> {
    let body = sql.split_once("SELECT ").map_or("", |(_, rest)| rest);
    let body = body.strip_prefix("TOP (300001) ").unwrap_or(body);
    let list = body.split("\nFROM ").next().unwrap_or_default();
    let (mut items, mut depth, mut item) = (Vec::new(), 0, String::new());
    for c in list.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                items.push(std::mem::take(&mut item));
                continue;
            }
            _ => {}
        }
        item.push(c);
    }
    items.push(item);
    items
        .iter()
        .map(|i| {
            let last = i.split_whitespace().last().unwrap_or_default();
            last.rsplit('.').next().unwrap_or_default().to_owned()
        })
        .collect()
}

#[test]
fn every_fixture_has_the_columns_its_statement_selects() {
    let files = [("sales", SALES), ("ops", OPS), ("server", SERVER)];
    assert!(sections(SALES).contains_key("usage") && sections(SERVER).contains_key("missing"));
    for (file, text) in files {
        for (name, body) in sections(text) {
            let header: Vec<&str> = body.lines().next().unwrap_or_default().split('\t').collect();
            assert_eq!(header, select_columns(statement(&name)), "{file}: {name}");
        }
    }
    let header: Vec<&str> = DATABASES.lines().nth(1).unwrap_or_default().split('\t').collect();
    assert_eq!(header, select_columns(q::DATABASES));
    assert_eq!(select_columns(q::DATABASES), select_columns(q::DATABASES_AZURE_SQL));
}

#[test]
fn two_databases_read_and_three_that_cannot_be() {
    let s = snapshot();
    let names: Vec<&str> = s.databases.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Archive", "Maint", HOSTILE, "Reporting", "Sales"]);
    let error = |name: &str| {
        s.databases.iter().find(|d| d.name == name).and_then(|d| d.error.clone()).unwrap_or_default()
    };
    assert_eq!(error("Archive"), "database is OFFLINE");
    assert!(error("Maint").contains("SINGLE_USER"));
    assert!(error("Reporting").contains("CONNECT ANY DATABASE"));
    let sales = &s.databases[4];
    assert_eq!((sales.error.as_deref(), sales.size_bytes), (None, Some(268_435_456)), "data files");
    let schemas: Vec<(&str, &str)> =
        sales.schemas.iter().map(|x| (x.name.as_str(), x.owner.as_str())).collect();
    assert_eq!(schemas, [("dbo", "dbo"), ("sales", "sales_owner")], "an empty guest schema is left out");
    // The hostile name is kept as it is, and its sizes were refused: no size at all.
    let ops = &s.databases[2];
    assert_eq!((ops.error.as_deref(), ops.size_bytes), (None, None));
    assert_eq!(table(&s, "Jobs").total_bytes, 0);
}

#[test]
fn tables_sizes_rows_and_statistics() {
    let s = snapshot();
    let orders = table(&s, "Orders");
    let pages = |n: u64| n * 8192;
    assert_eq!(
        (orders.table_bytes, orders.index_bytes, orders.toast_bytes),
        (pages(40_000), pages(2_100 + 2_100 + 3_000 + 3_600 + 9), pages(2_500))
    );
    assert_eq!(orders.total_bytes, orders.table_bytes + orders.index_bytes + orders.toast_bytes);
    assert_eq!((orders.row_estimate, orders.kind), (Some(1_250_000.0), TableKind::Table));
    assert_eq!(index(orders, "IX_Orders_Placed").size_bytes, pages(3_012));
    assert_eq!(orders.last_analyze_ms, Some(NOW_MS - 172_800_000));
    assert_eq!(orders.n_mod_since_analyze, Some(48_000));
    // Scans of the clustered index vs seeks anywhere plus scans of the others.
    assert_eq!((orders.seq_scans, orders.idx_scans), (Some(12), Some(5_000 + 800 + 300 + 40)));
    let events = table(&s, "Events");
    assert_eq!(events.kind, TableKind::Partitioned);
    assert_eq!(
        (events.table_bytes, events.toast_bytes),
        (pages(48_010), 0),
        "columnstore segments are the table"
    );
    assert_eq!(events.last_analyze_ms, None, "statistics not readable: unknown");
    let products = table(&s, "Products");
    assert_eq!(products.storage_engine, "memory-optimized");
    assert_eq!(
        (products.seq_scans, index(products, "PK_Products").scans),
        (None, None),
        "not in the usage DMV"
    );
    assert_eq!(table(&s, "Tickets").seq_scans, Some(7), "a heap's scans");
    assert!(table(&s, "Customers").has_primary_key && !table(&s, "Tickets").has_primary_key);
}

#[test]
fn columns_types_defaults_and_computed_columns() {
    let s = snapshot();
    let described = |t: &str| -> Vec<(String, String, bool, Option<String>)> {
        table(&s, t)
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.data_type.clone(), c.nullable, c.default.clone()))
            .collect()
    };
    let orders = described("Orders");
    let names: Vec<&str> = orders.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(names, ["OrderID", "CustomerID", "PlacedAt", "Status", "Total", "Note", "TotalWithTax"]);
    assert_eq!(orders[2].1, "datetime2(3)");
    assert_eq!(orders[2].3.as_deref(), Some("(sysdatetime())"));
    assert_eq!((orders[4].1.as_str(), orders[4].2), ("decimal(12,2)", true));
    assert_eq!(orders[5].1, "nvarchar(max)");
    assert_eq!(orders[6].3.as_deref(), Some("AS ([Total]*(1.2))"));
    let customers = described("Customers");
    assert_eq!((customers[1].1.as_str(), customers[1].2), ("nvarchar(200)", false));
    assert_eq!(customers[2].3.as_deref(), Some("(N'anonymous')"));
    assert_eq!(customers[3].1, "PhoneNumber", "an alias type by its name");
}

#[test]
fn duplicate_redundant_unused_and_disabled_indexes() {
    let s = snapshot();
    let orders = table(&s, "Orders");
    let pk = index(orders, "PK_Orders");
    assert_eq!(pk.definition, "CONSTRAINT PK_Orders PRIMARY KEY CLUSTERED (OrderID)");
    assert!(pk.primary && pk.unique && !pk.unused && pk.scans == Some(5_812));
    let dup = index(orders, "IX_Orders_CustomerID_dup");
    assert_eq!(dup.duplicate_of.as_deref(), Some("IX_Orders_CustomerID"));
    assert!(dup.unused, "no row in the usage DMV: not used since the server started");
    assert_eq!(index(orders, "IX_Orders_CustomerID").duplicate_of, None);
    let placed = index(orders, "IX_Orders_Placed");
    assert_eq!(
        placed.definition,
        "CREATE NONCLUSTERED INDEX IX_Orders_Placed ON dbo.Orders (PlacedAt) INCLUDE (Total)"
    );
    assert_eq!(placed.redundant_with.as_deref(), Some("IX_Orders_Placed_Status"));
    let wide = index(orders, "IX_Orders_Placed_Status");
    assert_eq!(wide.columns, ["PlacedAt", "Status"]);
    assert!(
        wide.definition.ends_with("(PlacedAt, Status DESC) INCLUDE (Total, CustomerID)"),
        "{}",
        wide.definition
    );
    let open = index(orders, "IX_Orders_Open");
    assert!(
        open.definition.ends_with("(Status) WHERE ([Status]=(0))")
            && open.unused
            && open.redundant_with.is_none()
    );
    assert!(!index(orders, "IX_Orders_Legacy").valid, "disabled");
    let customers = table(&s, "Customers");
    assert!(index(customers, "IX_Customers_Name").unused);
    let email = index(customers, "UQ_Customers_Email");
    assert!(!email.unused && email.unique, "backs a constraint");
    let cci = index(table(&s, "Events"), "CCI_Events");
    assert_eq!(cci.definition, "CREATE CLUSTERED COLUMNSTORE INDEX CCI_Events ON dbo.Events");
    assert!(!cci.unused && cci.redundant_with.is_none());
}

#[test]
fn foreign_keys_with_and_without_an_index_and_constraints() {
    let s = snapshot();
    let orders = table(&s, "Orders");
    assert!(orders.foreign_keys[0].has_index, "IX_Orders_CustomerID serves it");
    let lines = table(&s, "OrderLines");
    let fks: Vec<(&str, bool, &str)> =
        lines.foreign_keys.iter().map(|f| (f.name.as_str(), f.has_index, f.references.as_str())).collect();
    assert_eq!(
        fks,
        [("FK_OrderLines_Orders", false, "dbo.Orders"), ("FK_OrderLines_Products", false, "sales.Products")]
    );
    let constraints: Vec<(ConstraintKind, &str)> =
        lines.constraints.iter().map(|c| (c.kind, c.definition.as_str())).collect();
    assert_eq!(
        constraints,
        [
            (ConstraintKind::PrimaryKey, "CONSTRAINT PK_OrderLines PRIMARY KEY CLUSTERED (LineID)"),
            (ConstraintKind::Check, "CHECK ([Qty]>(0)) NOT TRUSTED"),
            (
                ConstraintKind::ForeignKey,
                "FOREIGN KEY (OrderID) REFERENCES dbo.Orders (OrderID) ON DELETE CASCADE"
            ),
            (
                ConstraintKind::ForeignKey,
                "FOREIGN KEY (ProductID) REFERENCES sales.Products (ProductID) NOT TRUSTED"
            ),
        ]
    );
    let unique = table(&s, "Customers").constraints.iter().find(|c| c.kind == ConstraintKind::Unique);
    assert_eq!(
        unique.map(|c| c.definition.as_str()),
        Some("CONSTRAINT UQ_Customers_Email UNIQUE NONCLUSTERED (Email)")
    );
}

#[test]
fn identity_columns_and_sequences() {
    let s = snapshot();
    let dbo = schema(&s, "Sales", "dbo");
    let names: Vec<&str> = dbo.sequences.iter().map(|q| q.name.as_str()).collect();
    assert_eq!(names, ["Customers.CustomerID", "OrderLines.LineID", "Orders.OrderID", "Tickets.TicketID"]);
    let tickets = &dbo.sequences[3];
    assert_eq!(
        (tickets.data_type.as_str(), tickets.last_value, tickets.max_value),
        ("smallint", Some(32_700), 32_767)
    );
    assert!(tickets.pct_used.is_some_and(|p| p > 99.7), "{:?}", tickets.pct_used);
    let sales = schema(&s, "Sales", "sales");
    let seqs: Vec<(&str, Option<i64>, bool)> =
        sales.sequences.iter().map(|q| (q.name.as_str(), q.last_value, q.pct_used.is_some())).collect();
    assert_eq!(
        seqs,
        [("InvoiceNumbers", Some(1_000), true), ("TicketCycle", Some(250), false)],
        "a cycling one never runs out"
    );
}

#[test]
fn missing_index_suggestions_best_first_five_at_most() {
    let s = snapshot();
    let orders = &table(&s, "Orders").suggested_indexes;
    assert_eq!(orders.len(), 2, "database 9's suggestion is not this table's");
    assert_eq!(
        (orders[0].key_columns.clone(), orders[0].include_columns.clone()),
        (vec!["Status".to_owned(), "PlacedAt".to_owned()], vec!["Total".to_owned(), "CustomerID".to_owned()])
    );
    assert_eq!((orders[0].impact_pct, orders[0].uses), (87.5, 1_203));
    let lines = &table(&s, "OrderLines").suggested_indexes;
    assert_eq!(lines.len(), 5);
    assert_eq!((lines[0].key_columns.as_slice(), lines[0].uses), (["OrderID".to_owned()].as_slice(), 5_000));
    assert!(lines.iter().all(|x| x.key_columns != ["LineID", "Qty"]), "the least useful is dropped");
}

#[test]
fn views_routines_triggers_and_synonyms() {
    let s = snapshot();
    let dbo = schema(&s, "Sales", "dbo");
    let view = &dbo.views[0];
    let objects = from_batch(&sections(SALES)["objects"]);
    let sha =
        objects.iter().find(|r| r.text("object_name") == "vOpenOrders").map(|r| r.text("definition_sha256"));
    let sha = sha.unwrap_or_default();
    assert!(sha.starts_with("0x") && sha.len() == 66, "{sha}");
    assert_eq!((view.name.as_str(), view.definition_hash.clone()), ("vOpenOrders", fnv64(&sha)));
    let kinds: Vec<(&str, &str, &str)> =
        dbo.functions.iter().map(|f| (f.name.as_str(), f.returns.as_str(), f.language.as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("ArchiveOrders", "[Archive].[dbo].[Orders]", "synonym"),
            ("fn_TaxRate", "scalar", "sql"),
            ("trg_Orders_Audit", "AFTER INSERT, UPDATE ON Orders", "trigger"),
            ("tvf_OrdersOf", "inline table", "sql"),
            ("usp_PlaceOrder", "procedure", "sql"),
            ("usp_Secret", "procedure", "sql"),
        ]
    );
    assert_eq!(routine(dbo, "usp_Secret").definition_hash, "", "encrypted: no body for anyone");
    assert_eq!(routine(dbo, "ArchiveOrders").definition_hash, fnv64("[Archive].[dbo].[Orders]"));
    let (_, hidden) = build(&reads_with(str::to_owned));
    assert_eq!(
        hidden,
        Hidden { modules: 2, databases: vec![HOSTILE.to_owned()] },
        "encrypted ones are not hidden by us"
    );
}

#[path = "schema_round_tests.rs"]
mod round;
