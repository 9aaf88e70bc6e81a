//! Schema tier: databases (`dbStats`), collections and views (`listCollections`,
//! `$collStats`), indexes with `$indexStats` usage, change detection per collection.

use super::MongoCollector;
use crate::collectors::{CollectError, Collected};

impl MongoCollector {
    pub(super) async fn collect_schema(&mut self) -> Result<Collected, CollectError> {
        Ok(Collected { bodies: Vec::new(), problems: Vec::new() })
    }
}
