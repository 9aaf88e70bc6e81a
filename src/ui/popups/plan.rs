//! The plan popup: what was planned and when, then the operator tree, one node a line
//! with its estimated `cost=startup..total rows=n width=w` and its conditions beneath.
//! The left column is each node's own share of the estimated cost, so the costly part of
//! the plan is found at a glance (and without colour). Every text from the server goes
//! through the one sanitiser.

use super::super::app::App;
use super::super::format;
use super::super::plan::{PlanState, PlanView};
use super::super::theme::Theme;
use crate::model::{FlatNode, Plan, PlanNode};
use crate::sanitize;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// A node whose own share is at least this is marked as costly (besides the costliest).
const COSTLY_SHARE: f64 = 0.2;

/// What a piece of a plan line is, for its style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Share { costliest: bool, costly: bool },
    Tree,
    Label,
    Operator { costliest: bool },
    Estimate,
    DetailName,
    DetailValue,
}

type PlanLine = Vec<(String, Part)>;

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let Some(view) = &app.popups.plan else {
        return vec![Line::from(Span::styled("No plan asked for.", theme.muted()))];
    };
    let mut out = heading(view, theme);
    match &view.state {
        PlanState::Planning => out.push(Line::from(Span::styled("planning…", theme.info()))),
        PlanState::Refused(message) => {
            out.push(Line::from(Span::styled(sanitize::text(message).into_owned(), theme.warn())));
        }
        PlanState::Planned(plan) => {
            for note in &plan.notes {
                out.push(Line::from(Span::styled(sanitize::line(note).into_owned(), theme.info())));
            }
            let flat = plan.flatten();
            if let Some(costliest) = plan.costliest().and_then(|i| flat.get(i)) {
                out.push(Line::from(vec![
                    Span::styled("costliest: ", theme.muted()),
                    Span::styled(title(costliest.node), theme.critical()),
                    Span::styled(
                        format!(" ({} of the estimated cost)", percent(costliest.share)),
                        theme.muted(),
                    ),
                ]));
            }
            out.push(Line::from(""));
            out.push(Line::from(vec![
                Span::styled("own  operator", theme.header()),
                Span::styled(
                    "   own: the node's share of the estimated cost, its inputs left out",
                    theme.muted(),
                ),
            ]));
            out.extend(tree(plan).into_iter().map(|line| styled(line, theme)));
        }
    }
    out
}

/// Who and what was planned, and when: a plan is of the moment it was asked.
fn heading(view: &PlanView, theme: &Theme) -> Vec<Line<'static>> {
    let database = sanitize::line(&view.request.database).into_owned();
    let mut when =
        vec![Span::styled(format!("planned now ({} UTC)", format::clock(view.asked_at_ms)), theme.info())];
    if let Some(paused) = view.paused_at_ms {
        when.push(Span::styled(
            format!(" · not at {}, the paused instant on screen", format::clock(paused)),
            theme.warn(),
        ));
    }
    let mut first = vec![
        Span::styled(format!("{} ", sanitize::line(&view.subject)), theme.header()),
        Span::styled(format!("in database {database} · "), theme.text()),
    ];
    first.extend(when);
    let text = sanitize::line(&format::one_line(&view.request.text)).into_owned();
    vec![
        Line::from(first),
        Line::from(Span::styled(text, theme.muted())),
        Line::from(Span::styled(
            "EXPLAIN without ANALYZE: the statement is planned, never run.",
            theme.muted(),
        )),
        Line::from(""),
    ]
}

/// The tree, one `PlanLine` per node and per detail.
fn tree(plan: &Plan) -> Vec<PlanLine> {
    let flat = plan.flatten();
    let costliest = plan.costliest();
    let mut out = Vec::with_capacity(flat.len() * 2);
    for (i, f) in flat.iter().enumerate() {
        let is_costliest = costliest == Some(i);
        out.push(node_line(f, is_costliest));
        let below = detail_prefix(f);
        for (name, value) in &f.node.details {
            out.push(vec![
                ("     ".to_owned(), Part::Tree),
                (below.clone(), Part::Tree),
                (format!("{}: ", sanitize::line(name)), Part::DetailName),
                (sanitize::line(value).into_owned(), Part::DetailValue),
            ]);
        }
    }
    out
}

fn node_line(f: &FlatNode<'_>, costliest: bool) -> PlanLine {
    let mut branch = String::new();
    if let Some((own, ancestors)) = f.rails.split_last() {
        for &rail in ancestors {
            branch.push_str(if rail { "│  " } else { "   " });
        }
        branch.push_str(if *own { "├─ " } else { "└─ " });
    }
    let costly = f.share >= COSTLY_SHARE;
    let mut line =
        vec![(format!("{:>4} ", percent(f.share)), Part::Share { costliest, costly }), (branch, Part::Tree)];
    if let Some(label) = &f.node.label {
        line.push((format!("{} → ", sanitize::line(label)), Part::Label));
    }
    line.push((title(f.node), Part::Operator { costliest }));
    line.push((format!("  {}", estimate(f.node)), Part::Estimate));
    line
}

/// Under a node: its own rail continues, then its children's, then the text.
fn detail_prefix(f: &FlatNode<'_>) -> String {
    let mut prefix: String = f.rails.iter().map(|&rail| if rail { "│  " } else { "   " }).collect();
    prefix.push_str(if f.node.children.is_empty() { "  " } else { "│ " });
    prefix
}

/// "Index Scan using orders_pkey on orders o", "Hash Join", "Bitmap Index Scan on idx".
fn title(node: &PlanNode) -> String {
    let mut title = sanitize::line(&node.operator).into_owned();
    if let Some(join) = node.join_type.as_deref().filter(|j| *j != "Inner" && !node.operator.contains(j)) {
        title.push_str(&format!(" ({} join)", sanitize::line(join)));
    }
    match (&node.index, &node.relation) {
        (Some(index), Some(relation)) => {
            title.push_str(&format!(" using {} on {}", sanitize::line(index), sanitize::line(relation)));
        }
        (Some(only), None) | (None, Some(only)) => title.push_str(&format!(" on {}", sanitize::line(only))),
        (None, None) => {}
    }
    title
}

/// `cost=0.00..155.00 rows=10000 width=32`, a `?` for what the engine did not say.
fn estimate(node: &PlanNode) -> String {
    let number = |v: Option<f64>, decimals: usize| match v {
        Some(v) if v.abs() < 1e12 => format!("{v:.decimals$}"),
        Some(v) => format!("{v:.3e}"),
        None => "?".to_owned(),
    };
    let width = node.width.map_or_else(|| "?".to_owned(), |w| w.to_string());
    format!(
        "cost={}..{} rows={} width={width}",
        number(node.startup_cost, 2),
        number(node.total_cost, 2),
        number(node.rows, 0)
    )
}

fn percent(share: f64) -> String {
    match share * 100.0 {
        p if p > 0.0 && p < 0.5 => "<1%".to_owned(),
        p => format!("{p:.0}%"),
    }
}

fn styled(line: PlanLine, theme: &Theme) -> Line<'static> {
    let spans: Vec<Span<'static>> = line
        .into_iter()
        .map(|(text, part)| {
            let style: Style = match part {
                Part::Share { costliest: true, .. } => theme.critical().add_modifier(Modifier::BOLD),
                Part::Share { costly: true, .. } => theme.warn(),
                Part::Share { .. } | Part::Tree | Part::Estimate | Part::DetailName => theme.muted(),
                Part::Label => theme.info(),
                Part::Operator { costliest: true } => theme.critical().add_modifier(Modifier::BOLD),
                Part::Operator { .. } => theme.title(),
                Part::DetailValue => theme.text(),
            };
            Span::styled(text, style)
        })
        .collect();
    Line::from(spans)
}

/// The tree as plain text (for the clipboard): the same lines, without styles.
pub fn plain_text(plan: &Plan) -> String {
    let mut text: String = plan.notes.iter().map(|n| format!("{}\n", sanitize::line(n))).collect();
    for line in tree(plan) {
        let joined: String = line.into_iter().map(|(t, _)| t).collect();
        text.push_str(joined.trim_end());
        text.push('\n');
    }
    text
}

#[cfg(test)]
#[path = "plan_tests.rs"]
pub(crate) mod tests;
