use super::{
    ActivitySnapshot, DatabaseStat, HealthReport, InstanceInfo, KeyspaceSnapshot, Metric, QueryStatsSnapshot,
    Replication, SchemaChange, SchemaSnapshot, Setting, SlowLogSnapshot, TargetHealth, TargetId, Timestamp,
};
use serde::{Deserialize, Serialize};

/// Collection tiers: how often a kind of data is gathered (spec §2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Sessions, waits, locks, fast counters (default 10 s).
    High,
    /// Query statistics, replication, database sizes (default 60 s).
    Medium,
    /// Configuration (default 600 s).
    Low,
    /// Schema inventory (default 240 min).
    Schema,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::High, Tier::Medium, Tier::Low, Tier::Schema];

    pub fn name(self) -> &'static str {
        match self {
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::Low => "low",
            Tier::Schema => "schema",
        }
    }
}

/// One piece of collected data from one target at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub target: TargetId,
    pub tier: Tier,
    pub taken_at: Timestamp,
    pub body: SampleBody,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum SampleBody {
    Instance(InstanceInfo),
    Activity(ActivitySnapshot),
    Queries(QueryStatsSnapshot),
    Databases(Vec<DatabaseStat>),
    Replication(Replication),
    Settings(Vec<Setting>),
    /// Schema inventory (schema tier).
    Schema(SchemaSnapshot),
    /// Key-value engines' inventory: logical databases, key counts, sampled big keys.
    Keyspace(KeyspaceSnapshot),
    /// Slow-log entries not seen before (Redis/Valkey SLOWLOG). Tagged like its store kind.
    #[serde(rename = "slowlog")]
    SlowLog(SlowLogSnapshot),
    /// Structural changes found between the previous schema snapshot and this one.
    SchemaChanges(Vec<SchemaChange>),
    /// Facts for health checks that are neither settings nor metrics (roles, HBA rules,
    /// privileges, wraparound ages…): engine-defined names, string values.
    Posture(Vec<PostureFact>),
    /// A computed health report.
    Health(HealthReport),
    /// Numeric points for charts and alerts; names come from `model::metric`.
    Metrics(Vec<Metric>),
    /// Raw cumulative server counters as the server reports them, names from
    /// `model::counter`. Only the board keeps them (for the Prometheus endpoint): they are
    /// never recorded in the history nor forwarded, where the rates in `Metrics` serve.
    Counters(Vec<Metric>),
    Status(TargetHealth),
}

impl SampleBody {
    /// The kinds the store keeps as snapshots, one body per round: what a screen at a past
    /// instant is rebuilt from. Not here: metrics (points), statement statistics (rows
    /// under a `queries` snapshot), schema changes (rows) and raw counters (never kept).
    pub const SNAPSHOT_KINDS: [&'static str; 11] = [
        "instance",
        "activity",
        "databases",
        "replication",
        "settings",
        "schema",
        "keyspace",
        "slowlog",
        "posture",
        "health",
        "status",
    ];

    /// Short stable name, used as the snapshot kind in the store.
    pub fn kind(&self) -> &'static str {
        match self {
            SampleBody::Instance(_) => "instance",
            SampleBody::Activity(_) => "activity",
            SampleBody::Queries(_) => "queries",
            SampleBody::Databases(_) => "databases",
            SampleBody::Replication(_) => "replication",
            SampleBody::Settings(_) => "settings",
            SampleBody::Metrics(_) => "metrics",
            SampleBody::Counters(_) => "counters",
            SampleBody::Schema(_) => "schema",
            SampleBody::SchemaChanges(_) => "schema_changes",
            SampleBody::Keyspace(_) => "keyspace",
            SampleBody::SlowLog(_) => "slowlog",
            SampleBody::Posture(_) => "posture",
            SampleBody::Health(_) => "health",
            SampleBody::Status(_) => "status",
        }
    }
}

/// One health-relevant fact, e.g. `role.superuser` / `postgres` / `true`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostureFact {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub key: String,
    pub value: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::StatsAvailability;

    /// Forwarded payloads and `snapshot` JSON name a body by its serde tag, the store by
    /// `kind()`: they must agree.
    #[test]
    fn serde_tags_are_the_store_kinds() {
        let slowlog = SlowLogSnapshot {
            availability: StatsAvailability::Available,
            entries: vec![],
            length: None,
            missed: 0,
        };
        let bodies = [
            SampleBody::Keyspace(KeyspaceSnapshot::default()),
            SampleBody::SlowLog(slowlog),
            SampleBody::SchemaChanges(vec![]),
            SampleBody::Metrics(vec![]),
            SampleBody::Activity(ActivitySnapshot::default()),
        ];
        for body in bodies {
            let json = serde_json::to_value(&body).unwrap_or_default();
            assert_eq!(json["kind"].as_str(), Some(body.kind()), "{json}");
        }
    }
}
