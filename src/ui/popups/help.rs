//! The help overlay, generated from the keymap so it always tells the truth.

use super::super::app::App;
use super::super::keymap::{self, Context};
use crate::model::Session;
use ratatui::text::{Line, Span};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        "Logstag is read-only: no key changes anything on a server.",
        theme.info(),
    ))];
    let mut current: Option<Context> = None;
    for (context, keys, label) in entries(app, &help_contexts(app)) {
        if current != Some(context) {
            lines.push(Line::from(""));
            lines.push(Line::from(Span::styled(context.title().to_owned(), theme.header())));
            current = Some(context);
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<22}"), theme.title()),
            Span::styled(label, theme.text()),
        ]));
    }
    lines
}

/// The keymap's description of `contexts`, in the current target's words.
pub fn entries(app: &App, contexts: &[Context]) -> Vec<(Context, String, String)> {
    let words = Words::of(app);
    keymap::describe(contexts).into_iter().map(|(c, keys, label)| (c, keys, words.fill(label))).collect()
}

/// The engine's own words for the keymap's placeholders: `{sessions}`, and `{cancel}` /
/// `{terminate}` for the statements the session detail offers to copy.
struct Words {
    sessions: &'static str,
    cancel: String,
    terminate: String,
}

impl Words {
    fn of(app: &App) -> Self {
        let engine = app.current().map_or(crate::collectors::registry::ENGINES[0], |t| t.engine);
        // A sample id, shown as a placeholder: the DBA sees the statement's shape.
        let shape =
            |statement: fn(&Session) -> String| statement(&Session::with_id(12_345)).replace("12345", "<id>");
        Words {
            sessions: engine.present.nouns.sessions,
            cancel: shape(engine.cancel),
            terminate: shape(engine.terminate),
        }
    }

    fn fill(&self, label: &str) -> String {
        label
            .replace("{sessions}", self.sessions)
            .replace("{cancel}", &self.cancel)
            .replace("{terminate}", &self.terminate)
    }
}

/// The view under the overlay, plus what its keys open (filter input, detail).
pub fn help_contexts(app: &App) -> Vec<Context> {
    let mut contexts = app.view_contexts();
    if contexts.contains(&Context::Table) {
        contexts.push(Context::Filter);
        contexts.push(Context::Detail);
        contexts.push(Context::Plannable);
        contexts.push(Context::PlanView);
    }
    if contexts.contains(&Context::Schema) || contexts.contains(&Context::Overview) {
        contexts.push(Context::Filter);
    }
    if contexts.contains(&Context::Activity) || contexts.contains(&Context::ActivityWithoutTree) {
        contexts.push(Context::SessionDetail);
    }
    if contexts.contains(&Context::Alerts) {
        contexts.push(Context::AlertDetail);
    }
    contexts.push(Context::AlertPopup);
    contexts.push(Context::HistoryView);
    contexts.push(Context::TimeInput);
    contexts.push(Context::Jump);
    contexts
}
