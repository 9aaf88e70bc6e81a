//! Engine-neutral types that every stage speaks: collectors produce them, the store
//! records them, the UI and (later) alerts and forwarding read them. No I/O here, no
//! ratatui, no engine crates.

mod activity;
mod alert;
mod counter_names;
mod counters;
mod engine;
mod health;
mod keyspace;
mod latest;
mod metrics;
mod plan;
pub mod present;
mod queries;
mod sample;
mod schema;
mod server;
mod slowlog;
mod target;
mod time;

pub use activity::{
    ActivitySnapshot, BlockingNode, BlockingRole, LockCount, Session, SessionState, Wait, WaitCategory,
    blocking_forest,
};
pub use alert::{AlertCategory, AlertEvent, AlertEventKind, Severity};
pub use counter_names::counter;
pub use counters::{CounterGuide, CounterLine, CounterUnit, Counters, PLAIN_COUNTERS};
pub use engine::EngineKind;
pub use health::{AreaScore, CheckResult, CheckStatus, HealthArea, HealthReport};
pub use keyspace::{BigKey, KeyspaceDb, KeyspaceSnapshot, SamplerRun};
pub use latest::Latest;
pub use metrics::{Metric, metric};
pub use plan::{FlatNode, Plan, PlanNode, PlanOrigin, PlanRequest};
pub use queries::{OWN_STATEMENT, QueryStat, QueryStatsSnapshot, StatsAvailability};
pub use sample::{PostureFact, Sample, SampleBody, Tier};
pub use schema::{
    ChangeKind, ColumnInfo, ConstraintInfo, ConstraintKind, DatabaseSchema, ForeignKeyInfo, FunctionInfo,
    IndexInfo, IndexSuggestion, SchemaChange, SchemaInfo, SchemaSnapshot, SequenceInfo, TableInfo, TableKind,
    ViewInfo,
};
pub use server::{
    DatabaseStat, InstanceInfo, Replica, Replication, ReplicationSlot, ServerRole, Setting, WalReceiver,
};
pub use slowlog::{SlowEntry, SlowLogSnapshot};
pub use target::{TargetHealth, TargetId, TargetInfo, TargetStatus};
pub use time::Timestamp;
