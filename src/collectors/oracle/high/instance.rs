//! What the instance is (version, edition, role, open mode, container) and the headline
//! rates Oracle itself computes over its last 60 s (`v$sysmetric` group 2).

use super::super::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::{InstanceInfo, Metric, ServerRole, metric};

/// The instance row as InstanceInfo. Started from the server's own uptime (no clock
/// skew); a standby of any kind (physical, logical, snapshot, far sync) is a standby.
/// Open mode, CDB and container go into the banner (`version_full`).
pub fn instance(row: &TextRow, now_ms: i64) -> InstanceInfo {
    let version = row.get("version_full").or(row.get("version")).unwrap_or_default().trim().to_owned();
    let role_text = row.text("database_role").trim().to_ascii_uppercase();
    let role = if role_text.contains("STANDBY") || role_text == "FAR SYNC" {
        ServerRole::Standby
    } else {
        ServerRole::Primary
    };
    let container = row.text("con_name").trim().to_owned();
    let mut banner = vec![format!("Oracle Database {version}")];
    for part in [
        row.text("edition"),
        role_text.clone(),
        row.text("open_mode"),
        if row.flag("cdb") == Some(true) { format!("CDB, container {container}") } else { String::new() },
        row.get("instance_name").map(|i| format!("instance {}", i.trim())).unwrap_or_default(),
        row.get("host_name").map(|h| format!("on {}", h.trim())).unwrap_or_default(),
    ] {
        if !part.trim().is_empty() {
            banner.push(part.trim().to_owned());
        }
    }
    InstanceInfo {
        version,
        version_full: banner.join(", "),
        started_at_ms: row
            .uint("uptime_s")
            .and_then(|s| i64::try_from(s).ok()?.checked_mul(1000))
            .map(|ms| now_ms.saturating_sub(ms)),
        max_connections: max_connections(row),
        role,
        database: if container.is_empty() { row.text("db_name").trim().to_owned() } else { container },
        connections: row.uint("user_sessions").unwrap_or(0),
        product: String::new(),
    }
}

/// The `sessions` limit (LIMIT_VALUE is text: `UNLIMITED` has no number).
fn max_connections(row: &TextRow) -> Option<u64> {
    row.uint("sessions_limit").filter(|n| *n > 0)
}

/// Connections and their limit as metrics (the same numbers as the instance facts).
pub fn connection_metrics(info: &InstanceInfo) -> Vec<Metric> {
    let mut out = vec![Metric::new(metric::CONNECTIONS, info.connections as f64)];
    if let Some(max) = info.max_connections {
        out.push(Metric::new(metric::MAX_CONNECTIONS, max as f64));
    }
    out
}

/// `v$sysmetric` names and the metric each becomes.
const SYSMETRICS: &[(&str, &str)] = &[
    ("Average Active Sessions", ora::AVERAGE_ACTIVE_SESSIONS),
    ("Executions Per Sec", ora::EXECUTIONS_PER_S),
    ("User Calls Per Sec", ora::USER_CALLS_PER_S),
    ("Logical Reads Per Sec", ora::LOGICAL_READS_PER_S),
    ("Physical Reads Per Sec", ora::PHYSICAL_READS_PER_S),
    ("Redo Generated Per Sec", ora::REDO_BYTES_PER_S),
    ("Hard Parse Count Per Sec", ora::HARD_PARSES_PER_S),
    ("Host CPU Utilization (%)", ora::HOST_CPU_PCT),
    ("Buffer Cache Hit Ratio", metric::CACHE_HIT_PCT),
    ("User Transaction Per Sec", metric::TPS),
];

/// The headline rates; each once (a CDB root can list a metric per container: the first
/// wins). Average active sessions falls back to DB time per second (centiseconds).
pub fn sysmetrics(rows: &[TextRow]) -> Vec<Metric> {
    let mut out: Vec<Metric> = Vec::new();
    let mut db_time_cs = None;
    for row in rows {
        let name = row.text("metric_name");
        let Some(value) = row.float("value") else { continue };
        if name.trim() == "Database Time Per Sec" {
            db_time_cs = db_time_cs.or(Some(value));
            continue;
        }
        let Some((_, metric)) = SYSMETRICS.iter().find(|(n, _)| *n == name.trim()) else { continue };
        if !out.iter().any(|m| m.name == *metric) {
            out.push(Metric::new(metric, value));
        }
    }
    if let Some(cs) = db_time_cs
        && !out.iter().any(|m| m.name == ora::AVERAGE_ACTIVE_SESSIONS)
    {
        out.push(Metric::new(ora::AVERAGE_ACTIVE_SESSIONS, cs / 100.0));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::text_rows::from_batch;

    #[test]
    fn primary_19c_in_a_pdb() {
        let rows = from_batch(include_str!("../fixtures/high_instance_19c.tsv"));
        let info = instance(&rows[0], 1_800_000_000_000);
        assert_eq!(info.version, "19.24.0.0.0");
        assert_eq!(info.role, ServerRole::Primary);
        assert_eq!(info.database, "SALESPDB");
        assert_eq!(info.connections, 214);
        assert_eq!(info.max_connections, Some(1_528));
        assert_eq!(info.started_at_ms, Some(1_800_000_000_000 - 1_296_000_000));
        assert_eq!(
            info.version_full,
            "Oracle Database 19.24.0.0.0, EE, PRIMARY, READ WRITE, CDB, container SALESPDB, instance ORCL1, on db01.corp.example"
        );
        let m = connection_metrics(&info);
        assert_eq!((m[0].name.as_str(), m[0].value), (metric::CONNECTIONS, 214.0));
        assert_eq!((m[1].name.as_str(), m[1].value), (metric::MAX_CONNECTIONS, 1_528.0));
    }

    #[test]
    fn standby_23ai_and_before_18() {
        let rows = from_batch(include_str!("../fixtures/high_instance_23ai.tsv"));
        let info = instance(&rows[0], 10_000);
        assert_eq!(info.role, ServerRole::Standby, "PHYSICAL STANDBY");
        assert_eq!(info.version, "23.6.0.24.10");
        assert!(info.version_full.contains("READ ONLY WITH APPLY"), "{}", info.version_full);
        assert_eq!(info.max_connections, None, "UNLIMITED has no number");
        assert!(connection_metrics(&info).iter().all(|m| m.name != metric::MAX_CONNECTIONS));
        // 12.2 has no VERSION_FULL nor EDITION; not a CDB.
        let rows = from_batch(
            "instance_name\tversion\tuptime_s\tdb_name\tdatabase_role\topen_mode\tcdb\tcon_name\tuser_sessions\tsessions_limit\n\
             legacy\t12.2.0.1.0\t60\tLEGACY\tPRIMARY\tREAD WRITE\tNO\tNULL\t12\t472\n",
        );
        let info = instance(&rows[0], 100_000);
        assert_eq!((info.version.as_str(), info.database.as_str()), ("12.2.0.1.0", "LEGACY"));
        assert_eq!(info.version_full, "Oracle Database 12.2.0.1.0, PRIMARY, READ WRITE, instance legacy");
        assert_eq!(info.started_at_ms, Some(40_000));
    }

    #[test]
    fn sysmetric_rows_become_headline_metrics() {
        let m = sysmetrics(&from_batch(include_str!("../fixtures/high_sysmetric.tsv")));
        let value = |name: &str| m.iter().find(|x| x.name == name).map(|x| x.value);
        assert_eq!(value(ora::AVERAGE_ACTIVE_SESSIONS), Some(3.417));
        assert_eq!(value(ora::EXECUTIONS_PER_S), Some(1_843.2));
        assert_eq!(value(ora::REDO_BYTES_PER_S), Some(1_254_113.6));
        assert_eq!(value(ora::HOST_CPU_PCT), Some(37.5));
        assert_eq!(value(metric::CACHE_HIT_PCT), Some(99.12));
        assert_eq!(value(metric::TPS), Some(212.9), "the first container's row wins");
        assert_eq!(value(ora::HARD_PARSES_PER_S), Some(0.35));
        assert_eq!(m.len(), 10, "{m:?}");
        // Without the AAS row, DB time per second (centiseconds) stands in.
        let m = sysmetrics(&from_batch("metric_name\tvalue\nDatabase Time Per Sec\t250.5\nUnknown\t1\n"));
        assert_eq!(m.len(), 1);
        assert_eq!((m[0].name.as_str(), m[0].value), (ora::AVERAGE_ACTIVE_SESSIONS, 2.505));
    }
}
