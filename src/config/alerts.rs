//! `[alerts]` and the per-target `[targets.<name>.alerts]` overrides: extra templates,
//! bell, hook command, Slack webhook, rules switched off and thresholds replaced.

use super::Secret;
use super::error::Sink;
use super::file::RawFile;
use super::values::{expand_home, flag};
use crate::model::Severity;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `[alerts]` plus every `[targets.<name>.alerts]`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertsConfig {
    /// Extra templates; a file whose `code` matches an embedded rule replaces it.
    pub templates_dir: Option<PathBuf>,
    /// Ring the terminal bell when an alert fires.
    pub bell: bool,
    /// Program (and arguments) run for every alert event, with the event as JSON on stdin.
    pub hook_command: Option<Vec<String>>,
    /// Slack-compatible incoming-webhook URL. It carries a token, so it is a secret.
    pub slack_webhook: Option<Secret>,
    /// Per-target overrides by target name; targets without overrides are absent.
    pub targets: BTreeMap<String, AlertOverrides>,
}

/// One target's alert policy: rules switched off, thresholds replaced.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertOverrides {
    /// Rule codes not evaluated on this target.
    pub disable: Vec<String>,
    /// Rule code → severity → threshold, replacing (or adding) the template's value.
    pub thresholds: BTreeMap<String, BTreeMap<Severity, f64>>,
}

/// `[alerts]` and every `[targets.<name>.alerts]`.
pub(super) fn resolve(raw: &RawFile, sink: &mut Sink<'_>) -> AlertsConfig {
    let mut targets = BTreeMap::new();
    for entry in &raw.targets {
        let Some(alerts) = &entry.raw.alerts else {
            continue;
        };
        let prefix = format!("targets.{}.alerts", entry.name);
        let mut overrides = AlertOverrides {
            disable: alerts.disable.as_ref().map(|v| v.get_ref().clone()).unwrap_or_default(),
            thresholds: BTreeMap::new(),
        };
        if let Some(by_rule) = &alerts.thresholds {
            for (code, by_severity) in by_rule.get_ref() {
                let mut resolved = BTreeMap::new();
                for (name, value) in by_severity {
                    let key = format!("{prefix}.thresholds.\"{code}\".{name}");
                    match Severity::ALL.iter().find(|s| s.key() == name) {
                        Some(_) if !value.is_finite() => {
                            sink.push(by_rule.span(), &key, "must be a finite number")
                        }
                        Some(severity) => {
                            resolved.insert(*severity, *value);
                        }
                        None => {
                            let names: Vec<&str> = Severity::ALL.iter().map(|s| s.key()).collect();
                            let message = format!("unknown severity; expected one of: {}", names.join(", "));
                            sink.push(by_rule.span(), &key, message);
                        }
                    }
                }
                overrides.thresholds.insert(code.clone(), resolved);
            }
        }
        if overrides != AlertOverrides::default() {
            targets.insert(entry.name.clone(), overrides);
        }
    }
    let hook_command = raw.alerts.hook_command.as_ref().and_then(|v| {
        let argv = v.get_ref();
        if argv.first().is_none_or(|program| program.trim().is_empty()) {
            sink.push(
                v.span(),
                "alerts.hook_command",
                "needs a program name, e.g. [\"/usr/local/bin/page-dba\"]",
            );
            return None;
        }
        Some(argv.iter().map(|a| expand_home(a).to_string_lossy().into_owned()).collect())
    });
    let slack_webhook = raw.alerts.slack_webhook.as_ref().and_then(|v| {
        // The same rule as the backend URL: https, or plain http to a loopback address only.
        let acceptable = reqwest::Url::parse(v.get_ref().expose()).is_ok_and(|url| match url.scheme() {
            "https" => true,
            "http" => super::is_loopback(&url),
            _ => false,
        });
        if acceptable {
            Some(v.get_ref().clone())
        } else {
            // Never echo the URL: it carries the webhook's token.
            sink.push(
                v.span(),
                "alerts.slack_webhook",
                "must be an https:// URL (plain http only to loopback)",
            );
            None
        }
    });
    AlertsConfig {
        templates_dir: raw.alerts.templates_dir.as_ref().map(|v| expand_home(v.get_ref())),
        bell: flag(&raw.alerts.bell, false),
        hook_command,
        slack_webhook,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use crate::config::parse_str;
    use std::path::Path;

    fn webhook_accepted(url: &str) -> bool {
        let text = format!("[alerts]\nslack_webhook = \"{url}\"\n");
        parse_str(&text, Path::new("t.toml")).is_ok_and(|c| c.alerts.slack_webhook.is_some())
    }

    #[test]
    fn slack_webhook_is_https_or_loopback_http() {
        assert!(webhook_accepted("https://hooks.slack.com/services/T/B/x"));
        assert!(webhook_accepted("http://127.0.0.1:8080/hook"));
        assert!(webhook_accepted("http://[::1]:8080/hook"));
        assert!(!webhook_accepted("http://hooks.example.com/hook"));
        assert!(!webhook_accepted("http://127.0.0.1.example.com/hook"), "a name that starts like loopback");
        assert!(!webhook_accepted("ftp://127.0.0.1/hook"));
    }
}
