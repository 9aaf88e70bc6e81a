//! Alert notification hooks: a command fed the event as JSON on stdin, and a
//! Slack-compatible webhook. Delivery runs in its own task behind a bounded queue, so a
//! slow hook never holds up the pipeline; when the queue is full the oldest event goes.

mod command;
mod webhook;

#[cfg(test)]
mod tests;

use crate::config::Secret;
use crate::model::AlertEvent;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

/// Where alert events go besides the screen. Filled by the lead from `[alerts.hooks]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotifyConfig {
    /// Program and arguments (no shell unless the user writes `sh -c …`).
    pub command: Option<Vec<String>>,
    /// https URL; plain http only to a loopback address. Its path is the token.
    pub slack_webhook: Option<Secret>,
}

/// Events waiting for delivery; beyond this the oldest are dropped.
pub const QUEUE_CAPACITY: usize = 256;
/// A hook that hangs must not stall every later alert.
const HOOK_TIMEOUT: Duration = Duration::from_secs(10);
const WEBHOOK_ATTEMPTS: u32 = 4;

/// Timing knobs, shortened by tests.
#[derive(Debug, Clone, Copy)]
struct Timing {
    hook_timeout: Duration,
    retry_base: Duration,
    retry_cap: Duration,
}

const TIMING: Timing = Timing {
    hook_timeout: HOOK_TIMEOUT,
    retry_base: Duration::from_millis(500),
    retry_cap: Duration::from_secs(8),
};

/// Starts delivering the events that arrive on `rx`. The sender side must use
/// `try_send` (never `send().await`) so the pipeline cannot wait on this task; the
/// task drains `rx` at once into its own drop-oldest queue. Ends when `rx` closes and
/// the queue is delivered.
pub fn spawn_notifier(cfg: NotifyConfig, rx: mpsc::Receiver<AlertEvent>) -> JoinHandle<()> {
    spawn_with(cfg, rx, TIMING, QUEUE_CAPACITY)
}

fn spawn_with(
    cfg: NotifyConfig,
    mut rx: mpsc::Receiver<AlertEvent>,
    timing: Timing,
    capacity: usize,
) -> JoinHandle<()> {
    let queue = Arc::new(Queue::new(capacity));
    let intake = {
        let queue = Arc::clone(&queue);
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                queue.push(event);
            }
            queue.close();
        })
    };
    let webhook =
        cfg.slack_webhook.as_ref().and_then(|url| match webhook::Webhook::new(url.expose(), timing) {
            Ok(hook) => Some(hook),
            Err(e) => {
                tracing::error!("alert webhook disabled: {e}");
                None
            }
        });
    let command = cfg.command.filter(|argv| !argv.is_empty());
    tokio::spawn(async move {
        while let Some(event) = queue.pop().await {
            if let Some(argv) = &command
                && let Err(e) = command::run(argv, &event, timing.hook_timeout).await
            {
                tracing::warn!("alert command hook for {} on {}: {e}", event.rule, event.target);
            }
            if let Some(hook) = &webhook
                && let Err(e) = hook.post(&event).await
            {
                tracing::warn!("alert webhook for {} on {}: {e}", event.rule, event.target);
            }
        }
        // The intake has ended too (the queue closes only after it); nothing to cancel.
        let _ = intake.await;
    })
}

/// A bounded drop-oldest queue between the intake and the delivery task.
struct Queue {
    state: Mutex<QueueState>,
    ready: Notify,
    capacity: usize,
}

#[derive(Default)]
struct QueueState {
    events: VecDeque<AlertEvent>,
    closed: bool,
    dropped: u64,
}

impl Queue {
    fn new(capacity: usize) -> Self {
        Queue { state: Mutex::new(QueueState::default()), ready: Notify::new(), capacity: capacity.max(1) }
    }

    fn push(&self, event: AlertEvent) {
        if let Ok(mut state) = self.state.lock() {
            if state.events.len() >= self.capacity {
                state.events.pop_front();
                state.dropped += 1;
                tracing::warn!(
                    "alert notification queue full: dropped the oldest event ({} dropped so far)",
                    state.dropped
                );
            }
            state.events.push_back(event);
        }
        self.ready.notify_one();
    }

    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.closed = true;
        }
        self.ready.notify_one();
    }

    /// The next event; None once closed and empty.
    async fn pop(&self) -> Option<AlertEvent> {
        loop {
            {
                // A poisoned lock means a push panicked; there is nothing left to deliver.
                let mut state = self.state.lock().ok()?;
                if let Some(event) = state.events.pop_front() {
                    return Some(event);
                }
                if state.closed {
                    return None;
                }
            }
            self.ready.notified().await;
        }
    }

    #[cfg(test)]
    fn dropped(&self) -> u64 {
        self.state.lock().map_or(0, |s| s.dropped)
    }
}

/// One line for chat: severity, target, rule, what happened, the message.
pub fn summary(event: &AlertEvent) -> String {
    use crate::model::AlertEventKind as K;
    let what = match event.kind {
        K::Fired => "FIRED",
        K::SeverityChanged => "SEVERITY CHANGED",
        K::Resolved => "RESOLVED",
    };
    let key = if event.key.is_empty() { String::new() } else { format!(" [{}]", event.key) };
    format!(
        "[{}] {} {}: {}{} ({}) {}",
        event.severity.label(),
        what,
        event.target,
        event.name,
        key,
        event.rule,
        event.message
    )
}
