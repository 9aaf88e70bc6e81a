//! The pass that turns `enc:v1:` values in the raw file into their secrets, before
//! validation, so every later step sees plain `Secret`s. Failures point at the value
//! (`path:line:col: key: message`) and never quote it.

use super::encrypted::{decrypt, is_encrypted};
use super::error::Sink;
use super::file::{RawFile, Value};
use super::host_key::{HostKey, HostKeySource};
use super::secret::Secret;

/// Loads the host key at most once per file, and only if a value is encrypted.
struct Keyring<'s> {
    source: &'s HostKeySource,
    loaded: Option<Result<HostKey, String>>,
}

impl Keyring<'_> {
    fn key(&mut self) -> Result<HostKey, String> {
        let source = self.source;
        self.loaded.get_or_insert_with(|| source.load(false).map_err(|e| e.to_string())).clone()
    }
}

/// Decrypts every encryptable value of `raw` in place. A value that fails is reported
/// and removed, so validation does not report it a second time.
pub(crate) fn decrypt_secrets(raw: &mut RawFile, keys: &HostKeySource, sink: &mut Sink<'_>) {
    let mut keyring = Keyring { source: keys, loaded: None };
    let mut one = |value: &mut Value<Secret>, key: &str| open(value, key, &mut keyring, sink);
    one(&mut raw.agent.api_key, "agent.api_key");
    one(&mut raw.alerts.slack_webhook, "alerts.slack_webhook");
    for entry in &mut raw.targets {
        let prefix = format!("targets.{}", entry.name);
        one(&mut entry.raw.db_password, &format!("{prefix}.db_password"));
        one(&mut entry.raw.cloud_secret_key, &format!("{prefix}.cloud_secret_key"));
    }
}

fn open(value: &mut Value<Secret>, key: &str, keyring: &mut Keyring<'_>, sink: &mut Sink<'_>) {
    let Some(spanned) = value else {
        return;
    };
    if !is_encrypted(spanned.get_ref().expose()) {
        return;
    }
    match decrypt(spanned.get_ref().expose(), || keyring.key()) {
        Ok(plain) => *spanned.get_mut() = Secret::new(plain),
        Err(e) => {
            sink.push(spanned.span(), key, e.to_string());
            *value = None;
        }
    }
}
