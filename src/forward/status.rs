//! What the forwarder is doing, for the UI and logs: published through a
//! `tokio::sync::watch` (one writer, the forwarder; readers take snapshots).

use crate::model::Timestamp;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ForwardStatus {
    /// The backend's host (and port): never a path, a query or credentials.
    pub backend: String,
    /// When the forwarder started, so "nothing delivered for a while" can be told.
    pub started_at: Option<Timestamp>,
    /// Samples waiting in the outbox (pending and parked).
    pub queued: u64,
    pub parked: u64,
    /// Why the newest parked batch was refused.
    pub parked_reason: Option<String>,
    pub dropped_total: u64,
    /// When the backend last acknowledged a batch.
    pub last_ok: Option<Timestamp>,
    /// The last failure, cleared by the next success.
    pub last_error: Option<String>,
    /// When the failed batch is sent again; None when nothing waits for a retry.
    pub next_retry: Option<Timestamp>,
    /// The backend accepted our registration.
    pub registered: bool,
    pub mock: bool,
}

impl ForwardStatus {
    /// One line for a status bar or a log: `forwarding: 12 queued, last ok 14:03:10Z, parked 3: HTTP 400 …`.
    pub fn summary(&self) -> String {
        let mut s = format!("forwarding{}: {} queued", if self.mock { " (mock)" } else { "" }, self.queued);
        match self.last_ok {
            Some(at) => s.push_str(&format!(", last ok {}", clock(at))),
            None => s.push_str(", nothing delivered yet"),
        }
        if self.dropped_total > 0 {
            s.push_str(&format!(", dropped {}", self.dropped_total));
        }
        if self.parked > 0 {
            s.push_str(&format!(", parked {}", self.parked));
            if let Some(reason) = &self.parked_reason {
                s.push_str(&format!(": {reason}"));
            }
        }
        if let Some(error) = &self.last_error {
            s.push_str(&format!(", retrying: {error}"));
        }
        s
    }
}

/// `host[:port]` of a base URL, for screens: what the URL says about where data goes,
/// without anything a user might have put in it by mistake (user info, path, query).
pub fn backend_host(base_url: &str) -> String {
    match reqwest::Url::parse(base_url) {
        Ok(url) => match (url.host_str(), url.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_owned(),
            (None, _) => "?".to_owned(),
        },
        Err(_) => "?".to_owned(),
    }
}

/// `HH:MM:SSZ` (UTC): enough to see whether delivery is recent.
fn clock(at: Timestamp) -> String {
    let secs = at.0.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_queue_last_success_and_parking() {
        let s = ForwardStatus {
            queued: 12,
            parked: 3,
            parked_reason: Some("HTTP 400 Bad Request".into()),
            last_ok: Some(Timestamp(((14 * 3600 + 3 * 60 + 10) * 1000) as i64)),
            ..Default::default()
        };
        assert_eq!(s.summary(), "forwarding: 12 queued, last ok 14:03:10Z, parked 3: HTTP 400 Bad Request");
        let idle = ForwardStatus { mock: true, ..Default::default() };
        assert_eq!(idle.summary(), "forwarding (mock): 0 queued, nothing delivered yet");
    }

    #[test]
    fn backend_host_keeps_host_and_port_only() {
        assert_eq!(backend_host("https://api.logstag.com/agent-api/v1"), "api.logstag.com");
        assert_eq!(backend_host("http://127.0.0.1:8080/v1?key=secret"), "127.0.0.1:8080");
        assert_eq!(backend_host("https://user:hunter2@backend.example/v1"), "backend.example");
        assert_eq!(backend_host("not a url"), "?");
    }
}
