//! Medium tier, storage part. Not built yet.

use super::super::OracleCollector;
use crate::collectors::{CollectError, Collected};

/// Every statement of this part (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

/// What this part remembers between rounds.
#[derive(Debug, Default)]
pub struct StorageState {}

impl OracleCollector {
    pub(in crate::collectors::oracle) async fn read_storage(
        &mut self,
        _out: &mut Collected,
    ) -> Result<(), CollectError> {
        Ok(())
    }
}
