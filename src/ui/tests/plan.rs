//! Plans on demand in the UI: `e` in a session's or a statement's detail asks for the
//! plan off the UI task, shows "planning…", then the tree; Esc goes back to the detail;
//! an engine without plans says which engines have them; a paused screen says the plan
//! is of now.

use super::fixtures::app;
use super::render::screen_text;
use crate::model::{PlanOrigin, PlanRequest};
use crate::ui::UiUpdate;
use crate::ui::action::{Action, Effect};
use crate::ui::app::App;
use crate::ui::app_state::Popup;
use crate::ui::keymap;
use crate::ui::plan::{PlanJob, PlanState};
use crate::ui::tabs::Tab;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let event = KeyEvent::new(code, KeyModifiers::NONE);
    keymap::resolve(&app.contexts(), event).map_or_else(Vec::new, |action| app.apply(action))
}

fn job(effects: &[Effect]) -> PlanJob {
    match effects.iter().find_map(|e| if let Effect::LoadPlan(job) = e { Some(job) } else { None }) {
        Some(job) => (**job).clone(),
        None => panic!("no plan asked for: {effects:?}"),
    }
}

fn planned(app: &mut App, id: u64) {
    let plan = crate::ui::popups::plan::tests::sample_plan();
    app.update(UiUpdate::Plan { id, result: Ok(plan) });
}

#[test]
fn e_in_a_session_detail_plans_its_text_in_its_database_and_esc_goes_back() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Activity));
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Session { id, .. }) = app.popups.open.clone() else { panic!("no session detail") };
    let session = app.sessions().iter().find(|s| s.id == id).cloned().unwrap();
    let detail = screen_text(&app, 120, 40);
    assert!(detail.contains("e: its plan now (EXPLAIN without ANALYZE: nothing is run)"), "{detail}");
    assert!(detail.contains("e plan"), "the footer offers it: {detail}");

    let effects = press(&mut app, KeyCode::Char('e'));
    let asked = job(&effects);
    let expected = PlanRequest {
        database: session.database.clone(),
        text: session.query.clone(),
        origin: PlanOrigin::Session,
    };
    assert_eq!((asked.target.0.as_str(), &asked.request), ("prod-pg", &expected));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("planning…") && screen.contains(&format!("PID {id} in database")), "{screen}");
    assert!(screen.contains("planned now"), "{screen}");
    assert!(!screen.contains("not at"), "live: no paused instant to warn about: {screen}");

    // An older request's answer does not replace the newer one.
    app.update(UiUpdate::Plan { id: asked.id - 1, result: Err("stale".into()) });
    assert_eq!(app.popups.plan.as_ref().map(|p| &p.state), Some(&PlanState::Planning));
    planned(&mut app, asked.id);
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("costliest: Seq Scan on orders o (45% of the estimated cost)"), "{screen}");
    assert!(screen.contains("├─ Nested Loop  cost=0.29..250.00 rows=3000 width=8"), "{screen}");
    assert!(screen.contains("Index Cond: (id = o.customer_id)"), "{screen}");
    assert!(screen.contains("back") && screen.contains("copy plan"), "footer: {screen}");
    assert!(screen.contains("Esc back · j/k scroll") && !screen.contains("Esc closes"), "border: {screen}");

    let copied = press(&mut app, KeyCode::Char('y'));
    assert!(
        matches!(copied.as_slice(), [Effect::Copy(text)] if text.contains("└─ Seq Scan on notes")),
        "{copied:?}"
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.popups.open, Some(Popup::Session { id, scroll: 0 }), "Esc goes back to the detail");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.popups.open, None);
}

#[test]
fn e_in_a_statement_detail_plans_the_normalised_text_and_failures_are_one_line() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Queries));
    press(&mut app, KeyCode::Enter);
    let Some(Popup::Query { id, .. }) = app.popups.open.clone() else { panic!("no statement detail") };
    let stat = app.query_stats().iter().find(|q| q.id == id).cloned().unwrap();
    let asked = job(&press(&mut app, KeyCode::Char('e')));
    assert_eq!(
        asked.request,
        PlanRequest { database: stat.database, text: stat.text, origin: PlanOrigin::Statement }
    );
    // `e` again while planning asks nothing more.
    assert!(press(&mut app, KeyCode::Char('e')).is_empty());
    let denied = "the monitoring role may not plan this: permission denied for table orders\u{1b}[2J";
    app.update(UiUpdate::Plan { id: asked.id, result: Err(denied.into()) });
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("permission denied for table orders␛[2J"), "{screen}");
    assert!(!screen.chars().any(|c| c != '\n' && crate::sanitize::is_unsafe(c)), "{screen:?}");
    // `e` on the plan asks again, as a new request.
    let again = job(&press(&mut app, KeyCode::Char('e')));
    assert_eq!((again.id, again.request.origin), (asked.id + 1, PlanOrigin::Statement));
    // Scrolling a long plan, a page at a time, never below the top.
    planned(&mut app, again.id);
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::Char('k'));
    assert!(matches!(app.popups.open, Some(Popup::Plan { scroll: 9, .. })), "{:?}", app.popups.open);
    press(&mut app, KeyCode::PageUp);
    assert!(matches!(app.popups.open, Some(Popup::Plan { scroll: 0, .. })), "{:?}", app.popups.open);
}

#[test]
fn a_plan_asked_on_a_paused_screen_is_labelled_planned_now() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Activity));
    app.apply(Action::TogglePause);
    press(&mut app, KeyCode::Enter);
    let asked = job(&press(&mut app, KeyCode::Char('e')));
    let paused = app.popups.plan.as_ref().and_then(|p| p.paused_at_ms);
    assert!(paused.is_some());
    planned(&mut app, asked.id);
    let screen = screen_text(&app, 140, 40);
    assert!(screen.contains("planned now (") && screen.contains("not at 04:"), "{screen}");
    assert!(screen.contains("the paused instant on screen"), "{screen}");
}

#[test]
fn an_engine_without_plans_says_which_engines_have_them() {
    let mut app = super::fixtures_redis::app_on(Tab::Activity, false);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.popups.open, Some(Popup::Session { .. })));
    let detail = screen_text(&app, 120, 40);
    assert!(detail.contains("Plans on demand are offered for PostgreSQL."), "{detail}");
    let effects = press(&mut app, KeyCode::Char('e'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::LoadPlan(_))), "{effects:?}");
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("offers no plan on demand here: plans are offered for PostgreSQL"), "{screen}");
}

#[test]
fn the_plan_popup_draws_at_every_size() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Activity));
    press(&mut app, KeyCode::Enter);
    let asked = job(&press(&mut app, KeyCode::Char('e')));
    planned(&mut app, asked.id);
    for (w, h) in [(0, 0), (1, 1), (10, 3), (20, 5), (60, 12), (80, 24)] {
        let screen = screen_text(&app, w, h);
        assert!(!screen.chars().any(|c| c != '\n' && crate::sanitize::is_unsafe(c)));
    }
}

#[test]
fn a_replayed_file_has_no_server_to_plan_on() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Queries));
    app.time.replay_end = Some(crate::model::Timestamp(super::fixtures::NOW));
    press(&mut app, KeyCode::Enter);
    let effects = press(&mut app, KeyCode::Char('e'));
    assert!(!effects.iter().any(|e| matches!(e, Effect::LoadPlan(_))), "{effects:?}");
    let state = app.popups.plan.as_ref().map(|p| p.state.clone());
    assert!(matches!(&state, Some(PlanState::Refused(m)) if m.contains("no server to plan on")), "{state:?}");
}
