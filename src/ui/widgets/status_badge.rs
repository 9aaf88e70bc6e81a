//! The UP / DOWN / DEGRADED / CONNECTING badge, coloured by severity.

use super::super::theme::Theme;
use ratatui::style::{Modifier, Style};
use ratatui::text::Span;

pub fn style(label: &str, theme: &Theme) -> Style {
    let base = match label {
        "UP" => theme.ok(),
        "DEGRADED" => theme.warn(),
        "DOWN" => theme.critical(),
        _ => theme.info(),
    };
    base.add_modifier(Modifier::BOLD)
}

pub fn badge(label: &str, theme: &Theme) -> Span<'static> {
    Span::styled(format!("[{label}]"), style(label, theme))
}
