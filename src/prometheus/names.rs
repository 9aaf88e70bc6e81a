//! From Logstag's internal metric names to Prometheus names. The history, the UI and the
//! alert templates keep the short internal names (`longest_query_s`, `cache_hit_pct`);
//! only the exposition speaks in base units, as the Prometheus naming guide asks:
//! seconds, bytes, and ratios from 0 to 1. Precomputed rates are not exposed at all:
//! their raw counters are (`SampleBody::Counters`), and `rate()` does the rest.

/// How one internal gauge appears on `/metrics`.
#[derive(Debug, Clone, PartialEq)]
pub struct ExposedGauge {
    /// Without the `logstag_` prefix.
    pub name: String,
    /// What the internal value is multiplied by (milliseconds → seconds: 0.001).
    pub scale: f64,
    /// The base unit the name ends with, for OpenMetrics' `# UNIT`.
    pub unit: Option<&'static str>,
}

/// A name token that is a unit, and what it becomes.
struct UnitToken {
    token: &'static str,
    base: &'static str,
    scale: f64,
}

const UNIT_TOKENS: &[UnitToken] = &[
    UnitToken { token: "s", base: "seconds", scale: 1.0 },
    UnitToken { token: "sec", base: "seconds", scale: 1.0 },
    UnitToken { token: "ms", base: "seconds", scale: 1e-3 },
    UnitToken { token: "us", base: "seconds", scale: 1e-6 },
    UnitToken { token: "usec", base: "seconds", scale: 1e-6 },
    UnitToken { token: "ns", base: "seconds", scale: 1e-9 },
    UnitToken { token: "min", base: "seconds", scale: 60.0 },
    UnitToken { token: "h", base: "seconds", scale: 3600.0 },
    UnitToken { token: "d", base: "seconds", scale: 86400.0 },
    UnitToken { token: "b", base: "bytes", scale: 1.0 },
    UnitToken { token: "kb", base: "bytes", scale: 1024.0 },
    UnitToken { token: "mb", base: "bytes", scale: 1_048_576.0 },
    UnitToken { token: "gb", base: "bytes", scale: 1_073_741_824.0 },
    UnitToken { token: "tb", base: "bytes", scale: 1_099_511_627_776.0 },
    UnitToken { token: "pct", base: "ratio", scale: 0.01 },
];

/// Base units OpenMetrics' `# UNIT` may name when a family's name ends with them.
const BASE_UNITS: &[&str] = &["seconds", "bytes", "ratio"];

/// A rate computed by Logstag between two reads (`_per_s`, `_per_min`, per call, `tps`):
/// left out, because Prometheus computes rates from the counters itself.
pub fn is_precomputed_rate(name: &str) -> bool {
    name.split('_').any(|t| t == "per" || t == "tps")
}

/// The exposed form of a gauge, `None` for a precomputed rate.
pub fn gauge(internal: &str) -> Option<ExposedGauge> {
    let sanitized = sanitize(internal);
    if is_precomputed_rate(&sanitized) {
        return None;
    }
    let mut scale = 1.0;
    let mut tokens: Vec<&str> = sanitized.split('_').filter(|t| !t.is_empty()).collect();
    for token in &mut tokens {
        if let Some(unit) = UNIT_TOKENS.iter().find(|u| u.token == *token) {
            *token = unit.base;
            scale *= unit.scale;
        }
    }
    // A gauge's `_total` means "across all", not a counter: `keys_total` is `keys`.
    if tokens.len() > 1 && tokens.last() == Some(&"total") {
        tokens.pop();
    }
    let name = tokens.join("_");
    let unit = BASE_UNITS.iter().copied().find(|u| name.ends_with(&format!("_{u}")));
    Some(ExposedGauge { name, scale, unit })
}

/// The unit a counter's name ends with (`temp_bytes` → bytes), for `# UNIT`.
pub fn counter_unit(name: &str) -> Option<&'static str> {
    BASE_UNITS.iter().copied().find(|u| name.ends_with(&format!("_{u}")))
}

/// Metric names allow `[a-zA-Z0-9_:]`; anything else becomes `_`.
pub fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == ':' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::counter;

    /// promlint's abbreviated units, and ours (`pct`, `min`, `usec`).
    const ABBREVIATED: &[&str] = &[
        "s", "ms", "us", "ns", "sec", "b", "kb", "mb", "gb", "tb", "pb", "m", "h", "d", "pct", "min", "usec",
    ];
    /// Units promlint wants replaced by their base unit.
    const NON_BASE: &[&str] =
        &["milliseconds", "microseconds", "nanoseconds", "minutes", "hours", "days", "percent"];

    fn check_tokens(name: &str) {
        for token in name.split('_') {
            assert!(!ABBREVIATED.contains(&token), "{name}: abbreviated unit {token}");
            assert!(!NON_BASE.contains(&token), "{name}: non-base unit {token}");
        }
        for reserved in ["_count", "_sum", "_bucket", "_created", "_info"] {
            assert!(!name.ends_with(reserved), "{name} ends with the reserved {reserved}");
        }
    }

    #[test]
    fn every_known_gauge_maps_to_a_clean_name_or_is_a_rate() {
        let names = crate::collectors::registry::known_metrics();
        assert!(names.len() > 100, "{}", names.len());
        let mut exposed = 0;
        for internal in names {
            let Some(g) = gauge(internal) else {
                assert!(internal.contains("per_") || internal == "tps", "{internal} left out");
                continue;
            };
            exposed += 1;
            check_tokens(&g.name);
            assert!(!g.name.ends_with("_total"), "{internal} → {} is a gauge", g.name);
            assert!(g.scale.is_finite() && g.scale > 0.0);
            assert!(
                counter::ALL.iter().all(|(c, _)| *c != g.name),
                "{internal} → {} takes a counter's family name",
                g.name
            );
        }
        assert!(exposed > 60, "{exposed}");
    }

    #[test]
    fn counter_names_carry_base_units_and_no_total() {
        for (name, help) in counter::ALL {
            check_tokens(name);
            assert!(!name.ends_with("_total") && sanitize(name) == name, "{name}");
            assert!(!is_precomputed_rate(name), "{name}");
            if let Some(unit) = counter_unit(name) {
                assert!(help.contains(unit) || unit == "bytes", "{name}: the help says the unit: {help}");
            }
        }
    }

    #[test]
    fn units_become_base_units() {
        let g = |n: &str| gauge(n).map(|g| (g.name, g.scale, g.unit));
        assert_eq!(g("longest_query_s"), Some(("longest_query_seconds".into(), 1.0, Some("seconds"))));
        assert_eq!(g("latency_spike_ms"), Some(("latency_spike_seconds".into(), 1e-3, Some("seconds"))));
        assert_eq!(g("cache_hit_pct"), Some(("cache_hit_ratio".into(), 0.01, Some("ratio"))));
        assert_eq!(
            g("ag_log_send_queue_kb"),
            Some(("ag_log_send_queue_bytes".into(), 1024.0, Some("bytes")))
        );
        assert_eq!(g("memory_used_pct_of_target").map(|g| g.0), Some("memory_used_ratio_of_target".into()));
        assert_eq!(g("keys_total"), Some(("keys".into(), 1.0, None)));
        assert_eq!(g("connections"), Some(("connections".into(), 1.0, None)));
        assert_eq!(g("commits_per_s"), None);
        assert_eq!(g("query_time_ms_per_s"), None);
        assert_eq!(g("wait_ms_per_s_by_type"), None);
        assert_eq!(g("tps"), None);
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize("a.b-c:d_e9"), "a_b_c:d_e9");
    }
}
