//! `INFO` text: `# Section` headers, `key:value` lines, and the structured values inside
//! some sections (commandstats, latencystats, keyspace, replication `slaveN`).
//!
//! Forgiving by design: CRLF or LF, unknown sections and fields, garbage lines (a RESP
//! `$4050` length header, stray text) are skipped; numbers that do not fit are absent,
//! never a failure.

use std::collections::BTreeMap;

/// One INFO reply: lower-cased section name → field → raw value. Fields outside any
/// section go to the section "".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Info {
    pub sections: BTreeMap<String, BTreeMap<String, String>>,
}

impl Info {
    pub fn parse(text: &str) -> Info {
        let mut info = Info::default();
        let mut section = String::new();
        for line in text.lines() {
            let line = line.trim_end_matches('\r').trim();
            if let Some(name) = line.strip_prefix('#') {
                section = name.trim().to_ascii_lowercase();
                info.sections.entry(section.clone()).or_default();
                continue;
            }
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.is_empty() || key.contains(char::is_whitespace) {
                continue;
            }
            info.sections.entry(section.clone()).or_default().insert(key.to_owned(), value.to_owned());
        }
        info
    }

    /// A field from any section (field names are unique across INFO sections).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.sections.values().find_map(|fields| fields.get(key)).map(String::as_str)
    }

    pub fn u64(&self, key: &str) -> Option<u64> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    pub fn i64(&self, key: &str) -> Option<i64> {
        self.get(key).and_then(|v| v.trim().parse().ok())
    }

    pub fn f64(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|v| v.trim().parse::<f64>().ok()).filter(|v| v.is_finite())
    }

    pub fn section(&self, name: &str) -> Option<&BTreeMap<String, String>> {
        self.sections.get(name)
    }

    /// Whether the reply is from Valkey (it also reports `redis_version` for clients
    /// that check it, so the Redis fields alone cannot tell).
    pub fn is_valkey(&self) -> bool {
        self.get("server_name").is_some_and(|n| n.eq_ignore_ascii_case("valkey"))
            || self.get("valkey_version").is_some()
    }

    pub fn product(&self) -> &'static str {
        if self.is_valkey() { "Valkey" } else { "Redis" }
    }

    /// The product's own version: `valkey_version` on Valkey, else `redis_version`.
    pub fn version(&self) -> Option<&str> {
        if self.is_valkey() {
            self.get("valkey_version").or_else(|| self.get("redis_version"))
        } else {
            self.get("redis_version")
        }
    }

    /// standalone, cluster or sentinel (`server_mode` on Valkey 8+, `redis_mode` before).
    pub fn mode(&self) -> Option<&str> {
        self.get("server_mode").or_else(|| self.get("redis_mode"))
    }

    /// Commands from `# Commandstats`, by the name Redis prints (`get`, `client|list`).
    pub fn commandstats(&self) -> BTreeMap<String, CommandStat> {
        let mut out = BTreeMap::new();
        for (key, value) in self.section("commandstats").into_iter().flatten() {
            let Some(name) = key.strip_prefix("cmdstat_") else { continue };
            let fields = pairs(value);
            let num = |k: &str| fields.get(k).and_then(|v| v.parse::<u64>().ok());
            let (Some(calls), Some(usec)) = (num("calls"), num("usec")) else { continue };
            let stat = CommandStat {
                calls,
                usec,
                rejected_calls: num("rejected_calls").unwrap_or(0),
                failed_calls: num("failed_calls").unwrap_or(0),
            };
            out.insert(name.to_owned(), stat);
        }
        out
    }

    /// Per-command latency percentiles (`# Latencystats`, Redis 7+), microseconds.
    pub fn latencystats(&self) -> BTreeMap<String, BTreeMap<String, f64>> {
        let mut out = BTreeMap::new();
        for (key, value) in self.section("latencystats").into_iter().flatten() {
            let Some(name) = key.strip_prefix("latency_percentiles_usec_") else { continue };
            let percentiles: BTreeMap<String, f64> = pairs(value)
                .into_iter()
                .filter_map(|(k, v)| Some((k, v.parse::<f64>().ok().filter(|v| v.is_finite())?)))
                .collect();
            out.insert(name.to_owned(), percentiles);
        }
        out
    }

    /// `# Keyspace` lines `db0:keys=1,expires=0,avg_ttl=0`, by database number.
    pub fn keyspace(&self) -> Vec<KeyspaceLine> {
        let mut out: Vec<KeyspaceLine> = self
            .section("keyspace")
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| {
                let index = key.strip_prefix("db")?.parse::<u32>().ok()?;
                let fields = pairs(value);
                let num = |k: &str| fields.get(k).and_then(|v| v.parse::<u64>().ok());
                Some(KeyspaceLine {
                    index,
                    keys: num("keys")?,
                    expires: num("expires").unwrap_or(0),
                    avg_ttl_ms: num("avg_ttl").unwrap_or(0),
                })
            })
            .collect();
        out.sort_by_key(|l| l.index);
        out
    }

    /// `slaveN:ip=…,port=…,state=online,offset=…,lag=…` lines of a primary, in N order.
    pub fn replicas(&self) -> Vec<ReplicaLine> {
        let mut out: Vec<(u32, ReplicaLine)> = self
            .section("replication")
            .into_iter()
            .flatten()
            .filter_map(|(key, value)| {
                let n = key.strip_prefix("slave")?.parse::<u32>().ok()?;
                let f = pairs(value);
                let line = ReplicaLine {
                    ip: f.get("ip").cloned().unwrap_or_default(),
                    port: f.get("port").and_then(|p| p.parse().ok()),
                    state: f.get("state").cloned().unwrap_or_default(),
                    offset: f.get("offset").and_then(|v| v.parse().ok()),
                    lag_s: f.get("lag").and_then(|v| v.parse().ok()),
                };
                Some((n, line))
            })
            .collect();
        out.sort_by_key(|(n, _)| *n);
        out.into_iter().map(|(_, l)| l).collect()
    }
}

/// `a=1,b=2` → map. Pieces without `=` are skipped.
pub fn pairs(value: &str) -> BTreeMap<String, String> {
    value
        .split(',')
        .filter_map(|piece| piece.split_once('='))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect()
}

/// Cumulative counters of one command since the server started (or CONFIG RESETSTAT).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CommandStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyspaceLine {
    pub index: u32,
    pub keys: u64,
    pub expires: u64,
    pub avg_ttl_ms: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReplicaLine {
    pub ip: String,
    pub port: Option<u16>,
    pub state: String,
    pub offset: Option<u64>,
    pub lag_s: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const REDIS: &str = include_str!("../fixtures/info_redis_7.txt");
    const VALKEY: &str = include_str!("../fixtures/info_valkey_8.txt");
    const ODD: &str = include_str!("../fixtures/info_odd.txt");

    #[test]
    fn sections_and_fields_are_read() {
        let info = Info::parse(REDIS);
        assert_eq!(info.version(), Some("7.0.15"));
        assert_eq!(info.product(), "Redis");
        assert_eq!(info.mode(), Some("standalone"));
        assert_eq!(info.u64("connected_clients"), Some(12));
        assert_eq!(info.f64("mem_fragmentation_ratio"), Some(1.37));
        assert_eq!(info.get("maxmemory_policy"), Some("allkeys-lru"));
        assert!(info.section("modules").is_some_and(BTreeMap::is_empty));
        assert_eq!(info.get("role"), Some("master"));
    }

    #[test]
    fn valkey_is_recognised_by_server_name_or_its_version_field() {
        let info = Info::parse(VALKEY);
        assert!(info.is_valkey());
        assert_eq!((info.product(), info.version()), ("Valkey", Some("8.0.1")));
        assert_eq!(info.mode(), Some("standalone"));
        let only_version = Info::parse("# Server\r\nredis_version:7.2.4\r\nvalkey_version:8.1.0\r\n");
        assert_eq!((only_version.product(), only_version.version()), ("Valkey", Some("8.1.0")));
        assert!(!Info::parse(REDIS).is_valkey());
    }

    #[test]
    fn commandstats_keep_subcommands_and_skip_broken_lines() {
        let stats = Info::parse(REDIS).commandstats();
        assert_eq!(
            stats.get("client|list"),
            Some(&CommandStat { calls: 5, usec: 1740, rejected_calls: 0, failed_calls: 0 })
        );
        assert_eq!(stats.get("set").map(|s| (s.calls, s.failed_calls, s.rejected_calls)), Some((300, 2, 1)));
        assert!(!stats.contains_key("broken"), "a line without calls/usec is skipped");
        let latency = Info::parse(REDIS).latencystats();
        assert_eq!(latency.get("get").and_then(|p| p.get("p99")), Some(&12.031));
    }

    #[test]
    fn keyspace_and_replicas() {
        let info = Info::parse(REDIS);
        let keyspace = info.keyspace();
        assert_eq!(keyspace.len(), 2);
        assert_eq!(keyspace[0], KeyspaceLine { index: 0, keys: 1200, expires: 30, avg_ttl_ms: 86_000 });
        assert_eq!(keyspace[1].index, 3);
        let replicas = info.replicas();
        assert_eq!(replicas.len(), 2);
        assert_eq!(replicas[0].ip, "10.0.0.7");
        assert_eq!((replicas[0].offset, replicas[0].lag_s), (Some(5_000_000), Some(0)));
        assert_eq!(replicas[1].state, "wait_bgsave");
    }

    #[test]
    fn odd_replies_do_not_break_the_parse() {
        let info = Info::parse(ODD);
        // CRLF, a RESP length header, garbage, a field outside any section.
        assert_eq!(info.version(), Some("7.2.0"));
        assert_eq!(info.get("loose_field"), Some("1"));
        // Beyond u64: absent as an integer, still readable as a float.
        assert_eq!(info.u64("total_commands_processed"), None);
        assert!(info.f64("total_commands_processed").is_some_and(|v| v > 1.8e19));
        assert_eq!(info.u64("unknown_future_field"), Some(7));
        assert!(info.section("keyspace").is_none());
        assert!(info.keyspace().is_empty());
        assert!(info.commandstats().is_empty());
        assert_eq!(info.section("stats").map(BTreeMap::len), Some(2));
    }

    #[test]
    fn empty_text_gives_empty_info() {
        assert_eq!(Info::parse(""), Info::default());
        assert_eq!(Info::parse("\r\n\r\n").version(), None);
    }
}
