//! The optional big-key sampler (schema tier, off by default): SCAN in small batches,
//! TYPE and MEMORY USAGE per key, at most `keys_per_second` keys a second and within a
//! deadline. Never KEYS: SCAN keeps each call short, and the sleeps keep the whole pass
//! gentle (redis-cli --bigkeys learnt the same, redis PR #3751, #9624).

use super::parse::value;
use super::{RedisCollector, commands};
use crate::collectors::CollectError;
use crate::collectors::scheduler::{default_round_timeout, schema_round_timeout};
use crate::config::EngineOptions;
use crate::model::{BigKey, SamplerRun};
use redis::Value;
use std::time::{Duration, Instant};

/// Keys asked for per SCAN call; a bigger COUNT makes each call longer on the server.
const SCAN_COUNT: &str = "100";
/// MEMORY USAGE looks at this many elements of a collection and extrapolates.
const MEMORY_SAMPLES: &str = "5";

/// Half the schema round's deadline, so the key counts read after the pass still fit.
pub fn budget(query_timeout: Duration) -> Duration {
    schema_round_timeout(default_round_timeout(query_timeout)) / 2
}

/// The sampler's limits, from `[targets.<name>.keyspace]` (see `spec::OPTIONS`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyspaceSampling {
    /// Run SCAN + TYPE + MEMORY USAGE over the monitored database.
    pub big_keys: bool,
    /// Keys looked at per pass.
    pub scan_limit: u64,
    /// Rate limit of the pass.
    pub keys_per_second: u64,
    /// Biggest keys kept.
    pub top: usize,
}

impl Default for KeyspaceSampling {
    fn default() -> Self {
        Self { big_keys: false, scan_limit: 10_000, keys_per_second: 500, top: 20 }
    }
}

impl KeyspaceSampling {
    /// The declared options, which the config checked against their ranges already.
    pub fn from_options(options: &EngineOptions) -> Self {
        let d = Self::default();
        let whole = |key: &str, default: u64| {
            options.whole(&format!("keyspace.{key}")).and_then(|n| u64::try_from(n).ok()).unwrap_or(default)
        };
        Self {
            big_keys: options.flag("keyspace.big_keys"),
            scan_limit: whole("scan_limit", d.scan_limit),
            keys_per_second: whole("keys_per_second", d.keys_per_second),
            top: usize::try_from(whole("top", d.top as u64)).unwrap_or(d.top),
        }
    }
}

impl RedisCollector {
    pub(super) async fn sample_big_keys(&mut self) -> Result<(Vec<BigKey>, SamplerRun), CollectError> {
        let limits = KeyspaceSampling::from_options(&self.target.options);
        let db = self.target.database.parse::<u32>().unwrap_or(0);
        let started = Instant::now();
        // A budget too large for the clock means no deadline worth having: a day.
        let deadline = started
            .checked_add(budget(self.target.query_timeout))
            .unwrap_or(started + Duration::from_secs(86_400));
        let mut top: Vec<BigKey> = Vec::new();
        let mut sampled = 0u64;
        let mut cursor = "0".to_owned();
        let stopped = 'pass: loop {
            if Instant::now() >= deadline {
                break 'pass Some(format!(
                    "deadline of {} s reached",
                    budget(self.target.query_timeout).as_secs()
                ));
            }
            let reply = match self.call_raw(&commands::SCAN, &[&cursor, "COUNT", SCAN_COUNT]).await? {
                Ok(reply) => reply,
                Err(refusal) => break 'pass Some(format!("SCAN refused: {}", refusal.reason)),
            };
            let Some((next, keys)) = scan_reply(&reply) else {
                break 'pass Some("SCAN gave an unexpected reply".to_owned());
            };
            for key in keys {
                if sampled >= limits.scan_limit {
                    break 'pass Some(format!("scan_limit of {} keys reached", limits.scan_limit));
                }
                let key_type = match self.call_raw(&commands::TYPE, &[&key]).await? {
                    Ok(reply) => value::text(&reply).unwrap_or_default(),
                    Err(refusal) => break 'pass Some(format!("TYPE refused: {}", refusal.reason)),
                };
                let bytes = match self
                    .call_raw(&commands::MEMORY_USAGE, &[&key, "SAMPLES", MEMORY_SAMPLES])
                    .await?
                {
                    Ok(reply) => value::int(&reply).and_then(|n| u64::try_from(n).ok()),
                    Err(refusal) => break 'pass Some(format!("MEMORY USAGE refused: {}", refusal.reason)),
                };
                sampled += 1;
                // Expired or deleted since SCAN listed it: TYPE says none, MEMORY USAGE nil.
                if let Some(bytes) = bytes.filter(|_| key_type != "none") {
                    keep_biggest(&mut top, BigKey { db, key, key_type, bytes }, limits.top);
                }
                let due =
                    started + Duration::from_secs_f64(sampled as f64 / limits.keys_per_second.max(1) as f64);
                let now = Instant::now();
                if due > now {
                    tokio::time::sleep((due - now).min(deadline.saturating_duration_since(now))).await;
                }
            }
            if next == "0" {
                break 'pass None;
            }
            cursor = next;
        };
        let run = SamplerRun {
            db,
            keys_sampled: sampled,
            duration_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            stopped,
        };
        Ok((top, run))
    }
}

/// `[cursor, [key, …]]`. Keys that are not UTF-8 are skipped: they could not be sent
/// back as arguments faithfully.
fn scan_reply(reply: &Value) -> Option<(String, Vec<String>)> {
    let parts = value::items(reply)?;
    let cursor = value::text(parts.first()?)?;
    let keys = value::items(parts.get(1)?)?
        .iter()
        .filter_map(|k| match k {
            Value::BulkString(bytes) => String::from_utf8(bytes.clone()).ok(),
            other => value::text(other),
        })
        .collect();
    Some((cursor, keys))
}

/// Keeps the `top` biggest keys, biggest first.
fn keep_biggest(top: &mut Vec<BigKey>, key: BigKey, limit: usize) {
    let at = top.partition_point(|k| k.bytes >= key.bytes);
    if at < limit {
        top.insert(at, key);
        top.truncate(limit);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, bytes: u64) -> BigKey {
        BigKey { db: 0, key: name.into(), key_type: "string".into(), bytes }
    }

    #[test]
    fn the_biggest_keys_are_kept_in_order() {
        let mut top = Vec::new();
        for (name, bytes) in [("a", 10), ("b", 50), ("c", 30), ("d", 5), ("e", 40)] {
            keep_biggest(&mut top, key(name, bytes), 3);
        }
        let names: Vec<&str> = top.iter().map(|k| k.key.as_str()).collect();
        assert_eq!(names, ["b", "e", "c"]);
        let mut none = Vec::new();
        keep_biggest(&mut none, key("x", 1), 0);
        assert!(none.is_empty());
    }

    #[test]
    fn scan_replies_skip_binary_keys() {
        let reply = Value::Array(vec![
            Value::BulkString(b"17".to_vec()),
            Value::Array(vec![Value::BulkString(b"user:1".to_vec()), Value::BulkString(vec![0xff, 0xfe])]),
        ]);
        assert_eq!(scan_reply(&reply), Some(("17".to_owned(), vec!["user:1".to_owned()])));
        assert_eq!(scan_reply(&Value::Nil), None);
    }

    #[test]
    fn the_budget_fits_the_schema_round() {
        let q = Duration::from_secs(5);
        assert!(budget(q) < schema_round_timeout(default_round_timeout(q)));
        assert!(budget(q) >= Duration::from_secs(20), "10,000 keys at 500/s fit");
    }
}
