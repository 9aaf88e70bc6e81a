//! The one-line filter prompt shown above a list while `/` is active or a filter is set.

use super::super::theme::Theme;
use ratatui::text::{Line, Span};

/// None when there is nothing to show (no filter, not editing).
pub fn line<'a>(
    filter: &'a str,
    editing: bool,
    matched: usize,
    total: usize,
    theme: &Theme,
) -> Option<Line<'a>> {
    if !editing && filter.is_empty() {
        return None;
    }
    let cursor = if editing { "█" } else { "" };
    let hint = if editing { "  (Enter keeps, Esc clears)" } else { "  (/ edits, Esc clears)" };
    Some(Line::from(vec![
        Span::styled(" filter: ", theme.header()),
        Span::styled(filter, theme.text()),
        Span::styled(cursor, theme.text()),
        Span::styled(format!("  {matched}/{total} rows"), theme.info()),
        Span::styled(hint, theme.muted()),
    ]))
}
