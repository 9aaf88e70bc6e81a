//! The help overlay, generated from the keymap so it always tells the truth.

use super::super::app::App;
use super::super::keymap::{self, Context};
use ratatui::text::{Line, Span};

pub fn lines(app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut lines = vec![Line::from(Span::styled(
        "Logstag is read-only: no key changes anything on a server.",
        theme.info(),
    ))];
    let mut current: Option<Context> = None;
    for (context, keys, label) in keymap::describe(&help_contexts(app)) {
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

/// The view under the overlay, plus what its keys open (filter input, detail).
pub fn help_contexts(app: &App) -> Vec<Context> {
    let mut contexts = app.view_contexts();
    if contexts.contains(&Context::Table) {
        contexts.push(Context::Filter);
        contexts.push(Context::Detail);
    }
    if contexts.contains(&Context::Schema) {
        contexts.push(Context::Filter);
    }
    if contexts.contains(&Context::Activity) || contexts.contains(&Context::Clients) {
        contexts.push(Context::SessionDetail);
    }
    if contexts.contains(&Context::Alerts) {
        contexts.push(Context::AlertDetail);
    }
    contexts.push(Context::AlertPopup);
    contexts.push(Context::HistoryView);
    contexts
}
