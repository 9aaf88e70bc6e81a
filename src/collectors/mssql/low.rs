//! Low tier: the configuration that matters, server facts, and the posture the health
//! checks judge (databases, logins, orphaned users, TDE, backups, Agent jobs).
//! Statements in `low_queries.rs`, parsing in `posture.rs` and `posture_access.rs`.
//!
//! The configuration, server facts and database list are the tier's core: a refusal
//! there is a problem of the round (DEGRADED). Everything else only feeds health checks,
//! so a refusal becomes an `unavailable` fact the checks explain, never a degraded target.

use super::connect::{Refusal, code};
use super::health_checks::fact;
use super::low_queries::{self as q, MAX_ORPHAN_DATABASES};
use super::posture::{self, Read};
use super::{MssqlCollector, posture_access, refusal_problem};
use crate::collectors::{CollectError, Collected};
use crate::model::SampleBody;

pub use super::low_queries::STATEMENTS;

/// `SERVERPROPERTY('EngineEdition')` of Azure SQL Database: no msdb, no server services.
const AZURE_SQL_DATABASE: u32 = 5;

/// A refused msdb read in words: the grant it needs lives in msdb, not at server level.
fn msdb_refusal(what: &str, table: &str, refusal: &Refusal) -> String {
    match refusal.code {
        code::PERMISSION_DENIED | code::PERMISSION_DENIED_OBJECT | code::PERMISSION_DENIED_ACTION => format!(
            "{what}: permission denied ({}); in msdb run CREATE USER <monitoring user> FOR LOGIN \
             <monitoring login> (if missing) and GRANT SELECT ON {table} TO <monitoring user>",
            refusal.message
        ),
        _ => refusal_problem(what, refusal),
    }
}

impl MssqlCollector {
    /// A read the target can do without: a refusal is returned in words.
    async fn optional(
        &mut self,
        sql: &str,
        explain: impl Fn(&Refusal) -> String,
    ) -> Result<Read, CollectError> {
        Ok(self.query_raw(sql).await?.map_err(|r| explain(&r)))
    }

    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let Some(edition) = self.conn.as_ref().map(|c| c.engine_edition) else {
            return Err(self.lost("not connected"));
        };
        let mut settings = Vec::new();
        let mut facts = Vec::new();
        if let Some(rows) = self.rows("configuration", q::CONFIGURATIONS, &mut problems).await? {
            settings.extend(posture::configurations(&rows));
        }
        if let Some(rows) = self.rows("server properties", q::SERVER_PROPERTIES, &mut problems).await? {
            settings.extend(posture::server_properties(&rows));
            facts.extend(posture::permissions(&rows));
        }
        if let Some(rows) = self.rows("server memory and CPUs", q::SYS_INFO, &mut problems).await? {
            settings.extend(posture::sys_info(&rows));
        }
        let mut candidates = Vec::new();
        if let Some(rows) = self.rows("databases", q::DATABASES, &mut problems).await? {
            facts.extend(posture::databases(&rows));
            candidates = posture::orphan_candidates(&rows);
        }

        let logins = self.optional(q::LOGINS, |r| refusal_problem(fact::READ_LOGINS, r)).await?;
        posture_access::logins(&logins, &mut facts);
        let tde = self.optional(q::TDE, |r| refusal_problem(fact::READ_TDE, r)).await?;
        posture::tde(&tde, &mut facts);
        // Without VIEW ANY DEFINITION other databases' users are invisible: the reads
        // would cost 50 round trips for a list the check refuses to judge.
        if !posture::sees_other_users(&facts) {
            candidates.clear();
        }
        let skipped = candidates.len().saturating_sub(MAX_ORPHAN_DATABASES);
        let mut orphan_reads = Vec::new();
        for database in candidates.into_iter().take(MAX_ORPHAN_DATABASES) {
            let sql = q::orphaned_users_sql(&database);
            let what = format!("users of {database}");
            let read = self.optional(&sql, |r| refusal_problem(&what, r)).await?;
            orphan_reads.push((database, read));
        }
        posture_access::orphans(&orphan_reads, skipped, &mut facts);

        let mut metrics = Vec::new();
        if edition == AZURE_SQL_DATABASE {
            let none = |what: &str| Err(format!("{what}: not available on Azure SQL Database"));
            posture_access::services(&none(fact::READ_SERVICES), &mut facts);
            posture::backups(&none(fact::READ_BACKUPS), &mut facts);
            posture_access::failed_jobs(&none(fact::READ_JOBS), &mut facts);
        } else {
            let services = self.optional(q::SERVICES, |r| refusal_problem(fact::READ_SERVICES, r)).await?;
            posture_access::services(&services, &mut facts);
            let backups =
                self.optional(q::BACKUPS, |r| msdb_refusal(fact::READ_BACKUPS, "dbo.backupset", r)).await?;
            posture::backups(&backups, &mut facts);
            let jobs = self
                .optional(q::FAILED_JOBS, |r| {
                    msdb_refusal(fact::READ_JOBS, "dbo.sysjobhistory, dbo.sysjobs", r)
                })
                .await?;
            metrics.extend(posture_access::failed_jobs(&jobs, &mut facts));
        }
        // The medium tier's findings (latest deadlock, Query Store state, files at risk)
        // travel here: a Posture body replaces the previous one whole.
        facts.extend(self.medium.posture_facts());

        let mut bodies = Vec::new();
        if !settings.is_empty() {
            bodies.push(SampleBody::Settings(settings));
        }
        // A Posture body replaces the previous one whole, so it is always sent.
        bodies.push(SampleBody::Posture(facts));
        if !metrics.is_empty() {
            bodies.push(SampleBody::Metrics(metrics));
        }
        Ok(Collected { bodies, problems })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msdb_refusals_name_the_msdb_grant() {
        let denied = Refusal {
            code: 229,
            message: "The SELECT permission was denied on the object 'backupset'".into(),
        };
        let text = msdb_refusal("backup history", "dbo.backupset", &denied);
        assert!(text.starts_with("backup history: permission denied"), "{text}");
        assert!(text.contains("GRANT SELECT ON dbo.backupset"), "{text}");
        let other = Refusal { code: 208, message: "Invalid object name".into() };
        assert!(msdb_refusal("agent jobs", "dbo.sysjobs", &other).contains("not available"));
    }
}
