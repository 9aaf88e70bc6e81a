//! The schema inventory the Schema tab tests draw: one database with tables, views,
//! functions and sequences that exercise every flag, and recent changes.

use super::fixtures::NOW;
use crate::model::{
    ChangeKind, ColumnInfo, ConstraintInfo, ConstraintKind, DatabaseSchema, ForeignKeyInfo, FunctionInfo,
    IndexInfo, SchemaChange, SchemaInfo, SchemaSnapshot, SequenceInfo, TableInfo, Timestamp, ViewInfo,
};

pub const DAY: i64 = 86_400_000;
pub const MIB: u64 = 1 << 20;

fn column(name: &str, data_type: &str, nullable: bool) -> ColumnInfo {
    ColumnInfo { name: name.into(), data_type: data_type.into(), nullable, default: None }
}

fn index(name: &str, table: &str, cols: &str, size: u64, scans: u64) -> IndexInfo {
    IndexInfo {
        name: name.into(),
        columns: cols.split(", ").map(String::from).collect(),
        definition: format!("CREATE INDEX {name} ON public.{table} USING btree ({cols})"),
        size_bytes: size,
        scans: Some(scans),
        valid: true,
        ..Default::default()
    }
}

fn orders() -> TableInfo {
    TableInfo {
        name: "orders".into(),
        row_estimate: Some(4_200_000.0),
        total_bytes: 1_900 * MIB,
        table_bytes: 1_200 * MIB,
        index_bytes: 640 * MIB,
        toast_bytes: 60 * MIB,
        live_tuples: Some(4_200_000),
        dead_tuples: Some(310_000),
        n_mod_since_analyze: Some(52_000),
        seq_scans: Some(120),
        idx_scans: Some(9_800_000),
        last_autovacuum_ms: Some(NOW - 3 * 3_600_000),
        last_autoanalyze_ms: Some(NOW - 2 * DAY),
        has_primary_key: true,
        bloat_bytes: Some(180 * MIB),
        columns: vec![
            column("id", "bigint", false),
            column("customer_id", "bigint", false),
            column("total", "numeric(12,2)", false),
            column("created_at", "timestamptz", false),
        ],
        indexes: vec![
            IndexInfo {
                primary: true,
                unique: true,
                ..index("orders_pkey", "orders", "id", 180 * MIB, 9_000_000)
            },
            index("orders_customer_idx", "orders", "customer_id", 150 * MIB, 800_000),
            IndexInfo {
                duplicate_of: Some("orders_customer_idx".into()),
                unused: true,
                ..index("orders_customer_id_idx", "orders", "customer_id", 150 * MIB, 0)
            },
            IndexInfo {
                redundant_with: Some("orders_customer_idx".into()),
                valid: false,
                ..index("orders_created_idx", "orders", "created_at", 160 * MIB, 0)
            },
        ],
        constraints: vec![ConstraintInfo {
            name: "orders_pkey".into(),
            kind: ConstraintKind::PrimaryKey,
            definition: "PRIMARY KEY (id)".into(),
        }],
        foreign_keys: vec![ForeignKeyInfo {
            name: "orders_customer_fk".into(),
            columns: vec!["customer_id".into()],
            references: "public.customers".into(),
            referenced_columns: vec!["id".into()],
            has_index: true,
        }],
        ..Default::default()
    }
}

pub fn small(name: &str, mib: u64, analyzed_days_ago: Option<i64>, pk: bool) -> TableInfo {
    TableInfo {
        name: name.into(),
        row_estimate: Some(mib as f64 * 9_000.0),
        total_bytes: mib * MIB,
        table_bytes: mib * MIB * 3 / 4,
        index_bytes: mib * MIB / 4,
        last_analyze_ms: analyzed_days_ago.map(|d| NOW - d * DAY),
        // PostgreSQL counts changes since the last analysis on every table.
        n_mod_since_analyze: Some(mib * 100),
        has_primary_key: pk,
        columns: vec![column("id", "bigint", false), column("payload", "jsonb", true)],
        ..Default::default()
    }
}

pub fn snapshot() -> SchemaSnapshot {
    let mut items = small("order_items", 700, Some(120), true);
    items.foreign_keys = vec![ForeignKeyInfo {
        name: "order_items_order_fk".into(),
        columns: vec!["order_id".into()],
        references: "public.orders".into(),
        referenced_columns: vec!["id".into()],
        has_index: false,
    }];
    let public = SchemaInfo {
        name: "public".into(),
        owner: "shop_owner".into(),
        tables: vec![
            small("customers", 300, Some(1), true),
            orders(),
            items,
            small("events_log", 90, None, false),
        ],
        views: vec![
            ViewInfo { name: "open_orders".into(), ..Default::default() },
            ViewInfo {
                name: "daily_sales".into(),
                materialized: true,
                size_bytes: 40 * MIB,
                ..Default::default()
            },
        ],
        functions: vec![FunctionInfo {
            name: "set_updated_at".into(),
            returns: "trigger".into(),
            language: "plpgsql".into(),
            ..Default::default()
        }],
        sequences: vec![
            SequenceInfo {
                name: "orders_id_seq".into(),
                data_type: "integer".into(),
                last_value: Some(2_080_000_000),
                max_value: i64::from(i32::MAX),
                increment: 1,
                pct_used: Some(96.9),
            },
            SequenceInfo { name: "events_log_id_seq".into(), pct_used: Some(82.0), ..Default::default() },
        ],
    };
    let audit = SchemaInfo {
        name: "audit".into(),
        owner: "auditor".into(),
        tables: vec![small("audit_trail", 120, Some(10), true)],
        ..Default::default()
    };
    SchemaSnapshot {
        databases: vec![
            DatabaseSchema {
                name: "shop".into(),
                size_bytes: Some(3_400 * MIB),
                schemas: vec![public, audit],
                extensions: vec![("pg_stat_statements".into(), "1.10".into())],
                error: None,
                skipped: vec![],
            },
            DatabaseSchema {
                name: "analytics".into(),
                size_bytes: Some(900 * MIB),
                error: Some("permission denied for database analytics".into()),
                ..Default::default()
            },
        ],
    }
}

pub fn changes() -> Vec<SchemaChange> {
    let change = |minutes: i64, object_type: &str, object: &str, change, detail: &str| SchemaChange {
        at: Timestamp(NOW - minutes * 60_000),
        database: "shop".into(),
        schema: "public".into(),
        object_type: object_type.into(),
        object: object.into(),
        change,
        detail: detail.into(),
    };
    vec![
        change(300, "table", "order_items", ChangeKind::Added, "4 columns"),
        change(30, "column", "orders.total", ChangeKind::Modified, "column total: numeric → bigint"),
        change(20, "index", "orders.orders_old_idx", ChangeKind::Removed, "dropped"),
    ]
}
