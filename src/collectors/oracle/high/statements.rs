//! The high tier's statements (every 10 s). Each is a fixed text: values from the server
//! (SQL_IDs, object numbers) only ever travel as binds, so the shared pool keeps one
//! cursor per statement. Ages are computed by the server (`SYSDATE - x`), never against
//! our clock. Costs are in docs/oracle.md, "High tier".

/// Sessions that are not background processes, ours left out, with their process (SPID,
/// PGA) and open transaction (its age and undo). Active sessions and open transactions
/// first, so a cap never hides a blocker. The plan hash is looked up (by SQL_ID, an
/// indexed read of the cursor cache) only for calls running 5 s or more: those whose
/// plan may be read.
pub const SESSIONS: &str = "SELECT s.sid,
       s.serial# AS serial_no,
       s.username,
       s.status,
       s.osuser,
       s.machine,
       s.program,
       s.module,
       s.action,
       s.service_name,
       s.sql_id,
       s.sql_child_number,
       s.prev_sql_id,
       s.event,
       s.wait_class,
       s.state AS wait_state,
       s.wait_time_micro,
       s.time_since_last_wait_micro,
       s.last_call_et,
       ROUND((SYSDATE - s.logon_time) * 86400) AS logon_s,
       ROUND((SYSDATE - s.sql_exec_start) * 86400) AS sql_exec_s,
       s.blocking_session,
       s.blocking_session_status,
       s.final_blocking_session,
       s.final_blocking_session_status,
       s.row_wait_obj# AS row_wait_obj,
       p.spid,
       p.pga_used_mem,
       p.pga_alloc_mem,
       ROUND((SYSDATE - t.start_date) * 86400) AS xact_s,
       t.used_ublk,
       CASE WHEN s.status = 'ACTIVE' AND s.sql_id IS NOT NULL AND s.last_call_et >= 5 THEN
         (SELECT MAX(c.plan_hash_value) FROM v$sql c
           WHERE c.sql_id = s.sql_id AND c.child_number = s.sql_child_number)
       END AS plan_hash
  FROM v$session s
  LEFT JOIN v$process p ON p.addr = s.paddr
  LEFT JOIN v$transaction t ON t.addr = s.taddr
 WHERE s.type <> 'BACKGROUND'
   AND s.sid <> TO_NUMBER(SYS_CONTEXT('USERENV', 'SID'))
 ORDER BY CASE WHEN s.status = 'ACTIVE' OR s.taddr IS NOT NULL
                 OR s.sid IN (SELECT b.blocking_session FROM v$session b WHERE b.blocking_session IS NOT NULL)
               THEN 0 ELSE 1 END,
          s.last_call_et DESC
 FETCH FIRST 2000 ROWS ONLY";

/// Most sessions a round keeps (the cap of `SESSIONS`).
pub const MAX_SESSIONS: usize = 2_000;

/// Instance and database facts (18c+: VERSION_FULL and EDITION), the user sessions and
/// the `sessions` limit. One row.
pub const INSTANCE: &str = "SELECT i.instance_name,
       i.host_name,
       i.version,
       i.version_full,
       i.edition,
       i.status AS instance_status,
       ROUND((SYSDATE - i.startup_time) * 86400) AS uptime_s,
       d.name AS db_name,
       d.database_role,
       d.open_mode,
       d.cdb,
       SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name,
       (SELECT COUNT(*) FROM v$session WHERE type = 'USER') AS user_sessions,
       (SELECT TRIM(limit_value) FROM v$resource_limit WHERE resource_name = 'sessions') AS sessions_limit
  FROM v$instance i
 CROSS JOIN v$database d";

/// The same before 18c (no VERSION_FULL, no EDITION).
pub const INSTANCE_BEFORE_18: &str = "SELECT i.instance_name,
       i.host_name,
       i.version,
       i.status AS instance_status,
       ROUND((SYSDATE - i.startup_time) * 86400) AS uptime_s,
       d.name AS db_name,
       d.database_role,
       d.open_mode,
       d.cdb,
       SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name,
       (SELECT COUNT(*) FROM v$session WHERE type = 'USER') AS user_sessions,
       (SELECT TRIM(limit_value) FROM v$resource_limit WHERE resource_name = 'sessions') AS sessions_limit
  FROM v$instance i
 CROSS JOIN v$database d";

/// The current values of the 60 s metric group (not the history views, which are part of
/// the Diagnostics Pack).
pub const SYSMETRIC: &str = "SELECT metric_name, value
  FROM v$sysmetric
 WHERE group_id = 2
   AND metric_name IN ('Average Active Sessions', 'Database Time Per Sec', 'Executions Per Sec',
                       'User Calls Per Sec', 'Logical Reads Per Sec', 'Physical Reads Per Sec',
                       'Redo Generated Per Sec', 'Hard Parse Count Per Sec', 'Host CPU Utilization (%)',
                       'Buffer Cache Hit Ratio', 'User Transaction Per Sec')";

/// User locks by type and mode, held and requested (TX rows, TM tables, UL user locks;
/// the many instance locks of background processes left out).
pub const LOCKS: &str = "SELECT type AS lock_type, lmode, request, COUNT(*) AS locks
  FROM v$lock
 WHERE type IN ('TX', 'TM', 'UL')
 GROUP BY type, lmode, request";

/// How many SQL_IDs one text read asks for (unused slots are bound to NULL).
pub const TEXT_SLOTS: usize = 20;

/// The text of up to 20 statements by SQL_ID (v$sqlstats: no library cache latches;
/// SQL_TEXT is its first 1,000 characters).
pub const SQL_TEXTS: &str = "SELECT sql_id, MAX(sql_text) AS sql_text
  FROM v$sqlstats
 WHERE sql_id IN (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10,
                  :11, :12, :13, :14, :15, :16, :17, :18, :19, :20)
 GROUP BY sql_id";

/// How many objects one name read asks for.
pub const OBJECT_SLOTS: usize = 10;

/// The names of the objects blocked sessions wait on (ROW_WAIT_OBJ#), by object number
/// (an index read of the dictionary, only when sessions are blocked).
pub const OBJECT_NAMES: &str = "SELECT object_id, owner, object_name, object_type
  FROM dba_objects
 WHERE object_id IN (:1, :2, :3, :4, :5, :6, :7, :8, :9, :10)";

/// The plan a running cursor uses, from the cursor cache (never EXPLAIN PLAN): binds
/// SQL_ID, plan hash, child number.
pub const PLAN: &str = "SELECT id, parent_id, depth, operation, options, object_owner, object_name,
       cost, cardinality, plan_hash_value,
       SUBSTR(access_predicates, 1, 200) AS access_predicates,
       SUBSTR(filter_predicates, 1, 200) AS filter_predicates
  FROM v$sql_plan
 WHERE sql_id = :1
   AND plan_hash_value = :2
   AND child_number = :3
 ORDER BY child_address, id
 FETCH FIRST 200 ROWS ONLY";

/// Rows one plan read keeps.
pub const PLAN_ROWS: usize = 200;
