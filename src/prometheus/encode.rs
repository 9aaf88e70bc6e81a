//! Board and counters → OpenMetrics text. prometheus-client does the format (escaping,
//! `_total`, `# UNIT`, `# EOF`); the families are built at each scrape because the set
//! of targets' series changes from round to round.

use super::ProcessStats;
use crate::board::BoardView;
use crate::telemetry::Telemetry;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::{Registry, Unit};
use std::collections::BTreeMap;
use std::fmt;

/// Families of our own; a target metric that would take one of these names is left out.
const OWN: &[&str] = &[
    "logstag_up",
    "logstag_collect_duration_seconds",
    "logstag_samples_recorded",
    "logstag_record_failures",
    "logstag_outbox_depth",
    "logstag_outbox_dropped",
    "logstag_forward_batches",
    "logstag_forward_samples",
    "logstag_forward_errors",
    "logstag_forward_parked",
    "logstag_forward_last_success_timestamp_seconds",
];

/// The whole exposition, ending with `# EOF`.
pub fn render(
    view: BoardView,
    telemetry: &Telemetry,
    process: Option<ProcessStats>,
) -> Result<String, fmt::Error> {
    let mut registry = Registry::default();
    registry.register_collector(Box::new(Scrape { view, counters: Counters::read(telemetry), process }));
    let mut out = String::new();
    prometheus_client::encoding::text::encode(&mut out, &registry)?;
    Ok(out)
}

#[derive(Debug)]
struct Scrape {
    view: BoardView,
    counters: Counters,
    process: Option<ProcessStats>,
}

#[derive(Debug)]
struct Counters {
    outbox_depth: u64,
    outbox_dropped: u64,
    batches: u64,
    samples: u64,
    errors: u64,
    parked: u64,
    last_ok_ms: i64,
}

impl Counters {
    fn read(t: &Telemetry) -> Counters {
        Counters {
            outbox_depth: Telemetry::get(&t.outbox_depth),
            outbox_dropped: Telemetry::get(&t.outbox_dropped_total),
            batches: Telemetry::get(&t.forward_batches_total),
            samples: Telemetry::get(&t.forward_samples_total),
            errors: Telemetry::get(&t.forward_errors_total),
            parked: Telemetry::get(&t.forward_parked_total),
            last_ok_ms: t.forward_last_ok_ms.load(std::sync::atomic::Ordering::Relaxed),
        }
    }
}

/// One target metric's series: (target, engine, key) → latest value.
type Series<'a> = BTreeMap<(&'a str, &'a str, &'a str), f64>;

impl Collector for Scrape {
    fn encode(&self, mut enc: DescriptorEncoder) -> Result<(), fmt::Error> {
        let help = "1 when Logstag is connected to the target (up or degraded), 0 when down or connecting";
        let mut up = enc.encode_descriptor("logstag_up", help, None, MetricType::Gauge)?;
        for (id, t) in &self.view.targets {
            let labels = [("target", id.0.as_str()), ("engine", t.engine)];
            up.encode_family(&labels)?.encode_gauge(&i64::from(t.is_up()))?;
        }
        let help = "How long the last collection round of each tier took on Logstag's side";
        let mut durations =
            enc.encode_descriptor("logstag_collect_duration", help, Some(&Unit::Seconds), MetricType::Gauge)?;
        for (id, t) in &self.view.targets {
            for (tier, took) in &t.collect_duration {
                let labels = [("target", id.0.as_str()), ("tier", tier.name())];
                durations.encode_family(&labels)?.encode_gauge(&took.as_secs_f64())?;
            }
        }
        for (name, series) in self.target_metrics() {
            let help = format!(
                "Latest {} of each target (engine-neutral metric)",
                name.trim_start_matches("logstag_")
            );
            let mut family = enc.encode_descriptor(&name, &help, None, MetricType::Gauge)?;
            for ((target, engine, key), value) in series {
                let mut labels = vec![("target", target), ("engine", engine)];
                if !key.is_empty() {
                    labels.push(("key", key));
                }
                family.encode_family(&labels)?.encode_gauge(&value)?;
            }
        }
        self.encode_own(&mut enc)
    }
}

impl Scrape {
    /// Every numeric metric of every target, grouped into families by name.
    fn target_metrics(&self) -> BTreeMap<String, Series<'_>> {
        let mut families: BTreeMap<String, Series<'_>> = BTreeMap::new();
        for (id, t) in &self.view.targets {
            for m in t.metrics.values().flatten().filter(|m| m.value.is_finite()) {
                let name = format!("logstag_{}", sanitize(&m.name));
                if OWN.contains(&name.as_str()) {
                    continue;
                }
                families.entry(name).or_default().insert((id.0.as_str(), t.engine, m.key.as_str()), m.value);
            }
        }
        families
    }

    fn encode_own(&self, enc: &mut DescriptorEncoder) -> Result<(), fmt::Error> {
        let c = &self.counters;
        let counters: [(&str, &str, u64); 7] = [
            ("logstag_samples_recorded", "Samples written to the local history", self.view.samples_recorded),
            (
                "logstag_record_failures",
                "Collection rounds the history failed to record",
                self.view.record_failures,
            ),
            (
                "logstag_outbox_dropped",
                "Outbox rows dropped because its size or age bound was hit",
                c.outbox_dropped,
            ),
            ("logstag_forward_batches", "Batches the backend acknowledged", c.batches),
            ("logstag_forward_samples", "Samples inside acknowledged batches", c.samples),
            ("logstag_forward_errors", "Failed send attempts (network errors, timeouts, non-2xx)", c.errors),
            ("logstag_forward_parked", "Batches parked after a non-retryable 4xx", c.parked),
        ];
        for (name, help, value) in counters {
            ConstCounter::new(value).encode(enc.encode_descriptor(
                name,
                help,
                None,
                MetricType::Counter,
            )?)?;
        }
        let help = "Rows waiting in the outbox (pending and parked)";
        ConstGauge::new(i64::try_from(c.outbox_depth).unwrap_or(i64::MAX)).encode(enc.encode_descriptor(
            "logstag_outbox_depth",
            help,
            None,
            MetricType::Gauge,
        )?)?;
        if c.last_ok_ms > 0 {
            let help = "When the backend last acknowledged a batch, Unix time";
            let name = "logstag_forward_last_success_timestamp";
            ConstGauge::new(c.last_ok_ms as f64 / 1000.0).encode(enc.encode_descriptor(
                name,
                help,
                Some(&Unit::Seconds),
                MetricType::Gauge,
            )?)?;
        }
        if let Some(p) = self.process {
            let help = "Resident memory of the Logstag process";
            ConstGauge::new(i64::try_from(p.resident_bytes).unwrap_or(i64::MAX)).encode(
                enc.encode_descriptor(
                    "process_resident_memory",
                    help,
                    Some(&Unit::Bytes),
                    MetricType::Gauge,
                )?,
            )?;
            let help = "User and system CPU time of the Logstag process";
            ConstCounter::new(p.cpu_seconds).encode(enc.encode_descriptor(
                "process_cpu",
                help,
                Some(&Unit::Seconds),
                MetricType::Counter,
            )?)?;
        }
        Ok(())
    }
}

/// Metric names allow `[a-zA-Z0-9_:]`; anything else becomes `_`.
fn sanitize(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == ':' { c } else { '_' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board::Board;
    use crate::config::TargetConfig;
    use crate::model::{
        Metric, Sample, SampleBody, TargetHealth, TargetId, TargetStatus, Tier, Timestamp, metric,
    };
    use std::sync::Arc;

    fn fed_board() -> Board {
        let targets = [
            TargetConfig { name: "pg \"main\"".into(), ..TargetConfig::default() },
            TargetConfig { name: "down".into(), ..TargetConfig::default() },
        ];
        let board = Board::new(&targets, Arc::default());
        let at = Timestamp(1);
        let sample =
            |target: &str, tier, body| Sample { target: TargetId(target.into()), tier, taken_at: at, body };
        let health =
            TargetHealth { status: TargetStatus::Up { version: "16.2".into() }, at, last_latency_ms: None };
        board.observe(&[sample("pg \"main\"", Tier::High, SampleBody::Status(health))]);
        board.observe(&[
            sample(
                "pg \"main\"",
                Tier::High,
                SampleBody::Metrics(vec![
                    Metric::new(metric::TPS, 12.5),
                    Metric::keyed(metric::SESSIONS_BY_STATE, "Idle in transaction", 2.0),
                    Metric::keyed(metric::SESSIONS_BY_STATE, "a\\b\nc", 1.0),
                    Metric::new(metric::CACHE_HIT_PCT, f64::NAN),
                ]),
            ),
            sample(
                "pg \"main\"",
                Tier::High,
                SampleBody::Metrics(vec![Metric::keyed(metric::COLLECT_MS, "high", 40.0)]),
            ),
        ]);
        board.recorded(42);
        board
    }

    #[test]
    fn exposition_has_targets_metrics_up_and_own_costs() {
        let board = fed_board();
        Telemetry::add(&board.telemetry().forward_errors_total, 3);
        let stats = ProcessStats { resident_bytes: 1024, cpu_seconds: 1.5 };
        let text = render(board.view(), board.telemetry(), Some(stats)).unwrap();
        for line in [
            "# TYPE logstag_up gauge",
            r#"logstag_up{target="pg \"main\"",engine="postgresql"} 1"#,
            r#"logstag_up{target="down",engine="postgresql"} 0"#,
            "# UNIT logstag_collect_duration_seconds seconds",
            r#"logstag_collect_duration_seconds{target="pg \"main\"",tier="high"} 0.04"#,
            r#"logstag_tps{target="pg \"main\"",engine="postgresql"} 12.5"#,
            r#"logstag_sessions_by_state{target="pg \"main\"",engine="postgresql",key="Idle in transaction"} 2.0"#,
            r#"logstag_sessions_by_state{target="pg \"main\"",engine="postgresql",key="a\\b\nc"} 1.0"#,
            "logstag_samples_recorded_total 42",
            "logstag_forward_errors_total 3",
            "logstag_outbox_depth 0",
            "process_resident_memory_bytes 1024",
            "process_cpu_seconds_total 1.5",
        ] {
            assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
        }
        assert!(!text.contains("cache_hit_pct"), "non-finite values are left out:\n{text}");
        assert!(!text.contains("logstag_collect_ms"), "{text}");
        assert!(!text.contains("last_success"), "never acknowledged: no timestamp\n{text}");
        assert!(text.ends_with("# EOF\n"));
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize("a.b-c:d_e9"), "a_b_c:d_e9");
    }
}
