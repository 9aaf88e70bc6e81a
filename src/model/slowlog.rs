use super::StatsAvailability;
use serde::{Deserialize, Serialize};

/// New entries of an engine's slow log since the previous read (Redis/Valkey
/// `SLOWLOG GET`, read without reset and deduplicated by entry id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowLogSnapshot {
    pub availability: StatsAvailability,
    /// Entries not seen before, newest first.
    pub entries: Vec<SlowEntry>,
    /// `SLOWLOG LEN` at read time, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    /// Set when ids jumped past what we could read: entries were rotated out of the
    /// server's log before we saw them.
    #[serde(default)]
    pub missed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlowEntry {
    /// Server-assigned id, increasing; the deduplication key.
    pub id: u64,
    /// Unix time the command started, ms.
    pub at_ms: i64,
    pub duration_us: u64,
    /// Command name upper-cased (`GET`, `CLIENT|LIST` style subcommands as `CLIENT LIST`).
    pub command: String,
    /// Arguments after the command name as the server reported them (it truncates
    /// long ones). Key names are sensitive: forwarding treats them like query text.
    pub args: Vec<String>,
    /// `ip:port` of the client, empty when not reported.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub client_name: String,
}
