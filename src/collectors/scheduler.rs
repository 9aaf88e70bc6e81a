//! Runs one target's collector on the four tiers, in one task with one connection.
//!
//! Tiers share the connection, so a round runs to completion before the next starts;
//! a tier that falls behind skips the ticks it missed rather than queueing them. Each
//! round has a deadline; a timed-out or broken connection is dropped and re-opened with
//! capped exponential backoff, and every change of health is emitted as a `Status`
//! sample, so "down" travels the same path as data.

use super::backoff::Backoff;
use super::first_rounds::first_run;
use super::registry::RunMode;
use super::{CollectError, Collected, Collector};
use crate::config::Intervals;
use crate::model::{
    Metric, Sample, SampleBody, SchemaSnapshot, TargetHealth, TargetId, TargetStatus, Tier, Timestamp, metric,
};
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, sleep_until, timeout};

/// What every collection task needs from the outside.
#[derive(Clone)]
pub struct SchedulerHandles {
    pub target: TargetId,
    /// One message per collection round; the pipeline records it in one transaction.
    pub samples: mpsc::Sender<Vec<Sample>>,
    pub shutdown: watch::Receiver<bool>,
    pub connect_timeout: Duration,
    /// Deadline of one tier's round on our side (the server has its own statement_timeout).
    pub round_timeout: Duration,
    /// Delay before the first collection (`startup_warmup_delay`).
    pub warmup: Duration,
    /// This target's place in a fleet's spread of the heavier tiers (medium, low,
    /// schema): zero for the first target, a little more for each next one
    /// (`fleet_stagger`), so a hundred targets do not all read their statements at
    /// the same instant every minute.
    pub stagger: Duration,
    /// The last stored schema inventory of this target, for change detection across restarts.
    pub previous_schema: Option<SchemaSnapshot>,
    /// Bumped by the UI's "refresh schema now" key: the schema tier runs at the next chance.
    pub schema_now: Option<watch::Receiver<u64>>,
    /// Bumped by the UI's "retry now" key: a target that is down is tried again at once,
    /// without waiting out its backoff.
    pub retry_now: Option<watch::Receiver<u64>>,
    pub backoff_base: Duration,
    pub backoff_cap: Duration,
}

/// How long after start the schema tier first runs (at most its own interval).
pub const SCHEMA_FIRST_RUN_DELAY: Duration = Duration::from_secs(120);

/// Our deadline for one round of the fast tiers: a handful of queries, each bounded by
/// `statement_timeout` on the server.
pub fn default_round_timeout(query_timeout: Duration) -> Duration {
    query_timeout.saturating_mul(3).max(Duration::from_secs(5))
}

/// The schema tier reads every database's catalogues on their own connections: it gets a
/// much longer deadline than the fast tiers, so a big server is not mistaken for a down one.
pub fn schema_round_timeout(round_timeout: Duration) -> Duration {
    round_timeout.saturating_mul(8).max(Duration::from_secs(120))
}

impl SchedulerHandles {
    fn deadline(&self, tier: Tier) -> Duration {
        if tier == Tier::Schema { schema_round_timeout(self.round_timeout) } else { self.round_timeout }
    }
}

/// Runs until shutdown.
pub async fn run<C: Collector>(mut collector: C, intervals: Intervals, mut h: SchedulerHandles) {
    if let Some(previous) = h.previous_schema.take() {
        collector.seed_previous_schema(previous);
    }
    let start = later(Instant::now(), h.warmup);
    let mut due: Vec<(Tier, Duration, Instant)> = Tier::ALL
        .iter()
        .filter_map(|&t| intervals.get(t).map(|every| (t, every, first_run(start, t, every, h.stagger))))
        .collect();
    if due.is_empty() {
        // Every tier is off: say so once, then idle until shutdown.
        emit_status(
            &h,
            TargetStatus::down("every collection tier is off (interval 0)", Duration::ZERO),
            None,
        )
        .await;
        wait_shutdown(&mut h.shutdown).await;
        return;
    }
    let mut backoff = Backoff::new(h.backoff_base, h.backoff_cap);
    let mut last_status: Option<TargetStatus> = None;
    let mut version = String::new();
    let mut connected = false;
    let mut retry_at: Option<Instant> = None;
    // Problems are remembered per tier: a missing extension seen by the medium tier must
    // keep the target degraded between medium rounds, not flip back at the next high round.
    let mut problems: BTreeMap<Tier, Vec<String>> = BTreeMap::new();

    set_status(&h, &mut last_status, TargetStatus::Connecting, None).await;
    loop {
        let next = due.iter().map(|d| d.2).min().unwrap_or(start);
        let wake = retry_at.map_or(next, |r| r.max(next));
        tokio::select! {
            _ = sleep_until(wake) => {}
            _ = wait_shutdown(&mut h.shutdown) => return,
            requested = schema_requested(&mut h.schema_now) => {
                if requested && let Some(schema) = due.iter_mut().find(|d| d.0 == Tier::Schema) {
                    schema.2 = Instant::now();
                }
                continue;
            }
            requested = schema_requested(&mut h.retry_now) => {
                if requested && !connected {
                    retry_at = None;
                    if let Some(high) = due.iter_mut().min_by_key(|d| d.2) {
                        high.2 = Instant::now();
                    }
                }
                continue;
            }
        }
        if *h.shutdown.borrow() {
            return;
        }
        retry_at = None;

        if !connected {
            match timeout(h.connect_timeout, collector.ensure_connected()).await {
                Ok(Ok(v)) => {
                    version = v;
                    connected = true;
                    backoff.reset();
                }
                Ok(Err(e)) => {
                    retry_at = Some(mark_down(&h, &mut last_status, &mut backoff, e.to_string()).await);
                    continue;
                }
                Err(_) => {
                    collector.disconnect();
                    let msg = format!(
                        "cannot connect to {}: no answer within {} s",
                        collector.endpoint(),
                        h.connect_timeout.as_secs()
                    );
                    retry_at = Some(mark_down(&h, &mut last_status, &mut backoff, msg).await);
                    continue;
                }
            }
        }

        let now = Instant::now();
        for entry in due.iter_mut().filter(|d| d.2 <= now) {
            let (tier, every, _) = *entry;
            if !connected {
                break;
            }
            let started = Instant::now();
            let result = match timeout(h.deadline(tier), collector.collect(tier)).await {
                Ok(r) => r,
                Err(_) => Err(CollectError::Timeout {
                    endpoint: collector.endpoint().to_owned(),
                    tier: tier.name(),
                    secs: h.deadline(tier).as_secs(),
                }),
            };
            let latency = started.elapsed();
            // Next run one interval after this one was due; ticks missed while busy are skipped.
            entry.2 = next_due(entry.2, every, Instant::now());
            match result {
                Ok(collected) => {
                    problems.insert(tier, collected.problems.clone());
                    send_round(&h, tier, collected, latency).await;
                    set_status(&h, &mut last_status, status_for(&version, &problems), Some(latency)).await;
                }
                Err(e) if e.is_disconnect() => {
                    collector.disconnect();
                    connected = false;
                    retry_at = Some(mark_down(&h, &mut last_status, &mut backoff, e.to_string()).await);
                }
                Err(e) => {
                    let status =
                        TargetStatus::Degraded { version: version.clone(), problems: vec![e.to_string()] };
                    set_status(&h, &mut last_status, status, Some(latency)).await;
                }
            }
        }
    }
}

/// Connects once and runs every enabled tier once, in tier order, then returns
/// (`logstag snapshot`). Failures are reported as Status samples like in `run`.
pub async fn run_once<C: Collector>(
    mut collector: C,
    intervals: Intervals,
    mut h: SchedulerHandles,
    medium_again_after: Option<Duration>,
) {
    if let Some(previous) = h.previous_schema.take() {
        collector.seed_previous_schema(previous);
    }
    if medium_again_after.is_none() {
        collector.report_totals();
    }
    let version = match timeout(h.connect_timeout, collector.ensure_connected()).await {
        Ok(Ok(v)) => v,
        Ok(Err(e)) => {
            emit_status(&h, TargetStatus::down(e.to_string(), Duration::ZERO), None).await;
            return;
        }
        Err(_) => {
            let msg = format!(
                "cannot connect to {}: no answer within {} s",
                collector.endpoint(),
                h.connect_timeout.as_secs()
            );
            emit_status(&h, TargetStatus::down(msg, Duration::ZERO), None).await;
            return;
        }
    };
    let mut problems = Vec::new();
    let tiers: Vec<Tier> = Tier::ALL.into_iter().filter(|t| intervals.get(*t).is_some()).collect();
    let again = medium_again_after.filter(|_| tiers.contains(&Tier::Medium));
    // Each tier once; then, for statement deltas, the medium tier again after a wait.
    let mut rounds: Vec<(Tier, Option<Duration>)> = tiers.into_iter().map(|t| (t, None)).collect();
    rounds.extend(again.map(|after| (Tier::Medium, Some(after))));
    for (tier, wait) in rounds {
        if let Some(after) = wait {
            tokio::select! {
                _ = tokio::time::sleep(after) => {}
                _ = wait_shutdown(&mut h.shutdown) => break,
            }
        }
        let started = Instant::now();
        match timeout(h.deadline(tier), collector.collect(tier)).await {
            Ok(Ok(collected)) => {
                problems.extend(collected.problems.iter().cloned());
                send_round(&h, tier, collected, started.elapsed()).await;
            }
            Ok(Err(e)) => problems.push(e.to_string()),
            Err(_) => problems.push(format!(
                "{} tier timed out after {} s",
                tier.name(),
                h.deadline(tier).as_secs()
            )),
        }
    }
    // The medium tier's refusals come twice with deltas: say each once.
    let mut said = std::collections::BTreeSet::new();
    problems.retain(|p| said.insert(p.clone()));
    collector.disconnect();
    let status = if problems.is_empty() {
        TargetStatus::Up { version }
    } else {
        TargetStatus::Degraded { version, problems }
    };
    emit_status(&h, status, None).await;
}

/// Reports a target whose engine this build cannot monitor, then idles.
pub async fn unsupported(target: TargetId, engine: &'static str, mode: RunMode, mut h: SchedulerHandles) {
    h.target = target;
    let msg = format!("{engine} monitoring is not available in this build of Logstag yet");
    emit_status(&h, TargetStatus::down(msg, Duration::ZERO), None).await;
    if mode == RunMode::Continuous {
        wait_shutdown(&mut h.shutdown).await;
    }
}

/// How far "never" is when a sum does not fit the clock (tokio's own far future).
const FAR_FUTURE: Duration = Duration::from_secs(86_400 * 365 * 30);

/// `at + d` that cannot panic: a configured or computed duration too large for the clock
/// means "far in the future", not "overflow when adding duration to instant".
pub(crate) fn later(at: Instant, d: Duration) -> Instant {
    at.checked_add(d).or_else(|| at.checked_add(FAR_FUTURE)).unwrap_or(at)
}

/// The next run one interval after `due`; ticks missed while busy are skipped (counted
/// by division, not a loop, so a tiny interval after a long stall costs nothing).
fn next_due(due: Instant, every: Duration, now: Instant) -> Instant {
    let next = later(due, every);
    if next > now || every.is_zero() {
        return next;
    }
    let behind = now.saturating_duration_since(due).as_nanos();
    let missed = behind / every.as_nanos().max(1);
    let skip = u32::try_from(missed.saturating_add(1)).unwrap_or(u32::MAX);
    later(due, every.saturating_mul(skip))
}

fn status_for(version: &str, problems: &BTreeMap<Tier, Vec<String>>) -> TargetStatus {
    let all: Vec<String> = problems.values().flatten().cloned().collect();
    if all.is_empty() {
        TargetStatus::Up { version: version.to_owned() }
    } else {
        TargetStatus::Degraded { version: version.to_owned(), problems: all }
    }
}

async fn send_round(h: &SchedulerHandles, tier: Tier, collected: Collected, latency: Duration) {
    let taken_at = Timestamp::now();
    let mut round: Vec<Sample> = collected
        .bodies
        .into_iter()
        .map(|body| Sample { target: h.target.clone(), tier, taken_at, body })
        .collect();
    round.push(Sample {
        target: h.target.clone(),
        tier,
        taken_at,
        body: SampleBody::Metrics(vec![Metric::keyed(
            metric::COLLECT_MS,
            tier.name(),
            latency.as_secs_f64() * 1000.0,
        )]),
    });
    // A closed channel means the program is shutting down; nothing to do then.
    let _ = h.samples.send(round).await;
}

async fn mark_down(
    h: &SchedulerHandles,
    last: &mut Option<TargetStatus>,
    backoff: &mut Backoff,
    error: String,
) -> Instant {
    let delay = backoff.next_delay();
    tracing::warn!(target_name = %h.target, retry_in_s = delay.as_secs_f64(), "{error}");
    // Always emitted (not only on change): the retry countdown is news too.
    let status = TargetStatus::down(error, delay);
    *last = Some(status.clone());
    emit_status(h, status, None).await;
    later(Instant::now(), delay)
}

async fn set_status(
    h: &SchedulerHandles,
    last: &mut Option<TargetStatus>,
    status: TargetStatus,
    latency: Option<Duration>,
) {
    if last.as_ref() == Some(&status) {
        return;
    }
    *last = Some(status.clone());
    emit_status(h, status, latency).await;
}

pub(crate) async fn emit_status(h: &SchedulerHandles, status: TargetStatus, latency: Option<Duration>) {
    let health = TargetHealth {
        status,
        at: Timestamp::now(),
        last_latency_ms: latency.map(|l| u64::try_from(l.as_millis()).unwrap_or(u64::MAX)),
    };
    let sample = Sample {
        target: h.target.clone(),
        tier: Tier::High,
        taken_at: health.at,
        body: SampleBody::Status(health),
    };
    let _ = h.samples.send(vec![sample]).await;
}

/// Resolves when the UI asks for a schema round (true), or when nobody can ask any more
/// (false, and then never again); pending forever without a request channel.
/// Whether the UI bumped `rx` (schema now, retry now); pending forever without one.
async fn schema_requested(rx: &mut Option<watch::Receiver<u64>>) -> bool {
    match rx {
        Some(r) => {
            if r.changed().await.is_ok() {
                return true;
            }
            *rx = None;
            false
        }
        None => std::future::pending().await,
    }
}

async fn wait_shutdown(rx: &mut watch::Receiver<bool>) {
    // A dropped sender also means shutdown.
    while !*rx.borrow() {
        if rx.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
#[path = "scheduler_tests.rs"]
mod tests;
