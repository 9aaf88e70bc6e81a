use super::{Counters, Timestamp};
use serde::{Deserialize, Serialize};

/// Statement statistics of one normalised statement over one interval (deltas of
/// the engine's cumulative counters), so rows are comparable across targets: a common
/// core every engine has, plus the engine's own counters by name.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "StoredQueryStat")]
pub struct QueryStat {
    /// Stable identity of the statement shape (PG: `queryid`/userid/dbid).
    pub id: String,
    pub database: String,
    pub user: String,
    /// Normalised text (`$1` placeholders), possibly truncated by the server.
    pub text: String,
    pub calls: u64,
    pub total_time_ms: f64,
    /// total_time_ms / calls over the interval.
    pub mean_time_ms: f64,
    /// Lifetime min / max of one execution as reported by the engine (not windowed).
    pub min_time_ms: Option<f64>,
    pub max_time_ms: Option<f64>,
    pub rows: u64,
    /// The engine's own counters (block I/O, failures…), named by the engine's folder.
    /// Serialised as fields next to the core ones, the shape forwarded payloads
    /// (`logstag.forward.v1`) and snapshots had when these were fields of their own; so
    /// no engine may name a counter like a core field.
    #[serde(flatten)]
    pub counters: Counters,
}

/// The counter that marks one of Logstag's own monitoring statements (value 1). A
/// counter rather than a field, so the history and forwarded payloads keep it as they are.
pub const OWN_STATEMENT: &str = "own_statement";

impl QueryStat {
    pub fn counter(&self, name: &str) -> Option<f64> {
        self.counters.get(name)
    }

    /// One of Logstag's own monitoring statements: Queries hides these unless asked.
    pub fn is_own(&self) -> bool {
        self.counters.get(OWN_STATEMENT).is_some_and(|v| v > 0.0)
    }

    pub fn mark_own(&mut self) {
        self.counters.set(OWN_STATEMENT, 1.0);
    }
}

/// What deserialisation accepts: counters as fields next to the core (how they are
/// written, and how builds before named counters wrote them), or, should a writer nest
/// them, under `counters`. Unknown fields are exactly the counters.
#[derive(Deserialize)]
struct StoredQueryStat {
    id: String,
    database: String,
    user: String,
    /// The history keeps texts apart, once per statement (store/history.rs fills them in).
    #[serde(default)]
    text: String,
    calls: u64,
    /// JSON has no NaN: serde_json writes it as null.
    total_time_ms: Option<f64>,
    mean_time_ms: Option<f64>,
    min_time_ms: Option<f64>,
    max_time_ms: Option<f64>,
    rows: u64,
    #[serde(default)]
    counters: Counters,
    #[serde(flatten)]
    legacy: Counters,
}

impl From<StoredQueryStat> for QueryStat {
    fn from(s: StoredQueryStat) -> Self {
        let mut counters = s.counters;
        for (name, value) in s.legacy.iter() {
            counters.set(name.to_owned(), value);
        }
        QueryStat {
            id: s.id,
            database: s.database,
            user: s.user,
            text: s.text,
            calls: s.calls,
            total_time_ms: s.total_time_ms.unwrap_or(f64::NAN),
            mean_time_ms: s.mean_time_ms.unwrap_or(f64::NAN),
            min_time_ms: s.min_time_ms,
            max_time_ms: s.max_time_ms,
            rows: s.rows,
            counters,
        }
    }
}

/// Whether statement statistics can be read at all, and why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", content = "reason", rename_all = "snake_case")]
pub enum StatsAvailability {
    Available,
    /// Explained to the user, e.g. "pg_stat_statements is not installed in database app:
    /// add it to shared_preload_libraries and run CREATE EXTENSION pg_stat_statements".
    Unavailable(String),
}

/// One medium-tier read of statement statistics, as deltas since the previous read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueryStatsSnapshot {
    pub availability: StatsAvailability,
    /// Start of the interval the deltas cover (the previous read); None on the first read,
    /// which only sets the baseline and carries no rows.
    pub since: Option<Timestamp>,
    /// Statements that ran during the interval (calls > 0).
    pub stats: Vec<QueryStat>,
    /// Statements the engine currently tracks.
    pub tracked: u64,
    /// The engine's counters were reset (or entries evicted) since the previous read,
    /// so some deltas restarted from zero.
    pub reset_detected: bool,
    /// Entries evicted since the previous read (pg_stat_statements_info.dealloc, PG 14+).
    pub evicted: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_reads_the_shape_before_named_counters() {
        let mut stat = QueryStat { id: "1".into(), calls: 2, ..QueryStat::default() };
        stat.counters.set("reads", 3.0);
        let json = serde_json::to_string(&stat).unwrap();
        assert!(json.ends_with(r#""rows":0,"reads":3}"#), "{json}");
        assert_eq!(serde_json::from_str::<QueryStat>(&json).unwrap(), stat);
        let old = r#"{"id":"1","database":"d","user":"u","text":"t","calls":2,"total_time_ms":1.0,
            "mean_time_ms":0.5,"min_time_ms":null,"max_time_ms":null,"rows":4,
            "blks_read":3,"io_ms":0.25}"#;
        let read: QueryStat = serde_json::from_str(old).unwrap();
        assert_eq!((read.rows, read.counter("blks_read"), read.counter("io_ms")), (4, Some(3.0), Some(0.25)));
    }
}
