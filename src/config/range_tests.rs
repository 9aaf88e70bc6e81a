//! Absurd numbers: every duration and count in the file accepts only a sane range and
//! says which, so no value can overflow a timer or be refused by the server later.

use super::*;
use std::path::Path;

const TARGET: &str = "[targets.prod]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n";

fn errors(text: &str) -> Vec<ConfigError> {
    match parse_str(text, Path::new("t.toml")) {
        Ok(_) => Vec::new(),
        Err(e) => e.0,
    }
}

/// (table, key, value, phrase of the allowed range)
const TOO_BIG: &[(&str, &str, &str, &str)] = &[
    ("agent", "high_frequency_interval", "9223372036854775807", "0 (off) or 1 to 604800"),
    ("agent", "medium_frequency_interval", "9223372036854775807", "0 (off) or 1 to 604800"),
    ("agent", "low_frequency_interval", "604801", "0 (off) or 1 to 604800"),
    ("agent", "schema_frequency_interval", "9223372036854775807", "0 (off) or 1 to 604800"),
    ("agent", "startup_warmup_delay", "9223372036854775807", "0 to 3600"),
    ("agent", "update_check_interval", "9223372036854775807", "1 to 43200"),
    ("agent", "log_max_bytes", "9223372036854775807", "4096 to 1099511627776"),
    ("agent", "log_retention_hours", "9223372036854775807", "1 to 8760"),
    ("history", "retention_hours", "9223372036854775807", "1 to 8760"),
    ("history", "prune_interval", "9223372036854775807", "1 to 86400"),
    ("history", "max_mb", "-1", "0 to 1048576"),
    ("ui", "refresh_interval", "9223372036854775807", "1 to 3600"),
    ("ui", "chart_window", "9223372036854775807", "1 to 604800"),
    ("collect", "connect_timeout", "9223372036854775807", "1 to 300"),
    // PostgreSQL refuses more than INT_MAX ms; query_timeout is also sent doubled.
    ("collect", "query_timeout", "1073742", "1 to 3600"),
    ("collect", "lock_timeout", "2147484", "1 to 3600"),
    ("forwarding", "outbox_max_rows", "9223372036854775807", "1 to 100000000"),
    ("forwarding", "outbox_max_mb", "9223372036854775807", "1 to 1048576"),
    ("forwarding", "outbox_max_age_hours", "9223372036854775807", "1 to 8760"),
    ("forwarding", "batch_max_samples", "9223372036854775807", "1 to 100000"),
    ("forwarding", "batch_max_kb", "9223372036854775807", "1 to 102400"),
    ("forwarding", "request_timeout", "9223372036854775807", "1 to 600"),
    ("forwarding", "heartbeat_interval", "9223372036854775807", "1 to 86400"),
    ("forwarding", "max_backoff", "9223372036854775807", "1 to 86400"),
];

#[test]
fn every_number_too_large_is_refused_with_its_range() {
    for (table, key, value, range) in TOO_BIG {
        let text = format!("{TARGET}[{table}]\n{key} = {value}\n");
        let found = errors(&text);
        assert_eq!(found.len(), 1, "{table}.{key}: {found:?}");
        let e = &found[0];
        assert_eq!((e.line, e.key.as_str()), (6, format!("{table}.{key}").as_str()), "{e}");
        assert!(e.message.contains(range), "{table}.{key}: `{}` lacks `{range}`", e.message);
        assert!(e.message.contains(value), "{table}.{key}: `{}` does not echo the value", e.message);
    }
}

#[test]
fn negative_numbers_are_refused_with_the_same_range() {
    let found = errors(&format!("{TARGET}[collect]\nlock_timeout = -1\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].message.contains("1 to 3600"), "{}", found[0]);
}

#[test]
fn a_target_interval_override_is_checked_like_the_agent_one() {
    let text = format!("{TARGET}[targets.prod.intervals]\nhigh_frequency_interval = 9223372036854775807\n");
    let found = errors(&text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].key, "targets.prod.intervals.high_frequency_interval");
    assert!(found[0].message.contains("1 to 604800"), "{}", found[0]);
}

#[test]
fn the_largest_allowed_values_load() {
    let text = format!(
        "{TARGET}[agent]\nhigh_frequency_interval = 604800\nstartup_warmup_delay = 3600\n\
         [collect]\nquery_timeout = 3600\nlock_timeout = 3600\nconnect_timeout = 300\n"
    );
    assert!(errors(&text).is_empty(), "{:?}", errors(&text));
}

#[test]
fn an_integer_beyond_64_bits_says_the_number_is_too_large() {
    let found = errors(&format!("{TARGET}[agent]\nhigh_frequency_interval = 99999999999999999999\n"));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 6, "{}", found[0]);
    assert!(found[0].message.contains("too large"), "{}", found[0]);
}
