//! When each tier of a target first runs: the first look at every target is immediate,
//! the heavier tiers of a fleet's targets are spread out so that a hundred targets do not
//! read their statements (and hold their replies in memory) at the same instant.

use super::scheduler::{SCHEMA_FIRST_RUN_DELAY, later};
use crate::model::Tier;
use std::time::Duration;
use tokio::time::Instant;

/// Between two targets' first medium, low and schema rounds.
const FLEET_STAGGER_STEP: Duration = Duration::from_millis(250);

/// The stagger of the target at `index` of a configuration: 250 ms per target before it.
/// The high tier is never staggered (the first look at every target is immediate), and a
/// tier is never shifted by more than half its interval.
pub fn fleet_stagger(index: usize) -> Duration {
    FLEET_STAGGER_STEP.saturating_mul(u32::try_from(index).unwrap_or(u32::MAX))
}

/// When a tier first runs: the high tier at start, the others shifted by the target's
/// stagger, the schema tier after its own delay as well.
pub(super) fn first_run(start: Instant, tier: Tier, every: Duration, stagger: Duration) -> Instant {
    let shift = stagger.min(every / 2);
    match tier {
        Tier::High => start,
        // Catalogue reads of every database are the heaviest thing we do: they should not
        // compete with the first look at a server in trouble. The last stored inventory
        // is shown meanwhile.
        Tier::Schema => later(start, every.min(SCHEMA_FIRST_RUN_DELAY) + shift),
        Tier::Medium | Tier::Low => later(start, shift),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_heavier_tiers_of_later_targets_are_shifted_and_never_past_half_their_interval() {
        let start = Instant::now();
        let minute = Duration::from_secs(60);
        assert_eq!(fleet_stagger(0), Duration::ZERO);
        assert_eq!(fleet_stagger(99), Duration::from_millis(24_750));
        assert_eq!(first_run(start, Tier::High, Duration::from_secs(10), fleet_stagger(99)), start);
        assert_eq!(first_run(start, Tier::Medium, minute, fleet_stagger(0)), start);
        assert_eq!(first_run(start, Tier::Medium, minute, fleet_stagger(8)), start + Duration::from_secs(2));
        assert_eq!(
            first_run(start, Tier::Medium, minute, fleet_stagger(1000)),
            start + Duration::from_secs(30)
        );
        assert_eq!(
            first_run(start, Tier::Schema, Duration::from_secs(14_400), fleet_stagger(4)),
            start + SCHEMA_FIRST_RUN_DELAY + Duration::from_secs(1)
        );
    }
}
