//! High tier: instance facts (sessions, requests, waits and counters are added here).

use super::{MssqlCollector, queries};
use crate::collectors::{CollectError, Collected};
use crate::model::{InstanceInfo, SampleBody};

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[];

impl MssqlCollector {
    pub(super) async fn collect_high(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        if self.conn.is_none() {
            return Err(self.lost("not connected"));
        }
        if let Some(rows) = self.rows("instance", queries::INSTANCE, &mut problems).await?
            && let Some(row) = rows.first()
        {
            bodies.push(SampleBody::Instance(InstanceInfo {
                version: row.text("product_version"),
                version_full: row.text("version").lines().next().unwrap_or_default().trim().to_owned(),
                database: row.text("db"),
                product: "SQL Server".to_owned(),
                ..Default::default()
            }));
        }
        Ok(Collected { bodies, problems })
    }
}
