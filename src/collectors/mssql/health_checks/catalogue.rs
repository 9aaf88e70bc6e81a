//! The SQL Server check catalogue: id, area, name, evaluation, why (with where the
//! threshold comes from) and the action a DBA can take.

use super::{configuration, maintenance, performance, schema, security};
use crate::health::{Check, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

pub static CHECKS: &[Check] = &[
    check!(
        "mssql.sa_login",
        Security,
        "sa login enabled",
        security::sa_login,
        "sa (principal_id 1) is every password guesser's first try and cannot be locked out by policy in practice. The CIS SQL Server Benchmark asks for it disabled (2.13) and renamed (2.14); enabled under its own name with SQL logins allowed is critical.",
        "ALTER LOGIN [sa] DISABLE; (and ALTER LOGIN [sa] WITH NAME = [some_other_name];) after giving the administrators named logins."
    ),
    check!(
        "mssql.sysadmin_members",
        Security,
        "Administrators beyond the expected",
        security::sysadmin_members,
        "sysadmin and CONTROL SERVER bypass every permission check. Besides sa and the NT SERVICE accounts, a few named DBAs are normal: more than 3 is our attention mark. A BUILTIN group (or everyone, domain users) makes every member of it an administrator (CIS 3.9–3.10): critical.",
        "Review the members: ALTER SERVER ROLE sysadmin DROP MEMBER [login]; grant operators what they need (VIEW SERVER STATE, db_owner of their databases) instead."
    ),
    check!(
        "mssql.password_policy",
        Security,
        "SQL logins without password policy",
        security::password_policy,
        "Without CHECK_POLICY a SQL login accepts any password and is never locked out after failed attempts (CIS 4.3); administrators should also expire theirs (CIS 4.2). Critical when an administrator skips the policy.",
        "ALTER LOGIN [login] WITH CHECK_POLICY = ON, CHECK_EXPIRATION = ON; (set a compliant password first if needed)."
    ),
    check!(
        "mssql.weak_passwords",
        Security,
        "Empty or name-as-password SQL logins",
        security::weak_passwords,
        "A SQL login with an empty password, or its own name as password, is the first thing scanners try. The server compares the hashes itself (PWDCOMPARE, as Microsoft's documentation shows for blank passwords); only the yes/no leaves it. Critical when the login is enabled. Reading the hashes needs CONTROL SERVER (2016–2019) or VIEW ANY CRYPTOGRAPHICALLY SECURED DEFINITION (2022+).",
        "ALTER LOGIN [login] WITH PASSWORD = N'<strong password>', CHECK_POLICY = ON; or ALTER LOGIN [login] DISABLE;"
    ),
    check!(
        "mssql.xp_cmdshell",
        Security,
        "xp_cmdshell enabled",
        security::xp_cmdshell,
        "xp_cmdshell runs operating system commands as the service account; any SQL injection that reaches a sysadmin (or a proxy-enabled user) becomes a shell on the host. Off by default since SQL Server 2005 (CIS 2.15).",
        "EXEC sp_configure 'xp_cmdshell', 0; RECONFIGURE; (move file handling to SSIS, PowerShell jobs or Agent CmdExec steps)."
    ),
    check!(
        "mssql.clr_security",
        Security,
        "CLR without strict security",
        security::clr_security,
        "With CLR enabled and 'clr strict security' off (or on 2016, which lacks it), SAFE and EXTERNAL_ACCESS assemblies are trusted as declared although code access security is no longer a security boundary (Microsoft's reason for adding strict security in 2017): a db_owner can load code that runs with the server's rights.",
        "EXEC sp_configure 'clr strict security', 1; RECONFIGURE; sign the assemblies you need (or list them with sys.sp_add_trusted_assembly); set 'clr enabled' to 0 if none is used."
    ),
    check!(
        "mssql.ole_automation",
        Security,
        "OLE Automation procedures enabled",
        security::ole_automation,
        "sp_OACreate and friends instantiate COM objects in the server's process with the service account's rights (file system, network); off by default (CIS 2.5).",
        "EXEC sp_configure 'Ole Automation Procedures', 0; RECONFIGURE;"
    ),
    check!(
        "mssql.surface_area",
        Security,
        "Surface-area options on",
        security::surface_area,
        "Options off by default that widen the attack surface: 'Ad Hoc Distributed Queries' (OPENROWSET to any source, CIS 2.1), 'cross db ownership chaining' (CIS 2.3), 'scan for startup procs' (CIS 2.12), and 'contained database authentication' without a contained database (CIS 2.16).",
        "EXEC sp_configure '<option>', 0; RECONFIGURE; for each option named."
    ),
    check!(
        "mssql.authentication_mode",
        Security,
        "Mixed-mode authentication",
        security::authentication_mode,
        "CIS 3.1 prefers Windows authentication only. Logstag itself connects with a SQL login, so mixed mode is judged by what it exposes: attention when sa is enabled or an enabled SQL login skips the password policy.",
        "Disable sa and enforce CHECK_POLICY on every SQL login; where no SQL login is needed, switch to Windows authentication (server properties, Security) and restart."
    ),
    check!(
        "mssql.orphaned_users",
        Security,
        "Orphaned database users",
        security::orphaned_users,
        "A SQL user whose login was dropped (or a database restored from another server) cannot log in, and creating a login with the same name does not reconnect it: the user keeps its permissions for whoever re-creates a matching SID (Microsoft's 'Troubleshoot orphaned users'). Users WITHOUT LOGIN, contained users and Windows users are not counted. Up to 50 databases are searched per round.",
        "In the database: ALTER USER [user] WITH LOGIN = [login]; to re-map it, or DROP USER [user]; if it is not needed."
    ),
    check!(
        "mssql.tde",
        Security,
        "Transparent Data Encryption",
        security::tde,
        "TDE encrypts data and backups at rest; it is a best practice where that matters, not a fault when absent, so unencrypted databases alone do not lower the score. Attention when only some user databases are encrypted (a policy applied halfway); critical when an encrypted database's certificate was never backed up (Microsoft: without it the database cannot be restored anywhere else).",
        "BACKUP CERTIFICATE <cert> TO FILE = '…' WITH PRIVATE KEY (FILE = '…', ENCRYPTION BY PASSWORD = '…'); store it away from the backups; encrypt the remaining databases if policy requires."
    ),
    check!(
        "mssql.trustworthy",
        Security,
        "TRUSTWORTHY databases",
        security::trustworthy,
        "TRUSTWORTHY ON lets code in the database act outside it with its owner's rights; when the owner is sysadmin, any db_owner of that database can become sysadmin (CIS 2.9). msdb is TRUSTWORTHY by design and not judged.",
        "ALTER DATABASE [db] SET TRUSTWORTHY OFF; sign the modules that need outside access instead; make the owner a low-privilege login."
    ),
    check!(
        "mssql.service_accounts",
        Security,
        "Services running as LocalSystem",
        security::service_accounts,
        "LocalSystem is the host's most privileged account: a compromised SQL Server or Agent owns the machine (CIS 3.x asks for non-administrator service accounts; Microsoft recommends virtual or managed service accounts).",
        "Change the account in SQL Server Configuration Manager to its NT SERVICE\\… virtual account or a (group) managed service account."
    ),
    check!(
        "mssql.max_server_memory",
        Configuration,
        "max server memory",
        configuration::max_server_memory,
        "Unset (2147483647) lets the buffer pool take nearly all RAM and starve the OS, which then pages SQL Server out. Microsoft's memory configuration guidance says set it; we ask for at least 10 % of RAM or 4 GiB (the smaller) left to the OS, and flag a value above RAM as critical.",
        "EXEC sp_configure 'max server memory (MB)', <RAM minus the OS reserve>; RECONFIGURE; (online)."
    ),
    check!(
        "mssql.maxdop",
        Configuration,
        "Max degree of parallelism",
        configuration::maxdop,
        "MAXDOP 0 lets one query use every CPU. Microsoft's guidance (KB 2806535, 'Configure the max degree of parallelism'): at most 8 on a NUMA node with more than 8 logical processors, and never above the processors of one NUMA node.",
        "EXEC sp_configure 'max degree of parallelism', 8; RECONFIGURE; (or half the CPUs of a NUMA node, at most 16; per database with ALTER DATABASE SCOPED CONFIGURATION SET MAXDOP)."
    ),
    check!(
        "mssql.cost_threshold",
        Configuration,
        "Cost threshold for parallelism",
        configuration::cost_threshold,
        "The default of 5 dates from 1990s hardware: on today's servers small queries go parallel, waste CPU on exchanges (CXPACKET) and vary in time. Common guidance (Glenn Berry, Brent Ozar) starts at 25–50 and tunes from the plan cache.",
        "EXEC sp_configure 'cost threshold for parallelism', 50; RECONFIGURE; then watch CXPACKET waits and the Queries tab."
    ),
    check!(
        "mssql.optimize_for_ad_hoc",
        Configuration,
        "Optimize for ad hoc workloads",
        configuration::optimize_for_ad_hoc,
        "Off, every single-use ad hoc statement caches its full plan; with many distinct literals the plan cache fills with plans used once. On, the first execution stores only a small stub. Widely recommended (Microsoft docs, Kimberly Tripp) with little downside.",
        "EXEC sp_configure 'optimize for ad hoc workloads', 1; RECONFIGURE; (online; affects new plans)."
    ),
    check!(
        "mssql.auto_close_shrink",
        Configuration,
        "AUTO_CLOSE or AUTO_SHRINK on",
        configuration::auto_close_shrink,
        "AUTO_CLOSE shuts a database down after its last user leaves: the next connection pays a startup and the plan cache is flushed. AUTO_SHRINK shrinks files in the background, fragmenting indexes, only for them to grow again (Microsoft recommends both off).",
        "ALTER DATABASE [db] SET AUTO_CLOSE OFF; ALTER DATABASE [db] SET AUTO_SHRINK OFF;"
    ),
    check!(
        "mssql.page_verify",
        Configuration,
        "Page verification not CHECKSUM",
        configuration::page_verify,
        "CHECKSUM (the default since 2005) detects pages damaged by the storage when they are read; TORN_PAGE_DETECTION catches far less and NONE nothing, so corruption spreads into backups unnoticed (critical).",
        "ALTER DATABASE [db] SET PAGE_VERIFY CHECKSUM; (pages get a checksum as they are rewritten; rebuild indexes to cover all)."
    ),
    check!(
        "mssql.compatibility_level",
        Configuration,
        "Compatibility level below the server's",
        configuration::compatibility_level,
        "A database below the server's compatibility level (its major version × 10) keeps the older cardinality estimator and misses Intelligent Query Processing features; often deliberate after an upgrade, so attention only.",
        "Test with Query Store on, then ALTER DATABASE [db] SET COMPATIBILITY_LEVEL = <server level>; keep the old estimator where needed with LEGACY_CARDINALITY_ESTIMATION."
    ),
    check!(
        "mssql.query_store",
        Configuration,
        "Query Store off or read-only",
        configuration::query_store,
        "Query Store keeps the history of plans and runtimes that top-statement views and plan regressions need (on by default for new databases from 2022). READ_ONLY means it ran out of space and stopped recording.",
        "ALTER DATABASE [db] SET QUERY_STORE = ON (OPERATION_MODE = READ_WRITE, QUERY_CAPTURE_MODE = AUTO); raise MAX_STORAGE_SIZE_MB when it turned read-only."
    ),
    check!(
        "mssql.recovery_without_log_backups",
        Configuration,
        "FULL recovery without log backups",
        configuration::recovery_without_log_backups,
        "In FULL or BULK_LOGGED recovery the log is kept until a log backup; with none, it grows until the disk is full, and point-in-time restore is impossible anyway. Judged over msdb's last 30 days of history.",
        "Schedule log backups (BACKUP LOG [db] TO …, e.g. Ola Hallengren's DatabaseBackup), or ALTER DATABASE [db] SET RECOVERY SIMPLE if point-in-time restore is not needed."
    ),
    check!(
        "mssql.page_life_expectancy",
        Performance,
        "Page life expectancy",
        performance::page_life_expectancy,
        "How long a page stays in the buffer pool. The old fixed 300 s mark suited 4 GB servers; Jonathan Kehayias' rule scales it: 300 s per 4 GB of buffer pool (max server memory, capped by RAM). Attention below it, critical below a quarter of it.",
        "Find the statements with the most physical reads (Queries tab) and index them; then consider more memory or a higher max server memory."
    ),
    check!(
        "mssql.memory_grants_pending",
        Performance,
        "Memory grants pending",
        performance::memory_grants_pending,
        "Queries waiting for workspace memory (sorts, hashes) before they can even start (RESOURCE_SEMAPHORE); the counter should be 0. Attention at 1, critical at 5.",
        "Find the statements with the largest memory grants (Queries tab), fix their estimates (statistics, indexes), or add memory."
    ),
    check!(
        "mssql.buffer_cache_hit",
        Performance,
        "Buffer cache hit ratio",
        performance::buffer_cache_hit,
        "The share of page reads served from memory over the last interval. Read-ahead keeps it near 100 % on most servers, so a low value is a strong sign: attention below 95 %, critical below 90 % (the PostgreSQL check's marks).",
        "Find the statements with the most physical reads (Queries tab); add indexes for large scans or memory for the working set."
    ),
    check!(
        "mssql.compilations",
        Performance,
        "Compilations per batch",
        performance::compilations,
        "Compiling costs CPU on every execution of a statement that is not reused. The usual guidance: SQL Compilations/sec under 10 % of Batch Requests/sec; 25 % is critical. Not judged under 10 batches/s.",
        "Parameterize the application's statements (or ALTER DATABASE [db] SET PARAMETERIZATION FORCED after testing); turn on 'optimize for ad hoc workloads'."
    ),
    check!(
        "mssql.deadlocks",
        Performance,
        "Deadlocks",
        performance::deadlocks,
        "Each deadlock rolls back a victim the application must retry (error 1205). Any in the last interval is attention; one a minute is critical. The system_health session keeps the reports.",
        "Read the deadlock graphs (the system_health reports), make transactions touch tables in one order, shorten them, and index the searches of their updates."
    ),
    check!(
        "mssql.dominant_wait",
        Performance,
        "Dominant wait category",
        performance::dominant_wait,
        "Wait time per second of wall clock, benign waits left out, by the five categories. When locks or I/O lead with at least one session's worth of waiting (1000 ms/s) they are where time goes; ten sessions' worth is critical. CPU-bound or client waits are not judged here.",
        "Locks: open the blocking tree (Activity tab). IO: find the statements with the most physical reads and check storage latency (sys.dm_io_virtual_file_stats)."
    ),
    check!(
        "mssql.log_space",
        Performance,
        "Transaction log space",
        performance::log_space,
        "A full log stops every write to the database (error 9002). Attention at 75 % used, critical at 90 %, per database.",
        "Look at log_reuse_wait_desc (the 'log truncation' check): take a log backup, end the open transaction, or fix the replica or replication that holds the log; grow the file if it is simply too small."
    ),
    check!(
        "mssql.long_requests",
        Performance,
        "Long-running requests",
        performance::long_requests,
        "Requests running for minutes hold locks and log space and often signal a bad plan; 5 min is our attention mark, 1 h critical (the PostgreSQL check's marks).",
        "Inspect the session on the Activity tab and its cached plan; KILL <spid> if it is runaway (its work is rolled back)."
    ),
    check!(
        "mssql.blocking",
        Performance,
        "Blocked sessions",
        performance::blocking,
        "Blocked sessions do no work; a wait over 30 s usually exceeds client timeouts. Attention when any session is blocked, critical at 30 s.",
        "Open the blocking tree (Activity tab) and deal with the head blocker, often a sleeping session with an open transaction (KILL <spid>)."
    ),
    check!(
        "mssql.full_backups",
        Maintenance,
        "Full backups",
        maintenance::full_backups,
        "A database without a recent full backup cannot be restored to a recent point; sp_Blitz flags none in 7 days, and none in msdb's 30-day window is critical. tempdb and model are not judged. Backups of Availability Group databases may run on another replica, whose msdb this one does not see: at most attention.",
        "Schedule full backups (BACKUP DATABASE [db] TO … WITH CHECKSUM, COMPRESSION, e.g. Ola Hallengren's DatabaseBackup) and test restores."
    ),
    check!(
        "mssql.log_backups",
        Maintenance,
        "Log backups",
        maintenance::log_backups,
        "In FULL or BULK_LOGGED recovery the last log backup bounds what a failure loses; an hour is our attention mark (a common RPO), a day critical. Databases never log-backed up are the recovery-model check's.",
        "Schedule log backups every 5–15 minutes (BACKUP LOG [db] TO …) and alert on the job's failure."
    ),
    check!(
        "mssql.failed_jobs",
        Maintenance,
        "Failed Agent jobs",
        maintenance::failed_jobs,
        "A SQL Agent job whose latest run in the last 24 h failed is not doing its work; critical when its name says backup (Ola Hallengren's DatabaseBackup jobs, most maintenance plans). Reading msdb's job history needs SELECT on msdb.dbo.sysjobhistory and sysjobs.",
        "Read the job history (SSMS Job Activity Monitor or msdb.dbo.sysjobhistory message column), fix the cause and run the job again."
    ),
    check!(
        "mssql.agent_running",
        Maintenance,
        "SQL Server Agent running",
        maintenance::agent_running,
        "With the Agent stopped no scheduled job runs: backups, index and statistics maintenance, alerts. Express edition has no Agent.",
        "Start it (SQL Server Configuration Manager, or systemctl on Linux with the Agent enabled) and set its start mode to Automatic."
    ),
    check!(
        "mssql.availability_groups",
        Maintenance,
        "Availability Group health",
        maintenance::availability_groups,
        "An unhealthy replica no longer protects the data (critical). Log send and redo queues are what a failover would lose or wait for: 1 GiB is our attention mark, 10 GiB critical; the estimated lag 60 s and 600 s (the replication checks' marks).",
        "Check the replica's state and errors (sys.dm_hadr_availability_replica_states, the AlwaysOn_health session), the network and the secondary's disk; resume suspended data movement."
    ),
    check!(
        "mssql.log_reuse_wait",
        Maintenance,
        "Log truncation held back",
        maintenance::log_reuse_wait,
        "log_reuse_wait_desc says what keeps the log from being reused (Microsoft's 'factors that can delay log truncation'). LOG_BACKUP is normal between log backups, so a reason is judged with the log's fill: attention from 50 %, critical from 90 %; a stalled reader (REPLICATION, AVAILABILITY_REPLICA) is attention even without log figures.",
        "LOG_BACKUP: take a log backup. ACTIVE_TRANSACTION: find and end the oldest transaction. REPLICATION: check the Log Reader Agent. AVAILABILITY_REPLICA: check the secondary's redo."
    ),
    check!(
        "mssql.database_state",
        Maintenance,
        "Databases not ONLINE",
        maintenance::database_state,
        "SUSPECT, RECOVERY_PENDING and EMERGENCY databases cannot be used and may be damaged (critical). OFFLINE, RESTORING (log shipping) and RECOVERING can be deliberate or passing: attention.",
        "Read the error log for the database; restore from backup for SUSPECT; for RECOVERY_PENDING check the files' paths, permissions and disk space."
    ),
    check!(
        "mssql.idle_transactions",
        Maintenance,
        "Sleeping sessions with open transactions",
        maintenance::idle_transactions,
        "A session that opened a transaction and went idle keeps its locks and the log from truncating; 5 min is our attention mark, 1 h critical.",
        "Find the session (Activity tab, open transactions) and its application; KILL <spid> a forgotten one (rolled back); fix the code path that leaves it open."
    ),
    check!(
        "mssql.heaps",
        Schema,
        "Heaps (no clustered index)",
        schema::heaps,
        "Tables without a clustered index keep forwarded records after updates, do not release space after deletes without a rebuild, and scan more; fine for staging tables, rarely for anything else.",
        "CREATE CLUSTERED INDEX … (usually on a narrow, ever-increasing key) or add a clustered primary key; ONLINE = ON on Enterprise."
    ),
    check!(
        "mssql.tables_without_pk",
        Schema,
        "Tables without a primary key",
        schema::no_primary_key,
        "Without a primary key rows cannot be identified reliably: duplicates creep in, transactional replication refuses the table, and change tracking needs one.",
        "ALTER TABLE t ADD CONSTRAINT pk_t PRIMARY KEY (…);"
    ),
    check!(
        "mssql.unused_indexes",
        Schema,
        "Unused indexes",
        schema::unused_indexes,
        "Indexes never read since the instance started still cost on every write and take memory. Usage (sys.dm_db_index_usage_stats) restarts with the instance, so fewer than 7 days of uptime is not judged; check readable secondaries too.",
        "Confirm over a full business cycle, script it out, then DROP INDEX [ix] ON t; (or ALTER INDEX [ix] ON t DISABLE first)."
    ),
    check!(
        "mssql.duplicate_indexes",
        Schema,
        "Duplicate or redundant indexes",
        schema::duplicate_indexes,
        "Two indexes with the same keys, or one whose keys lead another's, double the write and storage cost for no read benefit.",
        "Keep the wider one (merge INCLUDE columns), check it does not back a constraint, then DROP INDEX the other."
    ),
    check!(
        "mssql.fk_without_index",
        Schema,
        "Foreign keys without an index",
        schema::fk_without_index,
        "SQL Server does not index foreign keys by itself: every delete or key update on the parent scans the child table and locks more than it should.",
        "CREATE INDEX ix_child_fk ON child (fk_columns);"
    ),
    check!(
        "mssql.missing_indexes",
        Schema,
        "Missing-index suggestions",
        schema::missing_indexes,
        "The optimizer records indexes it wished it had (sys.dm_db_missing_index_*). They ignore existing indexes and write cost, so only strong ones are named: estimated impact ≥ 50 % and ≥ 100 uses since the restart. Attention only: a hint, not a finding.",
        "Compare each suggestion with the table's indexes, merge it into one where possible, and create it after testing (CREATE INDEX … INCLUDE (…))."
    ),
    check!(
        "mssql.identity_exhaustion",
        Schema,
        "Identity or sequence near its maximum",
        schema::identity_exhaustion,
        "When an identity column or sequence reaches its type's maximum every insert fails (an INT ends at 2,147,483,647). 80 % leaves time to migrate, 95 % is urgent.",
        "ALTER TABLE t ALTER COLUMN id bigint (offline on large tables; plan it), or reseed into the negative range as a stopgap."
    ),
    check!(
        "mssql.disabled_indexes",
        Schema,
        "Disabled indexes",
        schema::disabled_indexes,
        "A disabled index is kept in the metadata but not maintained or used, often left over from a load; a disabled clustered index makes the whole table unreadable (critical).",
        "ALTER INDEX [ix] ON t REBUILD; to use it again, or DROP INDEX it."
    ),
];
