//! Renderings of a `HealthReport`: terminal text, Markdown, JSON. Names and evidence
//! come from the server, so text and Markdown pass them through `crate::sanitize`;
//! JSON keeps them as they are (its escaping is exact).

use super::score;
use crate::model::{CheckResult, CheckStatus, HealthArea, HealthReport};
use crate::sanitize::{line, markdown_cell as md_cell};
use std::fmt::Write;

pub fn status_label(s: &CheckStatus) -> &'static str {
    match s {
        CheckStatus::Healthy => "OK",
        CheckStatus::Attention => "ATTENTION",
        CheckStatus::Critical => "CRITICAL",
        CheckStatus::NotEvaluated(_) => "NOT EVALUATED",
    }
}

fn score_text(s: Option<f64>) -> String {
    s.map_or("n/a".to_owned(), |s| format!("{s:.0}"))
}

fn checks_of(report: &HealthReport, area: HealthArea) -> impl Iterator<Item = &CheckResult> {
    report.checks.iter().filter(move |c| c.area == area)
}

fn findings_count(report: &HealthReport) -> (usize, usize, usize) {
    report.areas.iter().fold((0, 0, 0), |(a, c, n), s| (a + s.attention, c + s.critical, n + s.not_evaluated))
}

pub fn text(report: &HealthReport) -> String {
    let mut out = String::new();
    let (attention, critical, gaps) = findings_count(report);
    let _ = writeln!(
        out,
        "Health report for {}: overall {} ({}), {critical} critical, {attention} attention, {gaps} not evaluated",
        line(&report.target.0),
        score_text(report.overall),
        score::verdict(report.overall)
    );
    for area in &report.areas {
        let _ = writeln!(
            out,
            "\n{} {} (weight {}%): {} healthy, {} attention, {} critical, {} not evaluated",
            area.area.label(),
            score_text(area.score),
            area.area.weight(),
            area.healthy,
            area.attention,
            area.critical,
            area.not_evaluated
        );
        for c in checks_of(report, area.area) {
            let (name, evidence) = (line(&c.name), line(&c.evidence));
            let _ = writeln!(out, "  [{:<13}] {name}: {evidence}", status_label(&c.status));
            if matches!(c.status, CheckStatus::Attention | CheckStatus::Critical) {
                let _ = writeln!(out, "      why: {}", line(&c.why));
                let _ = writeln!(out, "      action: {}", line(&c.action));
            }
        }
    }
    out
}

pub fn markdown(report: &HealthReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Health report: {}\n", md_cell(&report.target.0));
    let _ = writeln!(
        out,
        "**Overall: {} ({})**\n\n| Area | Weight | Score | Healthy | Attention | Critical | Not evaluated |\n|---|---|---|---|---|---|---|",
        score_text(report.overall),
        score::verdict(report.overall)
    );
    for a in &report.areas {
        let _ = writeln!(
            out,
            "| {} | {}% | {} | {} | {} | {} | {} |",
            a.area.label(),
            a.area.weight(),
            score_text(a.score),
            a.healthy,
            a.attention,
            a.critical,
            a.not_evaluated
        );
    }
    for area in HealthArea::ALL {
        let _ = writeln!(
            out,
            "\n## {}\n\n| Status | Check | Evidence | Why | Action |\n|---|---|---|---|---|",
            area.label()
        );
        for c in checks_of(report, area) {
            let (why, action) = match c.status {
                CheckStatus::Attention | CheckStatus::Critical => (md_cell(&c.why), md_cell(&c.action)),
                _ => (String::new(), String::new()),
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {why} | {action} |",
                status_label(&c.status),
                md_cell(&c.name),
                md_cell(&c.evidence)
            );
        }
    }
    out
}

/// The report plus the verdict, so scripts need not recompute it.
pub fn json(reports: &[HealthReport]) -> serde_json::Result<String> {
    #[derive(serde::Serialize)]
    struct Out<'a> {
        #[serde(flatten)]
        report: &'a HealthReport,
        result: &'static str,
    }
    let out: Vec<Out<'_>> =
        reports.iter().map(|report| Out { report, result: score::verdict(report.overall) }).collect();
    serde_json::to_string_pretty(&out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TargetId, Timestamp};

    fn report() -> HealthReport {
        let checks = vec![
            CheckResult {
                id: "pg.a".into(),
                area: HealthArea::Security,
                name: "SSL".into(),
                status: CheckStatus::Critical,
                evidence: "ssl off | listening on *".into(),
                why: "plain text".into(),
                action: "turn ssl on".into(),
            },
            CheckResult {
                id: "pg.b".into(),
                area: HealthArea::Schema,
                name: "PK".into(),
                status: CheckStatus::NotEvaluated("schema tier has not run yet".into()),
                evidence: "not evaluated: schema tier has not run yet".into(),
                why: "w".into(),
                action: "a".into(),
            },
        ];
        let areas = score::areas(&checks);
        let overall = score::overall(&areas);
        HealthReport { target: TargetId("db1".into()), at: Timestamp(0), checks, areas, overall }
    }

    #[test]
    fn renderings_carry_scores_evidence_and_actions() {
        let r = report();
        let t = text(&r);
        assert!(t.contains("overall 0 (Unhealthy)"), "{t}");
        assert!(t.contains("[CRITICAL     ] SSL: ssl off"), "{t}");
        assert!(t.contains("action: turn ssl on"), "{t}");
        assert!(t.contains("Schema n/a"), "{t}");
        let m = markdown(&r);
        assert!(m.contains("ssl off \\| listening"), "{m}");
        assert!(m.contains("| Security | 25% | 0 |"), "{m}");
        let j: serde_json::Value = serde_json::from_str(&json(&[r]).unwrap()).unwrap();
        assert_eq!(j[0]["result"], "Unhealthy");
        assert_eq!(j[0]["checks"][1]["status"]["status"], "not_evaluated");
    }

    #[test]
    fn hostile_names_reach_text_and_markdown_neutralised_and_json_intact() {
        const HOSTILE: &str = "role \u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}x|`y`";
        let mut r = report();
        r.target = TargetId(HOSTILE.into());
        r.checks[0].evidence = format!("superuser {HOSTILE}");
        r.checks[0].action = HOSTILE.into();
        for out in [text(&r), markdown(&r)] {
            assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{202E}'), "{out}");
            assert!(out.contains("␛]0;owned␇␛[2J<U+202E>"), "{out}");
        }
        assert!(markdown(&r).contains("x\\|\\`y\\`"));
        let j: serde_json::Value = serde_json::from_str(&json(&[r]).unwrap()).unwrap();
        assert_eq!(j[0]["target"], HOSTILE);
    }
}
