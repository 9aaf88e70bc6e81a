//! The sender task: outbox batch → POST {base}/metrics → acknowledge, retry later, or
//! park. One batch in flight at a time, oldest first.

use super::retry::Outcome;
use super::{Context, export, pause, payload};
use crate::collectors::backoff::Backoff;
use crate::model::Timestamp;
use crate::store::{OutboxBatch, StoreError};
use crate::telemetry::Telemetry;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::watch;

/// Failures in a row between two repeated warnings (the first one always warns).
const WARN_EVERY_FAILURES: u32 = 10;

pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let s = &ctx.settings;
    let mut backoff = Backoff::new(s.backoff_base, s.max_backoff);
    let mut failures = 0u32;
    loop {
        if *shutdown.borrow() {
            return;
        }
        refresh_status(&ctx).await;
        let batch = match ctx.store.outbox_next(s.batch_max_samples, s.batch_max_bytes).await {
            Ok(Some(batch)) => batch,
            Ok(None) => {
                if pause(s.poll_interval, &mut shutdown).await {
                    return;
                }
                continue;
            }
            Err(StoreError::Closed) => return,
            Err(e) => {
                tracing::warn!("forwarding: cannot read the outbox: {e}");
                if pause(s.poll_interval, &mut shutdown).await {
                    return;
                }
                continue;
            }
        };
        let OutboxBatch { key, samples, .. } = batch;
        let count = samples.len() as u64;
        let body =
            match payload::batch_body(&key, samples, &ctx.agent, &s.targets, s.normalize, Timestamp::now()) {
                Ok(body) => body,
                Err(e) => {
                    park(&ctx, &key, count, &format!("cannot encode the batch: {e}")).await;
                    continue;
                }
            };
        if let Some(dir) = &s.export_dir {
            export::write(dir, "metrics", &key, &body);
        }
        let outcome = match &ctx.transport {
            None => {
                tracing::debug!(batch = %key, samples = count, bytes = body.len(), "mock_mode: batch not sent");
                let _ = ctx.store.outbox_ack(&key).await;
                continue;
            }
            Some(transport) => tokio::select! {
                outcome = transport.post("metrics", Some(&key), &body) => outcome,
                _ = shutdown.changed() => return,
            },
        };
        match outcome {
            Outcome::Delivered => {
                if let Err(e) = ctx.store.outbox_ack(&key).await {
                    // Resent later under the same key: the backend drops the duplicate.
                    tracing::warn!("forwarding: batch {key} delivered but not removed from the outbox: {e}");
                }
                let t = &ctx.telemetry;
                Telemetry::add(&t.forward_batches_total, 1);
                Telemetry::add(&t.forward_samples_total, count);
                let now = Timestamp::now();
                t.forward_last_ok_ms.store(now.0, Ordering::Relaxed);
                if failures > 0 {
                    tracing::info!("forwarding recovered after {failures} failed attempt(s)");
                }
                failures = 0;
                backoff.reset();
                ctx.status.send_modify(|st| {
                    st.last_ok = Some(now);
                    st.last_error = None;
                    st.next_retry = None;
                });
            }
            Outcome::Retry { reason, after } => {
                Telemetry::add(&ctx.telemetry.forward_errors_total, 1);
                failures += 1;
                let delay = after.unwrap_or_else(|| backoff.next_delay());
                if failures == 1 || failures.is_multiple_of(WARN_EVERY_FAILURES) {
                    tracing::warn!(
                        "forwarding failed ({failures} attempt(s) in a row), {count} sample(s) kept, \
                         retrying in {:.1} s: {reason}",
                        delay.as_secs_f64()
                    );
                } else {
                    tracing::debug!("forwarding failed, retrying in {:.1} s: {reason}", delay.as_secs_f64());
                }
                let retry_at = Timestamp(
                    Timestamp::now().0.saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX)),
                );
                ctx.status.send_modify(|st| {
                    st.last_error = Some(reason);
                    st.next_retry = Some(retry_at);
                });
                if pause(delay, &mut shutdown).await {
                    return;
                }
            }
            Outcome::Refused { reason } => {
                Telemetry::add(&ctx.telemetry.forward_errors_total, 1);
                park(&ctx, &key, count, &reason).await;
            }
        }
    }
}

async fn park(ctx: &Context, key: &str, count: u64, reason: &str) {
    Telemetry::add(&ctx.telemetry.forward_parked_total, 1);
    tracing::warn!(
        "forwarding: the backend refused batch {key} ({count} sample(s)); parked in the outbox: {reason}"
    );
    if let Err(e) = ctx.store.outbox_park(key, reason).await {
        tracing::warn!("forwarding: cannot park batch {key}: {e}");
    }
}

async fn refresh_status(ctx: &Context) {
    if let Ok(stats) = ctx.store.outbox_stats().await {
        ctx.status.send_if_modified(|st| {
            let before = (st.queued, st.parked, st.dropped_total, st.parked_reason.clone());
            st.queued = stats.rows;
            st.parked = stats.parked;
            st.dropped_total = stats.dropped_total;
            st.parked_reason = stats.parked_reason;
            before != (st.queued, st.parked, st.dropped_total, st.parked_reason.clone())
        });
    }
}
