//! Low tier (600 s, docs/oracle.md "Low tier"): the instance, database and parameters as
//! `Settings`; RMAN jobs, password profiles, users, default passwords, powerful grants,
//! the password file, invalid objects and index usage as `Posture`; failed RMAN jobs,
//! the last backup's age and the invalid objects' count as `Metrics`.
//!
//! Statements in `low/queries.rs`, parsing in `low/settings.rs` and `low/posture.rs`.
//! Every refusal is a problem line (DEGRADED with the GRANT) and an `unavailable` fact
//! the checks explain, except the optional reads (default passwords, audit policies).
//! A MOUNTED standby answers `v$` views only: its dictionary reads are skipped, not
//! refused.

mod posture;
mod queries;
mod settings;
#[cfg(test)]
mod tests;

use super::OracleCollector;
use super::failure::refusal_problem;
use super::health_checks::fact;
use crate::collectors::{CollectError, Collected};
use crate::model::SampleBody;
use posture::{Read, f};

pub use queries::STATEMENTS;

/// Index usage tracking (`dba_index_usage`) came with 12.2.
const INDEX_USAGE_SINCE_MAJOR: u32 = 12;

/// Why the dictionary reads were skipped on a standby that is not open.
const NOT_OPEN: &str = "the database is not open (a MOUNTED standby answers v$ views only)";

/// What the tier remembers between rounds (forgotten with the connection): nothing, each
/// round reads the whole picture.
#[derive(Debug, Default)]
pub struct LowState {}

impl LowState {
    pub fn forget(&mut self) {
        *self = Self::default();
    }
}

impl OracleCollector {
    /// One statement; a refusal becomes the problem line (when `required`) and its text.
    async fn read(
        &mut self,
        what: &str,
        sql: &str,
        required: bool,
        problems: &mut Vec<String>,
    ) -> Result<Read, CollectError> {
        Ok(match self.query_raw(sql, Vec::new(), super::MAX_ROWS).await? {
            Ok(rows) => Ok(rows),
            Err(refusal) => {
                let text = refusal_problem(what, &refusal, &self.target.username);
                if required {
                    problems.push(text.clone());
                }
                Err(text)
            }
        })
    }

    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut all_settings = Vec::new();
        let mut facts = Vec::new();
        let mut metrics = Vec::new();

        let legacy = (1..18).contains(&self.major());
        let instance_sql = if legacy { queries::INSTANCE_LEGACY } else { queries::INSTANCE };
        match self.read(fact::READ_INSTANCE, instance_sql, true, &mut problems).await? {
            Ok(rows) => all_settings.extend(settings::instance(&rows)),
            Err(why) => facts.push(f(fact::UNAVAILABLE, fact::READ_INSTANCE, why)),
        }
        match self.read(fact::READ_DATABASE, queries::DATABASE, true, &mut problems).await? {
            Ok(rows) => all_settings.extend(settings::database(&rows)),
            Err(why) => facts.push(f(fact::UNAVAILABLE, fact::READ_DATABASE, why)),
        }
        match self.read(fact::READ_PARAMETERS, queries::PARAMETERS, true, &mut problems).await? {
            Ok(rows) => all_settings.extend(settings::parameters(&rows)),
            Err(why) => facts.push(f(fact::UNAVAILABLE, fact::READ_PARAMETERS, why)),
        }
        let summary = self.read(fact::READ_RMAN, queries::RMAN_SUMMARY, true, &mut problems).await?;
        let failures = match summary {
            Ok(_) => self.read(fact::READ_RMAN, queries::RMAN_FAILURES, false, &mut problems).await?,
            Err(_) => Ok(Vec::new()),
        };
        posture::rman(&summary, &failures, &mut facts, &mut metrics);

        if settings::dictionary_readable(&all_settings) {
            self.read_dictionary(&mut all_settings, &mut facts, &mut metrics, &mut problems).await?;
        } else {
            for read in [
                fact::READ_AUDIT_POLICIES,
                fact::READ_PROFILES,
                fact::READ_USERS,
                fact::READ_DEFAULT_PASSWORDS,
                fact::READ_GRANTS,
                fact::READ_PASSWORD_FILE,
                fact::READ_INVALID_OBJECTS,
                fact::READ_INDEX_USAGE,
            ] {
                facts.push(f(fact::UNAVAILABLE, read, NOT_OPEN));
            }
        }
        // The checks compare the licence word with control_management_pack_access.
        facts.push(f(fact::DIAGNOSTICS_PACK_LICENSED, "", self.diagnostics_pack()));

        let mut bodies = Vec::new();
        if !all_settings.is_empty() {
            bodies.push(SampleBody::Settings(all_settings));
        }
        // A Posture body replaces the previous one whole, so it is always sent.
        bodies.push(SampleBody::Posture(facts));
        if !metrics.is_empty() {
            bodies.push(SampleBody::Metrics(metrics));
        }
        Ok(Collected { bodies, problems })
    }

    /// The `dba_*` reads (an open database only).
    async fn read_dictionary(
        &mut self,
        all_settings: &mut Vec<crate::model::Setting>,
        facts: &mut Vec<crate::model::PostureFact>,
        metrics: &mut Vec<crate::model::Metric>,
        problems: &mut Vec<String>,
    ) -> Result<(), CollectError> {
        match self.read(fact::READ_AUDIT_POLICIES, queries::AUDIT_POLICIES, false, problems).await? {
            Ok(rows) => all_settings.extend(settings::audit_policies(&rows)),
            Err(why) => facts.push(f(fact::UNAVAILABLE, fact::READ_AUDIT_POLICIES, why)),
        }
        let read = self.read(fact::READ_PROFILES, queries::PROFILES, true, problems).await?;
        posture::profiles(&read, facts);
        let read = self.read(fact::READ_USERS, queries::USERS, true, problems).await?;
        posture::users(&read, facts);
        let read =
            self.read(fact::READ_DEFAULT_PASSWORDS, queries::DEFAULT_PASSWORDS, false, problems).await?;
        posture::default_passwords(&read, facts);
        let read = self.read(fact::READ_GRANTS, queries::POWERFUL_GRANTS, true, problems).await?;
        posture::grants(&read, facts);
        let read = self.read(fact::READ_PASSWORD_FILE, queries::PASSWORD_FILE_USERS, true, problems).await?;
        posture::password_file(&read, facts);
        let read = self.read(fact::READ_INVALID_OBJECTS, queries::INVALID_OBJECTS, true, problems).await?;
        posture::invalid_objects(&read, facts, metrics);
        let read = if self.major() == 0 || self.major() >= INDEX_USAGE_SINCE_MAJOR {
            self.read(fact::READ_INDEX_USAGE, queries::INDEX_USAGE, true, problems).await?
        } else {
            Err("index usage tracking needs Oracle 12.2 or newer".to_owned())
        };
        posture::index_usage(&read, facts);
        Ok(())
    }
}
