//! Medium tier (docs/oracle.md "Medium tier"). Not built yet: the round collects nothing.

use super::OracleCollector;
use crate::collectors::{CollectError, Collected};

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

/// What the tier remembers between rounds (forgotten with the connection).
#[derive(Debug, Default)]
pub struct MediumState {}

impl MediumState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl OracleCollector {
    pub(super) async fn collect_medium(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected::default())
    }
}
