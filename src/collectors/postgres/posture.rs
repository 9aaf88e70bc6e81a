//! Low tier posture facts for the health checks: roles, pg_hba rules, PUBLIC CREATE on
//! schema public, wraparound ages, cumulative checkpoint counters.

use super::parse::to_u64;
use super::{PostgresCollector, map_rows, queries};
use crate::collectors::CollectError;
use crate::model::PostureFact;

/// Fact names shared with `health_checks`.
pub mod fact {
    /// key = role, value = true/false.
    pub const ROLE_SUPERUSER: &str = "role.superuser";
    pub const ROLE_CAN_LOGIN: &str = "role.can_login";
    /// key = role, value = timestamp or empty (no expiry).
    pub const ROLE_VALID_UNTIL: &str = "role.valid_until";
    /// key = line number, value = `type database user address method`.
    pub const HBA_RULE: &str = "hba.rule";
    /// Present instead of rules when pg_hba_file_rules cannot be read; value = why.
    pub const HBA_UNAVAILABLE: &str = "hba.unavailable";
    /// key = database, value = true/false.
    pub const PUBLIC_CREATE: &str = "schema_public.public_create";
    /// key = database, value = age.
    pub const XID_AGE: &str = "database.xid_age";
    pub const MXID_AGE: &str = "database.mxid_age";
    /// Cumulative since the stats reset.
    pub const CHECKPOINTS_TIMED: &str = "checkpoints.timed";
    pub const CHECKPOINTS_REQUESTED: &str = "checkpoints.requested";
}

fn f(name: &str, key: impl Into<String>, value: impl ToString) -> PostureFact {
    PostureFact { name: name.to_owned(), key: key.into(), value: value.to_string() }
}

impl PostgresCollector {
    pub(super) async fn read_posture(
        &mut self,
        problems: &mut Vec<String>,
    ) -> Result<Vec<PostureFact>, CollectError> {
        let mut facts = Vec::new();
        if let Some(rows) = self.rows("pg_roles", queries::POSTURE_ROLES, &[], problems).await? {
            let roles = map_rows(&rows, "pg_roles", problems, |r| {
                Ok((
                    r.try_get::<_, String>("name")?,
                    r.try_get::<_, bool>("superuser")?,
                    r.try_get::<_, bool>("can_login")?,
                    r.try_get::<_, String>("valid_until")?,
                ))
            });
            for (name, superuser, login, until) in roles {
                facts.push(f(fact::ROLE_SUPERUSER, name.clone(), superuser));
                facts.push(f(fact::ROLE_CAN_LOGIN, name.clone(), login));
                // 'infinity' is the explicit form of "never expires".
                facts.push(f(
                    fact::ROLE_VALID_UNTIL,
                    name,
                    if until == "infinity" { String::new() } else { until },
                ));
            }
        }
        // Unreadable for pg_monitor by default: a coverage gap, not a collection problem.
        match self.query_raw(queries::POSTURE_HBA, &[]).await? {
            Ok(rows) => {
                let rules = map_rows(&rows, "pg_hba_file_rules", problems, |r| {
                    let text = |c: &str| r.try_get::<_, String>(c);
                    Ok((
                        r.try_get::<_, i64>("line")?,
                        format!(
                            "{} {} {} {} {}",
                            text("type")?,
                            text("database")?,
                            text("user_name")?,
                            text("address")?,
                            text("auth_method")?
                        ),
                    ))
                });
                facts.extend(rules.into_iter().map(|(line, rule)| {
                    f(fact::HBA_RULE, line.to_string(), rule.split_whitespace().collect::<Vec<_>>().join(" "))
                }));
            }
            Err(failure) => facts.push(f(fact::HBA_UNAVAILABLE, "", failure.message)),
        }
        if let Some(rows) = self.rows("pg_namespace", queries::POSTURE_PUBLIC_SCHEMA, &[], problems).await? {
            let v = map_rows(&rows, "pg_namespace", problems, |r| {
                Ok((r.try_get::<_, String>("database")?, r.try_get::<_, bool>("public_create")?))
            });
            facts.extend(v.into_iter().map(|(db, open)| f(fact::PUBLIC_CREATE, db, open)));
        }
        if let Some(rows) = self.rows("pg_database", queries::POSTURE_WRAPAROUND, &[], problems).await? {
            let v = map_rows(&rows, "pg_database", problems, |r| {
                Ok((
                    r.try_get::<_, String>("name")?,
                    r.try_get::<_, Option<i64>>("xid_age")?,
                    r.try_get::<_, Option<i64>>("mxid_age")?,
                ))
            });
            for (db, xid, mxid) in v {
                if let Some(x) = xid {
                    facts.push(f(fact::XID_AGE, db.clone(), x));
                }
                if let Some(m) = mxid {
                    facts.push(f(fact::MXID_AGE, db, m));
                }
            }
        }
        let sql = super::io::checkpointer_sql(self.version_num);
        if let Some(rows) = self.rows("pg_stat_checkpointer", sql, &[], problems).await? {
            let v = map_rows(&rows, "pg_stat_checkpointer", problems, |r| {
                Ok((r.try_get::<_, Option<i64>>("timed")?, r.try_get::<_, Option<i64>>("requested")?))
            });
            if let Some((Some(timed), Some(requested))) = v.first() {
                facts.push(f(fact::CHECKPOINTS_TIMED, "", to_u64(*timed)));
                facts.push(f(fact::CHECKPOINTS_REQUESTED, "", to_u64(*requested)));
            }
        }
        Ok(facts)
    }
}
