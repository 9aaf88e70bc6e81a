//! Render timing helpers for `benches/` (and a test): one full frame into a
//! `TestBackend`, so the TUI's CPU cost per frame can be printed and compared.

use super::UiUpdate;
use super::app::App;
use super::tabs::Tab;
use super::theme::Theme;
use crate::model::{
    ActivitySnapshot, Sample, SampleBody, Session, SessionState, TargetId, TargetInfo, Tier, Timestamp,
};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `count` plausible sessions, a few of them in a blocking chain.
pub fn sessions(count: usize) -> Vec<Session> {
    (0..count)
        .map(|i| {
            let id = 10_000 + i as i64;
            let state = SessionState::ALL[i % SessionState::ALL.len()];
            Session {
                id,
                user: format!("app_user{}", i % 17),
                database: format!("shop{}", i % 3),
                application: "checkout".into(),
                client: format!("10.0.{}.{}", i % 250, i % 200),
                state,
                native_state: state.label().to_lowercase(),
                wait: None,
                query: format!(
                    "SELECT * FROM orders WHERE customer_id = {i}\n  AND status = 'open' ORDER BY created_at"
                ),
                query_ms: Some((i as u64 * 7_919) % 600_000),
                xact_ms: Some((i as u64 * 104_729) % 900_000),
                backend_ms: Some(3_600_000),
                state_ms: Some(1_000),
                blocked_by: if i % 50 == 1 { vec![10_000] } else { Vec::new() },
                extra: Vec::new(),
            }
        })
        .collect()
}

/// An app on the Activity tab showing `sessions` of one target.
pub fn activity_app(sessions: Vec<Session>) -> App {
    let target = TargetId("bench".into());
    let info = TargetInfo {
        id: target.clone(),
        engine: "PostgreSQL".into(),
        endpoint: "bench".into(),
        tags: Vec::new(),
    };
    let mut app = App::new(vec![info], Theme::default(), Duration::from_secs(900));
    let sample = Sample {
        target,
        tier: Tier::High,
        taken_at: Timestamp(1_700_000_000_000),
        body: SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }),
    };
    app.update(UiUpdate::Round(Arc::new(vec![sample])));
    app.tab = Tab::Activity;
    app
}

/// Time to draw one Activity frame of `width`×`height` (sorting excluded: it happens on data arrival).
pub fn render_activity(width: u16, height: u16, sessions: Vec<Session>) -> Duration {
    let app = activity_app(sessions);
    render_frame(width, height, &app)
}

pub fn render_frame(width: u16, height: u16, app: &App) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|never| match never {});
    let start = Instant::now();
    let _ = super::draw(&mut terminal, app);
    start.elapsed()
}
