//! Configuration checks: memory settings, connection limit, observability settings, timeouts.

use crate::health::{HealthInput, Outcome, bytes, not_evaluated};
use crate::model::CheckStatus;

const NO_LOW: &str = "low tier has not run yet";
const MIB: f64 = 1024.0 * 1024.0;

/// A memory setting in bytes: pg_settings gives a count of `unit` (8kB, kB, MB, B).
pub fn setting_bytes(i: &HealthInput, name: &str) -> Option<f64> {
    let s = i.setting(name)?;
    let n: f64 = s.value.parse().ok()?;
    let unit = match s.unit.as_str() {
        "" | "B" => 1.0,
        "kB" => 1024.0,
        "8kB" => 8192.0,
        "MB" => MIB,
        "GB" => 1024.0 * MIB,
        _ => return None,
    };
    Some(n * unit)
}

fn memory(i: &HealthInput, name: &str, low: f64, high: f64) -> Outcome {
    let Some(v) = setting_bytes(i, name) else { return not_evaluated(NO_LOW) };
    let status = if v < low || v > high { CheckStatus::Attention } else { CheckStatus::Healthy };
    (status, format!("{name} = {} (attention below {} or above {})", bytes(v), bytes(low), bytes(high)))
}

pub fn shared_buffers(i: &HealthInput) -> Outcome {
    memory(i, "shared_buffers", 128.0 * MIB, 64.0 * 1024.0 * MIB)
}

pub fn work_mem(i: &HealthInput) -> Outcome {
    memory(i, "work_mem", 1.0 * MIB, 256.0 * MIB)
}

pub fn maintenance_work_mem(i: &HealthInput) -> Outcome {
    memory(i, "maintenance_work_mem", 64.0 * MIB, 8.0 * 1024.0 * MIB)
}

pub fn effective_cache_size(i: &HealthInput) -> Outcome {
    let (Some(ecs), Some(sb)) =
        (setting_bytes(i, "effective_cache_size"), setting_bytes(i, "shared_buffers"))
    else {
        return not_evaluated(NO_LOW);
    };
    let status = if ecs < sb { CheckStatus::Attention } else { CheckStatus::Healthy };
    (
        status,
        format!(
            "effective_cache_size {} vs shared_buffers {} (attention when smaller)",
            bytes(ecs),
            bytes(sb)
        ),
    )
}

pub fn max_connections(i: &HealthInput) -> Outcome {
    let Some(n) = i.setting("max_connections").and_then(|s| s.value.parse::<f64>().ok()) else {
        return not_evaluated(NO_LOW);
    };
    (
        crate::health::grade(n, 501.0, 2001.0),
        format!("max_connections = {n:.0} (attention > 500, critical > 2000)"),
    )
}

fn flag(i: &HealthInput, name: &str, healthy_when: fn(&str) -> bool, rule: &str) -> Outcome {
    let Some(s) = i.setting(name) else { return not_evaluated(NO_LOW) };
    let status = if healthy_when(&s.value) { CheckStatus::Healthy } else { CheckStatus::Attention };
    let unit = if s.unit.is_empty() { String::new() } else { format!(" {}", s.unit) };
    (status, format!("{name} = {}{unit} ({rule})", s.value))
}

pub fn track_io_timing(i: &HealthInput) -> Outcome {
    flag(i, "track_io_timing", |v| v == "on", "attention when off")
}

pub fn log_min_duration(i: &HealthInput) -> Outcome {
    flag(i, "log_min_duration_statement", |v| v != "-1", "attention when -1, disabled")
}

/// Logstag sets these two on its own connection (startup options), so pg_settings shows
/// our value with source `client`, not the server's: that is a gap, not evidence.
fn server_timeout(i: &HealthInput, name: &str) -> Outcome {
    match i.setting(name) {
        Some(s) if s.source == "client" => not_evaluated(format!(
            "{name} in pg_settings is the monitoring connection's own value ({} {}); the server-wide value is not visible",
            s.value, s.unit
        )),
        _ => flag(i, name, |v| v != "0", "attention when 0, unlimited"),
    }
}

pub fn statement_timeout(i: &HealthInput) -> Outcome {
    server_timeout(i, "statement_timeout")
}

pub fn idle_tx_timeout(i: &HealthInput) -> Outcome {
    server_timeout(i, "idle_in_transaction_session_timeout")
}
