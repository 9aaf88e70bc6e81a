//! The App's comparisons with another time: statements of two windows in Queries (`w`,
//! see `compare.rs`) and the Overview charts over the same window a day earlier (`d`, see
//! `overlay.rs`): which windows, when to read them again, and the answers.

use super::action::Effect;
use super::app::App;
use super::compare::{CompareMode, CompareRequest, Comparison, Windows};
use crate::store::StatementChange;

impl App {
    /// `w`: off → the window before → a day earlier → off.
    pub(super) fn cycle_compare(&mut self) -> Vec<Effect> {
        let mode = CompareMode::next(self.views.compare.as_ref().map(|c| c.mode));
        let Some(mode) = mode else {
            self.views.compare = None;
            return Vec::new();
        };
        match &mut self.views.compare {
            Some(c) => c.mode = mode,
            None => {
                let Some(target) = self.current().map(|t| t.info.id.clone()) else { return Vec::new() };
                let windows = Windows::ending(mode, self.time.now_ms, self.window_ms());
                self.views.compare = Some(Comparison {
                    mode,
                    target,
                    windows,
                    changes: None,
                    request: 0,
                    rows: Vec::new(),
                    list: Default::default(),
                });
            }
        }
        self.compare_requests(true)
    }

    /// The windows the comparison should cover now: the chart window ending at the
    /// instant on screen (paused), else at the newest statement reading.
    fn wanted_windows(&self, mode: CompareMode) -> Windows {
        let end = match &self.time.travel {
            Some(travel) => travel.at.millis(),
            None => self.queries_data().map_or(self.time.now_ms, |(at, _)| at.millis()),
        };
        Windows::ending(mode, end, self.window_ms())
    }

    /// A new read when the target, the instant, the window or the mode changed.
    pub(super) fn compare_requests(&mut self, force: bool) -> Vec<Effect> {
        let Some(mode) = self.views.compare.as_ref().map(|c| c.mode) else { return Vec::new() };
        let windows = self.wanted_windows(mode);
        let Some(target) = self.current().map(|t| t.info.id.clone()) else { return Vec::new() };
        let id = self.views.compare_requests + 1;
        let Some(c) = self.views.compare.as_mut() else { return Vec::new() };
        if !force && c.target == target && c.windows == windows {
            return Vec::new();
        }
        self.views.compare_requests = id;
        if c.target != target {
            c.list = Default::default();
        }
        *c = Comparison {
            target: target.clone(),
            windows,
            changes: None,
            request: id,
            rows: Vec::new(),
            ..c.clone()
        };
        vec![Effect::LoadComparison(Box::new(CompareRequest { id, target, windows }))]
    }

    pub(super) fn comparison_arrived(&mut self, id: u64, result: Result<Vec<StatementChange>, String>) {
        let show_own = self.views.queries.show_own;
        let Some(c) = self.views.compare.as_mut().filter(|c| c.request == id) else { return };
        c.changes = Some(result);
        c.refresh(show_own);
    }
}

impl App {
    /// `d`: the Overview charts with the same window a day earlier under them, or not.
    pub(super) fn toggle_day_overlay(&mut self) -> Vec<Effect> {
        if self.views.overlay.take().is_some() {
            return Vec::new();
        }
        self.views.overlay = Some(super::overlay::DayOverlay::default());
        self.overlay_requests()
    }

    /// A new read when the charts' target, end or window moved (see `DayOverlay::stale`).
    pub(super) fn overlay_requests(&mut self) -> Vec<Effect> {
        let (end_ms, window_ms) = (self.time.chart_axis().0, self.window_ms());
        let Some((target, metrics)) =
            self.current().map(|t| (t.info.id.clone(), super::dashboard::charted(t.engine)))
        else {
            return Vec::new();
        };
        let Some(overlay) = self.views.overlay.as_mut().filter(|o| o.stale(&target, end_ms, window_ms))
        else {
            return Vec::new();
        };
        overlay.request += 1;
        overlay.target = Some(target.clone());
        overlay.end_ms = end_ms;
        overlay.window_ms = window_ms;
        overlay.series.clear();
        let id = overlay.request;
        vec![Effect::LoadOverlay(Box::new(super::overlay::OverlayRequest {
            id,
            target,
            end_ms,
            window_ms,
            metrics,
        }))]
    }

    pub(super) fn overlay_arrived(&mut self, id: u64, series: super::overlay::DayEarlier) {
        let Some(overlay) = self.views.overlay.as_mut().filter(|o| o.request == id) else { return };
        for (metric, key, points) in series {
            overlay.series.entry((metric, key)).or_default().merge(&points);
        }
    }
}
