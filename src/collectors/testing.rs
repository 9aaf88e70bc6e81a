//! What the engines' collector tests share (tests only).

use super::Collector;
use super::spec::EngineSpec;
use crate::config::{EngineOptions, Secret, TargetConfig};
use crate::model::{Metric, Tier};
use std::time::Duration;

/// The password of `unreachable_target`: no message may show it.
pub const NEVER_SHOWN: &str = "pw-never-shown";

/// A target of `spec` on 127.0.0.1:1, where nothing listens (the attempt fails fast).
pub fn unreachable_target(spec: &EngineSpec) -> TargetConfig {
    TargetConfig {
        name: "t".into(),
        engine: spec.kind,
        host: "127.0.0.1".into(),
        port: 1,
        username: "monitor".into(),
        password: Secret::new(NEVER_SHOWN),
        connect_timeout: Duration::from_secs(2),
        options: EngineOptions::defaults(spec.options),
        ..Default::default()
    }
}

/// Connects a collector of `unreachable_target` and returns the error, having checked
/// that it names the endpoint but never the password, and that a `tier` round on the
/// unconnected collector is a disconnect (the target shows as down).
pub async fn failed_connect<C: Collector>(mut c: C, tier: Tier) -> String {
    let err = c.ensure_connected().await.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("127.0.0.1:1"), "{err}");
    assert!(!err.contains(NEVER_SHOWN), "{err}");
    assert!(c.collect(tier).await.is_err_and(|e| e.is_disconnect()));
    err
}

/// The value of the series `name`/`key` among a round's metrics or counters.
pub fn value(m: &[Metric], name: &str, key: &str) -> Option<f64> {
    m.iter().find(|m| m.name == name && m.key == key).map(|m| m.value)
}

/// Lower-case words of a SQL statement, for the engines' read-only checks: the parts
/// between each (opening, closing) quote pair left out (a doubled closer, `''` or `]]`,
/// stays inside), words made of the characters `word_char` accepts.
pub fn sql_words(sql: &str, quotes: &[(char, char)], word_char: fn(char) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut close: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = close {
            if c == q && chars.next_if_eq(&q).is_none() {
                close = None;
            }
            continue;
        }
        if let Some(&(_, closer)) = quotes.iter().find(|(open, _)| *open == c) {
            close = Some(closer);
        } else if word_char(c) {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}
