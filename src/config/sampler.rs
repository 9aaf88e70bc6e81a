//! `[targets.<name>.keyspace]`: limits of the Redis/Valkey big-key sampler.

use super::KeyspaceSampling;
use super::error::Sink;
use super::file::{RawKeyspace, Value};
use crate::collectors::registry::Engine;

pub(crate) fn keyspace(
    raw: Option<&RawKeyspace>,
    engine: Option<Engine>,
    prefix: &str,
    sink: &mut Sink<'_>,
) -> KeyspaceSampling {
    let d = KeyspaceSampling::default();
    let Some(raw) = raw else { return d };
    if let (Some(engine), Some(v)) = (engine, &raw.big_keys)
        && !matches!(engine, Engine::Redis | Engine::Valkey)
    {
        let message = format!("the big-key sampler is for Redis and Valkey targets, not {}", engine.name());
        sink.push(v.span(), &format!("{prefix}.big_keys"), message);
    }
    let whole = |v: &Value<i64>, key: &str, min: i64, max: i64, default: u64, sink: &mut Sink<'_>| match v {
        None => default,
        Some(v) => {
            let n = *v.get_ref();
            if (min..=max).contains(&n) {
                u64::try_from(n).unwrap_or(default)
            } else {
                sink.push(v.span(), &format!("{prefix}.{key}"), format!("must be {min} to {max}, found {n}"));
                default
            }
        }
    };
    KeyspaceSampling {
        big_keys: raw.big_keys.as_ref().is_some_and(|v| *v.get_ref()),
        scan_limit: whole(&raw.scan_limit, "scan_limit", 1, 10_000_000, d.scan_limit, sink),
        keys_per_second: whole(&raw.keys_per_second, "keys_per_second", 1, 100_000, d.keys_per_second, sink),
        top: usize::try_from(whole(&raw.top, "top", 1, 1000, d.top as u64, sink)).unwrap_or(d.top),
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{KeyspaceSampling, parse_str};
    use std::path::Path;

    const CACHE: &str = "[targets.cache]\ndb_engine = \"redis\"\ndb_host = \"h\"\ndb_port = 6379\n";

    #[test]
    fn sampler_keys_are_read_and_default_off() {
        let config = parse_str(CACHE, Path::new("k.toml")).unwrap();
        assert_eq!(config.targets[0].keyspace, KeyspaceSampling::default());
        assert!(!config.targets[0].keyspace.big_keys);
        let text = format!("{CACHE}[targets.cache.keyspace]\nbig_keys = true\nscan_limit = 500\ntop = 5\n");
        let k = parse_str(&text, Path::new("k.toml")).unwrap().targets[0].keyspace.clone();
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
