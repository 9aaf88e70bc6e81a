//! Sorting answers into delivered, retry later, or refused for good (vector's
//! `RetryLogic` split): 2xx acknowledges; 408, 429, 5xx, timeouts and connection errors
//! retry with backoff, honouring `Retry-After`; any other status parks the batch.

use std::time::{Duration, SystemTime};

/// A `Retry-After` longer than this is treated as this: a backend misconfiguration must
/// not silence an agent for days.
pub const RETRY_AFTER_CAP: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    Retry { reason: String, after: Option<Duration> },
    Refused { reason: String },
}

/// Classifies an HTTP answer. `body` is a prefix of the response body, used in reasons.
pub fn classify(status: u16, retry_after: Option<&str>, body: &str) -> Outcome {
    let reason = || {
        let body = one_line(body, 200);
        let name = http_reason(status);
        if body.is_empty() {
            format!("HTTP {status} {name}")
        } else {
            format!("HTTP {status} {name}: {body}")
        }
    };
    match status {
        200..=299 => Outcome::Delivered,
        408 | 429 | 500..=599 => {
            Outcome::Retry { reason: reason(), after: retry_after.and_then(parse_retry_after) }
        }
        _ => Outcome::Refused { reason: reason() },
    }
}

/// `Retry-After`: delta-seconds or an HTTP-date (RFC 9110 §10.2.3), capped.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(RETRY_AFTER_CAP))
}

fn http_reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

/// Control characters out, length bounded: reasons end up in logs and on screen.
fn one_line(text: &str, max_chars: usize) -> String {
    let clean: String = text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(max_chars).collect();
    clean.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_sort_into_deliver_retry_refuse() {
        assert_eq!(classify(200, None, ""), Outcome::Delivered);
        assert_eq!(classify(202, None, "queued"), Outcome::Delivered);
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(matches!(classify(status, None, ""), Outcome::Retry { .. }), "{status}");
        }
        for status in [301, 400, 401, 403, 404, 413, 422] {
            assert!(matches!(classify(status, None, ""), Outcome::Refused { .. }), "{status}");
        }
        assert_eq!(
            classify(400, None, "bad\nsample\t field"),
            Outcome::Refused { reason: "HTTP 400 Bad Request: bad sample field".into() }
        );
        assert_eq!(
            classify(429, Some("7"), ""),
            Outcome::Retry {
                reason: "HTTP 429 Too Many Requests".into(),
                after: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after("999999"), Some(RETRY_AFTER_CAP));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::ZERO), "in the past");
        let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(30));
        let wait = parse_retry_after(&soon).unwrap();
        assert!(wait > Duration::from_secs(27) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-5"), None);
    }
}
