//! Redis and Valkey as the rest of Logstag sees them: two entries (so `valkey://` and
//! `db_engine = "valkey"` name the product) sharing one collector, one check catalogue,
//! one set of alert templates and one presentation.

use super::RedisCollector;
use crate::collectors::registry::{RunMode, start};
use crate::collectors::scheduler::SchedulerHandles;
use crate::collectors::spec::{EngineSpec, Probe};
use crate::config::{DatabaseRule, OptionKey, OptionKind, OptionTable, TargetConfig, TlsMode, UrlRules};
use crate::model::EngineKind;

pub static REDIS: EngineSpec = REDIS_BASE;

/// Both entries but for their names: `..` needs a constant, not a static.
const REDIS_BASE: EngineSpec = EngineSpec {
    kind: EngineKind::new("redis"),
    name: "Redis",
    config_names: &["redis"],
    url_schemes: &["redis", "rediss"],
    default_port: 6379,
    url: UrlRules {
        dialect: None,
        database: DatabaseRule::Number { max: 15, engines: "Redis/Valkey" },
        tls_schemes: &["rediss", "valkeys"],
        default_tls: TlsMode::Disable,
    },
    options: OPTIONS,
    // A local Valkey answers here too: INFO tells, and the target shows it as Valkey.
    discovery: &[Probe::Tcp { host: "127.0.0.1", port: 6379 }],
    spawn: Some(spawn),
    health_checks: super::health_checks::CHECKS,
    alert_engine: "redis",
    alert_templates: super::alert_templates::TEMPLATES,
    metrics: &[],
    normalize: arguments_out,
    // Cancelling means unblocking a client stuck in BLPOP & co. (it gets a timeout reply).
    cancel: |s| format!("CLIENT UNBLOCK {}", s.id),
    terminate: |s| format!("CLIENT KILL ID {}", s.id),
    present: &super::present::PRESENTATION,
    plan: None,
    fleet_defaults: None,
};

pub static VALKEY: EngineSpec = EngineSpec {
    kind: EngineKind::new("valkey"),
    name: "Valkey",
    config_names: &["valkey"],
    url_schemes: &["valkey", "valkeys"],
    discovery: &[],
    alert_templates: &[],
    ..REDIS_BASE
};

/// `[targets.<name>.keyspace]`: the optional big-key sampler (off by default).
pub const OPTIONS: &[OptionTable] = &[OptionTable {
    table: "keyspace",
    purpose: "the big-key sampler",
    keys: &[
        OptionKey { name: "big_keys", kind: OptionKind::Flag { default: false } },
        OptionKey {
            name: "scan_limit",
            kind: OptionKind::Whole { min: 1, max: 10_000_000, default: 10_000 },
        },
        OptionKey { name: "keys_per_second", kind: OptionKind::Whole { min: 1, max: 100_000, default: 500 } },
        OptionKey { name: "top", kind: OptionKind::Whole { min: 1, max: 1000, default: 20 } },
    ],
}];

fn spawn(target: &TargetConfig, mode: RunMode, handles: SchedulerHandles) -> tokio::task::JoinHandle<()> {
    start(RedisCollector::new(target), target, mode, handles)
}

/// Commands keep their name; arguments hold key names and values, so they leave as `?`.
fn arguments_out(text: &str) -> String {
    let mut words = text.split_whitespace();
    let mut out = words.next().unwrap_or_default().to_owned();
    for _ in words {
        out.push_str(" ?");
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::collectors::redis::sampler::KeyspaceSampling;
    use crate::config::parse_str;
    use std::path::Path;

    const CACHE: &str = "[targets.cache]\ndb_engine = \"redis\"\ndb_host = \"h\"\ndb_port = 6379\n";

    #[test]
    fn sampler_keys_are_read_and_default_off() {
        let config = parse_str(CACHE, Path::new("k.toml")).unwrap();
        assert_eq!(KeyspaceSampling::from_options(&config.targets[0].options), KeyspaceSampling::default());
        assert!(!KeyspaceSampling::from_options(&config.targets[0].options).big_keys);
        let text = format!("{CACHE}[targets.cache.keyspace]\nbig_keys = true\nscan_limit = 500\ntop = 5\n");
        let k = KeyspaceSampling::from_options(
            &parse_str(&text, Path::new("k.toml")).unwrap().targets[0].options,
        );
        assert_eq!((k.big_keys, k.scan_limit, k.keys_per_second, k.top), (true, 500, 500, 5));
    }

    #[test]
    fn bad_sampler_values_point_at_their_line() {
        let text =
            format!("{CACHE}[targets.cache.keyspace]\nkeys_per_second = 0\ntop = 5000\nbig_key = true\n");
        let errors = parse_str(&text, Path::new("k.toml")).unwrap_err().to_string();
        assert!(
            errors.contains(
                "k.toml:6:19: targets.cache.keyspace.keys_per_second: must be 1 to 100000, found 0"
            ),
            "{errors}"
        );
        assert!(errors.contains("k.toml:7:7: targets.cache.keyspace.top: must be 1 to 1000"), "{errors}");
        assert!(
            errors.contains("targets.cache.keyspace.big_key: unknown key; did you mean `big_keys`?"),
            "{errors}"
        );
        let pg = "[targets.pg]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\
                  [targets.pg.keyspace]\nbig_keys = true\n";
        let errors = parse_str(pg, Path::new("p.toml")).unwrap_err().to_string();
        assert!(
            errors.contains("p.toml:6:12: targets.pg.keyspace.big_keys: the big-key sampler is for Redis"),
            "{errors}"
        );
    }
}
