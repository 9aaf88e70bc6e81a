//! Helpers the engines' check tests share: run one check of a catalogue, and the
//! catalogue's own invariants (unique ids with the engine's prefix, every area covered,
//! why and action written, the registry hands out the same list).

use super::{Check, HealthInput};
use crate::model::{CheckStatus, HealthArea};

/// One check's status and evidence; a missing id is NotEvaluated, so a test names it.
pub fn run(checks: &[Check], input: &HealthInput, id: &str) -> (CheckStatus, String) {
    checks
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.run(input))
        .map_or((CheckStatus::NotEvaluated(format!("no check {id}")), String::new()), |r| {
            (r.status, r.evidence)
        })
}

pub fn assert_catalogue(checks: &[Check], prefix: &str, at_least: usize, config_name: &str) {
    let ids: std::collections::BTreeSet<_> = checks.iter().map(|c| c.id).collect();
    assert_eq!(ids.len(), checks.len(), "ids are unique");
    assert!(checks.len() >= at_least, "{} checks", checks.len());
    assert!(checks.iter().all(|c| c.id.starts_with(prefix) && !c.why.is_empty() && !c.action.is_empty()));
    for area in HealthArea::ALL {
        assert!(checks.iter().any(|c| c.area == area), "{area:?}");
    }
    let kind = crate::collectors::registry::by_config_name(config_name).map(|s| s.kind);
    assert_eq!(kind.map(|k| super::catalogue(k).len()), Some(checks.len()));
}
