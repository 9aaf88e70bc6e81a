//! The Health tab's report: scores and checks of the selected target, and the check popup.

use super::fixtures::app;
use super::render::screen_text;
use crate::forward::ForwardStatus;
use crate::model::{PostureFact, Sample, SampleBody, Setting, TargetId, Tier, Timestamp};
use crate::ui::UiUpdate;
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::app_state::Popup;
use crate::ui::tabs::Tab;
use std::sync::Arc;

fn with_low_tier() -> App {
    let mut app = app();
    let setting = |name: &str, value: &str, unit: &str| Setting {
        name: name.into(),
        value: value.into(),
        unit: unit.into(),
        source: "default".into(),
    };
    let settings = vec![
        setting("shared_buffers", "16384", "8kB"),
        setting("effective_cache_size", "524288", "8kB"),
        setting("work_mem", "4096", "kB"),
        setting("maintenance_work_mem", "65536", "kB"),
        setting("max_connections", "100", ""),
        setting("ssl", "off", ""),
        setting("listen_addresses", "*", ""),
        setting("password_encryption", "scram-sha-256", ""),
        setting("autovacuum", "on", ""),
    ];
    let fact = |name: &str, key: &str, value: &str| PostureFact {
        name: name.into(),
        key: key.into(),
        value: value.into(),
    };
    let posture = vec![fact("role.superuser", "postgres", "true"), fact("database.xid_age", "app", "1000")];
    let at = Timestamp(app.time.now_ms - 2_000);
    let sample = |body| Sample { target: TargetId("prod-pg".into()), tier: Tier::Low, taken_at: at, body };
    let round = vec![sample(SampleBody::Settings(settings)), sample(SampleBody::Posture(posture))];
    app.update(UiUpdate::Round(Arc::new(round)));
    app.apply(Action::GoTab(Tab::Health));
    app
}

#[test]
fn report_scores_and_checks_render_at_80x24_and_tiny() {
    let app = with_low_tier();
    let report = app.current().and_then(|t| t.health_report.as_ref()).expect("report after a round");
    assert!(report.checks.len() >= 30);
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Health score") && screen.contains("Security"), "{screen}");
    insta::assert_snapshot!("health_report_80x24", screen);
    insta::assert_snapshot!("health_report_20x5", screen_text(&app, 20, 5));
}

#[test]
fn enter_on_a_check_shows_why_and_action() {
    let mut app = with_low_tier();
    app.apply(Action::Down);
    assert_eq!(app.views.health_list.selected, 1, "j moves through the checks");
    app.apply(Action::Detail);
    assert!(matches!(app.popups.open, Some(Popup::HealthCheck { index: 1, .. })));
    let screen = screen_text(&app, 100, 40);
    assert!(screen.contains("why") && screen.contains("action") && screen.contains("evidence"), "{screen}");
    app.apply(Action::Back);
    assert!(app.popups.open.is_none());
    for (w, h) in [(0, 0), (20, 5), (60, 12), (300, 3), (7, 40)] {
        screen_text(&app, w, h);
    }
    app.apply(Action::Detail);
    for (w, h) in [(0, 0), (20, 5), (60, 12), (300, 3), (7, 40)] {
        screen_text(&app, w, h);
    }
}

fn forwarding(app: &mut App, parked: bool) {
    let now = app.time.now_ms;
    let mut status = ForwardStatus {
        backend: "api.logstag.com".into(),
        started_at: Some(Timestamp(now - 3_600_000)),
        queued: 12,
        last_ok: Some(Timestamp(now - 8_000)),
        registered: true,
        ..ForwardStatus::default()
    };
    if parked {
        status.queued = 512;
        status.parked = 500;
        status.parked_reason = Some("HTTP 400 Bad Request: unknown field samples[3].data".into());
        status.last_ok = Some(Timestamp(now - 420_000));
        status.last_error = Some("HTTP 503 Service Unavailable".into());
        status.next_retry = Some(Timestamp(now + 16_000));
    }
    app.update(UiUpdate::Forwarding(status));
}

#[test]
fn forwarding_block_and_indicator_healthy_and_parked() {
    let mut app = with_low_tier();
    let off = screen_text(&app, 80, 24);
    assert!(!off.contains("Forwarding") && !off.contains("fwd"), "nothing while forwarding is off: {off}");
    forwarding(&mut app, false);
    let healthy = screen_text(&app, 80, 24);
    assert!(
        healthy.contains("Forwarding → api.logstag.com") && healthy.contains("fwd 12 queued"),
        "{healthy}"
    );
    insta::assert_snapshot!("health_forwarding_healthy_80x24", healthy);
    forwarding(&mut app, true);
    let parked = screen_text(&app, 80, 24);
    assert!(parked.contains("parked: HTTP 400 Bad Request"), "the reason is shown: {parked}");
    assert!(parked.contains("fwd 512 queued, 500 parked"), "{parked}");
    insta::assert_snapshot!("health_forwarding_parked_80x24", parked);
    insta::assert_snapshot!("health_forwarding_parked_20x5", screen_text(&app, 20, 5));
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 12), (61, 13), (300, 3), (7, 40), (1000, 1)] {
        screen_text(&app, w, h);
    }
    app.apply(Action::GoTab(Tab::Activity));
    let elsewhere = screen_text(&app, 80, 24);
    assert!(elsewhere.contains("fwd 512 queued, 500 parked"), "every tab's header: {elsewhere}");
}
