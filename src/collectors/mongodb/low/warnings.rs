//! `getLog: "startupWarnings"` → one posture fact per warning. Servers since 4.4 write
//! one structured JSON line per warning (`msg` plus `attr`); older ones wrote text lines
//! `… [initandlisten] ** WARNING: …` continued on `**          …` lines. Only the words
//! are kept, shortened: no timestamps, thread names or log ids.

use crate::collectors::mongodb::doc;
use crate::collectors::mongodb::health_checks::posture as p;
use crate::model::PostureFact;
use mongodb::bson::Document;

/// Enough for every warning a real server prints at once (typically 2–6).
pub const MAX_WARNINGS: usize = 20;
/// A warning's text is cut here (the longest ones repeat a URL and advice).
pub const MAX_CHARS: usize = 240;
const MAX_ATTR_CHARS: usize = 60;

/// The warnings, shortened, and a count fact (present even when there are none, so the
/// checks can tell "no warnings" from "not read").
pub fn parse(reply: &Document) -> Vec<PostureFact> {
    let lines: Vec<&str> = match doc::get(reply, "log") {
        Some(mongodb::bson::Bson::Array(items)) => items.iter().filter_map(|b| b.as_str()).collect(),
        _ => Vec::new(),
    };
    let mut warnings: Vec<String> = Vec::new();
    for line in lines {
        let line = line.trim();
        if line.starts_with('{') {
            if let Some(text) = structured(line) {
                warnings.push(text);
            }
            continue;
        }
        let body = line.split_once("] ").map_or(line, |(_, rest)| rest).trim();
        if let Some(text) = body.strip_prefix("** WARNING:") {
            warnings.push(text.trim().to_owned());
        } else if let Some(more) = body.strip_prefix("**")
            && let Some(last) = warnings.last_mut()
            && !more.trim().is_empty()
        {
            last.push(' ');
            last.push_str(more.trim());
        }
    }
    let total = warnings.len();
    let mut out: Vec<PostureFact> = warnings
        .into_iter()
        .take(MAX_WARNINGS)
        .enumerate()
        .map(|(n, text)| PostureFact {
            name: p::STARTUP_WARNING.into(),
            key: format!("{:02}", n + 1),
            value: shorten(&text, MAX_CHARS),
        })
        .collect();
    out.push(PostureFact { name: p::STARTUP_WARNINGS.into(), key: String::new(), value: total.to_string() });
    out
}

/// `msg (name=value, …)` of a structured log line; scalar attributes only.
fn structured(line: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    let msg = value.get("msg")?.as_str()?.trim().to_owned();
    let attrs: Vec<String> = value
        .get("attr")
        .and_then(|a| a.as_object())
        .map(|a| {
            a.iter()
                .filter_map(|(k, v)| match v {
                    serde_json::Value::String(s) => Some(format!("{k}={}", shorten(s, MAX_ATTR_CHARS))),
                    serde_json::Value::Number(n) => Some(format!("{k}={n}")),
                    serde_json::Value::Bool(b) => Some(format!("{k}={b}")),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Some(if attrs.is_empty() { msg } else { format!("{msg} ({})", attrs.join(", ")) })
}

fn shorten(text: &str, max: usize) -> String {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::doc::fixture;

    fn texts(facts: &[PostureFact]) -> Vec<String> {
        facts.iter().filter(|f| f.name == p::STARTUP_WARNING).map(|f| f.value.clone()).collect()
    }

    fn count(facts: &[PostureFact]) -> Option<&str> {
        facts.iter().find(|f| f.name == p::STARTUP_WARNINGS).map(|f| f.value.as_str())
    }

    #[test]
    fn legacy_text_lines_join_their_continuations() {
        let got = parse(&fixture("low_startupWarnings_text.json"));
        let t = texts(&got);
        assert_eq!(count(&got), Some("3"));
        assert_eq!(
            t[0],
            "Access control is not enabled for the database. Read and write access to data and configuration is unrestricted."
        );
        assert!(t[1].starts_with("You are running this process as the root user"), "{}", t[1]);
        assert!(
            t[2].contains("transparent_hugepage/enabled is 'always'")
                && t[2].contains("We suggest setting it to 'never'")
        );
        assert!(!t.iter().any(|w| w.contains("initandlisten") || w.contains("2020-")));
    }

    #[test]
    fn structured_lines_keep_msg_and_scalar_attributes() {
        let got = parse(&fixture("low_startupWarnings_6.0.json"));
        let t = texts(&got);
        assert_eq!(count(&got), Some("4"));
        assert!(t[0].starts_with("Access control is not enabled for the database"));
        assert_eq!(
            t[1],
            "vm.max_map_count is too low (currentValue=65530, recommendedMinimum=1677720, maxConns=838860)"
        );
        assert!(t[2].starts_with("Using the XFS filesystem is strongly recommended"));
        assert!(t[3].contains("transparent_hugepage"));
        assert!(t.iter().all(|w| w.chars().count() <= MAX_CHARS));
        assert!(!t.iter().any(|w| w.contains("initandlisten") || w.contains("22120")));
        assert_eq!(got.iter().find(|f| f.name == p::STARTUP_WARNING).map(|f| f.key.as_str()), Some("01"));
    }

    #[test]
    fn no_warnings_still_says_the_log_was_read_and_floods_are_capped() {
        let empty = parse(&mongodb::bson::doc! { "totalLinesWritten": 0, "log": [], "ok": 1 });
        assert_eq!(count(&empty), Some("0"));
        assert!(texts(&empty).is_empty());
        let line = r#"{"s":"W","c":"CONTROL","id":1,"msg":"warning","tags":["startupWarnings"]}"#;
        let flood: Vec<String> = (0..50).map(|_| line.to_owned()).collect();
        let many = parse(&mongodb::bson::doc! { "log": flood });
        assert_eq!(texts(&many).len(), MAX_WARNINGS);
        assert_eq!(count(&many), Some("50"));
        assert_eq!(shorten(&"x".repeat(300), 10).chars().count(), 10);
    }
}
