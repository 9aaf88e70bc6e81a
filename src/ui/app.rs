//! The UI state machine: data (`Dashboard`) plus view state. `apply` turns an `Action`
//! into state changes and `Effect`s; it never does I/O, so it is tested directly.

use super::UiUpdate;
use super::action::{Action, Effect};
use super::alerts::AlertKey;
use super::app_alerts::{ActivityData, HistoryView, QueriesData, rows_of};
use super::dashboard::{Dashboard, TargetView};
use super::tabs::Tab;
use super::theme::Theme;
use super::views::ListState;
use super::views::activity::ActivityView;
use super::views::keyvalue::KeyValueView;
use super::views::queries::QueriesView;
use super::views::schema::SchemaView;
use crate::model::{AlertEvent, PLAIN_COUNTERS, QueryStat, Session, TargetInfo};
use std::collections::VecDeque;

/// Chart windows `+`/`-` step through, in minutes.
pub const WINDOWS_MIN: [i64; 5] = [5, 15, 60, 360, 1440];

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
}

pub struct App {
    pub dashboard: Dashboard,
    pub theme: Theme,
    pub tab: Tab,
    pub target: usize,
    pub popup: Option<Popup>,
    pub filter_editing: bool,
    pub activity: ActivityView,
    pub queries: QueriesView,
    pub schema: SchemaView,
    /// Redis/Valkey only: the slow-log list and the big keys.
    pub key_value: KeyValueView,
    pub targets_list: ListState,
    pub window_index: usize,
    /// Per target: the widest window whose history was requested from the store.
    loaded_window_ms: Vec<i64>,
    /// Transient message (copy done, theme error…), shown in the status line.
    pub notice: Option<String>,
    /// A theme that failed to load stays visible until the user fixes it.
    pub theme_error: Option<String>,
    pub now_ms: i64,
    seen_version: Option<(u64, usize, bool)>,
    pub alerts_list: ListState,
    /// Selected check of the Health tab's report.
    pub health_list: ListState,
    /// Alert notifications waiting to be read, oldest first (the one shown).
    pub alert_popups: VecDeque<AlertEvent>,
    /// A popup arrived since the UI loop last rang the bell.
    pub bell_pending: bool,
    /// Set while the screen shows a past moment (`J`) instead of live data.
    pub history: Option<HistoryView>,
}

impl App {
    pub fn new(targets: Vec<TargetInfo>, theme: Theme, chart_window: std::time::Duration) -> App {
        let minutes = i64::try_from(chart_window.as_secs() / 60).unwrap_or(i64::MAX);
        let window_index = WINDOWS_MIN.iter().position(|&w| w >= minutes).unwrap_or(WINDOWS_MIN.len() - 1);
        let mut app = App {
            dashboard: Dashboard::new(targets),
            theme,
            tab: Tab::Activity,
            target: 0,
            popup: None,
            filter_editing: false,
            activity: ActivityView::default(),
            queries: QueriesView::default(),
            schema: SchemaView::default(),
            key_value: KeyValueView::default(),
            targets_list: ListState::default(),
            window_index,
            loaded_window_ms: Vec::new(),
            notice: None,
            theme_error: None,
            now_ms: crate::model::Timestamp::now().millis(),
            seen_version: None,
            alerts_list: ListState::default(),
            health_list: ListState::default(),
            alert_popups: VecDeque::new(),
            bell_pending: false,
            history: None,
        };
        app.refresh_views();
        app
    }

    pub fn window_ms(&self) -> i64 {
        WINDOWS_MIN.get(self.window_index).copied().unwrap_or(15) * 60_000
    }

    /// The target on screen, live (the history view only replaces sessions and statements).
    pub fn current(&self) -> Option<&TargetView> {
        self.dashboard.targets.get(self.target)
    }

    /// The activity sample shown: the history view's when one is open.
    pub fn activity_data(&self) -> Option<&ActivityData> {
        rows_of(&self.dashboard, self.history.as_ref(), self.target).0
    }

    pub fn queries_data(&self) -> Option<&QueriesData> {
        rows_of(&self.dashboard, self.history.as_ref(), self.target).1
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
            UiUpdate::HistorySnapshot { target, at, kind, sample } => {
                self.snapshot_arrived(&target, at, &kind, sample);
            }
            other => self.dashboard.apply(other),
        }
        self.refresh_views();
    }

    /// Re-sorts and re-filters only when this target's rows, the target or view settings changed.
    fn refresh_views(&mut self) {
        self.refresh_schema();
        let rows_version = match &self.history {
            Some(h) => h.version,
            None => self.current().map_or(0, |t| t.rows_version),
        };
        let key = (rows_version, self.target, self.history.is_some());
        if self.seen_version == Some(key) {
            return;
        }
        self.seen_version = Some(key);
        self.set_key_value(self.current().is_some_and(TargetView::is_key_value));
        self.queries.counters = self.current().map_or(&PLAIN_COUNTERS, TargetView::counter_guide);
        let (activity, queries) = rows_of(&self.dashboard, self.history.as_ref(), self.target);
        self.activity.refresh(activity.map_or(&[][..], |(_, a)| a.sessions.as_slice()));
        self.queries.refresh(queries.map_or(&[][..], |(_, q)| q.stats.as_slice()));
        self.refresh_slowlog();
        self.targets_list.selected = self.target;
    }

    pub(super) fn invalidate(&mut self) {
        self.seen_version = None;
        self.refresh_views();
    }

    /// Asks for store history the charts of the current target do not have yet.
    pub fn history_requests(&mut self) -> Vec<Effect> {
        let window_ms = self.window_ms();
        let Some(target) = self.current().map(|t| t.info.id.clone()) else { return Vec::new() };
        self.loaded_window_ms.resize(self.dashboard.targets.len(), 0);
        match self.loaded_window_ms.get_mut(self.target) {
            Some(loaded) if *loaded < window_ms => {
                *loaded = window_ms;
                vec![Effect::LoadSeries { target, window_ms }]
            }
            _ => Vec::new(),
        }
    }

    pub fn apply(&mut self, action: Action) -> Vec<Effect> {
        self.notice = None;
        let mut effects = Vec::new();
        match action {
            Action::Quit => effects.push(Effect::Quit),
            Action::Help => self.popup = Some(Popup::Help { scroll: 0 }),
            Action::GoTab(tab) => self.tab = tab,
            Action::NextTab => self.tab = self.tab.next(),
            Action::PrevTab => self.tab = self.tab.prev(),
            Action::NextTarget | Action::PrevTarget => {
                let n = self.dashboard.targets.len().max(1);
                let step = if action == Action::NextTarget { 1 } else { n - 1 };
                self.select_target((self.target + step) % n);
            }
            Action::WindowGrow | Action::WindowShrink => {
                self.window_index = if action == Action::WindowGrow {
                    (self.window_index + 1).min(WINDOWS_MIN.len() - 1)
                } else {
                    self.window_index.saturating_sub(1)
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
            Action::ToggleIdle => {
                self.activity.hide_idle = !self.activity.hide_idle;
                self.invalidate();
            }
            Action::ToggleBlocking => {
                self.activity.blocking = !self.activity.blocking;
                self.activity.list.selected = 0;
                self.invalidate();
            }
            Action::SortNext | Action::SortPrev | Action::SortInvert => self.sort(action),
            Action::Detail => self.open_detail(&mut effects),
            Action::Copy | Action::CopyCancel | Action::CopyTerminate => self.copy(action, &mut effects),
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => self.navigate(action),
            Action::HalfPageUp | Action::HalfPageDown | Action::Top | Action::Bottom => self.navigate(action),
            Action::AckAlert | Action::MuteAlert | Action::DismissAlertPopup | Action::BackToLive => {
                self.alert_action(action);
            }
            Action::JumpToAlert => effects.extend(self.jump_to_alert()),
            Action::Expand | Action::Collapse | Action::ToggleSchemaSort | Action::ToggleSchemaChanges => {
                self.schema_action(action);
            }
            Action::RefreshSchema => effects.extend(self.refresh_schema_now()),
            Action::ToggleSlowLog => {
                self.toggle_slowlog();
                self.invalidate();
            }
        }
        // Whatever changed the target or the window, the charts get their history.
        effects.extend(self.history_requests());
        effects
    }

    pub(super) fn select_target(&mut self, index: usize) {
        if index != self.target {
            self.target = index;
            self.history = None;
            self.activity.list.selected = 0;
            self.queries.list.selected = 0;
            self.health_list.selected = 0;
            self.invalidate();
        }
    }

    /// Esc backs out one level: popup, then filter, then the blocking tree.
    fn back(&mut self) {
        if self.popup.take().is_some() {
            return;
        }
        if self.tab == Tab::Schema && self.schema.detail_full {
            self.schema.detail_full = false;
        } else if !self.filter().is_empty() {
            self.set_filter(String::new());
        } else if self.tab == Tab::Schema && self.schema.changes_mode {
            self.schema_action(Action::ToggleSchemaChanges);
        } else if self.tab == Tab::Activity && self.activity.blocking {
            self.activity.blocking = false;
            self.invalidate();
        }
    }

    fn filter(&self) -> &str {
        match self.tab {
            Tab::Queries => &self.queries.filter,
            Tab::Schema => self.schema.active_filter(),
            _ => &self.activity.filter,
        }
    }

    fn set_filter(&mut self, text: String) {
        match self.tab {
            Tab::Queries => self.queries.filter = text,
            Tab::Schema => self.schema.set_filter(text),
            _ => self.activity.filter = text,
        }
        self.invalidate();
    }

    fn sort(&mut self, action: Action) {
        let (sort, columns) = match self.tab {
            Tab::Queries if self.key_value.slowlog_mode => {
                (&mut self.key_value.slowlog_sort, &super::views::keyvalue::SLOWLOG_COLUMNS[..])
            }
            Tab::Activity => {
                let columns = self.activity.columns();
                (&mut self.activity.sort, columns)
            }
            Tab::Queries => {
                let columns = self.queries.columns();
                (&mut self.queries.sort, columns)
            }
            _ => return,
        };
        match action {
            Action::SortInvert => sort.descending = !sort.descending,
            _ => sort.step(columns, action == Action::SortNext),
        }
        self.invalidate();
    }

    fn navigate(&mut self, action: Action) {
        if self.popup.is_none()
            && let Some((list, len)) = self.key_value_list()
        {
            list.apply(action, len);
            return;
        }
        match (&mut self.popup, self.tab) {
            (
                Some(
                    Popup::Help { scroll }
                    | Popup::Session { scroll, .. }
                    | Popup::Query { scroll, .. }
                    | Popup::SlowEntry { scroll, .. }
                    | Popup::Alert { scroll, .. }
                    | Popup::HealthCheck { scroll, .. },
                ),
                _,
            ) => {
                *scroll = match action {
                    Action::Up => scroll.saturating_sub(1),
                    _ => scroll.saturating_add(1),
                };
            }
            (None, Tab::Activity) => {
                let len = self.activity.row_count();
                self.activity.list.apply(action, len);
            }
            (None, Tab::Queries) => self.queries.list.apply(action, self.queries.rows.len()),
            (None, Tab::Schema) => self.schema.navigate(action),
            (None, Tab::Alerts) => self.alerts_list.apply(action, self.dashboard.alerts.active.len()),
            (None, Tab::Health) => {
                let len = self.current().and_then(|t| t.health_report.as_ref()).map_or(0, |r| r.checks.len());
                self.health_list.apply(action, len);
            }
            (None, Tab::Overview) => {
                let len = self.dashboard.targets.len();
                self.targets_list.apply(action, len);
                let index = self.targets_list.selected;
                self.select_target(index);
            }
        }
    }

    fn open_detail(&mut self, effects: &mut Vec<Effect>) {
        match self.tab {
            Tab::Alerts => {
                if let Some(key) = self.selected_alert() {
                    self.popup = Some(Popup::Alert { key, scroll: 0 });
                }
            }
            Tab::Health if self.current().is_some_and(|t| t.health_report.is_some()) => {
                self.popup = Some(Popup::HealthCheck { index: self.health_list.selected, scroll: 0 });
            }
            Tab::Activity => {
                if let Some(s) = self.activity.selected_session(self.sessions()) {
                    self.popup = Some(Popup::Session { id: s.id, scroll: 0 });
                }
            }
            Tab::Queries if self.key_value.slowlog_mode => self.open_slow_entry(),
            Tab::Queries => {
                let selected = self.queries.selected(self.query_stats()).map(|q| q.id.clone());
                if let (Some(id), Some(target)) = (selected, self.current().map(|t| t.info.id.clone())) {
                    effects.push(Effect::LoadQueryHistory { target, query_id: id.clone() });
                    self.popup = Some(Popup::Query { id, scroll: 0 });
                }
            }
            _ => {}
        }
    }
}
