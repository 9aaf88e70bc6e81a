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

/// An app of one target "bench" on `tab`, fed with one sample of `body`.
fn app_with(tier: Tier, body: SampleBody, tab: Tab) -> App {
    let target = TargetId("bench".into());
    let info = TargetInfo {
        id: target.clone(),
        // Sessions with waits, blockers and transactions: the first engine's views.
        engine: crate::collectors::registry::ENGINES[0].name.into(),
        endpoint: "bench".into(),
        tags: Vec::new(),
    };
    let mut app = App::new(vec![info], Theme::default(), Duration::from_secs(900));
    let sample = Sample { target, tier, taken_at: Timestamp(1_700_000_000_000), body };
    app.update(UiUpdate::Round(Arc::new(vec![sample])));
    app.tab = tab;
    app
}

/// An app on the Activity tab showing `sessions` of one target.
pub fn activity_app(sessions: Vec<Session>) -> App {
    app_with(
        Tier::High,
        SampleBody::Activity(ActivitySnapshot { sessions, locks: Vec::new() }),
        Tab::Activity,
    )
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

/// A plausible schema of `n_tables` tables over two databases, with indexes, columns and flags.
pub fn schema_snapshot(n_tables: usize) -> crate::model::SchemaSnapshot {
    use crate::model::{ColumnInfo, DatabaseSchema, IndexInfo, SchemaInfo, SchemaSnapshot, TableInfo};
    let table = |i: usize| TableInfo {
        name: format!("table_{i:05}"),
        row_estimate: Some((i * 1_000) as f64),
        total_bytes: (i as u64 % 997 + 1) * 81_920,
        table_bytes: (i as u64 % 997 + 1) * 57_344,
        index_bytes: (i as u64 % 997 + 1) * 24_576,
        live_tuples: Some(i as u64 * 1_000),
        dead_tuples: Some(i as u64 * 30),
        last_autoanalyze_ms: Some(1_700_000_000_000 - (i as i64 % 200) * 86_400_000),
        has_primary_key: !i.is_multiple_of(41),
        columns: (0..6)
            .map(|c| ColumnInfo {
                name: format!("col_{c}"),
                data_type: "bigint".into(),
                ..Default::default()
            })
            .collect(),
        indexes: (0..3)
            .map(|x| IndexInfo {
                name: format!("table_{i:05}_idx{x}"),
                columns: vec![format!("col_{x}")],
                definition: format!("CREATE INDEX table_{i:05}_idx{x} ON table_{i:05} (col_{x})"),
                size_bytes: 8_192 * (x + 1),
                valid: true,
                unused: x == 2 && i.is_multiple_of(7),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let databases = (0..2)
        .map(|d| DatabaseSchema {
            name: format!("db{d}"),
            size_bytes: Some(1 << 33),
            schemas: vec![SchemaInfo {
                name: "public".into(),
                owner: "app".into(),
                tables: (0..n_tables).filter(|i| i % 2 == d).map(table).collect(),
                ..Default::default()
            }],
            ..Default::default()
        })
        .collect();
    SchemaSnapshot { databases }
}

/// An app on the Schema tab showing a snapshot of `n_tables` tables.
pub fn schema_app(n_tables: usize) -> App {
    app_with(Tier::Schema, SampleBody::Schema(schema_snapshot(n_tables)), Tab::Schema)
}
