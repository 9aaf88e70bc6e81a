//! Alert popups: the notification of a newly fired alert (bottom right, never taking
//! keys but Esc), and the detail of one alert with its rule's explanation.

use super::super::alerts::AlertKey;
use super::super::app::App;
use super::super::app_alerts::distinct_rules;
use super::super::format;
use super::super::theme::Theme;
use crate::model::{AlertEvent, Severity};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

/// Critical and High use the critical role, Medium and Low warn, the rest info.
pub fn severity_style(severity: Severity, theme: &Theme) -> Style {
    match severity {
        Severity::Critical | Severity::High => theme.critical(),
        Severity::Medium | Severity::Low => theme.warn(),
        Severity::Info | Severity::BestPractice => theme.info(),
    }
}

/// A reading as the rule sees it: "-" for no value, integers without decimals.
pub fn value(v: f64) -> String {
    if !v.is_finite() {
        "-".into()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

pub fn since(app: &App, at: crate::model::Timestamp) -> String {
    let age = u64::try_from(app.time.now_ms - at.millis()).unwrap_or(0);
    format!("{} UTC ({} ago)", format::clock(at.millis()), format::duration_ms(age))
}

/// The oldest unread notification, in the bottom-right corner of the body, together with
/// every other unread one of the same rule (the same alert on several targets).
pub fn render_notification(frame: &mut Frame, body: Rect, app: &App) {
    let Some(event) = app.popups.alerts.front() else { return };
    let theme = &app.theme;
    let width = body.width.min(64);
    let height = body.height.min(7);
    if width < 10 || height < 3 {
        return;
    }
    let area = Rect { x: body.x + body.width - width, y: body.y + body.height - height, width, height };
    let style = severity_style(event.severity, theme);
    let same_rule: Vec<&AlertEvent> = app.popups.alerts.iter().filter(|e| e.rule == event.rule).collect();
    let rules = distinct_rules(app.popups.alerts.iter());
    let title = format!(" ALERT {} · 1 of {rules} ", event.severity.label().to_uppercase());
    let block = Block::bordered()
        .title(Span::styled(title, style.add_modifier(Modifier::BOLD)))
        .title_bottom(Span::styled(" Esc dismisses · 5 Alerts ", theme.muted()))
        .border_style(style);
    let lines = match same_rule.as_slice() {
        [_, _, ..] => {
            let mut targets: Vec<String> = same_rule.iter().map(|e| e.target.to_string()).collect();
            targets.sort();
            targets.dedup();
            vec![
                Line::from(vec![
                    Span::styled(event.name.clone(), style),
                    Span::styled(format!(" on {} targets", targets.len()), theme.header()),
                ]),
                Line::from(Span::styled(targets.join(", "), theme.text())),
                Line::from(Span::styled(format!("first: {}", event.message), theme.muted())),
            ]
        }
        _ => vec![
            Line::from(vec![
                Span::styled(event.target.to_string(), theme.header()),
                Span::styled(" · ", theme.muted()),
                Span::styled(event.name.clone(), style),
                Span::styled(key_suffix(event), theme.text()),
            ]),
            Line::from(Span::styled(event.message.clone(), theme.text())),
            Line::from(Span::styled(format!("since {}", since(app, event.first_seen)), theme.muted())),
        ],
    };
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

fn key_suffix(event: &AlertEvent) -> String {
    if event.key.is_empty() { String::new() } else { format!(" [{}]", event.key) }
}

pub fn detail_lines(app: &App, key: &AlertKey) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let book = &app.dashboard.alerts;
    let Some(active) = book.active.get(key) else {
        return vec![Line::from(Span::styled(
            format!("{} on {} has resolved; see the history in the Alerts tab.", key.1, key.0),
            theme.ok(),
        ))];
    };
    let e = &active.event;
    let style = severity_style(e.severity, theme);
    let field = |label: &str, text: String| {
        Line::from(vec![
            Span::styled(format!("{label:<12}"), theme.header()),
            Span::styled(text, theme.text()),
        ])
    };
    let mut marks = Vec::new();
    if active.acked {
        marks.push("acknowledged");
    }
    if book.is_muted(&e.target, &e.rule) {
        marks.push("muted");
    }
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("{} ", e.severity.label()), style.add_modifier(Modifier::BOLD)),
            Span::styled(format!("{}{}", e.name, key_suffix(e)), theme.title()),
            Span::styled(format!("  {}", marks.join(", ")), theme.muted()),
        ]),
        Line::from(Span::styled(e.message.clone(), theme.text())),
        Line::from(""),
        field("Target", e.target.to_string()),
        field("Rule", format!("{} ({:?})", e.rule, e.category)),
        field("Value", format!("{} (threshold {})", value(e.value), value(e.threshold))),
        field("First seen", since(app, e.first_seen)),
        field("Last seen", since(app, e.last_seen)),
        field("Count", e.count.to_string()),
        field("Event at", format!("{} UTC (J shows that moment)", format::clock(e.at.millis()))),
    ];
    match book.rule(&e.rule) {
        Some(rule) => {
            let section = |title: &str| Line::from(Span::styled(title.to_owned(), theme.header()));
            lines.push(Line::from(""));
            lines.push(section("What it means"));
            lines.push(Line::from(Span::styled(rule.description.clone(), theme.text())));
            lines.push(section("Impact"));
            lines.push(Line::from(Span::styled(rule.impact.clone(), theme.text())));
            lines.push(section("Likely causes"));
            lines.extend(
                rule.causes.iter().map(|c| Line::from(Span::styled(format!(" • {c}"), theme.text()))),
            );
            lines.push(section("Recommended actions"));
            lines.extend(
                rule.actions.iter().map(|a| Line::from(Span::styled(format!(" • {a}"), theme.text()))),
            );
        }
        None => lines.push(Line::from(Span::styled("No explanation is known for this rule.", theme.muted()))),
    }
    lines
}
