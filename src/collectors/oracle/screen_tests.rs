//! What a DBA sees of an Oracle target: the collector's high and medium rounds, run
//! through the worker thread against replayed fixture rows, drawn by the real UI next to
//! nothing else. Activity shows SID, program, the wait event and the blocking chain,
//! the blocking tree roots it at the idle session holding the transaction, the session
//! detail gives the kill text with SID and SERIAL#, Queries ranks SQL_IDs, Overview has
//! the tiles, and every other tab draws without a panic at 80×24 and 200×50.

use super::replay::{Answer, Script};
use crate::collectors::Collector;
use crate::collectors::testing;
use crate::model::{Sample, SampleBody, TargetHealth, TargetId, TargetInfo, TargetStatus, Tier, Timestamp};
use crate::ui::UiUpdate;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::tabs::Tab;
use crate::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::sync::Arc;
use std::time::Duration;

pub(super) const TARGET: &str = "sales-ora";

pub(super) fn script() -> Script {
    use super::high::statements as high;
    let script = Script::new(19, "19.22.0.0.0");
    let rows = |tsv| vec![Answer::Rows(tsv)];
    script
        .on(high::SESSIONS, rows(include_str!("fixtures/high_sessions_19c.tsv")))
        .on(high::INSTANCE, rows(include_str!("fixtures/high_instance_19c.tsv")))
        .on(high::SYSMETRIC, rows(include_str!("fixtures/high_sysmetric.tsv")))
        .on(high::LOCKS, rows(include_str!("fixtures/high_locks.tsv")))
        .on(high::SQL_TEXTS, rows(include_str!("fixtures/high_sql_texts.tsv")))
        .on(high::OBJECT_NAMES, rows(include_str!("fixtures/high_objects.tsv")))
        .on(high::PLAN, rows(include_str!("fixtures/high_plan.tsv")));
    // The workload part's statements, in its STATEMENTS order.
    let w = super::medium::workload::STATEMENTS;
    let two = |a, b| vec![Answer::Rows(a), Answer::Rows(b)];
    script
        .on(
            w[0],
            two(
                include_str!("fixtures/workload_wait_classes_19c_1.tsv"),
                include_str!("fixtures/workload_wait_classes_19c_2.tsv"),
            ),
        )
        .on(
            w[1],
            two(
                include_str!("fixtures/workload_events_19c_1.tsv"),
                include_str!("fixtures/workload_events_19c_2.tsv"),
            ),
        )
        .on(
            w[2],
            two(
                include_str!("fixtures/workload_sysstat_19c_1.tsv"),
                include_str!("fixtures/workload_sysstat_19c_2.tsv"),
            ),
        )
        .on(w[3], rows(include_str!("fixtures/workload_top_sql_19c_1.tsv")))
        .on(w[4], rows(include_str!("fixtures/workload_top_sql_19c_2.tsv")))
        .on(w[5], rows(include_str!("fixtures/workload_sqlarea.tsv")));
    // The storage part, a primary with a failing archive destination (in STATEMENTS order).
    let s = super::medium::storage::STATEMENTS;
    script
        .on(s[0], rows(include_str!("fixtures/storage_database_primary_19c.tsv")))
        .on(s[1], rows(include_str!("fixtures/storage_tablespaces_19c.tsv")))
        .on(s[2], rows(include_str!("fixtures/storage_memory_19c.tsv")))
        .on(s[3], rows(include_str!("fixtures/storage_redo_19c.tsv")))
        .on(s[4], rows(include_str!("fixtures/storage_resource_limit_19c.tsv")))
        .on(s[5], rows(include_str!("fixtures/storage_recovery_area_19c.tsv")))
        .on(s[6], rows(include_str!("fixtures/storage_dg_stats_standby_19c.tsv")))
        .on(s[9], rows(include_str!("fixtures/storage_archive_dest_primary_19c.tsv")));
    // The low tier's backups and invalid objects.
    let l = super::low::STATEMENTS;
    script
        .on(l[5], rows(include_str!("fixtures/low_rman_summary_19c.tsv")))
        .on(l[12], rows(include_str!("fixtures/low_invalid_objects.tsv")));
    // The schema tier: owners SALES and HR (in its STATEMENTS order).
    let q = super::schema::STATEMENTS;
    script
        .on(q[0], rows("CON_NAME\tDB_NAME\nSALESPDB\tSALES\n"))
        .on(q[1], rows(include_str!("fixtures/schema_owners.tsv")))
        .on(q[2], rows(include_str!("fixtures/schema_tables.tsv")))
        .on(q[3], rows(include_str!("fixtures/schema_columns.tsv")))
        .on(q[4], rows(include_str!("fixtures/schema_indexes.tsv")))
        .on(q[5], rows(include_str!("fixtures/schema_index_columns.tsv")))
        .on(q[6], rows(include_str!("fixtures/schema_constraints.tsv")))
        .on(q[7], rows(include_str!("fixtures/schema_sequences.tsv")))
        .on(q[8], rows(include_str!("fixtures/schema_objects.tsv")))
        .on(q[9], rows(include_str!("fixtures/schema_segments.tsv")))
        .on(q[10], rows(include_str!("fixtures/schema_index_usage.tsv")));
    script
}

/// A high round, two medium rounds, a low and a schema round, as the scheduler hands them
/// on, and the health report computed from them.
pub(super) fn samples() -> Vec<Sample> {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut target = testing::unreachable_target(&super::spec::SPEC);
        target.name = TARGET.into();
        let mut c = script().collector(&target);
        let version = c.ensure_connected().await.unwrap();
        let mut out = vec![sample(
            Tier::High,
            SampleBody::Status(TargetHealth {
                status: TargetStatus::Up { version },
                at: Timestamp::now(),
                last_latency_ms: Some(12),
            }),
        )];
        for tier in [Tier::High, Tier::Medium, Tier::Medium, Tier::Low, Tier::Schema] {
            let collected = c.collect(tier).await.unwrap();
            out.extend(collected.bodies.into_iter().map(|body| sample(tier, body)));
        }
        // The health report, as the pipeline computes it from the newest samples.
        let input = crate::health::HealthInput::from_samples(&TargetId(TARGET.into()), &out);
        let report = crate::health::evaluate_with(super::health_checks::CHECKS, &input);
        out.push(sample(Tier::Low, SampleBody::Health(report)));
        out
    })
}

fn sample(tier: Tier, body: SampleBody) -> Sample {
    Sample { target: TargetId(TARGET.into()), tier, taken_at: Timestamp::now(), body }
}

fn app_on(tab: Tab) -> App {
    let info = TargetInfo {
        id: TargetId(TARGET.into()),
        engine: "Oracle".into(),
        endpoint: "logstag@db5:1521/SALESPDB".into(),
        tags: Vec::new(),
    };
    let mut app = App::new(vec![info], Theme::default(), Duration::from_secs(900));
    app.update(UiUpdate::Round(Arc::new(samples())));
    app.apply(Action::GoTab(tab));
    app
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    crate::ui::draw(&mut terminal, app).unwrap();
    terminal.backend().to_string()
}

#[test]
fn activity_shows_sessions_waits_and_the_blocking_chain() {
    let app = app_on(Tab::Activity);
    let text = screen(&app, 200, 50);
    for expected in ["SID", "Program", "enq: TX - row lock contention", "SQL_ID"] {
        assert!(text.contains(expected), "{expected} missing:\n{text}");
    }
    let mut tree = app_on(Tab::Activity);
    tree.apply(Action::ToggleBlocking);
    let text = screen(&tree, 200, 50);
    assert!(text.contains("Holding") && text.contains("Blocked"), "{text}");
    // The idle session holding the transaction is the root of the pair, and the chain of
    // three hangs from its head.
    let holds = |sid: &str| text.lines().any(|l| l.contains(&format!("│{sid} ")) && l.contains("Holding"));
    assert!(holds("301") && holds("410"), "{text}");
    assert!(text.contains("└ 302") && text.contains("└ 412"), "{text}");
}

#[test]
fn session_detail_offers_kill_text_with_sid_and_serial() {
    let mut app = app_on(Tab::Activity);
    app.apply(Action::Detail);
    let text = screen(&app, 200, 50);
    assert!(text.contains("ALTER SYSTEM KILL SESSION '"), "{text}");
    let kill = text.lines().find(|l| l.contains("KILL SESSION")).unwrap_or_default();
    assert!(kill.contains(',') && !kill.contains("<serial#>"), "{kill}");
}

#[test]
fn queries_rank_sql_ids_of_the_interval() {
    let text = screen(&app_on(Tab::Queries), 200, 50);
    assert!(text.contains("Top SQL over the interval"), "{text}");
    assert!(text.contains("Gets") && text.contains("SQL_ID"), "{text}");
}

#[test]
fn schema_shows_the_owners_and_health_the_report() {
    let mut app = app_on(Tab::Schema);
    let text = screen(&app, 200, 50);
    assert!(text.contains("SALESPDB"), "{text}");
    app.apply(Action::Expand);
    let text = screen(&app, 200, 50);
    assert!(text.contains("SALES") && text.contains("HR"), "{text}");
    let text = screen(&app_on(Tab::Health), 200, 50);
    for area in ["Security", "Configuration", "Performance", "Maintenance", "Schema"] {
        assert!(text.contains(area), "{area}:\n{text}");
    }
    assert!(text.contains("Invalid objects") || text.contains("invalid objects"), "{text}");
}

#[test]
fn overview_has_the_oracle_tiles_and_every_tab_draws() {
    let text = screen(&app_on(Tab::Overview), 200, 50);
    assert!(text.contains("AAS") && text.contains("Exec/s") && text.contains("Oracle"), "{text}");
    for tab in Tab::ALL {
        for (w, h) in [(80, 24), (200, 50), (40, 10)] {
            screen(&app_on(tab), w, h);
        }
    }
}
