//! Schema: not built yet. Says plainly what will be here, and shows no invented data.

use super::super::app::App;
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    super::placeholder(
        frame,
        area,
        app,
        "Schema",
        &[
            "Not built yet.",
            "",
            "This tab will show the schema inventory of the selected target (schema tier):",
            "databases → schemas → tables and indexes with their sizes, object counts,",
            "and the structural changes between two inventories.",
        ],
    );
}
