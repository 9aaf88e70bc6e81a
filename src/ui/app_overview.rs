//! The fleet on the Overview: its row order (worst first or by name, grouped, filtered),
//! moving through it without resting on group headers, and the jump-to-target prompt
//! that works from every tab. The current target (`App::target`) is an index into the
//! dashboard, so re-sorting never changes what the other tabs show.

use super::action::Action;
use super::app::App;
use super::tabs::Tab;
use super::views::overview::{OverviewRow, best_match};

impl App {
    /// Rebuilds the Overview's rows and points its selection at the current target. When
    /// the Overview's filter hides that target while the Overview is shown, the nearest
    /// row it does show becomes current (elsewhere the current target stays put).
    pub(super) fn refresh_overview(&mut self) {
        self.views.overview.rebuild(&self.dashboard.targets, &self.dashboard.alerts);
        if let Some(row) = self.views.overview.row_of(self.target) {
            self.views.targets_list.selected = row;
            return;
        }
        if self.tab != Tab::Overview {
            return;
        }
        let near = self.views.overview.target_row_near(self.views.targets_list.selected, true);
        if let Some(row) = near {
            self.views.targets_list.selected = row;
            if let Some(&OverviewRow::Target(index)) = self.views.overview.rows.get(row) {
                self.select_target(index);
            }
        }
    }

    /// j/k and paging on the Overview: onward past group headers, in the direction moved.
    pub(super) fn navigate_overview(&mut self, action: Action) {
        let len = self.views.overview.rows.len();
        self.views.targets_list.apply(action, len);
        let forward = !matches!(action, Action::Up | Action::PageUp | Action::HalfPageUp | Action::Bottom);
        let Some(row) = self.views.overview.target_row_near(self.views.targets_list.selected, forward) else {
            return;
        };
        self.views.targets_list.selected = row;
        // The first target of a group brings its header into view.
        if let Some(OverviewRow::Group { .. }) =
            row.checked_sub(1).and_then(|r| self.views.overview.rows.get(r))
        {
            self.views.targets_list.reveal(row - 1);
        }
        if let Some(&OverviewRow::Target(index)) = self.views.overview.rows.get(row) {
            self.select_target(index);
        }
    }

    /// `]` / `[`: the next or previous target in the Overview's order, wrapping.
    pub(super) fn step_target(&mut self, forward: bool) {
        let mut order: Vec<usize> = self.views.overview.order().collect();
        if order.is_empty() {
            order = (0..self.dashboard.targets.len()).collect();
        }
        let n = order.len();
        if n == 0 {
            return;
        }
        let next = match order.iter().position(|&i| i == self.target) {
            Some(p) if forward => order[(p + 1) % n],
            Some(p) => order[(p + n - 1) % n],
            None if forward => order[0],
            None => order[n - 1],
        };
        self.select_target(next);
    }

    pub(super) fn overview_action(&mut self, action: Action) {
        match action {
            Action::ToggleTargetOrder => self.views.overview.by_name = !self.views.overview.by_name,
            Action::CycleGrouping => self.views.overview.grouping = self.views.overview.grouping.next(),
            _ => {}
        }
        // A new order is read from the top: the selection stays on screen, lowest if need be.
        self.views.targets_list.reveal(0);
    }

    /// The jump prompt: open it, type, accept the best match or cancel.
    pub(super) fn jump_action(&mut self, action: Action) {
        match action {
            Action::StartJump => {
                self.popups.open = None;
                self.filter_editing = false;
                self.jump = Some(String::new());
            }
            Action::JumpInput(c) => self.jump.get_or_insert_default().push(c),
            Action::JumpBackspace => {
                self.jump.get_or_insert_default().pop();
            }
            Action::JumpCancel => self.jump = None,
            Action::JumpAccept => {
                let query = self.jump.take().unwrap_or_default();
                match self.jump_target(&query) {
                    Some(index) => {
                        // A target the Overview's filter hides would be selected out of sight.
                        if self.views.overview.row_of(index).is_none()
                            && !self.views.overview.filter.is_empty()
                        {
                            self.views.overview.filter.clear();
                            self.views.overview.rebuild(&self.dashboard.targets, &self.dashboard.alerts);
                        }
                        self.select_target(index);
                    }
                    None if query.trim().is_empty() => {}
                    None => self.notice = Some(format!("no target name contains \"{}\"", query.trim())),
                }
            }
            _ => {}
        }
    }

    /// At start: the headline rate of every other target over the chart window, so the
    /// Overview's trends are drawn from history at once, not only from new samples.
    pub fn headline_requests(&self) -> Vec<super::action::Effect> {
        let window_ms = self.window_ms();
        let targets = self.dashboard.targets.iter().enumerate().filter(|(i, _)| *i != self.target);
        targets
            .map(|(_, t)| super::action::Effect::LoadSeries {
                target: t.info.id.clone(),
                window_ms,
                metrics: vec![super::dashboard::headline(t.engine)],
            })
            .collect()
    }

    /// The target the jump prompt would select for `query` (`best_match` over the names).
    pub fn jump_target(&self, query: &str) -> Option<usize> {
        best_match(self.dashboard.targets.iter().map(|t| t.info.id.0.as_str()), query)
    }
}
