//! The App's time travel: pause, step, jump to a typed time, back to live. The past board
//! replaces `dashboard` while paused; the live one waits in `time.travel` and keeps
//! taking rounds (see `travel.rs`).

use super::UiUpdate;
use super::action::{Action, Effect};
use super::app::App;
use super::dashboard::{Dashboard, charted, headline};
use super::travel::{MINUTE_MS, MomentAnswer, MomentRequest, Travel, chart_end};
use super::travel_time::{Typed, parse};
use crate::model::Timestamp;
use crate::store::Toward;
use std::sync::Arc;

impl App {
    /// The board the collectors feed: the one on screen while live, the waiting one while paused.
    pub(super) fn live_board(&mut self) -> &mut Dashboard {
        match &mut self.time.travel {
            Some(travel) => &mut travel.live,
            None => &mut self.dashboard,
        }
    }

    pub(super) fn travel_action(&mut self, action: Action) -> Vec<Effect> {
        let paused_at = self.time.travel.as_ref().map(|t| t.at);
        let effect = match (action, paused_at) {
            (Action::TogglePause, None) => self.pause(),
            (Action::TogglePause | Action::BackToLive, Some(_)) => self.back_to_live(),
            (Action::BackToLive, None) => None,
            (Action::StepBack, Some(at)) => self.travel_to(at, Some(Toward::Before)),
            (Action::StepForward, Some(at)) => self.travel_to(at, Some(Toward::After)),
            (Action::StepBack | Action::StepForward, None) => self.pause(),
            (Action::MinuteBack, at) => {
                let from = at.map_or(self.time.wall_ms, Timestamp::millis);
                self.travel_to(Timestamp(from - MINUTE_MS), Some(Toward::AtOrBefore))
            }
            (Action::MinuteForward, Some(at)) => self.minute_forward(at),
            (Action::MinuteForward, None) => None,
            (Action::StartTimeInput, _) => {
                self.time.input = Some(String::new());
                None
            }
            (Action::TimeInput(c), _) => {
                self.time.input.get_or_insert_default().push(c);
                None
            }
            (Action::TimeBackspace, _) => {
                self.time.input.get_or_insert_default().pop();
                None
            }
            (Action::TimeCancel, _) => {
                self.time.input = None;
                None
            }
            (Action::TimeAccept, _) => self.accept_time(),
            _ => None,
        };
        effect.into_iter().collect()
    }

    /// Freezes the screen on the round it shows; the past board starts as a copy of it,
    /// so nothing needs reading until the user moves.
    fn pause(&mut self) -> Option<Effect> {
        let at = self
            .current()
            .and_then(|t| t.last_sample_at.values().max().copied())
            .unwrap_or(Timestamp(self.time.wall_ms));
        let past = self.dashboard.clone();
        let live = std::mem::replace(&mut self.dashboard, past);
        self.time.travel = Some(Travel {
            at,
            live,
            waiting: None,
            requests: 0,
            chart_end_ms: chart_end(at, self.window_ms(), self.time.wall_ms),
            shown: self.current().map(|t| (t.info.id.clone(), self.window_ms())),
        });
        self.time.now_ms = at.millis();
        self.invalidate();
        None
    }

    /// Live data again; replaying a file, its newest moment.
    fn back_to_live(&mut self) -> Option<Effect> {
        if let Some(end) = self.time.replay_end {
            return self.travel_to(end, None);
        }
        let travel = self.time.travel.take()?;
        self.dashboard = travel.live;
        // The live board may hold another target's charts: reload this one's.
        if self.dashboard.refocus(self.target)
            && let Some(loaded) = self.time.loaded_window_ms.get_mut(self.target)
        {
            *loaded = 0;
        }
        self.time.now_ms = self.time.wall_ms;
        self.invalidate();
        None
    }

    /// Replaying a file, opens it at `end`, its newest recorded moment.
    pub fn start_replay(&mut self, end: Timestamp) -> Option<Effect> {
        self.time.replay_end = Some(end);
        self.travel_to(end, None)
    }

    /// The newest moment there is: now, or replaying a file, its end. Typed times count
    /// from it (`-90s` in a replay is 90 s before the recording ends, not before the clock).
    pub(super) fn newest_ms(&self) -> i64 {
        self.time.replay_end.map_or(self.time.wall_ms, Timestamp::millis)
    }

    /// A minute later, or live again when that is past the newest round.
    fn minute_forward(&mut self, at: Timestamp) -> Option<Effect> {
        let target = at.millis() + MINUTE_MS;
        if target >= self.newest_ms() {
            return self.back_to_live();
        }
        self.travel_to(Timestamp(target), Some(Toward::AtOrBefore))
    }

    fn accept_time(&mut self) -> Option<Effect> {
        let text = self.time.input.take().unwrap_or_default();
        match parse(&text, self.newest_ms()) {
            Ok(Typed::Now) => self.back_to_live(),
            Ok(Typed::At(ms)) if ms >= self.newest_ms() => self.back_to_live(),
            Ok(Typed::At(ms)) => self.travel_to(Timestamp(ms), Some(Toward::AtOrBefore)),
            Err(why) => {
                self.notice = Some(why);
                None
            }
        }
    }

    /// Pauses (if live) and asks for the screen at `at`, or at the round nearest it.
    pub(super) fn travel_to(&mut self, at: Timestamp, toward: Option<Toward>) -> Option<Effect> {
        if self.time.travel.is_none() {
            self.pause();
        }
        let request = self.moment_request(at, toward)?;
        if let Some(travel) = self.time.travel.as_mut() {
            travel.waiting = Some(request.id);
            // An exact instant is where the screen is from now on, read or not; a step
            // lands where the answer says.
            if toward.is_none() {
                travel.at = at;
                self.time.now_ms = at.millis();
            }
        }
        Some(Effect::LoadMoment(Box::new(request)))
    }

    fn moment_request(&mut self, at: Timestamp, toward: Option<Toward>) -> Option<MomentRequest> {
        let window_ms = self.window_ms();
        let wall_ms = self.time.wall_ms;
        let (focus, charted) = self.current().map(|t| (t.info.id.clone(), charted(t.engine)))?;
        let travel = self.time.travel.as_mut()?;
        travel.requests += 1;
        let others = travel
            .live
            .targets
            .iter()
            .filter(|t| t.info.id != focus)
            .map(|t| (t.info.id.clone(), headline(t.engine)))
            .collect();
        travel.shown = Some((focus.clone(), window_ms));
        Some(MomentRequest { id: travel.requests, at, toward, focus, charted, others, window_ms, wall_ms })
    }

    /// While paused, a new target or chart window needs the same instant read again.
    pub(super) fn travel_requests(&mut self) -> Vec<Effect> {
        let Some(travel) = &self.time.travel else { return Vec::new() };
        let at = travel.at;
        let wanted = self.current().map(|t| (t.info.id.clone(), self.window_ms()));
        if wanted.is_none() || travel.shown == wanted {
            return Vec::new();
        }
        self.travel_to(at, None).into_iter().collect()
    }

    /// Builds the past board from the loader's answer and puts it on screen.
    pub(super) fn moment_arrived(&mut self, answer: MomentAnswer) {
        let Some(travel) = self.time.travel.as_mut().filter(|t| t.waiting == Some(answer.id)) else {
            return;
        };
        travel.waiting = None;
        if let Some(problem) = answer.problem {
            self.notice = Some(problem);
            return;
        }
        let Some(at) = answer.at else {
            self.notice = Some("no recorded round that way".into());
            return;
        };
        travel.at = at;
        travel.chart_end_ms = answer.chart_end_ms;
        let infos = travel.live.targets.iter().map(|t| t.info.clone()).collect();
        let mut past = Dashboard::new(infos);
        past.refocus(self.target);
        past.alerts.catalog = travel.live.alerts.catalog.clone();
        past.alerts.muted = travel.live.alerts.muted.clone();
        past.forwarding = travel.live.forwarding.clone();
        for (target, moment) in answer.moments {
            let mut samples = moment.samples;
            if !moment.schema_changes.is_empty() {
                samples.push(crate::model::Sample {
                    target,
                    tier: crate::model::Tier::Schema,
                    taken_at: at,
                    body: crate::model::SampleBody::SchemaChanges(moment.schema_changes),
                });
            }
            past.apply(UiUpdate::Round(Arc::new(samples)));
        }
        for (target, metric, by_key) in answer.series {
            past.apply(UiUpdate::Series { target, metric, by_key });
        }
        // Replayed in order, the events leave what was active then, and what had resolved.
        past.alerts.apply(answer.alerts);
        self.dashboard = past;
        self.time.now_ms = at.millis();
        self.views.alerts_list.clamp(self.dashboard.alerts.active.len());
        self.invalidate();
    }
}
