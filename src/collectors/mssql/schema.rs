//! Schema tier (to be filled in).

use super::MssqlCollector;
use crate::collectors::{CollectError, Collected};

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

impl MssqlCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected::default())
    }
}
