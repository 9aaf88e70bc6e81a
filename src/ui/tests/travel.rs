//! Time travel in the UI: pause freezes the screen while rounds keep arriving, the keys
//! ask the store for the right instant, and an answer rebuilds every tab as it was.

use super::fixtures::{self, NOW, app};
use super::render::screen_text;
use crate::model::*;
use crate::store::{Moment, Toward};
use crate::ui::UiUpdate;
use crate::ui::action::Effect;
use crate::ui::app::App;
use crate::ui::keymap;
use crate::ui::tabs::Tab;
use crate::ui::travel::{MomentAnswer, MomentRequest};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    keymap::resolve(&app.contexts(), KeyEvent::new(code, modifiers)).map_or_else(Vec::new, |a| app.apply(a))
}

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

fn typed(app: &mut App, text: &str) -> Vec<Effect> {
    press(app, KeyCode::Char('t'));
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter)
}

fn request(effects: &[Effect]) -> MomentRequest {
    match effects {
        [Effect::LoadMoment(r)] => (**r).clone(),
        other => panic!("expected one moment request: {other:?}"),
    }
}

fn one_session(id: i64, query: &str) -> Session {
    Session { id, query: query.into(), ..fixtures::sessions()[0].clone() }
}

fn sample(target: &str, at: i64, body: SampleBody) -> Sample {
    Sample { target: TargetId(target.into()), tier: Tier::High, taken_at: Timestamp(at), body }
}

/// prod-pg at `at`: one session, a TPS figure, its status, a schema change; replica-pg DOWN.
fn answer(id: u64, at: i64) -> MomentAnswer {
    let status =
        |status| SampleBody::Status(TargetHealth { status, at: Timestamp(at), last_latency_ms: None });
    let prod = Moment {
        samples: vec![
            sample("prod-pg", at - 5_000, status(TargetStatus::Up { version: "16.2".into() })),
            sample(
                "prod-pg",
                at - 1_000,
                SampleBody::Activity(ActivitySnapshot {
                    sessions: vec![one_session(7001, "SELECT past_query()")],
                    locks: Vec::new(),
                }),
            ),
            sample("prod-pg", at - 1_000, SampleBody::Metrics(vec![Metric::new(metric::TPS, 4242.0)])),
        ],
        schema_changes: vec![SchemaChange {
            at: Timestamp(at - 60_000),
            database: "shop".into(),
            schema: "public".into(),
            object_type: "table".into(),
            object: "orders_archive".into(),
            change: ChangeKind::Added,
            detail: String::new(),
        }],
    };
    let replica = Moment {
        samples: vec![sample(
            "replica-pg",
            at - 9_000,
            status(TargetStatus::down("connection refused (then)", std::time::Duration::from_secs(5))),
        )],
        schema_changes: Vec::new(),
    };
    let tps = vec![(String::new(), vec![(Timestamp(at - 20_000), 4000.0), (Timestamp(at - 1_000), 4242.0)])];
    MomentAnswer {
        id,
        at: Some(Timestamp(at)),
        moments: vec![(TargetId("prod-pg".into()), prod), (TargetId("replica-pg".into()), replica)],
        series: vec![(TargetId("prod-pg".into()), metric::TPS.to_owned(), tps)],
        alerts: Vec::new(),
        chart_end_ms: at + 180_000,
        problem: None,
    }
}

#[test]
fn space_freezes_the_screen_while_rounds_keep_arriving_and_space_again_is_live() {
    let mut app = app();
    let live_sessions = app.sessions().len();
    assert!(press(&mut app, KeyCode::Char(' ')).is_empty(), "the frozen screen needs no read");
    assert!(app.time.paused());
    let mut next = fixtures::updates();
    if let UiUpdate::Round(samples) = &mut next[0] {
        let mut samples = samples.as_ref().clone();
        for s in &mut samples {
            if let SampleBody::Activity(a) = &mut s.body {
                a.sessions.truncate(1);
            }
        }
        next[0] = UiUpdate::Round(Arc::new(samples));
    }
    for update in next {
        app.update(update);
    }
    assert_eq!(app.sessions().len(), live_sessions, "the screen stays on the round it was paused on");
    app.time.tick(NOW + 30_000);
    let text = screen_text(&app, 100, 30);
    assert!(text.contains("PAUSED 2025-11-21 04:39:58 UTC · 32s ago"), "{text}");
    press(&mut app, KeyCode::Char('p'));
    assert!(!app.time.paused());
    assert_eq!(app.sessions().len(), 1, "the rounds that came meanwhile are on screen");
    assert!(!screen_text(&app, 100, 30).contains("PAUSED"));
}

#[test]
fn arrows_step_round_by_round_and_shift_by_a_minute() {
    let mut app = app();
    app.apply(crate::ui::action::Action::GoTab(Tab::Schema));
    let pause_at = NOW - 1_000;
    // Shift-← pauses from live, a minute before now.
    let r = request(&key(&mut app, KeyCode::Left, KeyModifiers::SHIFT));
    assert_eq!((r.at, r.toward), (Timestamp(NOW - 60_000), Some(Toward::AtOrBefore)));
    assert_eq!(r.focus, TargetId("prod-pg".into()));
    assert_eq!(r.others.len(), 2);
    assert!(r.charted.contains(&metric::TPS));
    app.update(UiUpdate::Moment(Box::new(answer(r.id, NOW - 61_000))));
    // ← steps even on the Schema tab, whose tree keeps h/l.
    let r = request(&press(&mut app, KeyCode::Left));
    assert_eq!((r.at, r.toward), (Timestamp(NOW - 61_000), Some(Toward::Before)));
    let r = request(&press(&mut app, KeyCode::Right));
    assert_eq!((r.at, r.toward), (Timestamp(NOW - 61_000), Some(Toward::After)));
    // No round that way: the screen stays where it is and says so.
    app.update(UiUpdate::Moment(Box::new(MomentAnswer { at: None, ..answer(r.id, 0) })));
    assert_eq!(app.time.travel.as_ref().map(|t| t.at), Some(Timestamp(NOW - 61_000)));
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("no recorded round")));
    // Shift-→ moves a minute on; past now it is live again.
    let r = request(&key(&mut app, KeyCode::Right, KeyModifiers::SHIFT));
    assert_eq!((r.at, r.toward), (Timestamp(NOW - 1_000), Some(Toward::AtOrBefore)));
    app.update(UiUpdate::Moment(Box::new(answer(r.id, NOW - 1_000))));
    assert!(key(&mut app, KeyCode::Right, KeyModifiers::SHIFT).is_empty());
    assert!(!app.time.paused());
    assert!(pause_at < NOW);
}

#[test]
fn the_time_prompt_reads_what_a_dba_types() {
    let mut app = app();
    let r = request(&typed(&mut app, "-15m"));
    assert_eq!((r.at, r.toward), (Timestamp(NOW - 900_000), Some(Toward::AtOrBefore)));
    // 04:12 today, in UTC like the clock.
    let r = request(&typed(&mut app, "04:12"));
    assert_eq!(r.at, Timestamp(NOW - 28 * 60_000));
    assert!(typed(&mut app, "someday").is_empty());
    assert!(app.notice.as_deref().is_some_and(|n| n.contains("yesterday 23:40")), "{:?}", app.notice);
    assert!(app.time.paused(), "a typo does not leave the past");
    assert!(typed(&mut app, "now").is_empty());
    assert!(!app.time.paused());
    // Esc closes the prompt and q typed into it is text, not quit.
    press(&mut app, KeyCode::Char('t'));
    assert!(press(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(app.time.input.as_deref(), Some("q"));
    assert!(screen_text(&app, 100, 30).contains("go to time (UTC): q"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.time.input, None);
}

#[test]
fn an_answer_rebuilds_every_tab_as_it_was() {
    let mut app = app();
    let r = request(&typed(&mut app, "-10m"));
    let at = NOW - 600_000;
    app.update(UiUpdate::Moment(Box::new(answer(r.id, at))));
    let shown: Vec<i64> = app.sessions().iter().map(|s| s.id).collect();
    assert_eq!(shown, [7001]);
    assert_eq!(app.current().and_then(|t| t.metric(metric::TPS, "")), Some(4242.0));
    assert!(app.current().is_some_and(|t| t.health_report.is_some()), "health computed from that moment");
    assert_eq!(app.current().map(|t| t.schema_changes.len()), Some(1));
    let replica = app.dashboard.targets.iter().find(|t| t.info.id.0 == "replica-pg");
    assert_eq!(replica.map(|t| t.status_label()), Some("DOWN"));
    assert_eq!(app.time.now_ms, at, "ages on screen count from the instant shown");
    app.apply(crate::ui::action::Action::GoTab(Tab::Overview));
    let text = screen_text(&app, 120, 40);
    assert!(text.contains("PAUSED 2025-11-21 04:30:00 UTC · 10m00s ago"), "{text}");
    assert!(text.contains("04:33:00"), "the charts end a little after the instant: {text}");
    // Every tab draws the past board at any size without panicking.
    for tab in [Tab::Overview, Tab::Activity, Tab::Queries, Tab::Schema, Tab::Alerts, Tab::Health] {
        app.apply(crate::ui::action::Action::GoTab(tab));
        for (w, h) in [(60, 12), (80, 24), (200, 50)] {
            screen_text(&app, w, h);
        }
    }
}

/// Replaying a file, "now" is where the recording ends: `-90s` is 90 s before its end and
/// a clock time is on the recording's day, whatever the wall clock says; the prompt's
/// preview shows the same instant.
#[test]
fn typed_times_in_a_replay_count_from_the_recordings_end() {
    let mut app = app();
    let end = NOW - 3 * 86_400_000 - 3_600_000;
    let _ = app.start_replay(Timestamp(end));
    press(&mut app, KeyCode::Char('t'));
    for c in "-90s".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let preview = screen_text(&app, 100, 30);
    assert!(preview.contains(&format!("→ {}", crate::ui::format::date_time(end - 90_000))), "{preview}");
    let r = request(&press(&mut app, KeyCode::Enter));
    assert_eq!(r.at, Timestamp(end - 90_000));
    // The end is 03:40 UTC; 03:10 typed is that day's, not three days later.
    let r = request(&typed(&mut app, "03:10"));
    assert_eq!(r.at, Timestamp(end - 30 * 60_000));
    assert!(typed(&mut app, "now").len() == 1, "now in a replay is its end, still paused");
    assert!(app.time.paused());
}
