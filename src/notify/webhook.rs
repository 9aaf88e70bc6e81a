//! Slack-compatible webhook: POST `{"text": …}`, retried with backoff.

use super::{Timing, WEBHOOK_ATTEMPTS, summary};
use crate::collectors::backoff::Backoff;
use crate::model::AlertEvent;

pub struct Webhook {
    client: reqwest::Client,
    url: reqwest::Url,
    timing: Timing,
}

impl Webhook {
    /// Refuses plain http except to loopback: alert texts name servers and users.
    pub fn new(url: &str, timing: Timing) -> Result<Webhook, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("invalid webhook URL: {e}"))?;
        let host = url.host_str().unwrap_or("").trim_start_matches('[').trim_end_matches(']');
        let loopback =
            host == "localhost" || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
        match url.scheme() {
            "https" => {}
            "http" if loopback => {}
            other => return Err(format!("webhook URL must be https (got {other}://)")),
        }
        let client = reqwest::Client::builder()
            .timeout(timing.hook_timeout)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        Ok(Webhook { client, url, timing })
    }

    pub async fn post(&self, event: &AlertEvent) -> Result<(), String> {
        let body = serde_json::json!({ "text": summary(event) });
        let mut backoff = Backoff::new(self.timing.retry_base, self.timing.retry_cap);
        let mut last_error = String::new();
        for attempt in 1..=WEBHOOK_ATTEMPTS {
            match self.client.post(self.url.clone()).json(&body).send().await {
                Ok(resp) if resp.status().is_success() => return Ok(()),
                Ok(resp) => last_error = format!("HTTP {}", resp.status()),
                // reqwest names the URL in its errors, and the URL's path is the webhook's token.
                Err(e) => last_error = e.without_url().to_string(),
            }
            if attempt < WEBHOOK_ATTEMPTS {
                tokio::time::sleep(backoff.next_delay()).await;
            }
        }
        Err(format!("gave up after {WEBHOOK_ATTEMPTS} attempts: {last_error}"))
    }
}
