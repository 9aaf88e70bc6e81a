//! Store-and-forward to the central backend (spec §6). Samples are queued in the
//! store's outbox in the transaction that records them; the sender task here takes
//! batches oldest first, POSTs them as (gzip) JSON with an idempotency key that was
//! committed with the rows before the first attempt, and removes them only after a 2xx.
//! A second task registers the agent and sends heartbeats. The TUI and the agent both
//! get this through `monitor::start` whenever `api_base_url` is set.
//!
//! - `settings.rs`: what the config says, resolved; agent and target identities.
//! - `client.rs`: the HTTP client (rustls, CA file, proxy from the environment).
//! - `retry.rs`: deliver / retry / refuse, `Retry-After`.
//! - `payload.rs`: the versioned request bodies (docs/forwarding.md).
//! - `normalize.rs`: literals out of query text before it leaves the host.
//! - `sender.rs`, `heartbeat.rs`: the two tasks. `status.rs`: what the UI shows.

mod client;
mod export;
mod heartbeat;
pub mod normalize;
pub mod payload;
mod retry;
mod sender;
mod settings;
mod status;

pub use client::{API_KEY_HEADER, IDEMPOTENCY_HEADER, USER_AGENT};
pub use retry::{Outcome, parse_retry_after};
pub use settings::{AgentIdentity, ForwardSettings, TargetIdentity, hostname};
pub use status::{ForwardStatus, backend_host};

use crate::model::Timestamp;
use crate::store::Store;
use crate::telemetry::Telemetry;
use client::Transport;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

#[derive(Debug, thiserror::Error)]
pub enum ForwardError {
    #[error("forwarding: {0}")]
    Config(String),
    #[error("forwarding: cannot build the HTTP client: {0}")]
    Client(String),
    #[error("forwarding: cannot enable the outbox: {0}")]
    Store(String),
}

/// Shared by the two tasks.
struct Context {
    settings: ForwardSettings,
    store: Store,
    telemetry: Arc<Telemetry>,
    agent: AgentIdentity,
    /// None in mock mode: nothing is sent.
    transport: Option<Transport>,
    status: watch::Sender<ForwardStatus>,
}

/// The running forwarder. Both tasks stop when `shutdown` turns true (or its sender is
/// dropped); a request in flight is abandoned, its batch resent later with the same key.
pub struct ForwardHandle {
    pub sender: JoinHandle<()>,
    pub presence: JoinHandle<()>,
    pub status: watch::Receiver<ForwardStatus>,
}

impl ForwardHandle {
    /// Waits (bounded) for both tasks after shutdown was signalled.
    pub async fn join(self, wait: Duration) {
        for task in [self.sender, self.presence] {
            if tokio::time::timeout(wait, task).await.is_err() {
                tracing::warn!("a forwarding task did not stop within {} s", wait.as_secs());
            }
        }
    }
}

/// Enables the store's outbox, then starts the sender and the heartbeat. Call it before
/// the pipeline records anything, so the first samples are queued too. When the HTTP
/// client cannot be built (unreadable `ca_file`…) the outbox stays enabled, so samples
/// wait for a restart with a fixed configuration, and the error is returned.
pub async fn start(
    settings: ForwardSettings,
    store: Store,
    telemetry: Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> Result<ForwardHandle, ForwardError> {
    let agent_id = store
        .enable_outbox(settings.bounds, telemetry.clone())
        .await
        .map_err(|e| ForwardError::Store(e.to_string()))?;
    let transport = if settings.mock { None } else { Some(Transport::new(&settings)?) };
    if let Some(dir) = &settings.export_dir {
        tracing::warn!(
            "export_to_file is on: every payload is also written to {} (SENSITIVE: query text, object and \
             user names; never the API key). Turn it off when done.",
            dir.display()
        );
    }
    if settings.mock {
        tracing::info!("mock_mode: nothing is sent to the backend; batches are logged (debug) and dropped");
    }
    let agent = AgentIdentity {
        id: agent_id,
        version: env!("CARGO_PKG_VERSION").to_owned(),
        host: settings.host.clone(),
    };
    let (status_tx, status) = watch::channel(ForwardStatus {
        backend: backend_host(&settings.base_url),
        started_at: Some(Timestamp::now()),
        mock: settings.mock,
        ..ForwardStatus::default()
    });
    let ctx = Arc::new(Context { settings, store, telemetry, agent, transport, status: status_tx });
    let sender = tokio::spawn(sender::run(ctx.clone(), shutdown.clone()));
    let presence = tokio::spawn(heartbeat::run(ctx, shutdown));
    Ok(ForwardHandle { sender, presence, status })
}

/// `start` when the configuration has an `api_base_url`; problems are logged (the
/// monitor runs on without forwarding) and give None.
pub async fn start_if_configured(
    cfg: &crate::config::Config,
    store: &Store,
    telemetry: &Arc<Telemetry>,
    shutdown: watch::Receiver<bool>,
) -> Option<ForwardHandle> {
    let settings = match ForwardSettings::from_config(cfg) {
        Ok(Some(settings)) => settings,
        Ok(None) => return None,
        Err(e) => {
            tracing::error!("{e}; samples are not forwarded");
            return None;
        }
    };
    let base = settings.base_url.clone();
    match start(settings, store.clone(), telemetry.clone(), shutdown).await {
        Ok(handle) => {
            tracing::info!("forwarding to {base}");
            Some(handle)
        }
        Err(e) => {
            tracing::error!("{e}; samples are kept in the outbox but not sent");
            None
        }
    }
}

/// Sleeps `d`; true when shutdown came first.
async fn pause(d: Duration, shutdown: &mut watch::Receiver<bool>) -> bool {
    if *shutdown.borrow() {
        return true;
    }
    tokio::select! {
        () = tokio::time::sleep(d) => false,
        _ = shutdown.changed() => true,
    }
}
