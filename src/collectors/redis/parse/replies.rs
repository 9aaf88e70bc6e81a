//! Small structured replies: `LATENCY LATEST`, `MEMORY STATS`, `ROLE`, `CONFIG GET`,
//! `ACL GETUSER`.

use super::value::{float, int, items, pairs, text, texts};
use crate::model::Setting;
use redis::Value;

/// One `LATENCY LATEST` event. Redis replies `[event, unix_s, latest_ms, max_ms]`;
/// Valkey 8.1 appends the sum and the count, which are not needed here.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyEvent {
    pub event: String,
    pub at_s: i64,
    pub latest_ms: u64,
    pub max_ms: u64,
}

pub fn latency_latest(reply: &Value) -> Vec<LatencyEvent> {
    items(reply)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let parts = items(e)?;
            Some(LatencyEvent {
                event: text(parts.first()?)?,
                at_s: int(parts.get(1)?)?,
                latest_ms: u64::try_from(int(parts.get(2)?)?).ok()?,
                max_ms: parts.get(3).and_then(int).and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
            })
        })
        .collect()
}

/// `LATENCY HISTORY <event>`: `(unix seconds, latency ms)` samples, oldest first; malformed
/// entries are skipped.
pub fn latency_history(reply: &Value) -> Vec<(i64, u64)> {
    items(reply)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| {
            let parts = items(e)?;
            Some((int(parts.first()?)?, u64::try_from(int(parts.get(1)?)?).ok()?))
        })
        .collect()
}

/// `MEMORY STATS` as flat `name → number` pairs; nested tables (`db.0`) give
/// `db.0.overhead.hashtable.main`. Names that are blank (seen on old servers) are skipped.
pub fn memory_stats(reply: &Value) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    flatten_numbers("", reply, &mut out);
    out
}

fn flatten_numbers(prefix: &str, v: &Value, out: &mut Vec<(String, f64)>) {
    for (name, value) in pairs(v) {
        let name = name.trim();
        if name.is_empty() {
            continue;
        }
        let full = if prefix.is_empty() { name.to_owned() } else { format!("{prefix}.{name}") };
        match value {
            Value::Array(_) | Value::Map(_) => flatten_numbers(&full, value, out),
            other => {
                if let Some(n) = float(other) {
                    out.push((full, n));
                }
            }
        }
    }
}

/// What `ROLE` says about this server.
#[derive(Debug, Clone, PartialEq)]
pub enum Role {
    Primary { offset: u64, replicas: Vec<(String, u64)> },
    Replica { primary: String, state: String, offset: Option<u64> },
    Sentinel,
}

pub fn role(reply: &Value) -> Option<Role> {
    let parts = items(reply)?;
    let offset_of = |v: Option<&Value>| v.and_then(int).and_then(|n| u64::try_from(n).ok());
    match text(parts.first()?)?.as_str() {
        "master" => {
            let replicas = items(parts.get(2)?)
                .unwrap_or_default()
                .iter()
                .filter_map(|r| {
                    let r = items(r)?;
                    let addr = format!("{}:{}", text(r.first()?)?, text(r.get(1)?)?);
                    Some((addr, offset_of(r.get(2)).unwrap_or(0)))
                })
                .collect();
            Some(Role::Primary { offset: offset_of(parts.get(1)).unwrap_or(0), replicas })
        }
        "slave" | "replica" => Some(Role::Replica {
            primary: format!("{}:{}", text(parts.get(1)?)?, text(parts.get(2)?)?),
            state: parts.get(3).and_then(text).unwrap_or_default(),
            offset: offset_of(parts.get(4)),
        }),
        "sentinel" => Some(Role::Sentinel),
        _ => None,
    }
}

/// Settings whose value is a secret: only whether they are set is kept.
const SECRET_SETTINGS: &[&str] = &["requirepass", "masterauth"];

/// `CONFIG GET a b c` pairs as settings sorted by name. Secret settings are replaced by
/// `(set)` or an empty value here, before anything else can see them.
pub fn config_settings(reply: &Value) -> Vec<Setting> {
    let mut out: Vec<Setting> = pairs(reply)
        .into_iter()
        .map(|(name, value)| {
            let raw = text(value).unwrap_or_default();
            let value = if SECRET_SETTINGS.contains(&name.as_str()) {
                if raw.is_empty() { String::new() } else { "(set)".to_owned() }
            } else {
                raw
            };
            Setting { name, value, unit: String::new(), source: "config".to_owned() }
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// An ACL user's rules without its password hashes: flags, then key, channel and
/// command rules, e.g. `on nopass ~* &* +@all`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AclUser {
    pub flags: Vec<String>,
    pub rules: String,
}

impl AclUser {
    /// Whether this user can log in without a password.
    pub fn passwordless(&self) -> bool {
        self.flags.iter().any(|f| f == "on") && self.flags.iter().any(|f| f == "nopass")
    }

    pub fn enabled(&self) -> bool {
        self.flags.iter().any(|f| f == "on")
    }
}

pub fn acl_user(reply: &Value) -> Option<AclUser> {
    let fields = pairs(reply);
    if fields.is_empty() {
        return None;
    }
    let mut user = AclUser::default();
    let mut rules: Vec<String> = Vec::new();
    // Redis 6 gives keys as an array of patterns; 7 gives one string like "~* %R~x".
    let words = |v: &Value| match items(v) {
        Some(_) => texts(v).join(" "),
        None => text(v).unwrap_or_default(),
    };
    for (name, value) in &fields {
        match name.as_str() {
            "flags" => user.flags = texts(value),
            "keys" | "channels" => rules.push(words(value)),
            _ => {}
        }
    }
    if let Some((_, commands)) = fields.iter().find(|(n, _)| n == "commands") {
        rules.push(words(commands));
    }
    let rules: Vec<String> = rules.into_iter().filter(|r| !r.is_empty()).collect();
    user.rules = user.flags.iter().cloned().chain(rules).collect::<Vec<_>>().join(" ");
    Some(user)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    fn arr(items: Vec<Value>) -> Value {
        Value::Array(items)
    }

    #[test]
    fn latency_events_in_both_reply_forms() {
        let reply = arr(vec![
            arr(vec![bulk("command"), Value::Int(1_732_000_000), Value::Int(254), Value::Int(1005)]),
            arr(vec![
                bulk("fork"),
                Value::Int(1_732_000_100),
                Value::Int(12),
                Value::Int(40),
                Value::Int(52),
                Value::Int(2),
            ]),
            arr(vec![bulk("broken")]),
        ]);
        let events = latency_latest(&reply);
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[0],
            LatencyEvent { event: "command".into(), at_s: 1_732_000_000, latest_ms: 254, max_ms: 1005 }
        );
        assert_eq!((events[1].event.as_str(), events[1].max_ms), ("fork", 40));
        assert!(latency_latest(&arr(vec![])).is_empty());
    }

    #[test]
    fn latency_history_reads_pairs_and_skips_broken_ones() {
        let reply = arr(vec![
            arr(vec![Value::Int(1_732_000_000), Value::Int(254)]),
            arr(vec![Value::Int(1_732_000_060), Value::Int(-1)]),
            arr(vec![bulk("x")]),
            arr(vec![Value::Int(1_732_000_120), Value::Int(31)]),
        ]);
        assert_eq!(latency_history(&reply), [(1_732_000_000, 254), (1_732_000_120, 31)]);
        assert!(latency_history(&Value::Nil).is_empty());
    }

    #[test]
    fn memory_stats_flatten_nested_tables_and_skip_blank_names() {
        let reply = arr(vec![
            bulk("peak.allocated"),
            Value::Int(1_083_528),
            bulk(" "),
            Value::Int(284_634),
            bulk("db.0"),
            arr(vec![bulk("overhead.hashtable.main"), Value::Int(72)]),
            bulk("dataset.percentage"),
            bulk("99.854179382324219"),
            bulk("rss-overhead.bytes"),
            Value::Int(-1_318_912),
            bulk("allocator.unknown"),
            bulk("not a number"),
        ]);
        let stats = memory_stats(&reply);
        let names: Vec<&str> = stats.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["peak.allocated", "db.0.overhead.hashtable.main", "dataset.percentage", "rss-overhead.bytes"]
        );
        assert!((stats[2].1 - 99.854).abs() < 0.001);
        assert_eq!(stats[3].1, -1_318_912.0);
    }

    #[test]
    fn roles_of_primary_replica_and_sentinel() {
        let primary = arr(vec![
            bulk("master"),
            Value::Int(3129659),
            arr(vec![arr(vec![bulk("10.0.0.7"), bulk("6379"), bulk("3129242")])]),
        ]);
        assert_eq!(
            role(&primary),
            Some(Role::Primary { offset: 3129659, replicas: vec![("10.0.0.7:6379".into(), 3129242)] })
        );
        let replica = arr(vec![
            bulk("slave"),
            bulk("10.0.0.1"),
            Value::Int(6379),
            bulk("connected"),
            Value::Int(3167038),
        ]);
        assert_eq!(
            role(&replica),
            Some(Role::Replica {
                primary: "10.0.0.1:6379".into(),
                state: "connected".into(),
                offset: Some(3167038)
            })
        );
        assert_eq!(role(&arr(vec![bulk("sentinel"), arr(vec![])])), Some(Role::Sentinel));
        assert_eq!(role(&arr(vec![bulk("witch")])), None);
        assert_eq!(role(&Value::Nil), None);
    }

    #[test]
    fn config_pairs_hide_secrets() {
        let reply = arr(vec![
            bulk("requirepass"),
            bulk("hunter2"),
            bulk("maxmemory"),
            bulk("0"),
            bulk("masterauth"),
            bulk(""),
        ]);
        let settings = config_settings(&reply);
        let shown: Vec<(&str, &str)> = settings.iter().map(|s| (s.name.as_str(), s.value.as_str())).collect();
        assert_eq!(shown, [("masterauth", ""), ("maxmemory", "0"), ("requirepass", "(set)")]);
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn acl_users_without_password_hashes() {
        let reply = arr(vec![
            bulk("flags"),
            arr(vec![bulk("on"), bulk("sanitize-payload")]),
            bulk("passwords"),
            arr(vec![bulk("5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8")]),
            bulk("commands"),
            bulk("-@all +info +ping"),
            bulk("keys"),
            bulk("~cache:*"),
            bulk("channels"),
            bulk(""),
            bulk("selectors"),
            arr(vec![]),
        ]);
        let user = acl_user(&reply).unwrap();
        assert_eq!(user.rules, "on sanitize-payload ~cache:* -@all +info +ping");
        assert!(!user.rules.contains("5e8848"));
        assert!(user.enabled() && !user.passwordless());
        // Redis 6 form: keys as an array.
        let v6 = arr(vec![
            bulk("flags"),
            arr(vec![bulk("on"), bulk("allkeys"), bulk("nopass")]),
            bulk("commands"),
            bulk("+@all"),
            bulk("keys"),
            arr(vec![bulk("*")]),
        ]);
        let user = acl_user(&v6).unwrap();
        assert!(user.passwordless());
        assert_eq!(user.rules, "on allkeys nopass * +@all");
        assert_eq!(acl_user(&Value::Nil), None);
    }
}
