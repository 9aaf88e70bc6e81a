use super::{TargetId, Timestamp};
use serde::{Deserialize, Serialize};

/// The five published health areas, with their weights in the overall score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthArea {
    Performance,
    Security,
    Configuration,
    Schema,
    Maintenance,
}

impl HealthArea {
    pub const ALL: [HealthArea; 5] = [
        HealthArea::Performance,
        HealthArea::Security,
        HealthArea::Configuration,
        HealthArea::Schema,
        HealthArea::Maintenance,
    ];

    pub fn label(self) -> &'static str {
        match self {
            HealthArea::Performance => "Performance",
            HealthArea::Security => "Security",
            HealthArea::Configuration => "Configuration",
            HealthArea::Schema => "Schema",
            HealthArea::Maintenance => "Maintenance",
        }
    }

    /// Weight in the overall score, percent (30/25/20/15/10).
    pub fn weight(self) -> f64 {
        match self {
            HealthArea::Performance => 30.0,
            HealthArea::Security => 25.0,
            HealthArea::Configuration => 20.0,
            HealthArea::Schema => 15.0,
            HealthArea::Maintenance => 10.0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum CheckStatus {
    Healthy,
    Attention,
    Critical,
    /// Could not be evaluated (permission, version, feature off, no data yet): a
    /// coverage gap, never counted as healthy.
    NotEvaluated(String),
}

/// One named check's outcome on one target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// Stable id, e.g. `pg.cache_hit_ratio`.
    pub id: String,
    pub area: HealthArea,
    pub name: String,
    pub status: CheckStatus,
    /// The current value and the threshold, e.g. `hit ratio 91.2 % (attention below 95 %)`.
    pub evidence: String,
    /// Why it matters.
    pub why: String,
    /// What to do.
    pub action: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AreaScore {
    pub area: HealthArea,
    /// healthy/total×100 − 30×critical − 10×attention, clamped to 0..100; None when no
    /// check of the area could be evaluated.
    pub score: Option<f64>,
    pub healthy: usize,
    pub attention: usize,
    pub critical: usize,
    pub not_evaluated: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HealthReport {
    pub target: TargetId,
    pub at: Timestamp,
    pub checks: Vec<CheckResult>,
    pub areas: Vec<AreaScore>,
    /// Weighted 30/25/20/15/10 over the areas that have a score.
    pub overall: Option<f64>,
}
