//! The low tier's statements (every 600 s). Dictionary views (`dba_*`) belong here, never
//! in the high tier; each list is capped. Ages are computed by the server (`SYSDATE -
//! x`), so its time zone never meets ours. Oracle's own schemas are left out with the
//! `ORACLE_MAINTAINED` flag (12.1+).

/// Rows kept of the users list (non-maintained users, plus maintained ones left OPEN).
pub const MAX_USERS: usize = 300;
/// Grants of powerful privileges kept.
pub const MAX_GRANTS: usize = 500;
/// Invalid objects named (the count is exact).
pub const MAX_INVALID_NAMED: usize = 20;
/// Indexes never used named (the counts are exact).
pub const MAX_UNUSED_NAMED: usize = 10;
/// Failed RMAN jobs named.
pub const MAX_RMAN_FAILURES: usize = 10;

/// `v$instance` (VERSION_FULL from 18c, EDITION from 12.2) and `v$version`'s banner, with
/// the uptime counted by the server and the container the session is in.
pub const INSTANCE: &str = "SELECT i.instance_name, i.host_name, i.version_full, i.edition, i.status, \
     i.database_status, i.startup_time, ROUND((SYSDATE - i.startup_time) * 86400) AS uptime_s, \
     SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name, \
     (SELECT MAX(v.banner_full) FROM v$version v WHERE v.banner LIKE 'Oracle%') AS banner \
     FROM v$instance i";

/// The same before 18c (no VERSION_FULL, BANNER_FULL nor EDITION).
pub const INSTANCE_LEGACY: &str = "SELECT i.instance_name, i.host_name, i.version, i.status, \
     i.database_status, i.startup_time, ROUND((SYSDATE - i.startup_time) * 86400) AS uptime_s, \
     SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name, \
     (SELECT MAX(v.banner) FROM v$version v WHERE v.banner LIKE 'Oracle%') AS banner \
     FROM v$instance i";

/// `v$database`, and whether Unified Auditing is linked in (`v$option`: TRUE = pure mode).
pub const DATABASE: &str = "SELECT d.name, d.db_unique_name, d.cdb, d.log_mode, d.flashback_on, \
     d.force_logging, d.database_role, d.open_mode, d.protection_mode, d.dataguard_broker, \
     (SELECT MAX(o.value) FROM v$option o WHERE o.parameter = 'Unified Auditing') AS unified_auditing \
     FROM v$database d";

/// The parameters the checks judge, and every archive destination set explicitly.
pub const PARAMETERS: &str = "SELECT p.name, p.value, p.isdefault FROM v$parameter p \
     WHERE p.name IN ('processes', 'sessions', 'sga_target', 'sga_max_size', 'pga_aggregate_target', \
     'pga_aggregate_limit', 'memory_target', 'memory_max_target', 'control_management_pack_access', \
     'audit_trail', 'audit_sys_operations', 'remote_login_passwordfile', 'remote_os_authent', \
     'undo_management', 'undo_retention', 'db_recovery_file_dest', 'db_recovery_file_dest_size', \
     'statistics_level', 'open_cursors', 'sec_case_sensitive_logon', 'sec_max_failed_login_attempts', \
     'cpu_count', 'compatible', 'cursor_sharing', 'optimizer_features_enable', 'db_block_checksum', \
     'timed_statistics', 'resource_limit', 'enable_ddl_logging', 'archive_lag_target', 'db_files', \
     'job_queue_processes', 'use_large_pages', 'enable_pluggable_database') \
     OR (p.name LIKE 'log_archive_dest%' AND p.isdefault = 'FALSE') \
     ORDER BY p.name";

/// Unified Auditing policies enabled (in mixed mode too): traditional auditing off is no
/// gap while some are.
pub const AUDIT_POLICIES: &str =
    "SELECT COUNT(DISTINCT policy_name) AS enabled_policies FROM audit_unified_enabled_policies";

/// RMAN over what the control file remembers: ages of the newest backups from the backup
/// sets themselves (a job row has one INPUT_TYPE, so `BACKUP DATABASE PLUS ARCHIVELOG`
/// would hide its archived logs), failures in the last day and week from the jobs. One row.
pub const RMAN_SUMMARY: &str = "SELECT \
     ROUND((SYSDATE - (SELECT MAX(d.completion_time) FROM v$backup_datafile d WHERE d.file# > 0)) * 86400) \
       AS db_backup_age_s, \
     ROUND((SYSDATE - (SELECT MAX(d.completion_time) FROM v$backup_datafile d \
       WHERE d.file# > 0 AND NVL(d.incremental_level, 0) = 0)) * 86400) AS full_backup_age_s, \
     ROUND((SYSDATE - (SELECT MAX(b.completion_time) FROM v$backup_set b WHERE b.backup_type = 'L')) * 86400) \
       AS archivelog_backup_age_s, \
     COUNT(CASE WHEN j.status IN ('FAILED', 'COMPLETED WITH ERRORS') AND j.start_time > SYSDATE - 1 \
       THEN 1 END) AS failed_24h, \
     COUNT(CASE WHEN j.status IN ('FAILED', 'COMPLETED WITH ERRORS') AND j.start_time > SYSDATE - 7 \
       THEN 1 END) AS failed_7d, \
     COUNT(CASE WHEN j.start_time > SYSDATE - 7 THEN 1 END) AS jobs_7d, \
     ROUND((SYSDATE - MIN(j.start_time)) * 86400) AS history_s \
     FROM v$rman_backup_job_details j";

/// The failed RMAN jobs of the last 7 days, newest first.
pub const RMAN_FAILURES: &str = "SELECT j.input_type, j.status, j.output_device_type, \
     ROUND((SYSDATE - j.start_time) * 86400) AS start_age_s, j.elapsed_seconds \
     FROM v$rman_backup_job_details j \
     WHERE j.status IN ('FAILED', 'COMPLETED WITH ERRORS') AND j.start_time > SYSDATE - 7 \
     ORDER BY j.start_time DESC FETCH FIRST 10 ROWS ONLY";

/// Password limits of every profile (`LIMIT` is a keyword, hence the quotes).
pub const PROFILES: &str = "SELECT p.profile, p.resource_name, p.\"LIMIT\" AS limit_value \
     FROM dba_profiles p WHERE p.resource_type = 'PASSWORD' ORDER BY p.profile, p.resource_name";

/// Application users, and Oracle's own accounts only when OPEN.
pub const USERS: &str = "SELECT u.username, u.account_status, u.profile, u.authentication_type, \
     u.oracle_maintained, EXTRACT(DAY FROM (SYSTIMESTAMP - u.last_login)) AS last_login_days \
     FROM dba_users u WHERE u.oracle_maintained = 'N' OR u.account_status = 'OPEN' \
     ORDER BY u.oracle_maintained, u.username FETCH FIRST 300 ROWS ONLY";

/// Accounts whose password is still the installation default (readable with SELECT ANY
/// DICTIONARY; a refusal only leaves the check unevaluated).
pub const DEFAULT_PASSWORDS: &str = "SELECT d.username, u.account_status, u.oracle_maintained \
     FROM dba_users_with_defpwd d JOIN dba_users u ON u.username = d.username ORDER BY d.username";

/// Who outside Oracle's own accounts and roles holds DBA-like roles, ANY or other
/// escalating system privileges, and what PUBLIC may execute of the risky SYS packages.
pub const POWERFUL_GRANTS: &str = "SELECT g.grantee, g.kind, g.privilege, g.admin_option FROM ( \
     SELECT r.grantee, 'ROLE' AS kind, r.granted_role AS privilege, r.admin_option FROM dba_role_privs r \
     WHERE r.granted_role IN ('DBA', 'IMP_FULL_DATABASE', 'EXP_FULL_DATABASE', \
     'DATAPUMP_IMP_FULL_DATABASE', 'DATAPUMP_EXP_FULL_DATABASE', 'SELECT_CATALOG_ROLE', 'EXECUTE_CATALOG_ROLE') \
     UNION ALL \
     SELECT s.grantee, 'SYSTEM', s.privilege, s.admin_option FROM dba_sys_privs s \
     WHERE s.privilege LIKE '%ANY%' OR s.privilege IN ('ALTER SYSTEM', 'ALTER DATABASE', 'BECOME USER', \
     'ALTER USER', 'CREATE USER', 'DROP USER', 'EXEMPT ACCESS POLICY', 'EXEMPT REDACTION POLICY', \
     'AUDIT SYSTEM', 'ALTER PROFILE', 'CREATE LIBRARY') \
     UNION ALL \
     SELECT t.grantee, 'EXECUTE', t.table_name, t.grantable FROM dba_tab_privs t \
     WHERE t.grantee = 'PUBLIC' AND t.owner = 'SYS' AND t.privilege = 'EXECUTE' \
     AND t.table_name IN ('UTL_FILE', 'UTL_TCP', 'UTL_HTTP', 'UTL_SMTP', 'UTL_INADDR', 'DBMS_SYS_SQL', \
     'DBMS_BACKUP_RESTORE', 'DBMS_JAVA', 'DBMS_ADVISOR', 'DBMS_LOB') \
     ) g \
     WHERE g.grantee = 'PUBLIC' OR (g.grantee NOT IN (SELECT username FROM dba_users WHERE oracle_maintained = 'Y') \
     AND g.grantee NOT IN (SELECT role FROM dba_roles WHERE oracle_maintained = 'Y')) \
     ORDER BY g.grantee, g.kind, g.privilege FETCH FIRST 500 ROWS ONLY";

/// Users in the password file (administrative privileges), with whether Oracle owns them.
pub const PASSWORD_FILE_USERS: &str = "SELECT p.username, p.sysdba, p.sysoper, p.sysbackup, p.sysdg, \
     p.syskm, u.oracle_maintained FROM v$pwfile_users p LEFT JOIN dba_users u ON u.username = p.username \
     ORDER BY p.username";

/// Invalid objects outside Oracle's schemas: the exact count on every row, a few named.
pub const INVALID_OBJECTS: &str = "SELECT o.owner, o.object_type, o.object_name, COUNT(*) OVER () AS total \
     FROM dba_objects o WHERE o.status = 'INVALID' AND o.oracle_maintained = 'N' \
     ORDER BY o.owner, o.object_type, o.object_name FETCH FIRST 20 ROWS ONLY";

/// Non-unique application indexes with their use since index usage tracking began (12.2,
/// sampled by default): totals on every row, the never-used ones first.
pub const INDEX_USAGE: &str = "SELECT x.owner, x.index_name, x.table_name, x.used, \
     COUNT(*) OVER () AS indexes, SUM(CASE WHEN x.used = 'N' THEN 1 ELSE 0 END) OVER () AS never_used \
     FROM (SELECT i.owner, i.index_name, i.table_name, \
     CASE WHEN u.name IS NULL THEN 'N' ELSE 'Y' END AS used \
     FROM dba_indexes i LEFT JOIN dba_index_usage u ON u.owner = i.owner AND u.name = i.index_name \
     WHERE i.uniqueness = 'NONUNIQUE' AND i.index_type <> 'LOB' \
     AND i.owner IN (SELECT username FROM dba_users WHERE oracle_maintained = 'N')) x \
     ORDER BY x.used, x.owner, x.index_name FETCH FIRST 10 ROWS ONLY";

/// Every statement of the tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    INSTANCE,
    INSTANCE_LEGACY,
    DATABASE,
    PARAMETERS,
    AUDIT_POLICIES,
    RMAN_SUMMARY,
    RMAN_FAILURES,
    PROFILES,
    USERS,
    DEFAULT_PASSWORDS,
    POWERFUL_GRANTS,
    PASSWORD_FILE_USERS,
    INVALID_OBJECTS,
    INDEX_USAGE,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The caps in the SQL text and the constants the parsers trust agree.
    #[test]
    fn caps_in_the_sql_match_the_constants() {
        for (sql, cap) in [
            (USERS, MAX_USERS),
            (POWERFUL_GRANTS, MAX_GRANTS),
            (INVALID_OBJECTS, MAX_INVALID_NAMED),
            (INDEX_USAGE, MAX_UNUSED_NAMED),
            (RMAN_FAILURES, MAX_RMAN_FAILURES),
        ] {
            assert!(sql.ends_with(&format!("FETCH FIRST {cap} ROWS ONLY")), "{sql}");
        }
    }
}
