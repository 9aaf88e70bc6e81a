//! Names the low tier emits and the checks read (docs/oracle.md "Low tier").

/// Setting names. `v$parameter` rows keep Oracle's own parameter names (lower case), the
/// instance and database facts are `instance.*` and `database.*`.
pub mod setting {
    pub const PROCESSES: &str = "processes";
    pub const SESSIONS: &str = "sessions";
    pub const SGA_TARGET: &str = "sga_target";
    pub const PGA_AGGREGATE_TARGET: &str = "pga_aggregate_target";
    pub const PGA_AGGREGATE_LIMIT: &str = "pga_aggregate_limit";
    pub const MEMORY_TARGET: &str = "memory_target";
    pub const CONTROL_MANAGEMENT_PACK_ACCESS: &str = "control_management_pack_access";
    pub const AUDIT_TRAIL: &str = "audit_trail";
    pub const REMOTE_LOGIN_PASSWORDFILE: &str = "remote_login_passwordfile";
    pub const REMOTE_OS_AUTHENT: &str = "remote_os_authent";
    pub const SEC_CASE_SENSITIVE_LOGON: &str = "sec_case_sensitive_logon";
    pub const UNDO_RETENTION: &str = "undo_retention";
    pub const STATISTICS_LEVEL: &str = "statistics_level";
    pub const CPU_COUNT: &str = "cpu_count";
    pub const DB_RECOVERY_FILE_DEST: &str = "db_recovery_file_dest";
    /// `log_archive_dest_1`…`_31` and `log_archive_dest_state_n`, only when set.
    pub const LOG_ARCHIVE_DEST_PREFIX: &str = "log_archive_dest";

    // v$instance and v$version.
    pub const INSTANCE_NAME: &str = "instance.name";
    pub const INSTANCE_HOST: &str = "instance.host";
    /// VERSION_FULL (18c+), e.g. `19.22.0.0.0`; VERSION before.
    pub const INSTANCE_VERSION: &str = "instance.version";
    /// `EE`, `SE`, `XE`, `FREE`… (v$instance.EDITION, 12.2+).
    pub const INSTANCE_EDITION: &str = "instance.edition";
    pub const INSTANCE_STATUS: &str = "instance.status";
    pub const INSTANCE_DATABASE_STATUS: &str = "instance.database_status";
    /// Server local time, `YYYY-MM-DD HH:MM:SS`.
    pub const INSTANCE_STARTUP_TIME: &str = "instance.startup_time";
    /// Seconds since startup, counted by the server.
    pub const INSTANCE_UPTIME_S: &str = "instance.uptime_s";
    /// The container the monitoring session is in (`CDB$ROOT`, a PDB's name, or the
    /// database's name in a non-CDB).
    pub const INSTANCE_CONTAINER: &str = "instance.container";
    pub const INSTANCE_BANNER: &str = "instance.banner";

    // v$database.
    pub const DATABASE_NAME: &str = "database.name";
    pub const DATABASE_UNIQUE_NAME: &str = "database.unique_name";
    pub const DATABASE_CDB: &str = "database.cdb";
    /// `ARCHIVELOG`, `NOARCHIVELOG`, `MANUAL`.
    pub const DATABASE_LOG_MODE: &str = "database.log_mode";
    pub const DATABASE_FLASHBACK_ON: &str = "database.flashback_on";
    pub const DATABASE_FORCE_LOGGING: &str = "database.force_logging";
    /// `PRIMARY`, `PHYSICAL STANDBY`, `LOGICAL STANDBY`, `SNAPSHOT STANDBY`, `FAR SYNC`.
    pub const DATABASE_ROLE: &str = "database.role";
    pub const DATABASE_OPEN_MODE: &str = "database.open_mode";
    pub const DATABASE_PROTECTION_MODE: &str = "database.protection_mode";
    pub const DATABASE_DATAGUARD_BROKER: &str = "database.dataguard_broker";
    /// `v$option` 'Unified Auditing': TRUE in pure unified mode.
    pub const DATABASE_UNIFIED_AUDITING: &str = "database.unified_auditing";
    /// Unified Auditing policies enabled (`audit_unified_enabled_policies`).
    pub const AUDIT_POLICIES_ENABLED: &str = "audit.unified_policies_enabled";
}

/// Posture fact names. Keys are user, grantee, profile or `OWNER.OBJECT` names as the
/// server spells them; ages are seconds counted by the server's clock.
pub mod fact {
    // dba_users, key = username.
    pub const USER_ACCOUNT_STATUS: &str = "user.account_status";
    pub const USER_PROFILE: &str = "user.profile";
    /// `PASSWORD`, `EXTERNAL`, `GLOBAL`, `NONE` (schema-only accounts).
    pub const USER_AUTHENTICATION: &str = "user.authentication_type";
    /// `Y` for Oracle's own accounts (listed only when OPEN).
    pub const USER_ORACLE_MAINTAINED: &str = "user.oracle_maintained";
    pub const USER_LAST_LOGIN_DAYS: &str = "user.last_login_days";
    /// Value = how many users were read (present whenever the list was read).
    pub const USERS_READ: &str = "users.read";
    pub const USERS_TRUNCATED: &str = "users.truncated";
    /// dba_users_with_defpwd, key = username, value = its account status.
    pub const DEFAULT_PASSWORD: &str = "user.default_password";
    /// Key = username: `Y` when Oracle maintains the account with a default password.
    pub const DEFAULT_PASSWORD_MAINTAINED: &str = "user.default_password_oracle_maintained";
    pub const DEFAULT_PASSWORDS_READ: &str = "default_passwords.read";
    /// dba_profiles (PASSWORD), name = `profile.` + the resource in lower case, key = profile.
    pub const PROFILE_PREFIX: &str = "profile.";
    pub const PROFILE_FAILED_LOGIN_ATTEMPTS: &str = "profile.failed_login_attempts";
    pub const PROFILE_PASSWORD_LIFE_TIME: &str = "profile.password_life_time";
    pub const PROFILE_PASSWORD_LOCK_TIME: &str = "profile.password_lock_time";
    pub const PROFILE_PASSWORD_VERIFY_FUNCTION: &str = "profile.password_verify_function";
    pub const PROFILES_READ: &str = "profiles.read";
    /// Powerful grants to accounts and roles Oracle does not maintain (and PUBLIC), key =
    /// grantee, value = the role, system privilege or SYS package.
    pub const GRANT_ROLE: &str = "grant.role";
    pub const GRANT_SYSTEM_PRIVILEGE: &str = "grant.system_privilege";
    pub const GRANT_PUBLIC_EXECUTE: &str = "grant.public_execute";
    /// Key = grantee, value = a role or privilege it may grant on (ADMIN OPTION).
    pub const GRANT_ADMIN_OPTION: &str = "grant.admin_option";
    pub const GRANTS_READ: &str = "grants.read";
    pub const GRANTS_TRUNCATED: &str = "grants.truncated";
    /// v$pwfile_users beyond Oracle's own accounts, key = username, value = the
    /// administrative privileges (`SYSDBA, SYSOPER`).
    pub const ADMIN_PRIVILEGES: &str = "admin.privileges";
    pub const PASSWORD_FILE_READ: &str = "password_file.read";
    /// dba_objects INVALID outside Oracle's schemas, key = `OWNER.NAME`, value = type.
    pub const INVALID_OBJECT: &str = "invalid_object";
    pub const INVALID_OBJECTS_COUNT: &str = "invalid_objects.count";
    /// dba_index_usage: non-unique application indexes, and those never used since
    /// tracking began; key = `OWNER.INDEX`, value = its table.
    pub const INDEXES_TRACKED: &str = "index_usage.indexes";
    pub const INDEXES_NEVER_USED: &str = "index_usage.never_used";
    pub const INDEX_NEVER_USED: &str = "index.never_used";
    /// RMAN (v$rman_backup_job_details): ages of the newest successful backups, absent
    /// when none is remembered; failures; how far the history reaches.
    pub const RMAN_DB_BACKUP_AGE_S: &str = "rman.db_backup_age_s";
    pub const RMAN_FULL_BACKUP_AGE_S: &str = "rman.full_backup_age_s";
    pub const RMAN_ARCHIVELOG_BACKUP_AGE_S: &str = "rman.archivelog_backup_age_s";
    pub const RMAN_FAILED_24H: &str = "rman.failed_24h";
    pub const RMAN_FAILED_7D: &str = "rman.failed_7d";
    pub const RMAN_JOBS_7D: &str = "rman.jobs_7d";
    /// Seconds back to the oldest job remembered; absent when there is none.
    pub const RMAN_HISTORY_S: &str = "rman.history_s";
    /// Key = start age in seconds, value = `DB INCR FAILED (DISK)`.
    pub const RMAN_FAILED_JOB: &str = "rman.failed_job";
    /// `true`/`false`: the target's `diagnostics_pack` option (the user's licence word).
    pub const DIAGNOSTICS_PACK_LICENSED: &str = "monitor.diagnostics_pack";
    /// key = what could not be read (`READ_*`), value = why.
    pub const UNAVAILABLE: &str = "unavailable";
    pub const READ_INSTANCE: &str = "instance";
    pub const READ_DATABASE: &str = "database";
    pub const READ_PARAMETERS: &str = "parameters";
    pub const READ_AUDIT_POLICIES: &str = "audit policies";
    pub const READ_RMAN: &str = "RMAN jobs";
    pub const READ_PROFILES: &str = "profiles";
    pub const READ_USERS: &str = "users";
    pub const READ_DEFAULT_PASSWORDS: &str = "default passwords";
    pub const READ_GRANTS: &str = "powerful grants";
    pub const READ_PASSWORD_FILE: &str = "password file users";
    pub const READ_INVALID_OBJECTS: &str = "invalid objects";
    pub const READ_INDEX_USAGE: &str = "index usage";
}
