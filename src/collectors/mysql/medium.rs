//! Medium tier: statement digests, replication, InnoDB status, database sizes.

use super::MysqlCollector;
use crate::collectors::{CollectError, Collected};

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

#[derive(Debug, Default)]
pub struct MediumState {}

impl MediumState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl MysqlCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected::default())
    }
}
