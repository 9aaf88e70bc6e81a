//! Board and counters → metric families → text. The families are built at each scrape
//! because the set of targets' series changes from round to round. Target metrics are
//! labelled `target`, `engine` and, for keyed series, `key` (a database, state, wait
//! class, command…); never a session id or a statement text.

use super::ProcessStats;
use super::exposition::{Family, Format, Kind, write};
use super::names;
use crate::board::BoardView;
use crate::model::counter;
use crate::telemetry::Telemetry;
use std::collections::{BTreeMap, BTreeSet};

/// Families of our own; a target metric that would take one of these names is left out.
const OWN: &[&str] = &[
    "logstag_up",
    "logstag_alerts_firing",
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
    "logstag_top_statement_time_seconds",
    "logstag_top_statement_calls",
    "logstag_top_statement_interval_seconds",
];

/// The whole exposition in the format asked for.
pub fn render(
    view: &BoardView,
    telemetry: &Telemetry,
    process: Option<ProcessStats>,
    format: Format,
) -> String {
    let mut families = vec![up(view), alerts_firing(view), collect_durations(view)];
    families.extend(target_counters(view));
    families.extend(target_gauges(view));
    families.extend(top_statements(view));
    families.extend(own(view, &Counters::read(telemetry), process));
    write(&families, format)
}

fn target_labels(target: &str, engine: &str, key: &str) -> Vec<(&'static str, String)> {
    let mut labels = vec![("target", target.to_owned()), ("engine", engine.to_owned())];
    if !key.is_empty() {
        labels.push(("key", key.to_owned()));
    }
    labels
}

fn up(view: &BoardView) -> Family {
    let help = "1 when Logstag is connected to the target (up or degraded), 0 when down or connecting";
    let mut up = Family::new("logstag_up", help, Kind::Gauge, None);
    for (id, t) in &view.targets {
        up.push(target_labels(&id.0, t.engine, ""), f64::from(u8::from(t.is_up())));
    }
    up
}

/// Active alerts per target and severity, zeros included so that a sum or a threshold in
/// Prometheus never meets an absent series; none at all where no alert engine runs.
fn alerts_firing(view: &BoardView) -> Family {
    let help = "Alerts of Logstag's rules active now on the target, by severity";
    let mut firing = Family::new("logstag_alerts_firing", help, Kind::Gauge, None);
    for (id, t) in &view.targets {
        for (severity, count) in &t.alerts_firing {
            let mut labels = target_labels(&id.0, t.engine, "");
            labels.push(("severity", severity.key().to_owned()));
            firing.push(labels, *count as f64);
        }
    }
    firing
}

fn collect_durations(view: &BoardView) -> Family {
    let help = "How long the last collection round of each tier took on Logstag's side, seconds";
    let mut durations = Family::new("logstag_collect_duration_seconds", help, Kind::Gauge, Some("seconds"));
    for (id, t) in &view.targets {
        for (tier, took) in &t.collect_duration {
            durations
                .push(vec![("target", id.0.clone()), ("tier", tier.name().to_owned())], took.as_secs_f64());
        }
    }
    durations
}

/// Raw cumulative server counters, one family per `model::counter` name.
fn target_counters(view: &BoardView) -> Vec<Family> {
    let mut families: BTreeMap<&str, Family> = BTreeMap::new();
    for (id, t) in &view.targets {
        for m in t.counters.values().flatten() {
            // Unknown names are a collector's mistake, caught by its tests; never a guess here.
            let Some((name, help)) = counter::ALL.iter().find(|(n, _)| *n == m.name) else { continue };
            let family = families.entry(name).or_insert_with(|| {
                let help = format!("{help}, cumulative as the server reports it");
                Family::new(format!("logstag_{name}"), help, Kind::Counter, names::counter_unit(name))
            });
            family.push(target_labels(&id.0, t.engine, &m.key), m.value);
        }
    }
    families.into_values().collect()
}

/// The latest gauges of every target, in base units; precomputed rates left out.
fn target_gauges(view: &BoardView) -> Vec<Family> {
    let taken: BTreeSet<String> = OWN
        .iter()
        .map(|n| (*n).to_owned())
        .chain(counter::ALL.iter().map(|(n, _)| format!("logstag_{n}")))
        .collect();
    let mut families: BTreeMap<String, Family> = BTreeMap::new();
    for (id, t) in &view.targets {
        for m in t.metrics.values().flatten() {
            let Some(exposed) = names::gauge(&m.name) else { continue };
            let name = format!("logstag_{}", exposed.name);
            if taken.contains(&name) {
                continue;
            }
            let family = families.entry(name).or_insert_with_key(|name| {
                let unit = exposed.unit.map(|u| format!(", {u}")).unwrap_or_default();
                let help =
                    format!("Latest {} of each target{unit} (Logstag metric {})", exposed.name, m.name);
                Family::new(name.clone(), help, Kind::Gauge, exposed.unit)
            });
            family.push(target_labels(&id.0, t.engine, &m.key), m.value * exposed.scale);
        }
    }
    families.into_values().collect()
}

/// `[prometheus] top_statements`: the busiest statements' last interval, by id only.
fn top_statements(view: &BoardView) -> Vec<Family> {
    let mut time = Family::new(
        "logstag_top_statement_time_seconds",
        "Execution time of one of the target's busiest statements over the last statistics interval, seconds",
        Kind::Gauge,
        Some("seconds"),
    );
    let mut calls = Family::new(
        "logstag_top_statement_calls",
        "Calls of one of the target's busiest statements over the last statistics interval",
        Kind::Gauge,
        None,
    );
    let mut interval = Family::new(
        "logstag_top_statement_interval_seconds",
        "Length of the statistics interval the top statements' figures cover, seconds",
        Kind::Gauge,
        Some("seconds"),
    );
    for (id, t) in &view.targets {
        let Some(top) = &t.statements else { continue };
        interval.push(target_labels(&id.0, t.engine, ""), top.interval.as_secs_f64());
        for s in &top.statements {
            let labels = || {
                vec![
                    ("target", id.0.clone()),
                    ("engine", t.engine.to_owned()),
                    ("statement_id", s.id.clone()),
                ]
            };
            time.push(labels(), s.time.as_secs_f64());
            calls.push(labels(), s.calls as f64);
        }
    }
    vec![time, calls, interval]
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

/// Logstag's own counters and gauges: recording, the outbox, forwarding, the process.
fn own(view: &BoardView, c: &Counters, process: Option<ProcessStats>) -> Vec<Family> {
    let single = |name: &str, help: &str, kind, unit, value: f64| {
        let mut family = Family::new(name, help, kind, unit);
        family.push(Vec::new(), value);
        family
    };
    let counters: [(&str, &str, u64); 7] = [
        ("logstag_samples_recorded", "Samples written to the local history", view.samples_recorded),
        ("logstag_record_failures", "Collection rounds the history failed to record", view.record_failures),
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
    let mut out: Vec<Family> = counters
        .into_iter()
        .map(|(name, help, v)| single(name, help, Kind::Counter, None, v as f64))
        .collect();
    let help = "Rows waiting in the outbox (pending and parked)";
    out.push(single("logstag_outbox_depth", help, Kind::Gauge, None, c.outbox_depth as f64));
    if c.last_ok_ms > 0 {
        let help = "When the backend last acknowledged a batch, Unix time in seconds";
        let name = "logstag_forward_last_success_timestamp_seconds";
        out.push(single(name, help, Kind::Gauge, Some("seconds"), c.last_ok_ms as f64 / 1000.0));
    }
    if let Some(p) = process {
        let help = "Resident memory of the Logstag process, bytes";
        out.push(single(
            "process_resident_memory_bytes",
            help,
            Kind::Gauge,
            Some("bytes"),
            p.resident_bytes as f64,
        ));
        let help = "User and system CPU time of the Logstag process, seconds";
        out.push(single("process_cpu_seconds", help, Kind::Counter, Some("seconds"), p.cpu_seconds));
    }
    out
}

#[cfg(test)]
#[path = "encode_tests.rs"]
mod tests;
