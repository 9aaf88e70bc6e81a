//! Hostile server-supplied names on screen: the one sanitiser's last pass
//! (`layout::neutralise`) leaves no control or bidirectional character in any cell.

use super::render::screen_text;
use super::schema::{schema_app, snapshot};
use crate::model::{Sample, SampleBody, TargetId, Tier, Timestamp};
use crate::ui::UiUpdate;
use std::sync::Arc;

#[test]
fn a_hostile_table_name_reaches_no_cell_raw() {
    let mut app = schema_app();
    let mut s = snapshot();
    s.databases[0].schemas[0].tables[0].name = "evil\u{1b}]0;owned\u{7}\u{1b}[2J\u{202E}gpj.exe".into();
    s.databases[0].skipped = vec!["public.\u{202E}x".into()];
    let target = app.current().map_or(TargetId("prod-pg".into()), |t| t.info.id.clone());
    let sample = Sample { target, tier: Tier::Schema, taken_at: Timestamp(0), body: SampleBody::Schema(s) };
    app.update(UiUpdate::Round(Arc::new(vec![sample])));
    let screen = screen_text(&app, 160, 30);
    assert!(screen.contains("gpj.exe"), "{screen}");
    // Rows are joined with newlines by `screen_text`; nothing else may be a control.
    assert!(!screen.chars().any(|c| c != '\n' && crate::sanitize::is_unsafe(c)), "{screen:?}");
}
