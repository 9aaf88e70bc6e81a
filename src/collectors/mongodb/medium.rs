//! Medium tier (every 60 s): `top` deltas per collection (mongotop) as the Queries tab,
//! profiler entries when the user enabled profiling, replica set and sharding state.

use super::MongoCollector;
use crate::collectors::{CollectError, Collected};

/// Baselines between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct MediumState {}

impl MediumState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl MongoCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected { bodies: Vec::new(), problems: Vec::new() })
    }
}
