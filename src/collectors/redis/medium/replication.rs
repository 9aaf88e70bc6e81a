//! The medium tier's reading of INFO replication (refined by ROLE) and persistence.

use super::super::parse::Info;
use super::super::parse::replies::Role;
use crate::model::{Metric, Replica, Replication, ServerRole, Timestamp, WalReceiver, metric};

/// The replication picture from INFO replication, refined by ROLE when permitted.
pub fn replication(info: &Info, role: Option<&Role>) -> (Replication, Vec<Metric>) {
    let is_replica = match role {
        Some(Role::Replica { .. }) => true,
        Some(_) => false,
        None => matches!(info.get("role"), Some("slave" | "replica")),
    };
    let mut metrics = Vec::new();
    let mut out = Replication::default();
    if is_replica {
        out.role = ServerRole::Standby;
        let sender = match (info.get("master_host"), info.get("master_port"), role) {
            (Some(h), Some(p), _) => format!("{h}:{p}"),
            (_, _, Some(Role::Replica { primary, .. })) => primary.clone(),
            _ => String::new(),
        };
        let status = info.get("master_link_status").unwrap_or_default().to_owned();
        let io_age = info.i64("master_last_io_seconds_ago").filter(|s| *s >= 0).map(|s| s as f64);
        metrics.push(Metric::new(metric::REPLICATION_LINK_UP, if status == "up" { 1.0 } else { 0.0 }));
        if let Some(age) = io_age.filter(|_| status == "up") {
            metrics.push(Metric::new(metric::REPLICATION_LAG_S, age));
        }
        out.receiver = Some(WalReceiver { status, sender, last_msg_age_s: io_age, replay_delay_s: None });
        return (out, metrics);
    }
    let primary_offset = info.u64("master_repl_offset");
    out.replicas = info
        .replicas()
        .into_iter()
        .map(|r| {
            let name = match r.port {
                Some(port) => format!("{}:{port}", r.ip),
                None => r.ip.clone(),
            };
            Replica {
                name,
                client: r.ip,
                state: r.state,
                sync_state: String::new(),
                write_lag_ms: None,
                flush_lag_ms: None,
                replay_lag_ms: r.lag_s.map(|s| s as f64 * 1000.0),
                replay_lag_bytes: primary_offset.zip(r.offset).map(|(p, o)| p.saturating_sub(o)),
            }
        })
        .collect();
    if let Some(n) = info.u64("connected_slaves") {
        metrics.push(Metric::new(metric::CONNECTED_REPLICAS, n as f64));
    }
    if let Some(worst) = out.replicas.iter().filter_map(|r| r.replay_lag_ms).reduce(f64::max) {
        metrics.push(Metric::new(metric::REPLICATION_LAG_S, worst / 1000.0));
    }
    (out, metrics)
}

pub(super) fn persistence_ok(info: &Info) -> Option<bool> {
    let rdb = info.get("rdb_last_bgsave_status")?;
    let aof = info.get("aof_last_write_status").unwrap_or("ok");
    Some(rdb == "ok" && aof == "ok")
}

pub fn persistence_metrics(info: &Info, now: Timestamp) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(n) = info.u64("rdb_changes_since_last_save") {
        out.push(Metric::new(metric::UNSAVED_CHANGES, n as f64));
    }
    if let Some(ok) = persistence_ok(info) {
        out.push(Metric::new(metric::PERSISTENCE_OK, if ok { 1.0 } else { 0.0 }));
    }
    if let Some(at) = info.i64("rdb_last_save_time").filter(|t| *t > 0) {
        out.push(Metric::new(metric::LAST_SAVE_AGE_S, (now.millis() / 1000 - at).max(0) as f64));
    }
    out
}

/// Persistence status words for the low tier's posture facts.
pub(super) fn persistence_facts(info: &Info) -> Vec<(String, String)> {
    ["rdb_last_bgsave_status", "aof_last_write_status"]
        .iter()
        .filter_map(|k| Some((format!("persistence.{k}"), info.get(k)?.to_owned())))
        .collect()
}
