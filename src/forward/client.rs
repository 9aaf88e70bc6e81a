//! The HTTP side: one reqwest client (rustls, certificate verification always on,
//! system roots plus the optional `ca_file`, proxy from the environment), and POSTs
//! of JSON bodies, gzip-compressed when `compress_request_payload` is on.
//!
//! Proxy: reqwest 0.13 reads `HTTPS_PROXY`/`https_proxy`, `HTTP_PROXY`, `ALL_PROXY` and
//! `NO_PROXY` from the environment by itself (curl's rules); nothing to do here.
//! Redirects are not followed: they would carry the API key header to another place.

use super::ForwardError;
use super::retry::{Outcome, classify};
use super::settings::ForwardSettings;
use crate::config::{Secret, is_loopback};
use crate::errors::error_chain;
use flate2::Compression;
use flate2::write::GzEncoder;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderValue, RETRY_AFTER};
use std::io::Write;
use std::time::Duration;

pub const USER_AGENT: &str = concat!("logstag/", env!("CARGO_PKG_VERSION"));
pub const API_KEY_HEADER: &str = "x-logstag-api-key";
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// Bytes of an error body kept for the log.
const BODY_PREFIX: usize = 1024;

pub struct Transport {
    client: reqwest::Client,
    base_url: String,
    api_key: Secret,
    compress: bool,
}

impl Transport {
    pub fn new(settings: &ForwardSettings) -> Result<Transport, ForwardError> {
        let url = crate::config::check_base_url(&settings.base_url)
            .map_err(|e| ForwardError::Config(format!("agent.api_base_url: {e}")))?;
        if url.scheme() == "http" && is_loopback(&url) {
            tracing::warn!(
                "forwarding over plain http:// to a loopback address ({}): for local testing only",
                url.host_str().unwrap_or("")
            );
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .timeout(settings.request_timeout)
            .connect_timeout(settings.request_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none());
        if let Some(path) = &settings.ca_file {
            let pem = std::fs::read(path).map_err(|e| {
                ForwardError::Config(format!("forwarding.ca_file: cannot read {}: {e}", path.display()))
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| {
                ForwardError::Config(format!(
                    "forwarding.ca_file: {} is not a PEM bundle: {e}",
                    path.display()
                ))
            })?;
            if certs.is_empty() {
                return Err(ForwardError::Config(format!(
                    "forwarding.ca_file: {} holds no certificate",
                    path.display()
                )));
            }
            builder = builder.tls_certs_merge(certs);
        }
        let client = builder.build().map_err(|e| ForwardError::Client(error_chain(&e)))?;
        Ok(Transport {
            client,
            base_url: settings.base_url.clone(),
            api_key: settings.api_key.clone(),
            compress: settings.compress,
        })
    }

    /// POSTs `json` to `{base}/{path}` and classifies the answer.
    pub async fn post(&self, path: &str, idempotency_key: Option<&str>, json: &[u8]) -> Outcome {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        match HeaderValue::from_str(self.api_key.expose()) {
            Ok(mut key) => {
                key.set_sensitive(true);
                headers.insert(API_KEY_HEADER, key);
            }
            Err(_) => {
                return Outcome::Refused {
                    reason: "api_key holds characters not allowed in a header".into(),
                };
            }
        }
        if let Some(key) = idempotency_key.and_then(|k| HeaderValue::from_str(k).ok()) {
            headers.insert(IDEMPOTENCY_HEADER, key);
        }
        let body = if self.compress {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            match gzip(json) {
                Ok(b) => b,
                Err(e) => {
                    return Outcome::Retry {
                        reason: format!("cannot compress the payload: {e}"),
                        after: None,
                    };
                }
            }
        } else {
            json.to_vec()
        };
        let url = format!("{}/{path}", self.base_url);
        let mut response = match self.client.post(url).headers(headers).body(body).send().await {
            Ok(r) => r,
            Err(e) => return Outcome::Retry { reason: error_chain(&e), after: None },
        };
        let status = response.status().as_u16();
        let retry_after =
            response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let text = if response.status().is_success() {
            String::new()
        } else {
            // Bounded read: a large error page must not cost memory.
            let mut prefix = Vec::new();
            while prefix.len() < BODY_PREFIX
                && let Ok(Some(chunk)) = response.chunk().await
            {
                prefix.extend_from_slice(&chunk);
            }
            prefix.truncate(BODY_PREFIX);
            String::from_utf8_lossy(&prefix).into_owned()
        };
        classify(status, retry_after.as_deref(), &text)
    }
}

pub fn gzip(json: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut enc = GzEncoder::new(Vec::with_capacity(json.len() / 4), Compression::new(6));
    enc.write_all(json)?;
    enc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::GzDecoder;
    use std::io::Read;

    #[test]
    fn gzip_round_trips() {
        let json = br#"{"schema":"logstag.forward.v1"}"#;
        let mut back = String::new();
        GzDecoder::new(&gzip(json).unwrap()[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back.as_bytes(), json);
    }

    #[test]
    fn user_agent_names_the_version() {
        assert_eq!(USER_AGENT, format!("logstag/{}", env!("CARGO_PKG_VERSION")));
    }
}
