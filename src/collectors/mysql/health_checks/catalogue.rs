//! The MySQL/MariaDB check catalogue: id, area, name, evaluation, why (with where the
//! threshold comes from) and the action a DBA can take.

use super::{configuration, maintenance, performance, schema, security};
use crate::health::{Check, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

pub static CHECKS: &[Check] = &[
    check!(
        "mysql.accounts_without_password",
        Security,
        "Accounts without a password",
        security::without_password,
        "An account whose password plugin stores an empty password lets anyone who knows the name in; critical when it admits hosts beyond localhost (mysql_secure_installation's first fix). Socket and PAM accounts store no password and are not counted.",
        "Set one (ALTER USER 'u'@'h' IDENTIFIED BY '…'), switch local admin accounts to unix_socket/auth_socket, or DROP USER the account."
    ),
    check!(
        "mysql.anonymous_accounts",
        Security,
        "Anonymous accounts",
        security::anonymous,
        "An account with an empty user name matches any user name, and because the most specific host wins, ''@'localhost' even shadows 'app'@'%' for local clients. Installers create them for testing; mysql_secure_installation removes them. Critical beyond localhost.",
        "DROP USER ''@'localhost', ''@'<hostname>'; (list them with SELECT user, host FROM mysql.user WHERE user = '')."
    ),
    check!(
        "mysql.privileged_any_host",
        Security,
        "Global privileges from any host",
        security::privileged_any_host,
        "A global privilege applies to every database, mysql's grant tables included; from host '%' it is usable from anywhere a password leaks to. Critical when the privileges are administrative (SUPER, FILE, GRANT OPTION…).",
        "Grant on the application's schema only (GRANT … ON app.* TO 'u'@'10.0.%'), narrow the host, and REVOKE the global privileges."
    ),
    check!(
        "mysql.admin_accounts",
        Security,
        "Administrative accounts besides root",
        security::admin_accounts,
        "SUPER, FILE, SHUTDOWN, CREATE USER, SYSTEM_USER, SYSTEM_VARIABLES_ADMIN and GRANT OPTION each give control of the server or its files; every extra holder is another root to protect (least privilege). Locked accounts (MySQL's mysql.session…) are not counted.",
        "Review each account: REVOKE SUPER, FILE, GRANT OPTION ON *.* FROM 'u'@'h'; give operators the dynamic privileges they need (MySQL 8) or a role."
    ),
    check!(
        "mysql.root_remote",
        Security,
        "root reachable remotely",
        security::root_remote,
        "root is the first name password guessing tries, and a root account for a host other than localhost lets a stolen password in from the network; critical from any host '%'.",
        "DROP USER 'root'@'%'; give remote administrators named accounts limited to their hosts."
    ),
    check!(
        "mysql.auth_plugins",
        Security,
        "Old authentication plugins",
        security::auth_plugins,
        "mysql_old_password hashes are broken (pre-4.1) and critical. On MySQL, mysql_native_password (unsalted SHA-1) is deprecated since 8.0.34, off by default in 8.4 and gone in 9.0, and sha256_password since 8.0.16: attention. MariaDB keeps mysql_native_password as its default, so it is not flagged there.",
        "ALTER USER 'u'@'h' IDENTIFIED WITH caching_sha2_password BY '…' (MySQL), or IDENTIFIED VIA ed25519 USING PASSWORD('…') (MariaDB); old clients need an upgrade first."
    ),
    check!(
        "mysql.local_infile",
        Security,
        "LOAD DATA LOCAL allowed",
        security::local_infile,
        "With local_infile ON the server accepts LOAD DATA LOCAL: any statement a client can be made to run (SQL injection in a web application) can copy files of the application's host into a table. MySQL 8.0 turned it off by default.",
        "SET PERSIST local_infile = OFF (MySQL) or local_infile = OFF in my.cnf (MariaDB); enable it only on the sessions of import jobs."
    ),
    check!(
        "mysql.secure_file_priv",
        Security,
        "secure_file_priv",
        security::secure_file_priv,
        "With secure_file_priv empty, any account with FILE can read every file the server's user can (LOAD_FILE('/etc/…')) and write files anywhere (SELECT … INTO OUTFILE). NULL disables both; a directory confines them.",
        "Set secure_file_priv to a dedicated directory (or NULL) in my.cnf and restart; it cannot be changed at runtime."
    ),
    check!(
        "mysql.tls",
        Security,
        "TLS (have_ssl, require_secure_transport)",
        security::tls,
        "Without TLS, passwords (the native plugin's challenge can be attacked offline) and every row travel in clear. Critical when TLS is unavailable and the server is reachable from the network; attention when it is available but not required.",
        "Configure ssl_cert / ssl_key (MySQL generates them at install), then SET PERSIST require_secure_transport = ON or require it per account (ALTER USER … REQUIRE SSL)."
    ),
    check!(
        "mysql.flush_log_at_trx_commit",
        Configuration,
        "InnoDB log flushed at commit",
        configuration::flush_log_at_trx_commit,
        "With innodb_flush_log_at_trx_commit 0 or 2, commits are acknowledged before the redo log reaches disk: a crash loses about a second of committed transactions. 1 is the ACID default; other values are a deliberate trade-off accepted on replicas.",
        "SET GLOBAL innodb_flush_log_at_trx_commit = 1 (and persist it) on primaries; if commit latency is the reason, look at the disk's write cache instead."
    ),
    check!(
        "mysql.sync_binlog",
        Configuration,
        "Binary log synced at commit",
        configuration::sync_binlog,
        "With sync_binlog other than 1 the binary log is not on disk at commit: after a host crash InnoDB may hold transactions the binary log lacks, so replicas and point-in-time recovery miss them. 1 is the default since MySQL 5.7.7.",
        "SET GLOBAL sync_binlog = 1 (and persist it) on primaries."
    ),
    check!(
        "mysql.binary_log",
        Configuration,
        "Binary log enabled",
        configuration::binary_log,
        "Without the binary log there is no point-in-time recovery from backups and no replica can be added without a restart; MySQL 8 enables it by default, MariaDB does not.",
        "Set log_bin (and server_id) in my.cnf and restart; size binlog expiry for the backup schedule."
    ),
    check!(
        "mysql.binlog_expiry",
        Configuration,
        "Binary log expiry",
        configuration::binlog_expiry,
        "With binlog_expire_logs_seconds and expire_logs_days both 0 (MariaDB's default) binary logs are never purged and eventually fill the disk, which stops every write.",
        "SET GLOBAL binlog_expire_logs_seconds = 604800 (7 days, longer than the backup interval) and persist it."
    ),
    check!(
        "mysql.performance_schema",
        Configuration,
        "performance_schema enabled",
        configuration::performance_schema,
        "Without performance_schema Logstag (and any tool) loses statement digests, who holds a metadata lock, client program names and index usage; its overhead is a few percent on MySQL 8, where it is on by default (off on MariaDB).",
        "Set performance_schema = ON in my.cnf and restart (it cannot be turned on at runtime)."
    ),
    check!(
        "mysql.slow_query_log",
        Configuration,
        "Slow query log",
        configuration::slow_query_log,
        "With the slow query log off, slow statements leave no trace for later diagnosis (off by default in both MySQL and MariaDB).",
        "SET GLOBAL slow_query_log = ON, long_query_time = 1 (seconds), and persist both."
    ),
    check!(
        "mysql.query_cache",
        Configuration,
        "Query cache",
        configuration::query_cache,
        "The query cache takes one global mutex on every read and every write invalidates the cached results of the table: on concurrent workloads it serialises the server. MySQL removed it in 8.0; MariaDB turned it off by default in 10.1.7.",
        "SET GLOBAL query_cache_type = OFF, query_cache_size = 0, and persist both in my.cnf."
    ),
    check!(
        "mysql.file_per_table",
        Configuration,
        "InnoDB file per table",
        configuration::file_per_table,
        "With innodb_file_per_table OFF new tables go into the system tablespace (ibdata1), which never shrinks: space freed by DROP or TRUNCATE is not returned to the disk. ON is the default since MySQL 5.6.6.",
        "SET GLOBAL innodb_file_per_table = ON and persist it; move existing tables out with ALTER TABLE t ENGINE=InnoDB."
    ),
    check!(
        "mysql.sql_mode",
        Configuration,
        "Strict SQL mode",
        configuration::sql_mode,
        "Without STRICT_TRANS_TABLES, out-of-range values, too-long strings and invalid dates are silently truncated or zeroed with a warning instead of failing the statement: data is corrupted quietly. It is in the default sql_mode of MySQL 5.7+ and MariaDB 10.2.4+.",
        "Add STRICT_TRANS_TABLES to sql_mode (SET GLOBAL sql_mode = CONCAT(@@sql_mode, ',STRICT_TRANS_TABLES')) after testing the application."
    ),
    check!(
        "mysql.redo_log_size",
        Configuration,
        "Redo log size for the write rate",
        configuration::redo_log_size,
        "A redo log too small for the write rate forces constant checkpoints and, near its end, synchronous flushing that stalls writes. The usual sizing rule holds about an hour of peak writes; one interval's rate is noisy, so we flag under 15 min (5 min critical). InnoDB starts aggressive flushing at about 75 % checkpoint age and stalls near 85–90 %.",
        "Raise innodb_redo_log_capacity (MySQL 8.0.30+, online) or innodb_log_file_size (MariaDB, restart) to hold an hour of peak writes."
    ),
    check!(
        "mysql.buffer_pool_size",
        Configuration,
        "InnoDB buffer pool size",
        configuration::buffer_pool_size,
        "The 128 MiB default buffer pool is sized for a laptop: a dedicated server usually gives it 50–75 % of RAM. A larger pool matters only when the data does not fit, so a default-sized pool holding all the data is fine.",
        "Set innodb_buffer_pool_size to about 70 % of RAM on a dedicated server (resizable online since MySQL 5.7.5 / MariaDB 10.2)."
    ),
    check!(
        "mysql.buffer_pool_hit",
        Performance,
        "Buffer pool hit ratio",
        performance::buffer_pool_hit,
        "Page reads the buffer pool cannot serve go to disk, orders of magnitude slower; an OLTP server below 95 % since start usually lacks memory or runs large scans (the same marks as the PostgreSQL check). Not judged under 10,000 page reads.",
        "Find the statements that read the most rows (Queries tab), add indexes for large scans, or raise innodb_buffer_pool_size."
    ),
    check!(
        "mysql.tmp_disk_tables",
        Performance,
        "Internal temporary tables on disk",
        performance::tmp_disk_tables,
        "GROUP BY, DISTINCT, UNION and derived tables that do not fit tmp_table_size (or hold BLOB/TEXT columns on older servers) are written to disk; a quarter of them on disk is the usual tuning mark (MySQLTuner's), half is critical. Not judged under 1,000 temporary tables.",
        "Find the statements with on-disk temporary tables (Queries tab), add indexes so they sort less, or raise tmp_table_size and max_heap_table_size together."
    ),
    check!(
        "mysql.connection_usage",
        Performance,
        "Connections vs max_connections",
        performance::connection_usage,
        "When max_connections is reached new clients get 'Too many connections'; above 80 % a burst can exhaust it (95 % critical). A peak at the limit since start (Max_used_connections) means it already happened.",
        "Find who holds connections (Activity tab), size application pools to the server, lower wait_timeout for idle ones, or raise max_connections with memory in mind."
    ),
    check!(
        "mysql.threads_running",
        Performance,
        "Threads running",
        performance::threads_running,
        "Threads_running counts statements executing at once; InnoDB throughput flattens once it exceeds the CPU cores and falls as threads queue on mutexes. 32 is our attention mark (more than most servers have cores), 100 critical.",
        "Look at what runs (Activity tab): a pile of identical statements points to a hot row, a lock or a missing index; consider thread_pool (MariaDB, Percona) for many clients."
    ),
    check!(
        "mysql.row_lock_waits",
        Performance,
        "Row lock waits",
        performance::row_lock_waits,
        "The average InnoDB row lock wait since start says how long transactions hold the rows others need: half a second means locks are routinely held across slow work, 5 s approaches timeouts (innodb_lock_wait_timeout 50 s). Not judged under 100 waits.",
        "Open the blocking tree (Activity tab), shorten transactions that update hot rows, and index the WHERE clauses of UPDATE/DELETE so they lock fewer rows."
    ),
    check!(
        "mysql.history_list_length",
        Performance,
        "InnoDB history list length",
        performance::history_list_length,
        "The history list counts undo logs purge has not removed yet; it stays in the low thousands when purge keeps up. 100,000 means an old read view (a long transaction) holds purge back and reads walk longer version chains; at 1,000,000 queries slow visibly and the undo tablespace grows.",
        "Find the oldest transaction (Activity tab, transaction age) and end it; raise innodb_purge_threads if no transaction is old."
    ),
    check!(
        "mysql.aborted_connects",
        Performance,
        "Failed connection attempts",
        performance::aborted_connects,
        "Aborted_connects counts attempts that failed (wrong password, unknown account, handshake timeout, TLS errors). More than 5 % of attempts is beyond stray typos: a misconfigured client or password guessing; 25 % is critical. Not judged under 100 connections.",
        "Read the server's error log for the failing accounts and hosts (raise log_error_verbosity to 3 on MySQL, log_warnings to 2 or more on MariaDB), fix the clients, and block guessing sources."
    ),
    check!(
        "mysql.long_running_queries",
        Performance,
        "Long-running statements",
        performance::long_queries,
        "Statements running for minutes hold locks and an old read view (history list grows) and often signal a bad plan; 5 min is our attention mark, 1 h critical (the PostgreSQL check's marks).",
        "Inspect the thread in the Activity tab, EXPLAIN the statement, and stop it if runaway (KILL QUERY <id>); cap reads with max_execution_time (MySQL) or max_statement_time (MariaDB)."
    ),
    check!(
        "mysql.blocked_threads",
        Performance,
        "Threads waiting for locks",
        performance::blocked,
        "Threads waiting for a row or metadata lock do no work; a wait over 30 s usually exceeds client timeouts, and one DDL waiting for a metadata lock queues every later query on the table.",
        "Open the blocking tree (Activity tab, b) and deal with the head blocker (often an idle transaction: KILL <id>); run DDL with a short lock_wait_timeout."
    ),
    check!(
        "mysql.long_transactions",
        Maintenance,
        "Long open transactions",
        maintenance::long_transactions,
        "An open transaction keeps its row locks and its read view: purge cannot remove undo behind it (history list grows) and others queue on its locks. 5 min is our attention mark, 1 h critical.",
        "Find the thread (Activity tab, transaction age), fix the application's transaction handling, and KILL <id> a forgotten one; lower wait_timeout for idle clients."
    ),
    check!(
        "mysql.replication_threads",
        Maintenance,
        "Replica threads running",
        maintenance::replication_threads,
        "A stopped replica I/O or SQL thread means the replica no longer follows its source: it serves ever staler data and cannot take over without loss.",
        "SHOW REPLICA STATUS (SHOW SLAVE STATUS before MySQL 8.0.22 / MariaDB 10.5.1) for Last_IO_Error / Last_SQL_Error; fix the cause, then START REPLICA (START SLAVE)."
    ),
    check!(
        "mysql.replication_lag",
        Maintenance,
        "Replication lag",
        maintenance::replication_lag,
        "A lagging replica serves stale reads and would lose or wait for its lag on failover; a minute is our attention mark, ten critical (the PostgreSQL check's marks).",
        "Check the replica's disk and CPU, large transactions on the source, and parallel replication (replica_parallel_workers / slave_parallel_threads)."
    ),
    check!(
        "mysql.deadlocks",
        Maintenance,
        "Deadlocks",
        maintenance::deadlocks,
        "Each deadlock rolls back a transaction the application must retry; more than one an hour on average since start means lock ordering problems, one a minute is critical. A server up less than a day is averaged over a day, so a few early deadlocks do not read as a rate.",
        "SET GLOBAL innodb_print_all_deadlocks = ON to log them, read the latest in SHOW ENGINE INNODB STATUS, and make transactions lock rows in one order."
    ),
    check!(
        "mysql.tables_without_pk",
        Schema,
        "Tables without a primary key",
        schema::no_primary_key,
        "InnoDB clusters rows on a hidden 6-byte row id shared by all such tables (one global counter), row-based replication scans the whole table on the replica for each updated row, and Group Replication refuses such tables.",
        "Add a primary key (ALTER TABLE t ADD PRIMARY KEY (…), or an AUTO_INCREMENT id); use pt-online-schema-change or ALTER … ALGORITHM=INPLACE on big tables."
    ),
    check!(
        "mysql.non_transactional_tables",
        Schema,
        "Non-transactional tables (MyISAM, Aria)",
        schema::non_transactional,
        "MyISAM and Aria tables lock the whole table on writes, cannot be rolled back and may need repair after a crash; MEMORY tables lose their rows on restart. Any table outside InnoDB (or RocksDB, TokuDB, NDB) gets attention.",
        "ALTER TABLE t ENGINE=InnoDB (check FULLTEXT and spatial indexes first: InnoDB supports both since MySQL 5.6/5.7 and MariaDB 10.0/10.2)."
    ),
    check!(
        "mysql.unused_indexes",
        Schema,
        "Unused indexes",
        schema::unused_indexes,
        "Indexes never used since the server started still cost on every write and take buffer pool space; check replicas and monthly jobs before dropping.",
        "Confirm over a full business cycle (and on replicas), make it invisible first (ALTER TABLE t ALTER INDEX i INVISIBLE on MySQL 8, IGNORED on MariaDB 10.6+), then drop it."
    ),
    check!(
        "mysql.duplicate_indexes",
        Schema,
        "Duplicate indexes",
        schema::duplicate_indexes,
        "Two identical indexes double the write and storage cost for no read benefit.",
        "ALTER TABLE t DROP INDEX <one of them> (keep the one backing a constraint)."
    ),
    check!(
        "mysql.redundant_indexes",
        Schema,
        "Redundant indexes",
        schema::redundant_indexes,
        "An index whose columns are a leading prefix of another is usually unnecessary (pt-duplicate-key-checker's rule).",
        "Check it is not unique or used by a foreign key, then ALTER TABLE t DROP INDEX it."
    ),
    check!(
        "mysql.fk_without_index",
        Schema,
        "Foreign keys without an index",
        schema::fk_without_index,
        "InnoDB needs an index starting with the foreign key columns to check and cascade without scanning; it creates one itself, so a missing one means a non-InnoDB engine or an index that was replaced.",
        "CREATE INDEX on the foreign key columns (ALTER TABLE t ADD INDEX (fk_col))."
    ),
    check!(
        "mysql.auto_increment_exhaustion",
        Schema,
        "AUTO_INCREMENT near its maximum",
        schema::auto_increment,
        "When an AUTO_INCREMENT column reaches its type's maximum, every insert fails with a duplicate-key error; a signed INT ends at 2.1 billion. 80 % leaves time to migrate, 95 % is urgent.",
        "ALTER TABLE t MODIFY id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT (online tools for big tables) before it runs out."
    ),
    check!(
        "mysql.fragmented_tables",
        Schema,
        "Free space inside tables",
        schema::fragmented_tables,
        "DATA_FREE is space allocated to a table's file but unused (after large deletes): it takes disk and backup space. 30 % and 64 MiB is our attention mark, 60 % and 1 GiB critical (the PostgreSQL bloat marks). Tables in a shared tablespace are not judged: their DATA_FREE is the whole tablespace's.",
        "Rebuild the table online: ALTER TABLE t ENGINE=InnoDB, ALGORITHM=INPLACE (or OPTIMIZE TABLE, or pt-online-schema-change) in a quiet hour."
    ),
];
