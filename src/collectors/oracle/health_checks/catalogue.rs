//! The Oracle check catalogue: id, area, name, evaluation, why (with where the threshold
//! comes from) and the action a DBA can take.

use super::{configuration, maintenance, performance, schema, security};
use crate::health::{Check, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

pub static CHECKS: &[Check] = &[
    check!(
        "oracle.default_passwords",
        Security,
        "Accounts with default passwords",
        security::default_passwords,
        "dba_users_with_defpwd lists accounts whose password is still the one Oracle or a sample schema shipped with (SCOTT/TIGER and friends): published lists make them the first thing tried. Locked accounts are harmless; one that can log in is critical (CIS Oracle Database benchmark 1.1).",
        "ALTER USER <user> IDENTIFIED BY \"<new password>\" ACCOUNT LOCK; for each account named (or DROP USER for unused sample schemas)."
    ),
    check!(
        "oracle.dba_role",
        Security,
        "DBA role holders",
        security::dba_grants,
        "DBA carries nearly every system privilege. A few named administrators are normal; more than 3 grantees outside Oracle's own accounts is our attention mark, and DBA granted to PUBLIC makes every account an administrator (CIS 4.x).",
        "REVOKE DBA FROM <grantee>; grant the specific privileges or a purpose-built role instead."
    ),
    check!(
        "oracle.any_privileges",
        Security,
        "ANY and escalating system privileges",
        security::any_privileges,
        "System privileges with ANY reach into every schema; some (GRANT ANY PRIVILEGE, ALTER USER, BECOME USER, CREATE/EXECUTE ANY PROCEDURE, ALTER SYSTEM…) are a path to full control. CIS 4.x asks that they be granted to no one outside Oracle's accounts; we ask attention for any, critical for the escalating ones. SELECT ANY DICTIONARY (what Logstag needs) is not counted.",
        "REVOKE <privilege> FROM <grantee>; grant object privileges on the schemas actually needed."
    ),
    check!(
        "oracle.public_grants",
        Security,
        "Powerful grants to PUBLIC",
        security::public_grants,
        "Whatever PUBLIC holds, every account holds. A role or system privilege granted to PUBLIC is critical. EXECUTE on network and file packages (UTL_FILE, UTL_TCP, UTL_HTTP, UTL_SMTP, UTL_INADDR, DBMS_SYS_SQL, DBMS_BACKUP_RESTORE, DBMS_JAVA…) lets any account reach the host or the network: CIS 4.1.x asks for it revoked (attention).",
        "REVOKE <privilege or role> FROM PUBLIC; REVOKE EXECUTE ON SYS.<package> FROM PUBLIC; then grant EXECUTE to the accounts that need it (test first: some applications rely on it)."
    ),
    check!(
        "oracle.sysdba_users",
        Security,
        "SYSDBA beyond SYS",
        security::admin_privileges,
        "SYSDBA connects as SYS: no auditing of your own policies stops it, and it can read any data. Oracle's least-privilege administrative roles (SYSBACKUP, SYSDG, SYSKM, 12c+) cover backup, Data Guard and keys. Any account besides SYS in the password file with SYSDBA is attention.",
        "REVOKE SYSDBA FROM <user>; GRANT SYSBACKUP (or SYSDG, SYSKM) TO <user>; as the task requires."
    ),
    check!(
        "oracle.password_profile",
        Security,
        "Password profiles of open accounts",
        security::password_profile,
        "A profile with FAILED_LOGIN_ATTEMPTS UNLIMITED lets anyone guess passwords for ever (critical). PASSWORD_LIFE_TIME UNLIMITED and no PASSWORD_VERIFY_FUNCTION are attention (CIS 3.x: lockout after 5 or fewer failures, a lifetime of 90 days or less, a verify function). Only profiles used by open, password-authenticated accounts outside Oracle's own are judged.",
        "ALTER PROFILE <profile> LIMIT FAILED_LOGIN_ATTEMPTS 5 PASSWORD_LOCK_TIME 1 PASSWORD_VERIFY_FUNCTION ORA12C_STRONG_VERIFY_FUNCTION; (and PASSWORD_LIFE_TIME 90 where policy requires; service accounts may use a separate profile)."
    ),
    check!(
        "oracle.authentication",
        Security,
        "Authentication parameters",
        security::authentication,
        "remote_login_passwordfile SHARED lets several databases share one password file and SYS's password (CIS 2.2.x asks for EXCLUSIVE or NONE); sec_case_sensitive_logon FALSE makes passwords case-insensitive (attention); remote_os_authent TRUE trusts the client machine's OS user over the network (critical).",
        "ALTER SYSTEM SET remote_login_passwordfile = EXCLUSIVE SCOPE = SPFILE; ALTER SYSTEM SET sec_case_sensitive_logon = TRUE; ALTER SYSTEM SET remote_os_authent = FALSE SCOPE = SPFILE; then restart in a window."
    ),
    check!(
        "oracle.auditing",
        Security,
        "Auditing",
        security::auditing,
        "With no Unified Auditing policy enabled and audit_trail NONE nothing is recorded: no failed logons, no privilege use (critical). Traditional auditing alone is attention: it is deprecated in 21c and desupported in 23ai. Oracle enables ORA_SECURECONFIG and ORA_LOGON_FAILURES by default in 12.2+.",
        "AUDIT POLICY ORA_SECURECONFIG; AUDIT POLICY ORA_LOGON_FAILURES WHENEVER NOT SUCCESSFUL; (and the policies your standard asks for)."
    ),
    check!(
        "oracle.archivelog",
        Configuration,
        "ARCHIVELOG mode",
        configuration::archivelog,
        "In NOARCHIVELOG a restore returns to the last consistent (cold) backup and every change since is lost; online backups and Data Guard are impossible. Critical, attention on Express and Free editions (development).",
        "In a window: SHUTDOWN IMMEDIATE; STARTUP MOUNT; ALTER DATABASE ARCHIVELOG; ALTER DATABASE OPEN; with a fast recovery area sized for the archived logs."
    ),
    check!(
        "oracle.force_logging",
        Configuration,
        "FORCE LOGGING with Data Guard",
        configuration::force_logging,
        "With a standby, a NOLOGGING operation (direct-path load, index rebuild) writes no redo for its blocks: the standby's copies are silently invalid and a failover finds them corrupt (Oracle Data Guard Concepts). Attention when Data Guard is configured and FORCE_LOGGING is NO.",
        "ALTER DATABASE FORCE LOGGING; (or, on 18c+, ALTER DATABASE SET STANDBY NOLOGGING FOR DATA AVAILABILITY;)."
    ),
    check!(
        "oracle.pack_access",
        Configuration,
        "Diagnostics Pack setting against the licence",
        configuration::pack_access,
        "control_management_pack_access DIAGNOSTIC+TUNING (the Enterprise Edition default) lets AWR, ASH and ADDM be used, and their use needs the Diagnostics Pack licence; Logstag's diagnostics_pack option says whether you hold it. A mismatch is attention: a licence exposure one way, an empty ASH the other. The Free edition includes the packs; Standard Edition cannot license them.",
        "Without the licence: ALTER SYSTEM SET control_management_pack_access = NONE; (and keep diagnostics_pack = false). With it: set diagnostics_pack = true in [targets.<name>.oracle] and DIAGNOSTIC+TUNING on the database."
    ),
    check!(
        "oracle.memory",
        Configuration,
        "Memory management",
        configuration::memory,
        "Automatic Memory Management (memory_target) cannot use HugePages on Linux and is discouraged above 4 GiB (Oracle's own guidance); ASMM (sga_target and pga_aggregate_target) is the norm. An SGA sized by hand and pga_aggregate_limit 0 (no PGA ceiling, 12c+) are attention too.",
        "ALTER SYSTEM SET memory_target = 0 SCOPE = SPFILE; set sga_target, pga_aggregate_target and pga_aggregate_limit (about twice the target), configure HugePages, restart."
    ),
    check!(
        "oracle.statistics_level",
        Configuration,
        "statistics_level",
        configuration::statistics_level,
        "BASIC turns off the advisories, timed statistics and the metrics Logstag and the optimizer's automatic tasks rely on (critical); ALL adds timed OS and plan execution statistics everywhere at a measurable cost (attention). TYPICAL is the default.",
        "ALTER SYSTEM SET statistics_level = TYPICAL;"
    ),
    check!(
        "oracle.undo_retention",
        Configuration,
        "Undo retention",
        configuration::undo_retention,
        "Queries that outlive the undo they need fail with ORA-01555 (snapshot too old), and Flashback Query reaches no further. Oracle's default is 900 s: below it is attention, below 300 s critical, and below the longest query now running attention.",
        "ALTER SYSTEM SET undo_retention = 1800; (at least the longest query), with an autoextensible undo tablespace large enough to honour it."
    ),
    check!(
        "oracle.release",
        Configuration,
        "Release and support",
        configuration::release,
        "19c and 23ai are Oracle's Long Term Releases; 21c is an Innovation Release with a short support window (attention); 18c and older are out of Premier and Extended Support: no security patches (critical).",
        "Plan an upgrade to 19c or 23ai (AutoUpgrade), and apply the latest Release Update each quarter."
    ),
    check!(
        "oracle.resource_limits",
        Performance,
        "Processes and sessions against their limits",
        performance::resource_limits,
        "When processes or sessions reach their limit new connections fail with ORA-00020 or ORA-00018. Attention at 80 %, critical at 95 % of the limit in v$resource_limit.",
        "Find what holds the connections (a pool that leaks, idle sessions); raise processes (sessions follows) with ALTER SYSTEM SET processes = <n> SCOPE = SPFILE; and restart."
    ),
    check!(
        "oracle.buffer_cache_hit",
        Performance,
        "Buffer cache hit ratio",
        performance::buffer_cache_hit,
        "A weak signal on its own (a full scan in direct path lowers it harmlessly), but an OLTP database below 90 % usually reads more from disk than it should; below 80 % is critical.",
        "Look at the top SQL by physical reads first; then size the cache with v$db_cache_advice (db_cache_size or a larger sga_target)."
    ),
    check!(
        "oracle.hard_parses",
        Performance,
        "Hard parse rate",
        performance::hard_parses,
        "Each hard parse takes shared pool latches and CPU; hundreds per second usually means literals instead of bind variables and ends in library cache contention. Attention at 100/s, critical at 500/s (v$sysmetric 'Hard Parse Count Per Sec').",
        "Find the statements that differ only by literals (v$sqlstats FORCE_MATCHING_SIGNATURE) and use bind variables; cursor_sharing = FORCE is a stopgap."
    ),
    check!(
        "oracle.load",
        Performance,
        "Average active sessions against CPUs",
        performance::load,
        "Average active sessions is the database's load: more sessions working or waiting than CPUs means queueing. Attention above cpu_count, critical above twice.",
        "Look at the top wait classes and top SQL by elapsed time; tune or schedule the heaviest work, or add CPUs."
    ),
    check!(
        "oracle.blocking",
        Performance,
        "Blocked sessions",
        performance::blocking,
        "Sessions waiting on another session's lock (v$session BLOCKING_SESSION) do no work and hold their own locks; the chain grows. Attention at 1, critical at 5 blocked sessions at the last sample.",
        "In Activity, follow the blocking tree to the root session; commit or end it (ALTER SYSTEM KILL SESSION 'sid,serial#' IMMEDIATE;) and fix the code that holds locks while idle."
    ),
    check!(
        "oracle.dataguard",
        Performance,
        "Data Guard lag and destinations",
        performance::dataguard,
        "On a standby, apply or transport lag is the data a failover would lose or wait for: attention at 5 minutes, critical at 30. On a primary, an archive destination in error means the standby receives nothing (critical).",
        "On the standby: v$dataguard_stats and the alert log (apply stopped, gap); on the primary: v$archive_dest_status ERROR, the network and the standby's listener; DGMGRL SHOW CONFIGURATION."
    ),
    check!(
        "oracle.backups",
        Maintenance,
        "Recent database backup",
        maintenance::backups,
        "RMAN's job history (v$rman_backup_job_details) shows the newest successful DB FULL or DB INCR backup. A daily backup plus slack: attention after 26 hours, critical after 7 days or with none remembered; at most attention when Data Guard is configured, as backups may run on the standby.",
        "Schedule RMAN: BACKUP INCREMENTAL LEVEL 1 DATABASE PLUS ARCHIVELOG; daily with a weekly level 0, and check the job's output."
    ),
    check!(
        "oracle.rman_failures",
        Maintenance,
        "Failed RMAN jobs",
        maintenance::rman_failures,
        "A job that FAILED or COMPLETED WITH ERRORS left a gap in the backups. Critical for one in the last 24 hours, attention for one in the last 7 days.",
        "Read the job's output (v$rman_output for its SESSION_KEY) or the RMAN log, fix the cause (space, tape, a missing archived log) and re-run it."
    ),
    check!(
        "oracle.archivelog_backups",
        Maintenance,
        "Archived log backups",
        maintenance::archivelog_backups,
        "In ARCHIVELOG mode, archived logs not backed up cannot be deleted (the recovery area fills and the database stops) and recovery after the last backup depends on them. Attention after 24 hours, critical after 7 days or with none remembered.",
        "BACKUP ARCHIVELOG ALL NOT BACKED UP 1 TIMES DELETE INPUT; several times a day (or with each database backup)."
    ),
    check!(
        "oracle.recovery_area",
        Maintenance,
        "Fast recovery area space",
        maintenance::recovery_area,
        "When the recovery area is full the database cannot archive and stops accepting changes (ORA-19809, ORA-00257). Oracle's own alerts fire at 85 % (warning) and 97 % (critical), the thresholds used here; reclaimable space does not count.",
        "Back up and delete archived logs (DELETE ARCHIVELOG ALL BACKED UP 1 TIMES TO DEVICE TYPE <device>;), check the retention policy, or raise db_recovery_file_dest_size."
    ),
    check!(
        "oracle.tablespaces",
        Maintenance,
        "Tablespace space",
        maintenance::tablespaces,
        "A full tablespace fails inserts and updates (ORA-01653/ORA-01688). Judged against the size including autoextend headroom; Oracle's server-generated tablespace alerts default to 85 % (warning) and 97 % (critical), the thresholds used here.",
        "ALTER TABLESPACE <name> ADD DATAFILE SIZE <n> AUTOEXTEND ON NEXT <n> MAXSIZE <n>; (or raise MAXSIZE), and purge what is not needed."
    ),
    check!(
        "oracle.invalid_objects",
        Schema,
        "Invalid objects",
        schema::invalid_objects,
        "An invalid procedure, package, view or trigger fails (or recompiles under load) when called; invalid objects usually follow a deployment or upgrade that changed what they depend on. Attention at 1, critical at 50, Oracle's own schemas left out.",
        "EXEC UTL_RECOMP.RECOMP_SERIAL('<schema>'); (or ALTER <type> <owner>.<name> COMPILE;) and read the errors of what stays invalid (dba_errors)."
    ),
    check!(
        "oracle.unusable_indexes",
        Schema,
        "Unusable indexes",
        schema::unusable_indexes,
        "An UNUSABLE index (after a partition operation or a direct-path load) is ignored by queries, and DML on its table fails with ORA-01502 unless skip_unusable_indexes hides it. Critical at 1.",
        "ALTER INDEX <owner>.<index> REBUILD ONLINE; (or REBUILD PARTITION <p> for a partition)."
    ),
    check!(
        "oracle.stale_statistics",
        Schema,
        "Missing or stale optimizer statistics",
        schema::stale_statistics,
        "The optimizer plans from statistics: a table never analysed, or changed by more than 10 % since (Oracle's default STALE_PERCENT), gets guesses, and plans flip. Attention at 1.",
        "EXEC DBMS_STATS.GATHER_SCHEMA_STATS('<owner>', options => 'GATHER STALE'); and check the automatic statistics task is enabled (dba_autotask_client)."
    ),
    check!(
        "oracle.unused_indexes",
        Schema,
        "Indexes never used",
        schema::unused_indexes,
        "Every index costs on each insert, update and delete and in space. dba_index_usage (12.2+) records use since tracking began, sampled by default, so a rarely used index may be missed: attention only, for non-unique indexes (unique ones enforce constraints).",
        "Confirm over a full business cycle, then ALTER INDEX <owner>.<index> INVISIBLE; and DROP INDEX after a period with no regressions."
    ),
];
