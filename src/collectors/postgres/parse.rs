//! Pure mapping from PostgreSQL's words and rows to the engine-neutral model. No I/O:
//! the rows arrive as plain structs, so every rule here is unit-tested without a server.

use crate::model::{
    DatabaseStat, InstanceInfo, Metric, ServerRole, Session, SessionState, Wait, WaitCategory, metric,
};

/// `server_version_num` from the `server_version` string the server reports at
/// start-up ("15.18 (Debian …)", "17beta1", "12.3"), which saves a round trip.
pub fn version_num(server_version: &str) -> Option<i32> {
    let short = short_version(server_version);
    let mut parts = short.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty());
    let major: i32 = parts.next()?.parse().ok()?;
    let minor: i32 = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    // From PG 10 on the number is major·10000 + minor; beta/rc versions have minor 0.
    let is_release = short.chars().find(|c| !c.is_ascii_digit()) == Some('.');
    Some(major * 10_000 + if is_release { minor } else { 0 })
}

/// "15.18 (Debian 15.18-1.pgdg120+1)" → "15.18".
pub fn short_version(server_version: &str) -> &str {
    server_version.split_whitespace().next().unwrap_or(server_version)
}

/// State mapping of spec §2.1: a heavyweight-lock wait wins over the state word.
pub fn session_state(state: &str, wait_event_type: Option<&str>) -> SessionState {
    if wait_event_type == Some("Lock") {
        return SessionState::WaitingForLock;
    }
    match state {
        "active" => SessionState::Active,
        "idle" => SessionState::Idle,
        s if s.starts_with("idle in transaction") => SessionState::IdleInTransaction,
        _ => SessionState::Other,
    }
}

/// Wait-category mapping of spec §2.1; the native name is kept as `Type:Event`.
pub fn wait(wait_event_type: Option<&str>, wait_event: Option<&str>) -> Option<Wait> {
    let kind = wait_event_type?;
    let category = match kind {
        "Lock" | "BufferPin" => WaitCategory::Locks,
        "LWLock" => WaitCategory::LwLocks,
        "IO" => WaitCategory::Io,
        "Client" | "IPC" => WaitCategory::Client,
        _ => WaitCategory::Other,
    };
    let event = match wait_event {
        Some(e) => format!("{kind}:{e}"),
        None => kind.to_owned(),
    };
    Some(Wait { category, event })
}

/// One pg_stat_activity row as read.
#[derive(Debug, Clone, Default)]
pub struct ActivityRow {
    pub pid: i64,
    pub user_id: Option<i64>,
    pub database_id: Option<i64>,
    /// Filled from the id → name caches (the query returns ids only).
    pub user: String,
    pub database: String,
    pub application: String,
    pub client: String,
    pub state: String,
    pub wait_event_type: Option<String>,
    pub wait_event: Option<String>,
    pub query: String,
    pub query_ms: Option<f64>,
    pub xact_ms: Option<f64>,
    pub backend_ms: Option<f64>,
    pub state_ms: Option<f64>,
    pub blocked_by: Option<Vec<i32>>,
    pub backend_type: Option<String>,
    pub backend_xmin: Option<String>,
    pub leader_pid: Option<i64>,
}

/// Server-clock ages can come out slightly negative (the activity snapshot is taken
/// after our statement started); they are clamped to zero.
fn age_ms(ms: Option<f64>) -> Option<u64> {
    ms.map(|v| if v.is_finite() && v > 0.0 { v.round() as u64 } else { 0 })
}

pub fn session(row: ActivityRow) -> Session {
    let state = session_state(&row.state, row.wait_event_type.as_deref());
    let wait = wait(row.wait_event_type.as_deref(), row.wait_event.as_deref());
    let mut extra = Vec::new();
    if let Some(t) = row.backend_type {
        extra.push(("backend_type".to_owned(), t));
    }
    if let Some(x) = row.backend_xmin {
        extra.push(("backend_xmin".to_owned(), x));
    }
    if let Some(l) = row.leader_pid {
        extra.push(("leader_pid".to_owned(), l.to_string()));
    }
    Session {
        id: row.pid,
        user: row.user,
        database: row.database,
        application: row.application,
        client: row.client,
        state,
        native_state: row.state,
        wait,
        query: row.query,
        query_ms: age_ms(row.query_ms),
        xact_ms: age_ms(row.xact_ms),
        backend_ms: age_ms(row.backend_ms),
        state_ms: age_ms(row.state_ms),
        blocked_by: row.blocked_by.unwrap_or_default().into_iter().map(i64::from).collect(),
        extra,
    }
}

pub use crate::collectors::session_metrics::activity_metrics;

/// The INSTANCE query's row.
#[derive(Debug, Clone, Default)]
pub struct InstanceRow {
    pub version: String,
    pub version_full: String,
    pub started_at_ms: Option<f64>,
    pub max_connections: Option<i64>,
    pub in_recovery: bool,
    pub database: String,
}

/// `connections` comes from the activity read: every client backend including ours.
pub fn instance(row: InstanceRow, connections: u64) -> InstanceInfo {
    InstanceInfo {
        version: short_version(&row.version).to_owned(),
        version_full: row.version_full,
        started_at_ms: row.started_at_ms.map(|ms| ms.round() as i64),
        max_connections: row.max_connections.and_then(|n| u64::try_from(n).ok()),
        role: if row.in_recovery { ServerRole::Standby } else { ServerRole::Primary },
        database: row.database,
        connections,
        product: String::new(),
    }
}

pub fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// Byte counts arrive as float8 (pg_wal_lsn_diff returns numeric); negative → None.
pub fn bytes(v: Option<f64>) -> Option<u64> {
    v.filter(|b| b.is_finite() && *b >= 0.0).map(|b| b.round() as u64)
}

/// Per-second rates of the database counters between two reads, filled into `current`;
/// returns the instance-wide rate metrics. Databases absent from `previous` (created
/// since) contribute nothing rather than their whole history.
pub fn database_rates(previous: &[DatabaseStat], current: &mut [DatabaseStat], secs: f64) -> Vec<Metric> {
    use crate::collectors::delta::counter_delta;
    if secs <= 0.0 {
        return Vec::new();
    }
    let mut sum = DatabaseStat::default();
    for db in current.iter_mut() {
        let Some(prev) = previous.iter().find(|p| p.name == db.name) else { continue };
        let d = |p: u64, c: u64| counter_delta(p, c).0;
        let commits = d(prev.xact_commit, db.xact_commit);
        let rollbacks = d(prev.xact_rollback, db.xact_rollback);
        let hit = d(prev.blks_hit, db.blks_hit);
        let read = d(prev.blks_read, db.blks_read);
        db.tps = Some((commits + rollbacks) as f64 / secs);
        db.cache_hit_pct = (hit + read > 0).then(|| hit as f64 * 100.0 / (hit + read) as f64);
        sum.xact_commit += commits;
        sum.xact_rollback += rollbacks;
        sum.blks_hit += hit;
        sum.blks_read += read;
        sum.deadlocks += d(prev.deadlocks, db.deadlocks);
        sum.temp_bytes += d(prev.temp_bytes, db.temp_bytes);
        sum.temp_files += d(prev.temp_files, db.temp_files);
        sum.tup_returned += d(prev.tup_returned, db.tup_returned);
        sum.tup_inserted += d(prev.tup_inserted, db.tup_inserted);
        sum.tup_updated += d(prev.tup_updated, db.tup_updated);
        sum.tup_deleted += d(prev.tup_deleted, db.tup_deleted);
    }
    let per_s = |n: u64| n as f64 / secs;
    let mut out = vec![
        Metric::new(metric::TPS, per_s(sum.xact_commit + sum.xact_rollback)),
        Metric::new(metric::COMMITS_PER_S, per_s(sum.xact_commit)),
        Metric::new(metric::ROLLBACKS_PER_S, per_s(sum.xact_rollback)),
        Metric::new(metric::DEADLOCKS_PER_S, per_s(sum.deadlocks)),
        Metric::new(metric::TEMP_BYTES_PER_S, per_s(sum.temp_bytes)),
        Metric::new(metric::TEMP_FILES_PER_S, per_s(sum.temp_files)),
        // tup_returned already counts what index scans return; adding tup_fetched
        // would count those rows twice.
        Metric::new(metric::ROWS_READ_PER_S, per_s(sum.tup_returned)),
        Metric::new(metric::ROWS_WRITTEN_PER_S, per_s(sum.tup_inserted + sum.tup_updated + sum.tup_deleted)),
    ];
    let accesses = sum.blks_hit + sum.blks_read;
    if accesses > 0 {
        out.push(Metric::new(metric::CACHE_HIT_PCT, sum.blks_hit as f64 * 100.0 / accesses as f64));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_from_the_startup_parameter() {
        assert_eq!(version_num("15.18 (Debian 15.18-1.pgdg120+1)"), Some(150_018));
        assert_eq!(version_num("12.3"), Some(120_003));
        assert_eq!(version_num("17beta1"), Some(170_000));
        assert_eq!(version_num("16rc1"), Some(160_000));
        assert_eq!(version_num(""), None);
        assert_eq!(short_version("15.18 (Debian 15.18-1)"), "15.18");
    }

    #[test]
    fn states_follow_the_spec() {
        assert_eq!(session_state("active", Some("IO")), SessionState::Active);
        assert_eq!(session_state("active", Some("Lock")), SessionState::WaitingForLock);
        assert_eq!(session_state("idle", Some("Client")), SessionState::Idle);
        assert_eq!(session_state("idle in transaction", None), SessionState::IdleInTransaction);
        assert_eq!(session_state("idle in transaction (aborted)", None), SessionState::IdleInTransaction);
        assert_eq!(session_state("fastpath function call", None), SessionState::Other);
        assert_eq!(session_state("disabled", None), SessionState::Other);
        assert_eq!(session_state("", None), SessionState::Other);
    }

    #[test]
    fn waits_follow_the_spec() {
        let cat = |t: &str| wait(Some(t), Some("X")).map(|w| w.category);
        assert_eq!(cat("Lock"), Some(WaitCategory::Locks));
        assert_eq!(cat("BufferPin"), Some(WaitCategory::Locks));
        assert_eq!(cat("LWLock"), Some(WaitCategory::LwLocks));
        assert_eq!(cat("IO"), Some(WaitCategory::Io));
        assert_eq!(cat("Client"), Some(WaitCategory::Client));
        assert_eq!(cat("IPC"), Some(WaitCategory::Client));
        assert_eq!(cat("Activity"), Some(WaitCategory::Other));
        assert_eq!(cat("Timeout"), Some(WaitCategory::Other));
        assert_eq!(wait(None, None), None);
        assert_eq!(
            wait(Some("Lock"), Some("transactionid")).map(|w| w.event).as_deref(),
            Some("Lock:transactionid")
        );
    }

    #[test]
    fn session_maps_row_and_clamps_ages() {
        let s = session(ActivityRow {
            pid: 42,
            state: "active".into(),
            wait_event_type: Some("Lock".into()),
            wait_event: Some("tuple".into()),
            query_ms: Some(-3.0),
            xact_ms: Some(1500.4),
            blocked_by: Some(vec![7, 8]),
            backend_xmin: Some("741".into()),
            leader_pid: Some(40),
            ..Default::default()
        });
        assert_eq!(s.state, SessionState::WaitingForLock);
        assert_eq!(s.query_ms, Some(0));
        assert_eq!(s.xact_ms, Some(1500));
        assert_eq!(s.backend_ms, None);
        assert_eq!(s.blocked_by, vec![7, 8]);
        assert!(s.extra.contains(&("leader_pid".to_owned(), "40".to_owned())));
    }

    #[test]
    fn activity_metrics_include_zero_series() {
        let rows = vec![
            ActivityRow {
                pid: 1,
                state: "idle".into(),
                wait_event_type: Some("Client".into()),
                ..Default::default()
            },
            ActivityRow { pid: 2, state: "active".into(), query_ms: Some(2500.0), ..Default::default() },
        ];
        let sessions: Vec<Session> = rows.into_iter().map(session).collect();
        let m = activity_metrics(&sessions);
        let get = |name: &str, key: &str| m.iter().find(|x| x.name == name && x.key == key).map(|x| x.value);
        assert_eq!(get(metric::SESSIONS_BY_STATE, "Idle"), Some(1.0));
        assert_eq!(get(metric::SESSIONS_BY_STATE, "Waiting for lock"), Some(0.0));
        assert_eq!(get(metric::WAITS_BY_CLASS, "Client"), Some(1.0));
        assert_eq!(get(metric::WAITS_BY_CLASS, "IO"), Some(0.0));
        assert_eq!(get(metric::LONGEST_QUERY_S, ""), Some(2.5));
        assert_eq!(get(metric::BLOCKED_SESSIONS, ""), Some(0.0));
    }

    #[test]
    fn database_rates_use_deltas_and_survive_resets() {
        let prev = vec![DatabaseStat {
            name: "app".into(),
            xact_commit: 100,
            xact_rollback: 10,
            blks_hit: 90,
            blks_read: 10,
            ..Default::default()
        }];
        let mut cur = vec![
            DatabaseStat {
                name: "app".into(),
                xact_commit: 120,
                xact_rollback: 5,
                blks_hit: 180,
                blks_read: 10,
                ..Default::default()
            },
            DatabaseStat { name: "new".into(), xact_commit: 1_000_000, ..Default::default() },
        ];
        let m = database_rates(&prev, &mut cur, 2.0);
        let get = |name: &str| m.iter().find(|x| x.name == name).map(|x| x.value);
        // rollbacks went down: a reset, so the new value (5) is the delta.
        assert_eq!(get(metric::TPS), Some(12.5));
        assert_eq!(get(metric::ROLLBACKS_PER_S), Some(2.5));
        assert_eq!(get(metric::CACHE_HIT_PCT), Some(100.0));
        assert_eq!(cur[0].tps, Some(12.5));
        assert_eq!(cur[1].tps, None);
        assert!(database_rates(&prev, &mut cur, 0.0).is_empty());
    }
}
