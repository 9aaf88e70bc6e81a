//! Raw cumulative counters for the Prometheus endpoint (`SampleBody::Counters`), as INFO
//! reports them. Unlike the rates, these include Logstag's own commands (a few per
//! round): a counter must be the server's own value to survive restarts and resets.

use super::parse::info::{CommandStat, Info};
use crate::model::{Metric, counter};
use std::collections::BTreeMap;

/// INFO `stats`, `clients` and `cpu`: commands, connections, keys, network and CPU time.
pub fn info_counters(info: &Info) -> Vec<Metric> {
    let mut out = Vec::new();
    let fields = [
        (counter::COMMANDS_PROCESSED, "total_commands_processed"),
        (counter::CONNECTIONS_RECEIVED, "total_connections_received"),
        (counter::CONNECTIONS_REJECTED, "rejected_connections"),
        (counter::KEYS_EXPIRED, "expired_keys"),
        (counter::KEYS_EVICTED, "evicted_keys"),
        (counter::CACHE_HITS, "keyspace_hits"),
        (counter::CACHE_MISSES, "keyspace_misses"),
        (counter::NETWORK_RECEIVED_BYTES, "total_net_input_bytes"),
        (counter::NETWORK_SENT_BYTES, "total_net_output_bytes"),
    ];
    for (name, field) in fields {
        if let Some(v) = info.u64(field) {
            out.push(Metric::new(name, v as f64));
        }
    }
    let cpu = [
        ("system", "used_cpu_sys"),
        ("user", "used_cpu_user"),
        ("system_children", "used_cpu_sys_children"),
        ("user_children", "used_cpu_user_children"),
    ];
    for (mode, field) in cpu {
        if let Some(v) = info.f64(field).filter(|v| v.is_finite() && *v >= 0.0) {
            out.push(Metric::keyed(counter::CPU_SECONDS, mode, v));
        }
    }
    out
}

/// `# Commandstats`: calls and time per command (key = the command as Redis names it).
pub fn command_counters(stats: &BTreeMap<String, CommandStat>) -> Vec<Metric> {
    let mut out = Vec::with_capacity(stats.len() * 2);
    for (name, stat) in stats {
        out.push(Metric::keyed(counter::COMMAND_CALLS, name.clone(), stat.calls as f64));
        out.push(Metric::keyed(counter::COMMAND_TIME_SECONDS, name.clone(), stat.usec as f64 / 1e6));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;

    const REDIS: &str = include_str!("fixtures/info_redis_7.txt");

    #[test]
    fn info_counters_are_the_raw_values() {
        let m = info_counters(&Info::parse(REDIS));
        assert_eq!(value(&m, counter::COMMANDS_PROCESSED, ""), Some(52000.0));
        assert_eq!(value(&m, counter::CONNECTIONS_RECEIVED, ""), Some(140.0));
        assert_eq!(value(&m, counter::CONNECTIONS_REJECTED, ""), Some(0.0));
        assert_eq!(value(&m, counter::KEYS_EXPIRED, ""), Some(17.0));
        assert_eq!(value(&m, counter::KEYS_EVICTED, ""), Some(5.0));
        assert_eq!(value(&m, counter::CACHE_HITS, ""), Some(900.0));
        assert_eq!(value(&m, counter::CACHE_MISSES, ""), Some(100.0));
        assert_eq!(value(&m, counter::NETWORK_RECEIVED_BYTES, ""), Some(1_048_576.0));
        assert_eq!(value(&m, counter::NETWORK_SENT_BYTES, ""), Some(4_194_304.0));
        assert_eq!(value(&m, counter::CPU_SECONDS, "system"), Some(12.5));
        assert_eq!(value(&m, counter::CPU_SECONDS, "user"), Some(30.25));
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
    }

    #[test]
    fn missing_fields_give_no_counter() {
        let m = info_counters(&Info::parse("# Stats\r\ntotal_commands_processed:3\r\n"));
        assert_eq!(m, vec![Metric::new(counter::COMMANDS_PROCESSED, 3.0)]);
    }

    #[test]
    fn command_counters_per_command_in_seconds() {
        let m = command_counters(&Info::parse(REDIS).commandstats());
        assert_eq!(value(&m, counter::COMMAND_CALLS, "get"), Some(1200.0));
        assert_eq!(value(&m, counter::COMMAND_TIME_SECONDS, "get"), Some(0.0024));
        assert_eq!(value(&m, counter::COMMAND_CALLS, "set"), Some(300.0));
        assert!(m.iter().all(|m| counter::help(&m.name).is_some()), "{m:?}");
    }
}
