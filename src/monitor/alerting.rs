//! The alert side of start-up: the rule catalogue (with the user's templates and
//! overrides) for the engine and the UI, and the hooks task when one is configured.

use crate::alerts::{self, AlertEngine};
use crate::config::Config;
use crate::notify::{self, NotifyConfig};
use crate::ui::alerts::{AlertCatalogInfo, RuleInfo};
use tokio::sync::mpsc;

/// The rule catalogue with the user's templates and per-target overrides, and what the
/// UI shows of it. Bad templates and unknown rule codes are logged and listed in the UI;
/// they never stop start-up.
pub fn alert_engine(cfg: &Config) -> (AlertEngine, AlertCatalogInfo) {
    let (rules, errors) = alerts::load_rules(cfg.alerts.templates_dir.as_deref());
    let mut invalid_templates: Vec<String> = errors.iter().map(ToString::to_string).collect();
    for e in &invalid_templates {
        tracing::warn!("alert template skipped: {e}");
    }
    for w in alerts::check_overrides(cfg, &rules) {
        tracing::warn!("{w}");
        invalid_templates.push(w);
    }
    let catalog = AlertCatalogInfo {
        rules: rules
            .iter()
            .map(|r| RuleInfo {
                code: r.code.clone(),
                name: r.name.clone(),
                description: r.description.clone(),
                impact: r.impact.clone(),
                causes: r.causes.clone(),
                actions: r.actions.clone(),
            })
            .collect(),
        invalid_templates,
    };
    (AlertEngine::for_config(rules, cfg), catalog)
}

/// The hooks task, when the config asks for one.
pub(super) fn notifier(cfg: &Config) -> Option<mpsc::Sender<crate::model::AlertEvent>> {
    let hooks = NotifyConfig {
        command: cfg.alerts.hook_command.clone(),
        slack_webhook: cfg.alerts.slack_webhook.clone(),
    };
    if hooks.command.is_none() && hooks.slack_webhook.is_none() {
        return None;
    }
    let (tx, rx) = mpsc::channel(64);
    // The task ends by itself when the pipeline drops the sender at shutdown.
    drop(notify::spawn_notifier(hooks, rx));
    Some(tx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_without_hooks() {
        let cfg = Config::default();
        let (_, catalog) = alert_engine(&cfg);
        assert!(catalog.rules.len() > 10, "the built-in rules: {}", catalog.rules.len());
        assert!(catalog.invalid_templates.is_empty(), "{:?}", catalog.invalid_templates);
        assert!(notifier(&cfg).is_none(), "no hook configured, no task");
    }
}
