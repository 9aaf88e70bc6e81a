use serde::{Deserialize, Serialize};

/// Key-value engines' counterpart of a schema inventory (Redis/Valkey): logical
/// databases with their key counts, plus what the optional big-key sampler found.
/// Key names are sensitive metadata; values are never read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KeyspaceSnapshot {
    pub databases: Vec<KeyspaceDb>,
    /// Largest keys seen by the SCAN sampler, biggest first; empty when it is off.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub big_keys: Vec<BigKey>,
    /// How the sampler ran, or None when it is off (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sampler: Option<SamplerRun>,
}

/// One logical database from `INFO keyspace` (`db0:keys=…,expires=…,avg_ttl=…`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct KeyspaceDb {
    pub index: u32,
    pub keys: u64,
    /// Keys with a time to live.
    pub expires: u64,
    /// Average TTL of the keys that have one, ms; None when the server reports 0.
    pub avg_ttl_ms: Option<u64>,
}

/// One sampled key: name, type and `MEMORY USAGE` size.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BigKey {
    pub db: u32,
    pub key: String,
    /// `TYPE` reply: string, list, set, zset, hash, stream…
    pub key_type: String,
    pub bytes: u64,
}

/// What one sampler pass did, so the view can say how representative it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SamplerRun {
    pub db: u32,
    pub keys_sampled: u64,
    pub duration_ms: u64,
    /// Set when the pass stopped early (rate limit budget, permission denied…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}
