//! The high tier's fixed statements. Every column is aliased in lower_snake_case so the
//! parsers read one shape, and every statement is on the read-only allowlist
//! (`queries::tests::every_statement_is_a_read`). Costs are in docs/mssql.md.

/// Sessions with their request, connection, waits, transaction age and statement, one
/// row per session (more only for a parallel request's waiting tasks or MARS requests).
///
/// - User sessions, plus any session that blocks another (a system task can hold a
///   lock); never our own.
/// - Ages are worked out by the server (`DATEDIFF_BIG` against `SYSDATETIME()`), so our
///   clock and time zone never enter them.
/// - SQL text is looked up only for sessions with a request, an open transaction, or
///   someone waiting on them: an idle pooled connection costs no text lookup. The
///   running statement is cut out of its batch by the request's offsets (as
///   sp_WhoIsActive does); a sleeping session's text is its last batch. The guards keep
///   SUBSTRING from ever getting a negative length (which would fail the whole read).
/// - Waiting tasks are joined only for parallel requests (`dop > 1`: the coordinator
///   shows CXPACKET while a worker waits on the lock or the disk that matters) and for
///   blocked requests (a lock held in a shared mode by several sessions has one waiting
///   task row per owner, where the request names only one). Exchange waits and a task
///   waiting on its own session are left out.
/// - No OBJECT_NAME(): it takes metadata locks and could queue behind a DDL.
pub const SESSIONS: &str = "\
WITH task_waits AS (
    SELECT wt.session_id, wt.wait_type, wt.wait_duration_ms, wt.blocking_session_id,
           wt.resource_description
    FROM sys.dm_os_waiting_tasks AS wt
    WHERE wt.session_id IS NOT NULL
      AND wt.wait_type NOT LIKE N'CX%'
      AND (wt.blocking_session_id IS NULL OR wt.blocking_session_id <> wt.session_id)
), blockers AS (
    SELECT rq.blocking_session_id AS session_id
    FROM sys.dm_exec_requests AS rq
    WHERE rq.blocking_session_id > 0
    UNION
    SELECT tw.blocking_session_id FROM task_waits AS tw WHERE tw.blocking_session_id > 0
), transactions AS (
    SELECT st.session_id, MIN(tat.transaction_begin_time) AS begin_time
    FROM sys.dm_tran_session_transactions AS st
    JOIN sys.dm_tran_active_transactions AS tat ON tat.transaction_id = st.transaction_id
    GROUP BY st.session_id
)
SELECT s.session_id,
       r.request_id,
       s.status AS session_status,
       r.status AS request_status,
       r.command,
       s.login_name,
       s.host_name,
       s.program_name,
       c.client_net_address AS client_address,
       DB_NAME(COALESCE(r.database_id, s.database_id)) AS database_name,
       r.wait_type,
       r.wait_time AS wait_ms,
       r.wait_resource,
       r.blocking_session_id,
       tw.wait_type AS task_wait_type,
       tw.wait_duration_ms AS task_wait_ms,
       tw.blocking_session_id AS task_blocking_session_id,
       tw.resource_description AS task_resource,
       COALESCE(r.cpu_time, s.cpu_time) AS cpu_ms,
       COALESCE(r.logical_reads, s.logical_reads) AS logical_reads,
       COALESCE(r.reads, s.reads) AS physical_reads,
       COALESCE(r.writes, s.writes) AS writes,
       s.open_transaction_count AS open_transactions,
       r.dop,
       DATEDIFF_BIG(MILLISECOND, r.start_time, SYSDATETIME()) AS request_ms,
       DATEDIFF_BIG(MILLISECOND, s.last_request_start_time, SYSDATETIME()) AS last_request_start_ms,
       DATEDIFF_BIG(MILLISECOND, s.last_request_end_time, SYSDATETIME()) AS last_request_end_ms,
       DATEDIFF_BIG(MILLISECOND, s.login_time, SYSDATETIME()) AS login_ms,
       DATEDIFF_BIG(MILLISECOND, tx.begin_time, SYSDATETIME()) AS transaction_ms,
       r.plan_handle,
       r.query_hash,
       r.statement_start_offset,
       r.statement_end_offset,
       LEFT(CASE
                WHEN r.sql_handle IS NULL THEN t.text
                WHEN r.statement_end_offset <> -1
                     AND r.statement_end_offset <= r.statement_start_offset THEN t.text
                ELSE SUBSTRING(t.text, r.statement_start_offset / 2 + 1,
                               CASE WHEN r.statement_end_offset = -1 THEN DATALENGTH(t.text)
                                    ELSE (r.statement_end_offset - r.statement_start_offset) / 2 + 1
                               END)
            END, 8000) AS sql_text
FROM sys.dm_exec_sessions AS s
LEFT JOIN sys.dm_exec_requests AS r ON r.session_id = s.session_id
LEFT JOIN sys.dm_exec_connections AS c
       ON c.session_id = s.session_id AND c.parent_connection_id IS NULL
LEFT JOIN task_waits AS tw
       ON tw.session_id = r.session_id AND (r.dop > 1 OR r.blocking_session_id <> 0)
LEFT JOIN blockers AS b ON b.session_id = s.session_id
LEFT JOIN transactions AS tx ON tx.session_id = s.session_id
OUTER APPLY sys.dm_exec_sql_text(
    CASE WHEN r.session_id IS NOT NULL OR s.open_transaction_count > 0 OR b.session_id IS NOT NULL
         THEN COALESCE(r.sql_handle, c.most_recent_sql_handle)
    END) AS t
WHERE (s.is_user_process = 1 OR b.session_id IS NOT NULL)
  AND s.session_id <> @@SPID";

/// Cumulative wait time by wait type, benign waits left out on the server so the reply
/// stays small: Paul Randal's list (SQLskills, "Wait statistics, or please tell me where
/// it hurts"), which Glenn Berry's diagnostic queries and the Telegraf input also use,
/// plus the whole families it samples from (SLEEP_*, BROKER_*, XE_*, SQLTRACE_*, the
/// Query Store and In-Memory OLTP background loops). CXCONSUMER is left out as Paul
/// does (the consumer side of a parallel exchange: CXPACKET carries the signal).
pub const WAIT_STATS: &str = "\
SELECT ws.wait_type, ws.wait_time_ms
FROM sys.dm_os_wait_stats AS ws
WHERE ws.wait_time_ms > 0
  AND ws.wait_type NOT LIKE N'SLEEP[_]%'
  AND ws.wait_type NOT LIKE N'BROKER[_]%'
  AND ws.wait_type NOT LIKE N'XE[_]%'
  AND ws.wait_type NOT LIKE N'PREEMPTIVE[_]XE[_]%'
  AND ws.wait_type NOT LIKE N'SQLTRACE[_]%'
  AND ws.wait_type NOT LIKE N'QDS[_]%SLEEP'
  AND ws.wait_type NOT LIKE N'WAIT[_]XTP[_]%'
  AND ws.wait_type NOT LIKE N'PARALLEL[_]REDO[_]%'
  AND ws.wait_type NOT IN (
      N'CHECKPOINT_QUEUE', N'CHKPT', N'CLR_AUTO_EVENT', N'CLR_MANUAL_EVENT', N'CLR_SEMAPHORE',
      N'CXCONSUMER', N'DBMIRROR_DBM_EVENT', N'DBMIRROR_EVENTS_QUEUE', N'DBMIRROR_WORKER_QUEUE',
      N'DBMIRRORING_CMD', N'DIRTY_PAGE_POLL', N'DISPATCHER_QUEUE_SEMAPHORE', N'EXECSYNC',
      N'FSAGENT', N'FT_IFTS_SCHEDULER_IDLE_WAIT', N'FT_IFTSHC_MUTEX', N'HADR_CLUSAPI_CALL',
      N'HADR_FILESTREAM_IOMGR_IOCOMPLETION', N'HADR_LOGCAPTURE_WAIT',
      N'HADR_NOTIFICATION_DEQUEUE', N'HADR_TIMER_TASK', N'HADR_WORK_QUEUE', N'KSOURCE_WAKEUP',
      N'LAZYWRITER_SLEEP', N'LOGMGR_QUEUE', N'MEMORY_ALLOCATION_EXT', N'ONDEMAND_TASK_QUEUE',
      N'PREEMPTIVE_OS_FLUSHFILEBUFFERS', N'PREEMPTIVE_SP_SERVER_DIAGNOSTICS',
      N'PREEMPTIVE_HADR_LEASE_MECHANISM', N'PVS_PREALLOCATE', N'PWAIT_ALL_COMPONENTS_INITIALIZED',
      N'PWAIT_DIRECTLOGCONSUMER_GETNEXT', N'PWAIT_EXTENSIBILITY_CLEANUP_TASK', N'QDS_ASYNC_QUEUE',
      N'QDS_SHUTDOWN_QUEUE', N'REDO_THREAD_PENDING_WORK', N'REQUEST_FOR_DEADLOCK_SEARCH',
      N'RESERVED_MEMORY_ALLOCATION_EXT', N'RESOURCE_QUEUE', N'SERVER_IDLE_CHECK',
      N'SNI_HTTP_ACCEPT', N'SOS_WORK_DISPATCHER', N'SP_SERVER_DIAGNOSTICS_SLEEP',
      N'VDI_CLIENT_OTHER', N'WAIT_FOR_RESULTS', N'WAITFOR', N'WAITFOR_TASKSHUTDOWN')";

/// The performance counters the tier turns into metrics, and nothing else (the view has
/// about two thousand rows). The names are nchar(128) padded with blanks, hence RTRIM;
/// `=` and `IN` already ignore the padding. The object name's prefix differs on a named
/// instance (`MSSQL$NAME:Buffer Manager`), so objects are matched by suffix when read.
pub const PERFORMANCE_COUNTERS: &str = "\
SELECT RTRIM(pc.object_name) AS object_name,
       RTRIM(pc.counter_name) AS counter_name,
       RTRIM(pc.instance_name) AS instance_name,
       pc.cntr_value,
       pc.cntr_type
FROM sys.dm_os_performance_counters AS pc
WHERE pc.counter_name IN (
          N'Batch Requests/sec', N'SQL Compilations/sec', N'SQL Re-Compilations/sec',
          N'Page Splits/sec', N'Full Scans/sec', N'Page life expectancy',
          N'Buffer cache hit ratio', N'Buffer cache hit ratio base', N'Memory Grants Pending',
          N'User Connections', N'Total Server Memory (KB)', N'Target Server Memory (KB)')
   OR (pc.instance_name = N'_Total'
       AND pc.counter_name IN (N'Transactions/sec', N'Lock Waits/sec', N'Number of Deadlocks/sec'))";

/// Facts that change only with a restart: read once per connection.
pub const SERVER_FACTS: &str = "\
SELECT @@MAX_CONNECTIONS AS max_connections,
       DATEDIFF_BIG(MILLISECOND, i.sqlserver_start_time, SYSDATETIME()) AS uptime_ms
FROM sys.dm_os_sys_info AS i";

/// The same with this server's Availability Group roles (1 primary, 2 secondary), read
/// every round where Always On is enabled: a failover changes them under a live session.
pub const SERVER_FACTS_WITH_AG: &str = "\
SELECT @@MAX_CONNECTIONS AS max_connections,
       DATEDIFF_BIG(MILLISECOND, i.sqlserver_start_time, SYSDATETIME()) AS uptime_ms,
       (SELECT COUNT(*) FROM sys.dm_hadr_availability_replica_states AS rs
        WHERE rs.is_local = 1 AND rs.role = 1) AS primary_replicas,
       (SELECT COUNT(*) FROM sys.dm_hadr_availability_replica_states AS rs
        WHERE rs.is_local = 1 AND rs.role = 2) AS secondary_replicas
FROM sys.dm_os_sys_info AS i";
