//! PostgreSQL collector (SKELETON: the postgres helper replaces this file).

use crate::collectors::{CollectError, Collected, Collector};
use crate::config::TargetConfig;
use crate::model::Tier;

pub struct PostgresCollector {
    endpoint: String,
}

impl PostgresCollector {
    pub fn new(target: &TargetConfig) -> Self {
        Self { endpoint: target.endpoint() }
    }
}

impl Collector for PostgresCollector {
    fn endpoint(&self) -> &str {
        &self.endpoint
    }

    async fn ensure_connected(&mut self) -> Result<String, CollectError> {
        Err(CollectError::Connect { endpoint: self.endpoint.clone(), message: "not built yet".into() })
    }

    async fn collect(&mut self, _tier: Tier) -> Result<Collected, CollectError> {
        Ok(Collected::default())
    }

    fn disconnect(&mut self) {}
}
