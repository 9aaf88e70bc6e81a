//! Keeps a target's collector task alive. A panic in it (a bug: input never panics) is
//! reported as a DOWN status sample for that target, logged, and the task is started
//! again with backoff, so a collector never dies silently while the process runs on.

use super::backoff::Backoff;
use super::registry::RunMode;
use super::scheduler::{SchedulerHandles, emit_status};
use crate::model::TargetStatus;
use std::any::Any;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;

/// A collector that ran this long before panicking starts its restart backoff afresh.
const HEALTHY_RUN: Duration = Duration::from_secs(300);

/// Aborts the collector task when the supervisor itself is dropped or aborted (an
/// orderly stop that timed out), so no task outlives its supervisor.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs `spawn()`'s task, restarting it after each panic until it ends normally or
/// shutdown is signalled. In `RunMode::Once` a panic is reported and not retried.
pub async fn supervise<F>(mut spawn: F, h: SchedulerHandles, mode: RunMode)
where
    F: FnMut() -> JoinHandle<()>,
{
    let mut backoff = Backoff::new(h.backoff_base, h.backoff_cap);
    let mut shutdown = h.shutdown.clone();
    loop {
        let started = Instant::now();
        let task = spawn();
        let _guard = AbortOnDrop(task.abort_handle());
        let panic = match task.await {
            Ok(()) => return,
            Err(e) if e.is_panic() => panic_message(e.into_panic()),
            // Cancelled: only an abort from outside, which means stop.
            Err(_) => return,
        };
        if started.elapsed() >= HEALTHY_RUN {
            backoff.reset();
        }
        let stopping = *shutdown.borrow() || mode.is_once();
        let delay = if stopping { Duration::ZERO } else { backoff.next_delay() };
        let error = if stopping {
            format!("the collector crashed: {panic}")
        } else {
            format!("the collector crashed: {panic}; restarting it")
        };
        tracing::error!(target_name = %h.target, retry_in_s = delay.as_secs_f64(), "{error}");
        emit_status(&h, TargetStatus::down(error, delay), None).await;
        if stopping {
            return;
        }
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = shutdown.wait_for(|stop| *stop) => return,
        }
    }
}

/// The text a panic was raised with (`panic!("…")` gives `&str` or `String`).
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(s) => *s,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(s) => (*s).to_owned(),
            Err(_) => "a panic without a message".to_owned(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Sample, SampleBody, TargetId};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use tokio::sync::{mpsc, watch};

    fn handles(tx: mpsc::Sender<Vec<Sample>>, shutdown: watch::Receiver<bool>) -> SchedulerHandles {
        SchedulerHandles {
            target: TargetId("t".into()),
            samples: tx,
            shutdown,
            connect_timeout: Duration::from_secs(1),
            round_timeout: Duration::from_secs(1),
            warmup: Duration::ZERO,
            stagger: Duration::ZERO,
            previous_schema: None,
            schema_now: None,
            retry_now: None,
            backoff_base: Duration::from_millis(10),
            backoff_cap: Duration::from_millis(20),
        }
    }

    fn down_errors(rounds: &[Vec<Sample>]) -> Vec<String> {
        rounds
            .iter()
            .flatten()
            .filter_map(|s| match &s.body {
                SampleBody::Status(h) => match &h.status {
                    TargetStatus::Down { error, .. } => Some(error.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    #[allow(clippy::panic)]
    async fn a_panicking_collector_is_reported_down_and_restarted() {
        let (tx, mut rx) = mpsc::channel(16);
        let (stop_tx, stop_rx) = watch::channel(false);
        let starts = Arc::new(AtomicU32::new(0));
        let counted = starts.clone();
        let idle = stop_rx.clone();
        let spawn = move || {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            let mut idle = idle.clone();
            tokio::spawn(async move {
                if n < 2 {
                    panic!("overflow when adding duration to instant");
                }
                let _ = idle.wait_for(|stop| *stop).await;
            })
        };
        let supervisor = tokio::spawn(supervise(spawn, handles(tx, stop_rx), RunMode::Continuous));
        let mut got = Vec::new();
        while down_errors(&got).len() < 2 {
            match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
                Ok(Some(r)) => got.push(r),
                _ => break,
            }
        }
        tokio::time::timeout(Duration::from_secs(5), async {
            while starts.load(Ordering::SeqCst) < 3 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
        .await
        .unwrap();
        let _ = stop_tx.send(true);
        tokio::time::timeout(Duration::from_secs(2), supervisor).await.unwrap().unwrap();
        let errors = down_errors(&got);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].contains("crashed: overflow when adding duration to instant; restarting"),
            "{errors:?}"
        );
        assert_eq!(starts.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    #[allow(clippy::panic)]
    async fn a_one_shot_run_reports_the_panic_without_restarting() {
        let (tx, mut rx) = mpsc::channel(16);
        let (_stop_tx, stop_rx) = watch::channel(false);
        let starts = Arc::new(AtomicU32::new(0));
        let counted = starts.clone();
        let spawn = move || {
            counted.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async { panic!("boom") })
        };
        supervise(spawn, handles(tx, stop_rx), RunMode::Once).await;
        let got = vec![rx.recv().await.unwrap()];
        assert_eq!(down_errors(&got), vec!["the collector crashed: boom".to_owned()]);
        assert_eq!(starts.load(Ordering::SeqCst), 1);
    }
}
