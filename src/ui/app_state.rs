//! The parts of the UI's state, each with one owner: per-tab view state, what is popped
//! up over the tabs (details, help, the alert queue), and the moment the screen shows.

use super::alerts::AlertKey;
use super::views::ListState;
use super::views::activity::ActivityView;
use super::views::queries::QueriesView;
use super::views::schema::SchemaView;
use super::views::slowlog::SlowLogView;
use crate::model::AlertEvent;
use std::collections::VecDeque;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Popup {
    Help {
        scroll: u16,
    },
    Session {
        id: i64,
        scroll: u16,
    },
    Query {
        id: String,
        scroll: u16,
    },
    Alert {
        key: AlertKey,
        scroll: u16,
    },
    /// One Redis/Valkey slow-log entry, by its server id.
    SlowEntry {
        id: u64,
        scroll: u16,
    },
    /// Why and what to do for one check of the current target's health report.
    HealthCheck {
        index: usize,
        scroll: u16,
    },
    /// The plan of the session or statement whose detail is `back` (`Popups::plan`);
    /// Esc returns there.
    Plan {
        scroll: u16,
        back: Box<Popup>,
    },
}

/// Each tab's lists: selection, scroll, sort, filter, and their cached row order.
#[derive(Debug, Default)]
pub struct Views {
    pub activity: ActivityView,
    pub queries: QueriesView,
    pub schema: SchemaView,
    /// The slow-log list of engines that have one.
    pub slow_log: SlowLogView,
    /// The Overview's rows (order, groups, filter); `targets_list` moves through them.
    pub overview: super::views::overview::OverviewView,
    pub targets_list: ListState,
    pub alerts_list: ListState,
    /// Selected check of the Health tab's report.
    pub health_list: ListState,
    /// The Overview charts' window a day earlier (`d`); None: off.
    pub overlay: Option<super::overlay::DayOverlay>,
    /// Queries compared across two windows (`w`); None: the latest interval.
    pub compare: Option<super::compare::Comparison>,
    pub compare_requests: u64,
    /// (rows version, target, history shown) the lists were last sorted for.
    pub(super) seen_version: Option<(u64, usize, bool)>,
}

/// What is drawn over the tabs.
#[derive(Debug, Default)]
pub struct Popups {
    /// The detail, help or alert popup the user opened.
    pub open: Option<Popup>,
    /// Alert notifications waiting to be read, oldest first (the one shown).
    pub alerts: VecDeque<AlertEvent>,
    /// A notification arrived since the UI loop last rang the bell.
    pub bell_pending: bool,
    /// The plan asked for last (shown while `open` is `Popup::Plan`).
    pub plan: Option<super::plan::PlanView>,
    /// Plan requests so far: the id of the newest, so an older answer is dropped.
    pub plan_requests: u64,
}

/// Which moment the screen shows and over what window the charts look back.
pub struct TimeView {
    /// The instant the screen shows: the clock while live, the past instant while paused.
    /// Every "… ago" on screen counts from it.
    pub now_ms: i64,
    /// The clock (the header shows it, the banner counts from it).
    pub wall_ms: i64,
    pub window_index: usize,
    /// Per target: the widest window whose history was requested from the store.
    pub(super) loaded_window_ms: Vec<i64>,
    /// Set while the screen shows a past instant instead of live data.
    pub travel: Option<super::travel::Travel>,
    /// The `t` prompt's text while it is open.
    pub input: Option<String>,
    /// `logstag replay`: the newest recorded instant, where "live" takes the screen, as
    /// there is no live data.
    pub replay_end: Option<crate::model::Timestamp>,
}

impl TimeView {
    pub fn new(window_index: usize) -> Self {
        let now = crate::model::Timestamp::now().millis();
        Self {
            now_ms: now,
            wall_ms: now,
            window_index,
            loaded_window_ms: Vec::new(),
            travel: None,
            input: None,
            replay_end: None,
        }
    }

    /// The clock moved on: so does the screen, unless it is paused.
    pub fn tick(&mut self, wall_ms: i64) {
        self.wall_ms = wall_ms;
        if self.travel.is_none() {
            self.now_ms = wall_ms;
        }
    }

    pub fn paused(&self) -> bool {
        self.travel.is_some()
    }

    /// Where the charts' time axis ends, and the cursor when paused.
    pub fn chart_axis(&self) -> (i64, Option<i64>) {
        match &self.travel {
            Some(t) => (t.chart_end_ms, Some(t.at.millis())),
            None => (self.now_ms, None),
        }
    }
}

impl std::fmt::Debug for TimeView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimeView")
            .field("now_ms", &self.now_ms)
            .field("paused_at", &self.travel.as_ref().map(|t| t.at))
            .finish_non_exhaustive()
    }
}
