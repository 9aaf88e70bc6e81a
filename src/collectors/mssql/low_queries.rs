//! The low tier's statements (every 10 minutes): configuration, server facts, databases,
//! logins, TDE, backups, Agent jobs, and the per-database orphaned-user read.
//!
//! Each column is aliased in lower_snake_case so the parsers read one shape. Password
//! hashes never leave the server: PWDCOMPARE runs in SQL and only its 0/1 comes back.

/// The `sys.configurations` options the health checks and the Configuration view read,
/// as the server spells them (readable by any login). `value_in_use` is what runs; a
/// different `value` means a RECONFIGURE or restart is pending.
pub const CONFIGURATIONS: &str = "\
SELECT c.name AS name, CAST(c.value_in_use AS bigint) AS value_in_use,
       CAST(c.value AS bigint) AS value_configured
FROM sys.configurations AS c
WHERE c.name IN (N'max server memory (MB)', N'min server memory (MB)', N'max degree of parallelism',
 N'cost threshold for parallelism', N'optimize for ad hoc workloads', N'xp_cmdshell', N'clr enabled',
 N'clr strict security', N'remote admin connections', N'Ad Hoc Distributed Queries',
 N'Database Mail XPs', N'Ole Automation Procedures', N'backup compression default',
 N'contained database authentication', N'cross db ownership chaining', N'remote access',
 N'show advanced options', N'blocked process threshold (s)', N'scan for startup procs',
 N'user connections')
ORDER BY c.name";

/// Server properties (no permission needed) and which server permissions the monitoring
/// login holds: without VIEW ANY DEFINITION the login and user lists are partial.
pub const SERVER_PROPERTIES: &str = "\
SELECT CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
       CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition,
       CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
       CAST(SERVERPROPERTY('IsIntegratedSecurityOnly') AS int) AS integrated_security_only,
       CAST(SERVERPROPERTY('IsClustered') AS int) AS is_clustered,
       CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS is_hadr_enabled,
       CAST(SERVERPROPERTY('Collation') AS nvarchar(128)) AS collation,
       HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW ANY DEFINITION') AS view_any_definition,
       HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE') AS view_server_state,
       HAS_PERMS_BY_NAME(NULL, NULL, 'CONTROL SERVER') AS control_server";

/// CPUs, memory and start time (VIEW SERVER STATE); NUMA nodes from the schedulers
/// SQL Server uses (a few dozen rows), for the per-node MAXDOP guidance.
pub const SYS_INFO: &str = "\
SELECT i.cpu_count AS cpu_count, i.physical_memory_kb / 1024 AS physical_memory_mb,
       CONVERT(varchar(23), i.sqlserver_start_time, 121) AS start_time,
       DATEDIFF(second, i.sqlserver_start_time, GETDATE()) AS uptime_s,
       (SELECT COUNT(DISTINCT s.parent_node_id) FROM sys.dm_os_schedulers AS s
        WHERE s.status = N'VISIBLE ONLINE') AS numa_nodes
FROM sys.dm_os_sys_info AS i";

/// The services of this instance (engine, Agent, full-text) with their accounts and
/// states (VIEW SERVER STATE; absent on some managed offerings).
pub const SERVICES: &str = "\
SELECT s.servicename AS service_name, s.service_account AS service_account,
       s.status_desc AS status, s.startup_type_desc AS startup_type
FROM sys.dm_server_services AS s";

/// At most this many databases are described (by database_id, the system ones first).
pub const MAX_DATABASES: usize = 500;

/// Databases without snapshots (they are not backed up or configured on their own).
/// `has_access` says whether the orphaned-user read may enter it.
pub const DATABASES: &str = "\
SELECT TOP (501) d.name AS database_name, d.database_id AS database_id, d.state_desc AS state,
       d.recovery_model_desc AS recovery_model, d.is_auto_close_on AS auto_close,
       d.is_auto_shrink_on AS auto_shrink, d.page_verify_option_desc AS page_verify,
       d.compatibility_level AS compatibility_level,
       d.is_read_committed_snapshot_on AS read_committed_snapshot,
       d.is_query_store_on AS query_store_on, d.is_encrypted AS encrypted,
       d.log_reuse_wait_desc AS log_reuse_wait, d.containment_desc AS containment,
       d.is_read_only AS read_only, d.is_trustworthy_on AS trustworthy,
       SUSER_SNAME(d.owner_sid) AS owner_name,
       CASE WHEN d.replica_id IS NULL THEN 0 ELSE 1 END AS in_availability_group,
       HAS_DBACCESS(d.name) AS has_access
FROM sys.databases AS d
WHERE d.source_database_id IS NULL
ORDER BY d.database_id";

/// At most this many logins are described (`sa` first, then by name).
pub const MAX_LOGINS: usize = 500;

/// Logins that can connect (SQL, Windows, Entra ID; `##…##` certificate logins left
/// out), their admin rights, password policy and two password tests done in SQL: the
/// hash is compared with '' and with the login's own name, and only 0/1 returns. The
/// hash reads as NULL without CONTROL SERVER (2016–2019) or VIEW ANY CRYPTOGRAPHICALLY
/// SECURED DEFINITION (2022+): the tests then return NULL, not an error.
pub const LOGINS: &str = "\
SELECT TOP (501) p.principal_id AS principal_id, p.name AS login_name, p.type_desc AS login_type,
       p.is_disabled AS disabled,
       CASE WHEN EXISTS (SELECT 1 FROM sys.server_role_members AS m
                         JOIN sys.server_principals AS r ON r.principal_id = m.role_principal_id
                         WHERE m.member_principal_id = p.principal_id AND r.name = N'sysadmin')
            THEN 1 ELSE 0 END AS sysadmin,
       CASE WHEN EXISTS (SELECT 1 FROM sys.server_permissions AS g
                         WHERE g.grantee_principal_id = p.principal_id AND g.type = 'CL'
                           AND g.state IN ('G', 'W'))
            THEN 1 ELSE 0 END AS control_server,
       l.is_policy_checked AS policy_checked, l.is_expiration_checked AS expiration_checked,
       CASE WHEN l.password_hash IS NULL THEN NULL ELSE PWDCOMPARE(N'', l.password_hash) END
         AS empty_password,
       CASE WHEN l.password_hash IS NULL THEN NULL ELSE PWDCOMPARE(p.name, l.password_hash) END
         AS password_is_name
FROM sys.server_principals AS p
LEFT JOIN sys.sql_logins AS l ON l.principal_id = p.principal_id
WHERE p.type IN ('S', 'U', 'G', 'E', 'X') AND p.name NOT LIKE N'##%'
ORDER BY CASE WHEN p.principal_id = 1 THEN 0 ELSE 1 END, p.name";

/// TDE state per database and whether the protecting certificate's private key was
/// ever backed up (VIEW SERVER STATE; certificates need VIEW ANY DEFINITION).
pub const TDE: &str = "\
SELECT DB_NAME(k.database_id) AS database_name, k.encryption_state AS encryption_state,
       k.key_algorithm AS key_algorithm, k.key_length AS key_length,
       k.encryptor_type AS encryptor_type, c.name AS certificate_name,
       CASE WHEN c.thumbprint IS NULL THEN NULL
            WHEN c.pvt_key_last_backup_date IS NULL THEN 0 ELSE 1 END AS certificate_backed_up
FROM sys.dm_database_encryption_keys AS k
LEFT JOIN master.sys.certificates AS c ON c.thumbprint = k.encryptor_thumbprint";

/// The newest full, differential and log backup per database over the last 30 days
/// (the window bounds the read to msdb's backup_finish_date index instead of the whole
/// history), as ages by the server's clock so no time zone is involved.
pub const BACKUPS: &str = "\
SELECT b.database_name AS database_name,
       DATEDIFF(minute, MAX(CASE WHEN b.type = 'D' THEN b.backup_finish_date END), GETDATE())
         AS full_age_min,
       DATEDIFF(minute, MAX(CASE WHEN b.type = 'I' THEN b.backup_finish_date END), GETDATE())
         AS diff_age_min,
       DATEDIFF(minute, MAX(CASE WHEN b.type = 'L' THEN b.backup_finish_date END), GETDATE())
         AS log_age_min
FROM msdb.dbo.backupset AS b
WHERE b.backup_finish_date > DATEADD(day, -30, GETDATE()) AND b.type IN ('D', 'I', 'L')
GROUP BY b.database_name";

/// Agent jobs with a failed outcome (step 0, run_status 0) in the last 24 h, with the
/// newest outcome: a job that failed at 02:00 and succeeded at 03:00 has recovered.
/// `run_date`/`run_time` are yyyymmdd/hhmmss integers in server local time; the first
/// filter keeps the read to two days of Agent's (already capped) history.
pub const FAILED_JOBS: &str = "\
WITH outcomes AS (
  SELECT h.job_id AS job_id, h.run_status AS run_status,
         DATEADD(second, h.run_time / 10000 * 3600 + h.run_time / 100 % 100 * 60 + h.run_time % 100,
                 CONVERT(datetime, CONVERT(char(8), h.run_date), 112)) AS ran_at,
         ROW_NUMBER() OVER (PARTITION BY h.job_id ORDER BY h.instance_id DESC) AS newest
  FROM msdb.dbo.sysjobhistory AS h
  WHERE h.step_id = 0
    AND h.run_date >= CONVERT(int, CONVERT(char(8), DATEADD(day, -1, GETDATE()), 112))
)
SELECT TOP (200) j.name AS job_name, j.enabled AS enabled,
       SUM(CASE WHEN o.run_status = 0 THEN 1 ELSE 0 END) AS failures,
       MAX(CASE WHEN o.newest = 1 THEN o.run_status END) AS last_run_status
FROM outcomes AS o
JOIN msdb.dbo.sysjobs AS j ON j.job_id = o.job_id
WHERE o.ran_at >= DATEADD(hour, -24, GETDATE())
GROUP BY j.name, j.enabled
HAVING SUM(CASE WHEN o.run_status = 0 THEN 1 ELSE 0 END) > 0
ORDER BY j.name";

/// At most this many databases are searched for orphaned users each round (one small
/// catalog read each).
pub const MAX_ORPHAN_DATABASES: usize = 50;

/// The orphaned-user read of one database, by three-part name. The shape with `{db}`
/// standing for the quoted name (the read-only test checks this text).
pub const ORPHANED_USERS_SHAPE: &str = "\
SELECT TOP (101) u.name AS user_name
FROM {db}.sys.database_principals AS u
WHERE u.type = 'S' AND u.authentication_type = 1 AND u.principal_id > 4 AND u.sid IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM sys.server_principals AS p WHERE p.sid = u.sid)
ORDER BY u.name";

/// SQL users mapped to a login (authentication INSTANCE) whose login no longer exists.
/// Users WITHOUT LOGIN, contained-database users and Windows users (who may enter
/// through a group login) are not orphans. `dbo`, `guest`, `sys` and INFORMATION_SCHEMA
/// (principal_id 1–4) are left out.
pub fn orphaned_users_sql(database: &str) -> String {
    ORPHANED_USERS_SHAPE.replace("{db}", &quote_name(database))
}

/// A name as a bracketed T-SQL identifier (QUOTENAME): `]` doubled, so no database
/// name can end the identifier and add SQL of its own.
pub fn quote_name(name: &str) -> String {
    format!("[{}]", name.replace(']', "]]"))
}

/// Every fixed statement of this tier (for the read-only test).
pub const STATEMENTS: &[&str] = &[
    CONFIGURATIONS,
    SERVER_PROPERTIES,
    SYS_INFO,
    SERVICES,
    DATABASES,
    LOGINS,
    TDE,
    BACKUPS,
    FAILED_JOBS,
    ORPHANED_USERS_SHAPE,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};

    /// The bracketed identifier at the start of `sql`, unquoted; None when it does not close.
    fn unquote_leading(sql: &str) -> Option<(String, &str)> {
        let mut out = String::new();
        let mut chars = sql.strip_prefix('[')?.char_indices().peekable();
        while let Some((at, c)) = chars.next() {
            if c == ']' {
                if chars.peek().is_some_and(|(_, n)| *n == ']') {
                    chars.next();
                    out.push(']');
                    continue;
                }
                return Some((out, &sql[at + 2..]));
            }
            out.push(c);
        }
        None
    }

    #[test]
    fn hostile_database_names_stay_one_identifier() {
        let hostile = [
            "shop",
            "a]; SELECT 1; --",
            "x]]].sys.objects; DROP TABLE t; --",
            "]",
            "[weird[",
            "it's \"quoted\"",
            "Bücher ünd 日本語",
            "tab\tand\nnewline",
            "",
        ];
        let (before, after) = ORPHANED_USERS_SHAPE.split_once("{db}").unwrap_or_default();
        for name in hostile {
            let sql = orphaned_users_sql(name);
            assert!(sql.starts_with(before), "{sql}");
            let (unquoted, rest) = unquote_leading(&sql[before.len()..]).unwrap_or_default();
            assert_eq!(unquoted, name, "the identifier holds the whole name and nothing else");
            assert_eq!(rest, after, "nothing follows the identifier but the statement");
            assert!(allowed_start(&sql));
            for word in words(&sql) {
                assert!(!FORBIDDEN.contains(&word.as_str()), "{word} in {sql}");
            }
        }
    }

    /// The lower-case names a statement's columns are aliased to (`… AS name`).
    fn aliases(sql: &str) -> Vec<String> {
        let w = words(sql);
        w.windows(2).filter(|p| p[0] == "as").map(|p| p[1].clone()).collect()
    }

    #[test]
    fn every_fixture_column_is_one_the_statement_returns() {
        let pairs = [
            (CONFIGURATIONS, include_str!("fixtures/low_configurations.tsv")),
            (SERVER_PROPERTIES, include_str!("fixtures/low_server_properties.tsv")),
            (SYS_INFO, include_str!("fixtures/low_sys_info.tsv")),
            (SERVICES, include_str!("fixtures/low_services.tsv")),
            (DATABASES, include_str!("fixtures/low_databases.tsv")),
            (LOGINS, include_str!("fixtures/low_logins.tsv")),
            (TDE, include_str!("fixtures/low_tde.tsv")),
            (BACKUPS, include_str!("fixtures/low_backups.tsv")),
            (FAILED_JOBS, include_str!("fixtures/low_failed_jobs.tsv")),
            (ORPHANED_USERS_SHAPE, include_str!("fixtures/low_orphaned_users.tsv")),
        ];
        for (sql, fixture) in pairs {
            let returned = aliases(sql);
            let header = fixture.lines().find(|l| !l.starts_with('#')).unwrap_or_default();
            for column in header.split('\t') {
                assert!(returned.contains(&column.to_owned()), "{column} is not returned by:\n{sql}");
            }
        }
    }

    #[test]
    fn the_jobs_window_and_the_password_tests_stay_in_sql() {
        assert!(FAILED_JOBS.contains("run_status = 0") && FAILED_JOBS.contains("step_id = 0"));
        assert!(!LOGINS.to_ascii_lowercase().contains("password_hash as"), "no hash is selected");
        assert!(LOGINS.contains("PWDCOMPARE(N'', l.password_hash)"));
        assert!(BACKUPS.contains("-30") && super::super::health_checks::BACKUP_WINDOW_DAYS == 30);
        assert_eq!(quote_name("a]b"), "[a]]b]");
    }
}
