//! Health check report (spec §5).
//!
//! Flow: the latest samples of a target → `HealthInput` (newest of each kind) → every
//! check of the target's engine catalogue → `CheckResult`s → area scores and the
//! weighted overall (`score.rs`, the published formula) → `HealthReport`, rendered as
//! text, Markdown or JSON (`report.rs`).
//!
//! Engines own their checks: each exposes a static `&[Check]` in its collector folder and
//! registers it in `catalogue` below; nothing else changes to add an engine or a check.

mod check;
pub mod command;
mod headroom;
pub mod report;
pub mod score;
#[cfg(test)]
pub mod testing;

pub(crate) use check::check;
pub use check::{Check, Outcome, bytes, grade, not_evaluated, some_of};
pub use headroom::counter_headroom;
/// What the checks read: the newest sample of each kind (the same fold the UI draws from).
pub type HealthInput = crate::model::Latest;

use crate::collectors::registry;
use crate::model::{EngineKind, HealthReport};

/// The engine's check catalogue (`EngineSpec::health_checks`); empty for engines this
/// build cannot monitor yet.
pub fn catalogue(engine: EngineKind) -> &'static [Check] {
    registry::spec(engine).health_checks
}

/// Runs `checks` on `input` and scores the result. Pure: the UI calls it when a target's
/// data changes, `logstag health` after one collection round.
pub fn evaluate_with(checks: &[Check], input: &HealthInput) -> HealthReport {
    let results: Vec<_> = checks.iter().map(|c| c.run(input)).collect();
    let areas = score::areas(&results);
    let overall = score::overall(&areas);
    HealthReport { target: input.target.clone(), at: input.at, checks: results, areas, overall }
}

/// The catalogue of the engine a target shows as (`TargetInfo.engine`, a display name);
/// an unknown name (a target the UI learnt of from its samples only) gets the first
/// registered engine's.
pub fn evaluate_for(engine_name: &str, input: &HealthInput) -> HealthReport {
    let engine = registry::by_display_name(engine_name).unwrap_or(registry::ENGINES[0]);
    evaluate_with(engine.health_checks, input)
}
