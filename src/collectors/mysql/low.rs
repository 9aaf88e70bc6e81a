//! Low tier: the settings that matter, counters since the server started, and the
//! security posture (accounts and their global privileges). Parsing is in `posture.rs`.
//!
//! Password hashes never leave the server: the account read compares the stored
//! authentication string with '' in SQL and returns only that boolean.

use super::posture::{self, AccountsRead};
use super::{MysqlCollector, refusal_problem};
use crate::collectors::{CollectError, Collected};
use crate::model::SampleBody;

/// The global variables the health checks and the Configuration view read. Names a
/// server does not have (MariaDB-only, MySQL-only, removed in a release) are simply
/// absent from the reply, so one list serves every version.
pub const SETTINGS: &str = "\
SHOW GLOBAL VARIABLES WHERE Variable_name IN (
 'version', 'version_comment', 'server_id', 'read_only', 'super_read_only',
 'innodb_buffer_pool_size', 'innodb_buffer_pool_instances', 'innodb_flush_log_at_trx_commit',
 'innodb_flush_method', 'innodb_doublewrite', 'innodb_file_per_table', 'innodb_log_file_size',
 'innodb_log_files_in_group', 'innodb_redo_log_capacity', 'innodb_log_buffer_size',
 'innodb_io_capacity', 'innodb_lock_wait_timeout', 'innodb_print_all_deadlocks',
 'innodb_dedicated_server', 'log_bin', 'sync_binlog', 'binlog_format', 'binlog_row_image',
 'binlog_expire_logs_seconds', 'binlog_expire_logs_auto_purge', 'expire_logs_days',
 'log_slave_updates', 'log_replica_updates', 'gtid_mode', 'enforce_gtid_consistency',
 'gtid_strict_mode', 'max_connections', 'max_user_connections', 'thread_cache_size',
 'table_open_cache', 'table_definition_cache', 'max_allowed_packet', 'wait_timeout',
 'interactive_timeout', 'lock_wait_timeout', 'max_execution_time', 'max_statement_time',
 'tmp_table_size', 'max_heap_table_size', 'performance_schema', 'slow_query_log',
 'long_query_time', 'query_cache_type', 'query_cache_size', 'sql_mode', 'transaction_isolation',
 'tx_isolation', 'default_storage_engine', 'character_set_server', 'collation_server',
 'event_scheduler', 'local_infile', 'require_secure_transport', 'have_ssl', 'tls_version',
 'skip_name_resolve', 'skip_networking', 'bind_address', 'secure_file_priv',
 'default_authentication_plugin', 'authentication_policy')";

/// Counters since the server started, for the health checks' long-run ratios (a single
/// high-tier read has no rates yet). `Uptime` turns counts into rates.
pub const STATUS_SINCE_START: &str = "\
SHOW GLOBAL STATUS WHERE Variable_name IN (
 'Uptime', 'Questions', 'Connections', 'Aborted_connects', 'Aborted_clients',
 'Max_used_connections', 'Connection_errors_max_connections', 'Threads_created',
 'Innodb_buffer_pool_read_requests', 'Innodb_buffer_pool_reads',
 'Created_tmp_tables', 'Created_tmp_disk_tables', 'Innodb_deadlocks',
 'Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Slow_queries')";

/// MySQL has no `Innodb_deadlocks` status: its count is an InnoDB metric (on by default).
pub const DEADLOCKS_METRIC: &str = "\
SELECT NAME AS name, COUNT AS value
FROM information_schema.INNODB_METRICS
WHERE NAME = 'lock_deadlocks' AND STATUS = 'enabled'";

/// The global privileges worth naming: each makes an account an administrator (SUPER,
/// the right to read and write server files, to stop the server, to create users);
/// `GRANT OPTION` is added when any global privilege is grantable.
macro_rules! global_privileges_sql {
    () => {
        "
LEFT JOIN (
  SELECT GRANTEE AS grantee, SUM(PRIVILEGE_TYPE <> 'USAGE') AS privileges,
         CONCAT_WS(',',
           GROUP_CONCAT(CASE WHEN PRIVILEGE_TYPE IN ('SUPER', 'FILE', 'SHUTDOWN', 'CREATE USER',
                        'SYSTEM_USER', 'SYSTEM_VARIABLES_ADMIN') THEN PRIVILEGE_TYPE END
                        ORDER BY PRIVILEGE_TYPE SEPARATOR ','),
           CASE WHEN MAX(IS_GRANTABLE = 'YES') = 1 THEN 'GRANT OPTION' END) AS admin
  FROM information_schema.USER_PRIVILEGES
  GROUP BY GRANTEE
) p ON p.grantee = CONCAT('''', "
    };
}

/// MariaDB 10.4+: accounts live in `mysql.global_priv` (a JSON `Priv` column; roles are
/// rows with `is_role`). An account without `plugin` uses mysql_native_password;
/// `auth_or` lists the alternatives of `IDENTIFIED VIA a OR b`.
pub const ACCOUNTS_MARIADB: &str = concat!(
    "\
SELECT g.User AS user, g.Host AS host,
       COALESCE(JSON_VALUE(g.Priv, '$.plugin'), 'mysql_native_password') AS plugin,
       JSON_EXTRACT(g.Priv, '$.auth_or[*].plugin') AS alternatives,
       COALESCE(JSON_VALUE(g.Priv, '$.authentication_string'), '') = '' AS empty_auth,
       COALESCE(JSON_VALUE(g.Priv, '$.account_locked'), 'false') IN ('true', '1') AS locked,
       COALESCE(p.privileges, 0) AS privileges, COALESCE(p.admin, '') AS admin
FROM mysql.global_priv g",
    global_privileges_sql!(),
    "g.User, '''@''', g.Host, '''')
WHERE COALESCE(JSON_VALUE(g.Priv, '$.is_role'), 'false') NOT IN ('true', '1')
ORDER BY g.User, g.Host
LIMIT 501"
);

/// MySQL 5.7 and 8: `mysql.user` (roles are locked accounts there).
pub const ACCOUNTS_MYSQL: &str = concat!(
    "\
SELECT u.User AS user, u.Host AS host, u.plugin AS plugin, NULL AS alternatives,
       u.authentication_string = '' AS empty_auth, u.account_locked = 'Y' AS locked,
       COALESCE(p.privileges, 0) AS privileges, COALESCE(p.admin, '') AS admin
FROM mysql.user u",
    global_privileges_sql!(),
    "u.User, '''@''', u.Host, '''')
ORDER BY u.User, u.Host
LIMIT 501"
);

/// Every statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] =
    &[SETTINGS, STATUS_SINCE_START, DEADLOCKS_METRIC, ACCOUNTS_MARIADB, ACCOUNTS_MYSQL];

impl MysqlCollector {
    pub(super) async fn collect_low(&mut self) -> Result<Collected, CollectError> {
        let mut problems = Vec::new();
        let mut bodies = Vec::new();
        let Some(server) = self.server().cloned() else {
            return Err(self.lost("not connected"));
        };
        let settings =
            self.rows("global variables", SETTINGS, &mut problems).await?.map(|r| posture::settings(&r));
        // Counters and accounts feed health checks only: a refusal is a coverage gap the
        // checks explain (an `unavailable` fact), not a degraded target.
        let mut counters = match self.query_raw(STATUS_SINCE_START).await? {
            Ok(rows) => Ok(posture::counters(&rows)),
            Err(refusal) => Err(refusal_problem("global status", &refusal)),
        };
        if let Ok(c) = &mut counters
            && !c.contains_key("innodb_deadlocks")
            && let Ok(rows) = self.query_raw(DEADLOCKS_METRIC).await?
        {
            c.extend(posture::counters(&rows).into_values().map(|v| ("innodb_deadlocks".to_owned(), v)));
        }
        let sql = if server.is_mariadb() { ACCOUNTS_MARIADB } else { ACCOUNTS_MYSQL };
        let accounts: AccountsRead = match self.query_raw(sql).await? {
            Ok(rows) => Ok(posture::accounts(&rows)),
            Err(refusal) => Err(refusal_problem("accounts", &refusal)),
        };
        let mut facts = posture::facts(&accounts, &counters);
        if let Some(settings) = settings {
            bodies.push(SampleBody::Settings(settings));
        }
        // The latest deadlock comes from the medium tier; a Posture body replaces the last whole.
        facts.extend(self.medium.posture_facts());
        bodies.push(SampleBody::Posture(facts));
        Ok(Collected { bodies, problems })
    }
}
