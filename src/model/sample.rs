use super::{
    ActivitySnapshot, DatabaseStat, InstanceInfo, Metric, QueryStatsSnapshot, Replication, Setting,
    TargetHealth, TargetId, Timestamp,
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
    /// Numeric points for charts and alerts; names come from `model::metric`.
    Metrics(Vec<Metric>),
    Status(TargetHealth),
}

impl SampleBody {
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
            SampleBody::Status(_) => "status",
        }
    }
}
