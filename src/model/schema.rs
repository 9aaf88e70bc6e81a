use super::Timestamp;
use serde::{Deserialize, Serialize};

/// One schema-tier read of a server: every database the monitoring role may connect to.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SchemaSnapshot {
    pub databases: Vec<DatabaseSchema>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DatabaseSchema {
    pub name: String,
    pub size_bytes: Option<u64>,
    /// Why this database could not be read (permission denied, timeout…); its lists are then empty.
    pub error: Option<String>,
    pub schemas: Vec<SchemaInfo>,
    /// Installed extensions: (name, version).
    pub extensions: Vec<(String, String)>,
    /// Objects ("schema.name") another session held locked this round: they are listed
    /// from the catalogs, but what needs their lock (sizes, view text, a sequence's last
    /// value) was skipped rather than waited for. Absent in snapshots older than the field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SchemaInfo {
    pub name: String,
    pub owner: String,
    pub tables: Vec<TableInfo>,
    pub views: Vec<ViewInfo>,
    pub functions: Vec<FunctionInfo>,
    pub sequences: Vec<SequenceInfo>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    #[default]
    Table,
    Partitioned,
    Foreign,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TableInfo {
    pub name: String,
    pub kind: TableKind,
    /// Planner estimate (reltuples); never a count of rows (we do not read application rows).
    pub row_estimate: Option<f64>,
    pub total_bytes: u64,
    pub table_bytes: u64,
    pub index_bytes: u64,
    pub toast_bytes: u64,
    pub live_tuples: Option<u64>,
    pub dead_tuples: Option<u64>,
    pub n_mod_since_analyze: Option<u64>,
    pub seq_scans: Option<u64>,
    pub idx_scans: Option<u64>,
    /// ms since the epoch.
    pub last_vacuum_ms: Option<i64>,
    pub last_autovacuum_ms: Option<i64>,
    pub last_analyze_ms: Option<i64>,
    pub last_autoanalyze_ms: Option<i64>,
    pub has_primary_key: bool,
    /// Estimated wasted bytes (statistics-based estimate, not a scan).
    pub bloat_bytes: Option<u64>,
    pub columns: Vec<ColumnInfo>,
    pub indexes: Vec<IndexInfo>,
    pub constraints: Vec<ConstraintInfo>,
    pub foreign_keys: Vec<ForeignKeyInfo>,
    /// The storage engine, where the server has several (`InnoDB`, `MyISAM`…); empty
    /// where there is only one. Absent in snapshots older than the field.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub storage_engine: String,
    /// Indexes the server's optimizer reported missing for this table (where the engine
    /// keeps such statistics), best first. Absent in snapshots older than the field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested_indexes: Vec<IndexSuggestion>,
}

/// An index the optimizer wished it had: key columns (equality first, then inequality),
/// included columns, and how much it estimates the affected queries would gain.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndexSuggestion {
    pub key_columns: Vec<String>,
    pub include_columns: Vec<String>,
    /// Estimated improvement of the queries that wanted it, 0–100 %.
    pub impact_pct: f64,
    /// Seeks and scans that would have used it since the statistics were reset.
    pub uses: u64,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ColumnInfo {
    pub name: String,
    pub data_type: String,
    pub nullable: bool,
    pub default: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct IndexInfo {
    pub name: String,
    /// Key columns (or expressions) in order.
    pub columns: Vec<String>,
    pub definition: String,
    pub size_bytes: u64,
    pub scans: Option<u64>,
    pub valid: bool,
    pub unique: bool,
    pub primary: bool,
    /// Never scanned since statistics were reset, and not backing a constraint.
    pub unused: bool,
    /// Another index of the same table with the same definition.
    pub duplicate_of: Option<String>,
    /// Another index whose leading columns cover this one's.
    pub redundant_with: Option<String>,
    pub bloat_bytes: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstraintKind {
    #[default]
    PrimaryKey,
    Unique,
    Check,
    Exclusion,
    ForeignKey,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConstraintInfo {
    pub name: String,
    pub kind: ConstraintKind,
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ForeignKeyInfo {
    pub name: String,
    pub columns: Vec<String>,
    /// `schema.table` referenced.
    pub references: String,
    pub referenced_columns: Vec<String>,
    /// An index of this table starts with the foreign key's columns.
    pub has_index: bool,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ViewInfo {
    pub name: String,
    pub materialized: bool,
    pub size_bytes: u64,
    /// Hash of the definition, for change detection without keeping the text.
    pub definition_hash: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FunctionInfo {
    pub name: String,
    pub arguments: String,
    pub returns: String,
    pub language: String,
    pub definition_hash: String,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SequenceInfo {
    pub name: String,
    pub data_type: String,
    pub last_value: Option<i64>,
    pub max_value: i64,
    pub increment: i64,
    /// Share of the usable range consumed, 0–100.
    pub pct_used: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Added,
    Modified,
    Removed,
}

/// One structural change between two schema snapshots (never a size drift).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemaChange {
    pub at: Timestamp,
    pub database: String,
    pub schema: String,
    /// table, index, view, materialized view, function, sequence, constraint, foreign key, column, schema.
    pub object_type: String,
    /// Qualified within the schema, e.g. `orders` or `orders.orders_pkey`.
    pub object: String,
    pub change: ChangeKind,
    /// What changed, e.g. `column total: numeric → bigint`.
    pub detail: String,
}
