//! `[forwarding]` (our table: outbox bounds, batching, timeouts, TLS trust, query-text
//! normalisation) and the checks on `[agent] api_base_url` that forwarding relies on.

use super::error::Sink;
use super::file::{RawAgent, RawForwarding, Value};
use super::values::{expand_home, flag, whole};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;

/// `[forwarding]`: how samples reach the central backend when `api_base_url` is set.
#[derive(Debug, Clone, PartialEq)]
pub struct ForwardingConfig {
    /// Outbox bounds: past any of them the oldest queued samples are dropped (counted).
    pub outbox_max_rows: u64,
    pub outbox_max_bytes: u64,
    pub outbox_max_age: Duration,
    pub batch_max_samples: usize,
    /// Stored (compressed) size of the samples in one request, about its size on the wire.
    pub batch_max_bytes: u64,
    pub request_timeout: Duration,
    pub heartbeat_interval: Duration,
    /// Longest wait between two attempts (a `Retry-After` from the backend may ask more).
    pub max_backoff: Duration,
    /// Extra CA bundle (PEM) trusted on top of the system roots.
    pub ca_file: Option<PathBuf>,
    /// Replace literals in query text by `$1`, `$2`… (Redis arguments by `?`) before
    /// anything leaves the host.
    pub normalize_query_text: bool,
}

impl Default for ForwardingConfig {
    fn default() -> Self {
        Self {
            outbox_max_rows: 100_000,
            outbox_max_bytes: 256 * MB,
            outbox_max_age: Duration::from_secs(72 * 3600),
            batch_max_samples: 500,
            batch_max_bytes: 512 * KB,
            request_timeout: Duration::from_secs(30),
            heartbeat_interval: Duration::from_secs(60),
            max_backoff: Duration::from_secs(300),
            ca_file: None,
            normalize_query_text: true,
        }
    }
}

const KB: u64 = 1024;
const MB: u64 = 1024 * KB;

pub(crate) fn resolve(raw: &RawForwarding, sink: &mut Sink<'_>) -> ForwardingConfig {
    let d = ForwardingConfig::default();
    // Ranges well past any real use, and small enough that no product of them overflows.
    let count =
        |v: &Value<i64>, key: &str, range: RangeInclusive<i64>, unit: (&str, u64), sink: &mut Sink<'_>| {
            whole(v.as_ref()?, &format!("forwarding.{key}"), range, unit.0, sink)
                .map(|n| n.saturating_mul(unit.1))
        };
    let secs =
        |v: &Value<i64>, key: &str, range: RangeInclusive<i64>, unit: (&str, u64), sink: &mut Sink<'_>| {
            count(v, key, range, unit, sink).map(Duration::from_secs)
        };
    // Read when forwarding starts, like a target's tls.ca_file: a missing file is then
    // a startup error naming it.
    let ca_file = raw.ca_file.as_ref().map(|v| expand_home(v.get_ref()));
    ForwardingConfig {
        outbox_max_rows: count(&raw.outbox_max_rows, "outbox_max_rows", 1..=100_000_000, ("rows", 1), sink)
            .unwrap_or(d.outbox_max_rows),
        outbox_max_bytes: count(&raw.outbox_max_mb, "outbox_max_mb", 1..=1_048_576, ("MB", MB), sink)
            .unwrap_or(d.outbox_max_bytes),
        outbox_max_age: secs(
            &raw.outbox_max_age_hours,
            "outbox_max_age_hours",
            1..=8760,
            ("hours", 3600),
            sink,
        )
        .unwrap_or(d.outbox_max_age),
        batch_max_samples: count(
            &raw.batch_max_samples,
            "batch_max_samples",
            1..=100_000,
            ("samples", 1),
            sink,
        )
        .map_or(d.batch_max_samples, |n| usize::try_from(n).unwrap_or(usize::MAX)),
        batch_max_bytes: count(&raw.batch_max_kb, "batch_max_kb", 1..=102_400, ("KB", KB), sink)
            .unwrap_or(d.batch_max_bytes),
        request_timeout: secs(&raw.request_timeout, "request_timeout", 1..=600, ("seconds", 1), sink)
            .unwrap_or(d.request_timeout),
        heartbeat_interval: secs(
            &raw.heartbeat_interval,
            "heartbeat_interval",
            1..=86_400,
            ("seconds", 1),
            sink,
        )
        .unwrap_or(d.heartbeat_interval),
        max_backoff: secs(&raw.max_backoff, "max_backoff", 1..=86_400, ("seconds", 1), sink)
            .unwrap_or(d.max_backoff),
        ca_file,
        normalize_query_text: flag(&raw.normalize_query_text, d.normalize_query_text),
    }
}

/// `[agent] api_base_url`, checked: https (plain http only to a loopback address), no
/// credentials in it, and an `api_key` next to it unless `mock_mode` sends nothing.
pub(crate) fn base_url(raw: &RawAgent, sink: &mut Sink<'_>) -> Option<String> {
    let v = raw.api_base_url.as_ref()?;
    if let Err(message) = check_base_url(v.get_ref()) {
        sink.push(v.span(), "agent.api_base_url", message);
        return None;
    }
    let mock = raw.mock_mode.as_ref().is_some_and(|m| *m.get_ref());
    if raw.api_key.is_none() && !mock {
        sink.push(v.span(), "agent.api_key", "missing: forwarding to api_base_url needs the agent API key");
    }
    Some(v.get_ref().trim_end_matches('/').to_owned())
}

/// Parses a backend base URL. Errors never repeat the URL (it could carry credentials).
pub fn check_base_url(text: &str) -> Result<reqwest::Url, String> {
    let url = reqwest::Url::parse(text.trim()).map_err(|e| format!("not a valid URL: {e}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not contain a user name or password (the API key goes in api_key)".into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err("plain http:// is only accepted for loopback addresses (127.0.0.0/8, ::1, \
                       localhost), for local testing; use https://"
            .into()),
        other => Err(format!("must be an https:// URL, found {other}://")),
    }
}

/// 127.0.0.0/8, ::1 or localhost.
pub fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_str;
    use std::path::Path;

    #[test]
    fn forwarding_keys_are_read_with_their_units() {
        let text = "[agent]\napi_base_url = \"https://b.example/agent-api/v1/\"\napi_key = \"k\"\n\
                    [forwarding]\noutbox_max_mb = 2\noutbox_max_age_hours = 1\nbatch_max_kb = 3\n\
                    normalize_query_text = false\n";
        let cfg = parse_str(text, Path::new("f.toml")).unwrap();
        assert_eq!(cfg.agent.api_base_url.as_deref(), Some("https://b.example/agent-api/v1"));
        let f = &cfg.forwarding;
        assert_eq!((f.outbox_max_bytes, f.batch_max_bytes), (2 * MB, 3 * KB));
        assert_eq!(f.outbox_max_age, Duration::from_secs(3600));
        assert!(!f.normalize_query_text);
        assert_eq!(f.outbox_max_rows, ForwardingConfig::default().outbox_max_rows);
    }

    #[test]
    fn bad_forwarding_settings_point_at_the_line() {
        let text = "[agent]\napi_base_url = \"http://10.1.2.3/agent-api/v1\"\n\
                    [forwarding]\nbatch_max_samples = 0\n";
        let errors = parse_str(text, Path::new("f.toml")).unwrap_err().to_string();
        assert!(
            errors.contains("f.toml:2:16: agent.api_base_url: plain http:// is only accepted"),
            "{errors}"
        );
        assert!(
            errors.contains(
                "f.toml:4:21: forwarding.batch_max_samples: must be 1 to 100000 (samples), found 0"
            ),
            "{errors}"
        );
        let text = "[agent]\napi_base_url = \"https://b.example\"\n";
        let errors = parse_str(text, Path::new("g.toml")).unwrap_err().to_string();
        assert!(errors.contains("agent.api_key: missing"), "{errors}");
        let mock = "[agent]\napi_base_url = \"https://b.example\"\nmock_mode = true\n";
        assert!(parse_str(mock, Path::new("m.toml")).is_ok(), "mock mode sends nothing, needs no key");
    }

    #[test]
    fn only_https_or_loopback_http_is_accepted() {
        for ok in [
            "https://api.logstag.com/agent-api/v1",
            "http://127.0.0.1:8080/agent-api/v1",
            "http://127.9.9.9",
            "http://[::1]:9000",
            "http://LOCALHOST:1",
        ] {
            assert!(check_base_url(ok).is_ok(), "{ok}");
        }
        let refused = check_base_url("http://10.0.0.5/agent-api/v1").unwrap_err();
        assert!(refused.contains("only accepted for loopback"), "{refused}");
        assert!(check_base_url("http://localhost.evil.com").is_err());
        assert!(check_base_url("ftp://x").unwrap_err().contains("https://"));
        let creds = check_base_url("https://bob:hunter2@api.example.com").unwrap_err();
        assert!(!creds.contains("hunter2") && creds.contains("user name or password"), "{creds}");
    }
}
