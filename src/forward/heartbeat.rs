//! Registration on start (`POST {base}/register`, retried until accepted) and a
//! heartbeat every `heartbeat_interval` (`POST {base}/heartbeat`), so the backend can
//! tell a connected agent from a silent one. Bodies carry identities, configured
//! intervals, target status and outbox depth; never a secret.

use super::payload::{OutboxSummary, PresenceInput, presence_body};
use super::retry::Outcome;
use super::{Context, export, pause};
use crate::collectors::backoff::Backoff;
use crate::model::{SampleBody, TargetId, Timestamp};
use std::collections::BTreeMap;
use std::sync::Arc;
use tokio::sync::watch;

pub async fn run(ctx: Arc<Context>, mut shutdown: watch::Receiver<bool>) {
    let s = &ctx.settings;
    let started_at = Timestamp::now();
    let mut registered = false;
    let mut backoff = Backoff::new(s.backoff_base, s.max_backoff.min(s.heartbeat_interval));
    let mut last_problem = String::new();
    loop {
        let kind = if registered { "heartbeat" } else { "register" };
        let now = Timestamp::now();
        let body = match presence_body(input(&ctx, kind, started_at).await, now) {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!("forwarding: cannot encode the {kind} body: {e}");
                if pause(s.heartbeat_interval, &mut shutdown).await {
                    return;
                }
                continue;
            }
        };
        if let Some(dir) = &s.export_dir {
            export::write(dir, kind, &now.0.to_string(), &body);
        }
        let outcome = match &ctx.transport {
            None => {
                tracing::debug!("mock_mode: {kind} not sent");
                Outcome::Delivered
            }
            Some(transport) => tokio::select! {
                outcome = transport.post(kind, None, &body) => outcome,
                _ = shutdown.changed() => return,
            },
        };
        let wait = match outcome {
            Outcome::Delivered => {
                if !registered {
                    tracing::info!("forwarding: registered with the backend");
                    ctx.status.send_modify(|st| st.registered = true);
                }
                registered = true;
                last_problem.clear();
                backoff.reset();
                s.heartbeat_interval
            }
            Outcome::Retry { reason, after } => {
                if reason != last_problem {
                    tracing::warn!("forwarding: {kind} failed, will retry: {reason}");
                    last_problem = reason;
                }
                after.unwrap_or_else(|| backoff.next_delay())
            }
            Outcome::Refused { reason } => {
                if reason != last_problem {
                    tracing::warn!("forwarding: the backend refused {kind}: {reason}");
                    last_problem = reason;
                }
                s.heartbeat_interval
            }
        };
        if pause(wait, &mut shutdown).await {
            return;
        }
    }
}

async fn input<'a>(ctx: &'a Context, kind: &'static str, started_at: Timestamp) -> PresenceInput<'a> {
    let s = &ctx.settings;
    let mut statuses = BTreeMap::new();
    for t in &s.targets {
        let latest = ctx.store.snapshot_at(&TargetId(t.name.clone()), "status", Timestamp::now()).await;
        if let Ok(Some(sample)) = latest
            && let SampleBody::Status(health) = sample.body
        {
            let version = match &health.status {
                crate::model::TargetStatus::Up { version }
                | crate::model::TargetStatus::Degraded { version, .. } => Some(version.clone()),
                _ => None,
            };
            statuses.insert(t.name.clone(), (health.status.label().to_ascii_lowercase(), version));
        }
    }
    let outbox = match ctx.store.outbox_stats().await {
        Ok(o) => OutboxSummary { queued: o.rows, parked: o.parked, dropped_total: o.dropped_total },
        Err(_) => OutboxSummary { queued: 0, parked: 0, dropped_total: 0 },
    };
    PresenceInput {
        kind,
        agent: &ctx.agent,
        intervals: &s.agent_intervals,
        targets: &s.targets,
        statuses,
        outbox,
        started_at,
    }
}
