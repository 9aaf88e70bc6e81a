//! Queries compared across two windows: `w` asks for the right windows, the answer is
//! drawn ranked with new and slower statements marked, and pausing elsewhere reads again.

use super::fixtures::{NOW, app};
use super::render::screen_text;
use crate::model::{TargetId, Timestamp};
use crate::store::{StatementChange, WindowFigures};
use crate::ui::UiUpdate;
use crate::ui::action::{Action, Effect};
use crate::ui::compare::{CompareMode, CompareRequest};
use crate::ui::tabs::Tab;

fn request(effects: &[Effect]) -> CompareRequest {
    match effects.iter().find(|e| matches!(e, Effect::LoadComparison(_))) {
        Some(Effect::LoadComparison(r)) => (**r).clone(),
        _ => panic!("no comparison asked for: {effects:?}"),
    }
}

fn change(id: &str, now: (u64, f64), before: (u64, f64)) -> StatementChange {
    StatementChange {
        id: id.into(),
        database: "shop".into(),
        user: "web".into(),
        text: format!("SELECT * FROM {id} WHERE id = $1"),
        now: WindowFigures { calls: now.0, total_ms: now.1 },
        before: WindowFigures { calls: before.0, total_ms: before.1 },
        own: id == "own",
    }
}

#[test]
fn w_compares_the_window_with_the_one_before_then_a_day_earlier_then_stops() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Queries));
    let r = request(&app.apply(Action::CycleCompare));
    // The 15-minute chart window ending at the newest statement reading (NOW - 5 s).
    let end = NOW - 5_000;
    assert_eq!(r.target, TargetId("prod-pg".into()));
    assert_eq!(r.windows.now, (Timestamp(end - 900_000), Timestamp(end)));
    assert_eq!(r.windows.before, (Timestamp(end - 1_800_000), Timestamp(end - 900_000)));
    assert!(screen_text(&app, 120, 30).contains("reading the two windows"));
    let changes = vec![
        change("orders", (100, 4_000.0), (100, 1_000.0)),
        change("report", (2, 900.0), (0, 0.0)),
        change("own", (10, 50.0), (10, 50.0)),
        change("stock", (30, 30.0), (60, 60.0)),
    ];
    app.update(UiUpdate::Comparison { id: r.id + 1, result: Ok(Vec::new()) });
    app.update(UiUpdate::Comparison { id: r.id, result: Ok(changes) });
    let text = screen_text(&app, 140, 30);
    assert!(text.contains("3 statements · 1 new · 1 at least 2× slower"), "{text}");
    assert!(text.contains("4.0×") && text.contains("new") && text.contains("1.0×"), "{text}");
    assert!(!text.contains("FROM own"), "Logstag's own statements stay hidden: {text}");
    let orders = text.lines().position(|l| l.contains("FROM orders")).unwrap();
    let report = text.lines().position(|l| l.contains("FROM report")).unwrap();
    assert!(orders < report, "ranked by the time gained:\n{text}");
    insta::assert_snapshot!("queries_compare_140x30", text);

    let r = request(&app.apply(Action::CycleCompare));
    assert_eq!(app.views.compare.as_ref().map(|c| c.mode), Some(CompareMode::DayBefore));
    assert_eq!(r.windows.before.1, Timestamp(end - 86_400_000));
    assert!(app.apply(Action::CycleCompare).iter().all(|e| !matches!(e, Effect::LoadComparison(_))));
    assert!(app.views.compare.is_none());
    assert!(!screen_text(&app, 120, 30).contains("compared"));
}

#[test]
fn paused_the_windows_end_at_the_instant_on_screen() {
    let mut app = app();
    app.apply(Action::GoTab(Tab::Queries));
    request(&app.apply(Action::CycleCompare));
    // Jump to ten minutes ago: the comparison follows.
    app.apply(Action::StartTimeInput);
    for c in "-10m".chars() {
        app.apply(Action::TimeInput(c));
    }
    let effects = app.apply(Action::TimeAccept);
    assert!(effects.iter().any(|e| matches!(e, Effect::LoadMoment(_))));
    // A typed time is where the screen is once the answer lands; until then the windows
    // still end where they did.
    let travel_at = app.time.travel.as_ref().map(|t| t.at.millis()).unwrap();
    let effects = app.history_requests();
    if let Some(Effect::LoadComparison(r)) = effects.iter().find(|e| matches!(e, Effect::LoadComparison(_))) {
        assert_eq!(r.windows.now.1, Timestamp(travel_at));
    } else {
        let c = app.views.compare.as_ref().unwrap();
        assert_eq!(c.windows.now.1, Timestamp(travel_at));
    }
}

/// `d` on the Overview: the charts' window a day earlier is read (from the store, through
/// the loader), moved a day later and drawn under the lines; `d` again stops it.
#[tokio::test]
async fn d_draws_the_same_window_a_day_earlier_under_the_charts() {
    use crate::model::{Metric, Sample, SampleBody, Tier};
    use crate::store::Store;
    let mut app = app();
    app.apply(Action::GoTab(Tab::Overview));
    let effects = app.apply(Action::ToggleDayOverlay);
    let Some(Effect::LoadOverlay(request)) = effects.iter().find(|e| matches!(e, Effect::LoadOverlay(_)))
    else {
        panic!("no overlay asked for: {effects:?}");
    };
    assert_eq!((request.end_ms, request.window_ms), (NOW, 900_000));
    assert!(request.metrics.contains(&crate::model::metric::TPS));

    let store = Store::open_in_memory(std::time::Duration::from_secs(3 * 86_400)).unwrap();
    let day = crate::ui::overlay::DAY_MS;
    let earlier: Vec<Sample> = (0..10)
        .map(|i| Sample {
            target: TargetId("prod-pg".into()),
            tier: Tier::High,
            taken_at: Timestamp(NOW - day - i * 60_000),
            body: SampleBody::Metrics(vec![Metric::new(crate::model::metric::TPS, 9_000.0)]),
        })
        .collect();
    store.record(earlier).await.unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::channel(4);
    crate::ui::history::load_overlay(store, tx, (**request).clone()).await;
    let update = rx.recv().await.unwrap();
    let UiUpdate::Overlay { series, .. } = &update else { panic!("{update:?}") };
    let tps = series.iter().find(|(m, _, _)| m == crate::model::metric::TPS).unwrap();
    assert_eq!(tps.2.len(), 10);
    assert!(
        tps.2.iter().all(|(at, v)| *at > NOW - 900_000 - 1 && *at <= NOW && *v == 9_000.0),
        "moved a day later"
    );
    app.update(update);
    let text = screen_text(&app, 160, 50);
    assert!(text.contains("a day earlier"), "{text}");
    assert!(text.contains("9900"), "the day-earlier figures set the scale: {text}");
    assert!(app.apply(Action::ToggleDayOverlay).is_empty());
    assert!(!screen_text(&app, 160, 50).contains("a day earlier"));
}
