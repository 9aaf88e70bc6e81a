//! The UI state machine: data (`Dashboard`) plus view state. `apply` turns an `Action`
//! into state changes and `Effect`s; it never does I/O, so it is tested directly.

use super::UiUpdate;
use super::action::{Action, Effect};
use super::app_alerts::Shown;
pub use super::app_state::Popup;
use super::app_state::{Popups, TimeView, Views};
use super::dashboard::{Dashboard, TargetView};
use super::tabs::Tab;
use super::theme::Theme;
use crate::model::{ActivitySnapshot, QueryStat, QueryStatsSnapshot, Session, TargetInfo};

/// Chart windows `+`/`-` step through, in minutes.
pub const WINDOWS_MIN: [i64; 5] = [5, 15, 60, 360, 1440];

/// The UI's state, split by who owns what: the data (`dashboard`, written only by
/// updates), each tab's view state (`views`), what is popped up over them (`popups`),
/// and which moment the screen shows (`time`). Render reads all of it; only `update`
/// and `apply` write.
pub struct App {
    pub dashboard: Dashboard,
    pub views: Views,
    pub popups: Popups,
    pub time: TimeView,
    pub theme: Theme,
    pub tab: Tab,
    pub target: usize,
    pub filter_editing: bool,
    /// The jump-to-target prompt's text while it is open.
    pub jump: Option<String>,
    /// Transient message (copy done, theme error…), shown in the status line.
    pub notice: Option<String>,
    /// A theme that failed to load stays visible until the user fixes it.
    pub theme_error: Option<String>,
}

impl App {
    pub fn new(targets: Vec<TargetInfo>, theme: Theme, chart_window: std::time::Duration) -> App {
        let minutes = i64::try_from(chart_window.as_secs() / 60).unwrap_or(i64::MAX);
        let window_index = WINDOWS_MIN.iter().position(|&w| w >= minutes).unwrap_or(WINDOWS_MIN.len() - 1);
        let targets_count = targets.len();
        let mut app = App {
            dashboard: Dashboard::new(targets),
            views: Views::default(),
            popups: Popups::default(),
            time: TimeView::new(window_index),
            theme,
            // One server: its sessions first. A fleet: the Overview, worst first.
            tab: if targets_count > 1 { Tab::Overview } else { Tab::Activity },
            target: 0,
            filter_editing: false,
            jump: None,
            notice: None,
            theme_error: None,
        };
        app.refresh_views();
        app.refresh_overview();
        app
    }

    pub fn window_ms(&self) -> i64 {
        WINDOWS_MIN.get(self.time.window_index).copied().unwrap_or(15) * 60_000
    }

    /// The target on screen (as it was, while paused).
    pub fn current(&self) -> Option<&TargetView> {
        self.dashboard.targets.get(self.target)
    }

    /// The activity sample shown.
    pub fn activity_data(&self) -> Option<Shown<'_, ActivitySnapshot>> {
        self.current()?.activity()
    }

    pub fn queries_data(&self) -> Option<Shown<'_, QueryStatsSnapshot>> {
        self.current()?.queries()
    }

    pub fn sessions(&self) -> &[Session] {
        self.activity_data().map_or(&[], |(_, a)| a.sessions.as_slice())
    }

    pub fn query_stats(&self) -> &[QueryStat] {
        self.queries_data().map_or(&[], |(_, q)| q.stats.as_slice())
    }

    pub fn update(&mut self, update: UiUpdate) {
        match update {
            UiUpdate::Alerts(events) => self.alerts_arrived(events),
            UiUpdate::Moment(answer) => self.moment_arrived(*answer),
            UiUpdate::Comparison { id, result } => self.comparison_arrived(id, result),
            UiUpdate::Overlay { id, series } => self.overlay_arrived(id, series),
            UiUpdate::Plan { id, result } => self.plan_arrived(id, result),
            // Asked for by the detail popup on screen, whichever board it shows.
            query @ UiUpdate::QueryHistory { .. } => self.dashboard.apply(query),
            other => self.live_board().apply(other),
        }
        self.refresh_views();
        self.refresh_overview();
    }

    /// Re-sorts and re-filters only when this target's rows, the target or view settings changed.
    fn refresh_views(&mut self) {
        self.refresh_schema();
        let rows_version = self.current().map_or(0, |t| t.rows_version);
        let key = (rows_version, self.target, self.time.paused());
        if self.views.seen_version == Some(key) {
            return;
        }
        self.views.seen_version = Some(key);
        self.set_presentation(self.presentation());
        let target = self.dashboard.targets.get(self.target);
        let (activity, queries) = (target.and_then(|t| t.activity()), target.and_then(|t| t.queries()));
        self.views.activity.refresh(activity.map_or(&[][..], |(_, a)| a.sessions.as_slice()));
        self.views.queries.refresh(queries.map_or(&[][..], |(_, q)| q.stats.as_slice()));
        self.refresh_slowlog();
    }

    pub(super) fn invalidate(&mut self) {
        self.views.seen_version = None;
        self.refresh_views();
    }

    /// Asks for store history the charts of the current target do not have yet (while
    /// paused: the past instant, read again for a new target or window).
    pub fn history_requests(&mut self) -> Vec<Effect> {
        let mut effects = self.compare_requests(false);
        effects.extend(self.overlay_requests());
        if self.time.paused() {
            effects.extend(self.travel_requests());
            return effects;
        }
        let window_ms = self.window_ms();
        let Some((target, metrics)) =
            self.current().map(|t| (t.info.id.clone(), super::dashboard::charted(t.engine)))
        else {
            return effects;
        };
        self.time.loaded_window_ms.resize(self.dashboard.targets.len(), 0);
        match self.time.loaded_window_ms.get_mut(self.target) {
            Some(loaded) if *loaded < window_ms => {
                *loaded = window_ms;
                effects.push(Effect::LoadSeries { target, window_ms, metrics });
                effects
            }
            _ => effects,
        }
    }

    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.notice = None;
        let mut effects = Vec::new();
        match action {
            Action::Quit => effects.push(Effect::Quit),
            Action::Help => self.popups.open = Some(Popup::Help { scroll: 0 }),
            Action::GoTab(tab) => self.tab = tab,
            Action::NextTab => self.tab = self.tab.next(),
            Action::PrevTab => self.tab = self.tab.prev(),
            Action::NextTarget | Action::PrevTarget => self.step_target(action == Action::NextTarget),
            Action::WindowGrow | Action::WindowShrink => {
                self.time.window_index = if action == Action::WindowGrow {
                    (self.time.window_index + 1).min(WINDOWS_MIN.len() - 1)
                } else {
                    self.time.window_index.saturating_sub(1)
                };
            }
            Action::Redraw => effects.push(Effect::ClearScreen),
            Action::Back => self.back(),
            Action::StartFilter => self.filter_editing = true,
            Action::FilterKeep => self.filter_editing = false,
            Action::FilterClear => {
                self.filter_editing = false;
                self.set_filter(String::new());
            }
            Action::FilterBackspace => {
                let mut text = self.filter().to_owned();
                text.pop();
                self.set_filter(text);
            }
            Action::FilterInput(c) => {
                let text = format!("{}{c}", self.filter());
                self.set_filter(text);
            }
            Action::ToggleOwn => {
                self.views.queries.show_own = !self.views.queries.show_own;
                let show_own = self.views.queries.show_own;
                if let Some(c) = self.views.compare.as_mut() {
                    c.refresh(show_own);
                }
                self.invalidate();
            }
            Action::CycleCompare => effects.extend(self.cycle_compare()),
            Action::ToggleDayOverlay => effects.extend(self.toggle_day_overlay()),
            Action::ToggleIdle => {
                self.views.activity.hide_idle = !self.views.activity.hide_idle;
                self.invalidate();
            }
            Action::ToggleBlocking => {
                self.views.activity.blocking = !self.views.activity.blocking;
                self.views.activity.list.selected = 0;
                self.invalidate();
            }
            Action::SortNext | Action::SortPrev | Action::SortInvert => self.sort(action),
            Action::Detail => self.open_detail(&mut effects),
            Action::Copy | Action::CopyCancel | Action::CopyTerminate => self.copy(action, &mut effects),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => self.navigate(action),
            Action::HalfPageUp | Action::HalfPageDown | Action::Top | Action::Bottom => self.navigate(action),
            Action::AckAlert | Action::MuteAlert | Action::DismissAlertPopup => self.alert_action(action),
            Action::BackToLive | Action::TogglePause | Action::StepBack | Action::StepForward => {
                effects.extend(self.travel_action(action));
            }
            Action::MinuteBack | Action::MinuteForward | Action::StartTimeInput | Action::TimeInput(_) => {
                effects.extend(self.travel_action(action));
            }
            Action::TimeBackspace | Action::TimeAccept | Action::TimeCancel => {
                effects.extend(self.travel_action(action));
            }
            Action::JumpToAlert => effects.extend(self.jump_to_alert()),
            Action::Expand | Action::Collapse | Action::ToggleSchemaSort | Action::ToggleSchemaChanges => {
                self.schema_action(action);
            }
            Action::RefreshSchema => effects.extend(self.refresh_schema_now()),
            Action::RetryNow => effects.extend(self.retry_now()),
            Action::ToggleSlowLog => {
                self.toggle_slowlog();
                self.invalidate();
            }
            Action::ToggleTargetOrder | Action::CycleGrouping => self.overview_action(action),
            Action::StartJump | Action::JumpInput(_) | Action::JumpBackspace => self.jump_action(action),
            Action::JumpAccept | Action::JumpCancel => self.jump_action(action),
            Action::Plan => effects.extend(self.plan_action()),
        }
        // Rows follow the current target whatever moved, re-sorted or filtered them.
        self.refresh_overview();
        // Whatever changed the target or the window, the charts get their history.
        effects.extend(self.history_requests());
        effects
    }

    /// `R`: a target that is down is tried again now; one that is up needs nothing.
    pub(super) fn retry_now(&mut self) -> Option<Effect> {
        let target = self.current()?;
        let id = target.info.id.clone();
        if !matches!(target.health.as_ref().map(|h| &h.status), Some(crate::model::TargetStatus::Down { .. }))
        {
            self.notice = Some(format!("{id} is not down: nothing to retry"));
            return None;
        }
        self.notice = Some(format!("retrying {id} now"));
        Some(Effect::RetryNow(id))
    }

    pub(super) fn select_target(&mut self, index: usize) {
        if index != self.target {
            // The target left behind keeps only its headline series: its history is
            // reloaded from the store when it is shown again.
            if self.dashboard.refocus(index)
                && let Some(loaded) = self.time.loaded_window_ms.get_mut(self.target)
            {
                *loaded = 0;
            }
            self.target = index;
            self.views.activity.list.selected = 0;
            self.views.queries.list.selected = 0;
            self.views.health_list.selected = 0;
            self.invalidate();
        }
    }

    /// Esc backs out one level: popup, then filter, then the blocking tree.
    fn back(&mut self) {
        if self.close_plan() || self.popups.open.take().is_some() {
            return;
        }
        if self.tab == Tab::Schema && self.views.schema.detail_full {
            self.views.schema.detail_full = false;
        } else if !self.filter().is_empty() {
            self.set_filter(String::new());
        } else if self.tab == Tab::Schema && self.views.schema.changes_mode {
            self.schema_action(Action::ToggleSchemaChanges);
        } else if self.tab == Tab::Activity && self.views.activity.blocking {
            self.views.activity.blocking = false;
            self.invalidate();
        }
    }

    fn filter(&self) -> &str {
        match self.tab {
            Tab::Queries => &self.views.queries.filter,
            Tab::Schema => self.views.schema.active_filter(),
            Tab::Overview => &self.views.overview.filter,
            _ => &self.views.activity.filter,
        }
    }

    fn set_filter(&mut self, text: String) {
        match self.tab {
            Tab::Queries => self.views.queries.filter = text,
            Tab::Schema => self.views.schema.set_filter(text),
            Tab::Overview => self.views.overview.filter = text,
            _ => self.views.activity.filter = text,
        }
        self.invalidate();
    }

    fn sort(&mut self, action: Action) {
        fn apply(sort: &mut super::views::Sort, columns: &[impl super::views::Sortable], action: Action) {
            match action {
                Action::SortInvert => sort.descending = !sort.descending,
                _ => sort.step(columns, action == Action::SortNext),
            }
        }
        match self.tab {
            Tab::Queries if self.views.slow_log.slowlog_mode => {
                apply(&mut self.views.slow_log.slowlog_sort, &super::views::slowlog::SLOWLOG_COLUMNS, action);
            }
            Tab::Activity => apply(&mut self.views.activity.sort, self.views.activity.columns, action),
            Tab::Queries => apply(&mut self.views.queries.sort, self.views.queries.columns, action),
            _ => return,
        }
        self.invalidate();
    }

    fn navigate(&mut self, action: Action) {
        if self.popups.open.is_none()
            && let Some((list, len)) = self.engine_list()
        {
            list.apply(action, len);
            return;
        }
        match (&mut self.popups.open, self.tab) {
            (
                Some(
                    Popup::Help { scroll }
                    | Popup::Session { scroll, .. }
                    | Popup::Query { scroll, .. }
                    | Popup::SlowEntry { scroll, .. }
                    | Popup::Alert { scroll, .. }
                    | Popup::HealthCheck { scroll, .. }
                    | Popup::Plan { scroll, .. },
                ),
                _,
            ) => {
                *scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    Action::PageUp => scroll.saturating_sub(10),
                    Action::PageDown => scroll.saturating_add(10),
                    _ => scroll.saturating_add(1),
                };
            }
            (None, Tab::Activity) => {
                let len = self.views.activity.row_count();
                self.views.activity.list.apply(action, len);
            }
            (None, Tab::Queries) => match self.views.compare.as_mut() {
                Some(c) => c.list.apply(action, c.rows.len()),
                None => self.views.queries.list.apply(action, self.views.queries.rows.len()),
            },
            (None, Tab::Schema) => self.views.schema.navigate(action),
            (None, Tab::Alerts) => self.views.alerts_list.apply(action, self.dashboard.alerts.active.len()),
            (None, Tab::Health) => {
                let len = self.current().and_then(|t| t.health_report.as_ref()).map_or(0, |r| r.checks.len());
                self.views.health_list.apply(action, len);
            }
            (None, Tab::Overview) => self.navigate_overview(action),
        }
    }

    fn open_detail(&mut self, effects: &mut Vec<Effect>) {
        match self.tab {
            Tab::Alerts => {
                if let Some(key) = self.selected_alert() {
                    self.popups.open = Some(Popup::Alert { key, scroll: 0 });
                }
            }
            Tab::Health if self.current().is_some_and(|t| t.health_report.is_some()) => {
                self.popups.open =
                    Some(Popup::HealthCheck { index: self.views.health_list.selected, scroll: 0 });
            }
            Tab::Activity => {
                if let Some(s) = self.views.activity.selected_session(self.sessions()) {
                    self.popups.open = Some(Popup::Session { id: s.id, scroll: 0 });
                }
            }
            Tab::Queries if self.views.slow_log.slowlog_mode => self.open_slow_entry(),
            Tab::Queries => {
                let selected = self.views.queries.selected(self.query_stats()).map(|q| q.id.clone());
                if let (Some(id), Some(target)) = (selected, self.current().map(|t| t.info.id.clone())) {
                    effects.push(Effect::LoadQueryHistory { target, query_id: id.clone() });
                    self.popups.open = Some(Popup::Query { id, scroll: 0 });
                }
            }
            _ => {}
        }
    }
}
