//! Alerts: YAML templates → rules → a pure state machine fed with collection rounds.
//!
//! ```text
//!  alert-templates/*.yaml (embedded) + [alerts] templates_dir (override by code)
//!        │ load_rules: template.rs validates each file into a Rule (bad files → TemplateError)
//!        ▼
//!  AlertEngine::for_config(rules, &config)  (= new(rules, overrides).with_target_engines(…))
//!        │ observe(round): source.rs reads each rule's values from the samples,
//!        │ engine.rs moves (rule, target, key) through Ok → Pending → Firing → Ok
//!        ▼
//!  Vec<AlertEvent> (Fired / SeverityChanged / Resolved); active() lists what fires now
//! ```
//!
//! Missing data concludes nothing: a target that is down keeps its alerts as they were
//! (only `target.down` fires, from Status samples). A key that a complete read no
//! longer lists (a session ended, a slot dropped) resolves its alert.

mod catalogue;
mod engine;
mod rule;
mod source;
mod template;

/// Every embedded template: each engine's (`EngineSpec::alert_templates`), then the
/// engine-neutral ones, as (path under `alert-templates/`, YAML text). The order is the
/// rules' order, and so the order of events that happen in the same round.
pub static EMBEDDED: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
    std::sync::LazyLock::new(|| {
        let engines = crate::collectors::registry::ENGINES.iter().flat_map(|e| e.alert_templates.iter());
        engines.chain(catalogue::ANY.iter()).copied().collect()
    });
pub use engine::AlertEngine;
pub use rule::{
    Condition, Direction, Hysteresis, Rule, Scope, SessionField, Thresholds, format_number, parse_duration,
};
pub use template::{TemplateError, parse as parse_template};

use crate::config::Config;
use std::path::Path;

/// The embedded catalogue, then every `*.yaml`/`*.yml` file of `extra_dir` (sorted by
/// name): a rule with a known code replaces the embedded one, others are added. Invalid
/// templates are skipped and reported; this never fails as a whole.
pub fn load_rules(extra_dir: Option<&Path>) -> (Vec<Rule>, Vec<TemplateError>) {
    let mut rules: Vec<Rule> = Vec::new();
    let mut errors = Vec::new();
    let mut add = |result: Result<Rule, TemplateError>, rules: &mut Vec<Rule>| match result {
        Ok(rule) => match rules.iter_mut().find(|r| r.code == rule.code) {
            // A file may replace an embedded rule (documented); two files with one code
            // would leave one silently unused.
            Some(existing) if !existing.source.starts_with("embedded:") => {
                let (line, column) = code_position(&rule);
                errors.push(TemplateError {
                    path: rule.source.clone(),
                    line,
                    column,
                    field: "code".to_owned(),
                    message: format!(
                        "`{}` is already defined in {}; give each rule its own code",
                        rule.code, existing.source
                    ),
                });
            }
            Some(existing) => *existing = rule,
            None => rules.push(rule),
        },
        Err(e) => errors.push(e),
    };
    for (name, text) in EMBEDDED.iter() {
        add(template::parse(&format!("embedded:{name}"), text), &mut rules);
    }
    if let Some(dir) = extra_dir {
        for (path, text) in read_dir(dir) {
            let shown = path.display().to_string();
            match text {
                Ok(text) => add(template::parse(&shown, &text), &mut rules),
                Err(message) => add(
                    Err(TemplateError { path: shown, line: 1, column: 1, field: String::new(), message }),
                    &mut rules,
                ),
            }
        }
    }
    (rules, errors)
}

/// Where `code:` is written in the rule's file (1:1 when it cannot be read again).
fn code_position(rule: &Rule) -> (u64, u64) {
    let text = std::fs::read_to_string(&rule.source).unwrap_or_default();
    let line = text.lines().position(|l| l.starts_with("code:")).map_or(1, |n| n as u64 + 1);
    (line, 1)
}

type FileText = (std::path::PathBuf, Result<String, String>);

fn read_dir(dir: &Path) -> Vec<FileText> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => return vec![(dir.to_path_buf(), Err(format!("cannot read the templates directory: {e}")))],
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read(&p)
                .map_err(|e| format!("cannot read: {e}"))
                .and_then(|bytes| String::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_owned()));
            (p, text)
        })
        .collect()
}

/// Warnings for overrides naming rules that do not exist (the config parser cannot know
/// the rule codes).
pub fn check_overrides(config: &Config, rules: &[Rule]) -> Vec<String> {
    let mut warnings = Vec::new();
    let known = |code: &str| rules.iter().any(|r| r.code == code);
    for (target, overrides) in &config.alerts.targets {
        for code in overrides.disable.iter().filter(|c| !known(c)) {
            warnings.push(format!("targets.{target}.alerts.disable: no alert rule `{code}`"));
        }
        for code in overrides.thresholds.keys().filter(|c| !known(c)) {
            warnings.push(format!("targets.{target}.alerts.thresholds: no alert rule `{code}`"));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_naming_unknown_rules_are_warned_about() {
        let text = "[targets.db]\ndb_engine = \"postgresql\"\ndb_host = \"h\"\ndb_port = 5432\n\
                    [targets.db.alerts]\ndisable = [\"pg.deadlocks\", \"pg.nope\"]\n\
                    [targets.db.alerts.thresholds.\"pg.typo\"]\nhigh = 1\n";
        let config = crate::config::parse_str(text, Path::new("a.toml")).unwrap();
        let (rules, errors) = load_rules(None);
        assert!(errors.is_empty());
        let warnings = check_overrides(&config, &rules);
        assert_eq!(
            warnings,
            [
                "targets.db.alerts.disable: no alert rule `pg.nope`",
                "targets.db.alerts.thresholds: no alert rule `pg.typo`"
            ]
        );
    }

    #[test]
    fn a_missing_directory_is_an_error_not_a_failure() {
        let (rules, errors) = load_rules(Some(Path::new("/nonexistent/logstag-templates")));
        assert_eq!(rules.len(), EMBEDDED.len());
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with("/nonexistent/logstag-templates:1:1: cannot read"));
    }

    #[test]
    fn the_same_code_in_two_files_is_an_error_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let (_, deadlocks) = EMBEDDED.iter().find(|(n, _)| n.ends_with("deadlocks.yaml")).unwrap();
        let mine = deadlocks.replace("code: pg.deadlocks", "code: my.deadlocks");
        std::fs::write(dir.path().join("a.yaml"), &mine).unwrap();
        std::fs::write(dir.path().join("b.yaml"), &mine).unwrap();
        let (rules, errors) = load_rules(Some(dir.path()));
        assert_eq!(errors.len(), 1, "{errors:?}");
        let text = errors[0].to_string();
        assert!(
            text.contains("b.yaml") && text.contains("a.yaml") && text.contains("my.deadlocks"),
            "{text}"
        );
        assert!(text.contains("code"), "{text}");
        assert_eq!(rules.iter().filter(|r| r.code == "my.deadlocks").count(), 1);
        // Replacing an embedded rule from the directory stays allowed (documented).
        std::fs::write(dir.path().join("b.yaml"), deadlocks).unwrap();
        let (_, errors) = load_rules(Some(dir.path()));
        assert!(errors.is_empty(), "{errors:?}");
    }
}
