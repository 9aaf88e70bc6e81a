//! Alerts: not built yet. Says plainly what will be here, and shows no invented data.

use super::super::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    super::placeholder(
        frame,
        area,
        app,
        "Alerts",
        &[
            "Not built yet.",
            "",
            "This tab will list open and resolved alerts of every target: severity,",
            "rule, value, when it fired, and its history, evaluated from alert templates",
            "against the metrics Logstag already collects.",
        ],
    );
}
