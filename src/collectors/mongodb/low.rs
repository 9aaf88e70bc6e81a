//! Low tier (every 10 min): build, host, command line, startup warnings, parameters,
//! users and roles where permitted: settings and posture facts for the health report.

use super::MongoCollector;
use crate::collectors::{CollectError, Collected};

impl MongoCollector {
    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected { bodies: Vec::new(), problems: Vec::new() })
    }
}
