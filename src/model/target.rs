use super::Timestamp;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Stable name of a monitored server: the `[targets.<name>]` key, or a name derived
/// from a URL given on the command line (`host:port/db`, never the password).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TargetId(pub String);

impl fmt::Display for TargetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the UI and the store may know about a target: no credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetInfo {
    pub id: TargetId,
    /// Engine display name, e.g. "PostgreSQL".
    pub engine: String,
    /// Sanitised endpoint, e.g. `monitor@10.0.0.5:5432/app` (no password).
    pub endpoint: String,
    pub tags: Vec<String>,
}

/// Connection health of one target, as the scheduler sees it. "Down" is data, not an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum TargetStatus {
    Connecting,
    /// Connected and every collector of the last round worked.
    Up {
        version: String,
    },
    /// Connected, but some collectors failed (permission denied, missing extension…).
    Degraded {
        version: String,
        problems: Vec<String>,
    },
    /// Not connected; the next attempt is `retry_in` after `at`.
    Down {
        error: String,
        retry_in_ms: u64,
    },
}

impl TargetStatus {
    pub fn label(&self) -> &'static str {
        match self {
            TargetStatus::Connecting => "CONNECTING",
            TargetStatus::Up { .. } => "UP",
            TargetStatus::Degraded { .. } => "DEGRADED",
            TargetStatus::Down { .. } => "DOWN",
        }
    }

    pub fn down(error: impl Into<String>, retry_in: Duration) -> Self {
        TargetStatus::Down {
            error: error.into(),
            retry_in_ms: u64::try_from(retry_in.as_millis()).unwrap_or(u64::MAX),
        }
    }
}

/// The status plus when it was last observed and how long the last round took.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetHealth {
    pub status: TargetStatus,
    pub at: Timestamp,
    /// Wall time of the last collection round, when there was one.
    pub last_latency_ms: Option<u64>,
}
