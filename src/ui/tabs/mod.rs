//! The six tabs as an enum: dispatch is an exhaustive `match`, no trait objects.

pub mod activity;
pub mod alerts;
pub mod health;
mod health_report;
mod keyspace;
pub mod overview;
mod overview_charts;
pub mod queries;
mod queries_compare;
pub mod schema;
mod schema_detail;
mod slowlog;

use super::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    Overview,
    Activity,
    Queries,
    Schema,
    Alerts,
    Health,
}

impl Tab {
    pub const ALL: [Tab; 6] =
        [Tab::Overview, Tab::Activity, Tab::Queries, Tab::Schema, Tab::Alerts, Tab::Health];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Activity => "Activity",
            Tab::Queries => "Queries",
            Tab::Schema => "Schema",
            Tab::Alerts => "Alerts",
            Tab::Health => "Health",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }

    /// Whether the tab shows a selectable list (enables the List keys).
    pub fn has_list(self) -> bool {
        matches!(self, Tab::Overview | Tab::Activity | Tab::Queries | Tab::Schema | Tab::Alerts | Tab::Health)
    }

    /// Whether the list can be sorted, filtered and opened (enables the Table keys).
    pub fn has_table(self) -> bool {
        matches!(self, Tab::Activity | Tab::Queries)
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    match app.tab {
        Tab::Overview => overview::render(frame, area, app),
        Tab::Activity => activity::render(frame, area, app),
        Tab::Queries => queries::render(frame, area, app),
        Tab::Schema => schema::render(frame, area, app),
        Tab::Alerts => alerts::render(frame, area, app),
        Tab::Health => health::render(frame, area, app),
    }
}

/// Why a tab is empty: the history view has no sample of that moment, the target is
/// down (say why, loudly) or the first sample is pending.
fn no_data<'a>(
    app: &App,
    target: &'a super::dashboard::TargetView,
    kind: &str,
    what: &str,
) -> ratatui::widgets::Paragraph<'a> {
    use ratatui::text::{Line, Span};
    let theme = &app.theme;
    let travel = app.time.travel.as_ref();
    let lines = match (travel, target.last_error()) {
        (Some(t), _) if t.waiting.is_some() => {
            vec![Line::from(Span::styled(format!(" reading the {what} of that moment…"), theme.muted()))]
        }
        (Some(_), _) => vec![Line::from(Span::styled(
            format!(" no {what} recorded at or before that moment ({kind})"),
            theme.warn(),
        ))],
        (None, error) => match error {
            Some(error) if target.status_label() == "DOWN" => vec![
                Line::from(Span::styled(
                    format!(" {} is DOWN: no {what} to show.", target.info.id),
                    theme.critical(),
                )),
                Line::from(Span::styled(format!(" {error}"), theme.critical())),
            ],
            _ => vec![Line::from(Span::styled(
                format!(" waiting for the first {what} sample of this target…"),
                theme.muted(),
            ))],
        },
    };
    ratatui::widgets::Paragraph::new(lines).wrap(ratatui::widgets::Wrap { trim: false })
}
