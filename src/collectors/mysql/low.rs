//! Low tier: settings that matter and the security posture (users and grants).

use super::MysqlCollector;
use crate::collectors::{CollectError, Collected};

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

impl MysqlCollector {
    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected::default())
    }
}
