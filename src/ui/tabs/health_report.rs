//! The health check report of the selected target: scores, checks, and the check popup.

use super::super::app::App;
use super::super::dashboard::TargetView;
use crate::health::{report::status_label, score};
use crate::model::{CheckStatus, HealthReport};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

fn score_style(app: &App, score: Option<f64>) -> Style {
    match score {
        Some(s) if s >= 80.0 => app.theme.ok(),
        Some(s) if s >= 60.0 => app.theme.warn(),
        Some(_) => app.theme.critical(),
        None => app.theme.muted(),
    }
}

fn status_style(app: &App, s: &CheckStatus) -> Style {
    match s {
        CheckStatus::Healthy => app.theme.ok(),
        CheckStatus::Attention => app.theme.warn(),
        CheckStatus::Critical => app.theme.critical(),
        CheckStatus::NotEvaluated(_) => app.theme.muted(),
    }
}

fn marker(s: &CheckStatus) -> &'static str {
    match s {
        CheckStatus::Healthy => "ok  ",
        CheckStatus::Attention => "ATTN",
        CheckStatus::Critical => "CRIT",
        CheckStatus::NotEvaluated(_) => "n/e ",
    }
}

fn score_line<'a>(app: &App, label: &str, score: Option<f64>, bar_width: usize) -> Line<'a> {
    let style = score_style(app, score);
    let filled = score.map_or(0, |s| ((s / 100.0) * bar_width as f64).round() as usize).min(bar_width);
    Line::from(vec![
        Span::styled(format!("{label:<13} "), app.theme.text()),
        Span::styled("█".repeat(filled), style),
        Span::styled("░".repeat(bar_width - filled), app.theme.muted()),
        Span::styled(format!(" {:>3}", score.map_or("n/a".to_owned(), |s| format!("{s:.0}"))), style),
    ])
}

fn block(app: &App, title: &str) -> Block<'static> {
    Block::bordered()
        .title(Span::styled(title.to_owned(), app.theme.title()))
        .border_style(app.theme.border(false))
}

pub fn render_scores(frame: &mut Frame, area: Rect, app: &App, t: &TargetView) {
    let Some(report) = &t.health_report else {
        let waiting = Line::from(Span::styled("waiting for the first samples…", app.theme.muted()));
        frame.render_widget(
            Paragraph::new(waiting).wrap(Wrap { trim: false }).block(block(app, " Health score ")),
            area,
        );
        return;
    };
    let bar = usize::from(area.width.saturating_sub(2 + 14 + 4)).min(20);
    let mut lines = vec![score_line(app, score::verdict(report.overall), report.overall, bar)];
    lines.extend(report.areas.iter().map(|a| score_line(app, a.area.label(), a.score, bar)));
    frame.render_widget(Paragraph::new(lines).block(block(app, " Health score ")), area);
}

pub fn render_checks(frame: &mut Frame, area: Rect, app: &App, t: &TargetView) {
    let Some(report) = &t.health_report else {
        frame.render_widget(block(app, " Checks "), area);
        return;
    };
    let height = usize::from(area.height.saturating_sub(2));
    let first = app.views.health_list.window(height, report.checks.len());
    let selected = app.views.health_list.selected.min(report.checks.len().saturating_sub(1));
    let lines: Vec<Line> = report
        .checks
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, c)| {
            // The area is named on the first row of its group only.
            let group = if i == 0 || report.checks[i - 1].area != c.area { c.area.label() } else { "" };
            let mut line = Line::from(vec![
                Span::styled(format!("{group:<13} "), app.theme.header()),
                Span::styled(marker(&c.status), status_style(app, &c.status)),
                Span::styled(format!(" {}: ", c.name), app.theme.text()),
                Span::styled(c.evidence.clone(), app.theme.muted()),
            ]);
            if i == selected {
                line = line.style(app.theme.selection());
            }
            line
        })
        .collect();
    let title = format!(" Checks ({}) · Enter: why and action ", report.checks.len());
    frame.render_widget(Paragraph::new(lines).block(block(app, &title)), area);
}

/// Popup text: the check's status, evidence, why it matters and what to do.
pub fn check_lines(app: &App, index: usize) -> Vec<Line<'static>> {
    let report: Option<&HealthReport> = app.current().and_then(|t| t.health_report.as_ref());
    let Some(c) = report.and_then(|r| r.checks.get(index)) else {
        return vec![Line::from(Span::styled("no such check (the report changed)", app.theme.muted()))];
    };
    let field = |name: &str, value: String, style: Style| {
        Line::from(vec![Span::styled(format!("{name:<9}"), app.theme.header()), Span::styled(value, style)])
    };
    let mut lines = vec![
        field("check", format!("{} ({})", c.name, c.id), app.theme.text()),
        field("area", c.area.label().to_owned(), app.theme.text()),
        field("status", status_label(&c.status).to_owned(), status_style(app, &c.status)),
        field("evidence", c.evidence.clone(), app.theme.text()),
        Line::from(""),
        field("why", c.why.clone(), app.theme.text()),
        Line::from(""),
        field("action", c.action.clone(), app.theme.text()),
    ];
    if let CheckStatus::NotEvaluated(reason) = &c.status {
        lines.insert(4, field("gap", reason.clone(), app.theme.muted()));
    }
    lines
}
