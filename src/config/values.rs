//! One value of the config file checked on its own: a number within its range, one of a
//! set of words, a non-empty text, a TLS mode. A bad value is reported with its span and
//! the default (or nothing) is used, so one mistake never hides the others.

use super::error::Sink;
use super::file::Value;
use super::validate::TLS_MODES;
use super::{Secret, TlsMode};
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::time::Duration;
use toml::Spanned;

pub(super) fn text(v: &Value<String>) -> Option<String> {
    v.as_ref().map(|v| v.get_ref().clone())
}

pub(crate) fn flag(v: &Value<bool>, default: bool) -> bool {
    v.as_ref().map_or(default, |v| *v.get_ref())
}

/// A tier interval, in seconds: up to a week, so no timer can overflow.
const TIER_SECS: RangeInclusive<i64> = 1..=604_800;

/// A whole number within `range`; out of range is reported with the range, in `unit`s.
pub(crate) fn whole(
    v: &Spanned<i64>,
    key: &str,
    range: RangeInclusive<i64>,
    unit: &str,
    sink: &mut Sink<'_>,
) -> Option<u64> {
    let n = *v.get_ref();
    if !range.contains(&n) {
        let (min, max) = (range.start(), range.end());
        sink.push(v.span(), key, format!("must be {min} to {max} ({unit}), found {n}"));
        return None;
    }
    u64::try_from(n).ok()
}

/// A whole number of `unit` seconds within `range`; `None` if absent or bad.
pub(super) fn seconds(
    v: &Value<i64>,
    key: &str,
    range: RangeInclusive<i64>,
    unit: u64,
    sink: &mut Sink<'_>,
) -> Option<Duration> {
    let unit_name = match unit {
        60 => "minutes",
        3600 => "hours",
        _ => "seconds",
    };
    let n = whole(v.as_ref()?, key, range, unit_name, sink)?;
    Some(Duration::from_secs(n.saturating_mul(unit)))
}

/// A tier interval in seconds; `0` turns the tier off.
pub(super) fn tier(
    v: &Value<i64>,
    key: &str,
    default: Option<Duration>,
    sink: &mut Sink<'_>,
) -> Option<Duration> {
    let Some(s) = v else {
        return default;
    };
    let n = *s.get_ref();
    if n == 0 {
        return None;
    }
    if !TIER_SECS.contains(&n) {
        let max = TIER_SECS.end();
        sink.push(s.span(), key, format!("must be 0 (off) or 1 to {max} (seconds), found {n}"));
        return default;
    }
    seconds(v, key, TIER_SECS, 1, sink).or(default)
}

pub(super) fn one_of(
    v: &Value<String>,
    key: &str,
    allowed: &[&str],
    default: &str,
    sink: &mut Sink<'_>,
) -> String {
    let Some(v) = v else {
        return default.to_owned();
    };
    let value = v.get_ref().to_ascii_lowercase();
    if allowed.contains(&value.as_str()) {
        return value;
    }
    sink.push(v.span(), key, format!("`{}` is not one of: {}", v.get_ref(), allowed.join(", ")));
    default.to_owned()
}

pub(super) fn non_empty(v: &Value<String>, key: &str, default: &str, sink: &mut Sink<'_>) -> String {
    match v {
        None => default.to_owned(),
        Some(v) if v.get_ref().trim().is_empty() => {
            sink.push(v.span(), key, "must not be empty");
            default.to_owned()
        }
        Some(v) => v.get_ref().clone(),
    }
}

pub(super) fn tls_mode(v: &Value<String>, key: &str, sink: &mut Sink<'_>) -> TlsMode {
    let Some(v) = v else {
        return TlsMode::default();
    };
    match v.get_ref().to_ascii_lowercase().as_str() {
        "disable" => TlsMode::Disable,
        "prefer" => TlsMode::Prefer,
        "require" => TlsMode::Require,
        "verify-full" => TlsMode::VerifyFull,
        other => {
            let hint =
                if other == "verify-ca" { " (use verify-full, which also checks the host name)" } else { "" };
            sink.push(v.span(), key, format!("`{other}` is not one of: {}{hint}", TLS_MODES.join(", ")));
            TlsMode::default()
        }
    }
}

/// The value as a `Secret` (`enc:v1:` values were decrypted before validation).
pub(super) fn secret(v: &Value<Secret>) -> Option<Secret> {
    v.as_ref().map(|v| v.get_ref().clone())
}

/// `~/x` → `$HOME/x`, as people write in config files.
pub(crate) fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}
