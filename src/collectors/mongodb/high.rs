//! High tier (every 10 s): `serverStatus` as rates (mongostat), current operations
//! through `$currentOp` (Activity, lock waits), the instance facts.

use super::MongoCollector;
use crate::collectors::{CollectError, Collected};

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct HighState {}

impl HighState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl MongoCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected { bodies: Vec::new(), problems: Vec::new() })
    }
}
