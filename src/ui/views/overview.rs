//! The Overview's row order for a fleet: worst first (or by name), optionally grouped by
//! engine or tag, narrowed by the `/` filter. Rebuilt when data or settings change, never
//! per frame; rows point at targets by their index in the dashboard, so the selection
//! follows a target, not a row position, when the order changes.

use super::super::alerts::AlertBook;
use super::super::dashboard::TargetView;
use crate::model::{Severity, TargetId, TargetStatus};
use std::collections::BTreeMap;

/// How bad a target is, worst first: what the default order and group headers rank by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rank {
    Down,
    CriticalAlert,
    HighAlert,
    MediumAlert,
    Degraded,
    LowAlert,
    Connecting,
    Up,
}

impl Rank {
    /// What a group header says of its worst member.
    pub fn label(self) -> &'static str {
        match self {
            Rank::Down => "DOWN",
            Rank::CriticalAlert => "critical alert",
            Rank::HighAlert => "high alert",
            Rank::MediumAlert => "medium alert",
            Rank::Degraded => "DEGRADED",
            Rank::LowAlert => "low alert",
            Rank::Connecting => "CONNECTING",
            Rank::Up => "UP",
        }
    }

    /// A target's rank from its status and its worst active, unmuted alert. Info and
    /// best-practice findings do not move a target up the list.
    pub fn of(target: &TargetView, worst_alert: Option<Severity>) -> Rank {
        let by_status = match target.health.as_ref().map(|h| &h.status) {
            Some(TargetStatus::Down { .. }) => Rank::Down,
            Some(TargetStatus::Degraded { .. }) => Rank::Degraded,
            Some(TargetStatus::Up { .. }) => Rank::Up,
            Some(TargetStatus::Connecting) | None => Rank::Connecting,
        };
        let by_alert = match worst_alert {
            Some(Severity::Critical) => Rank::CriticalAlert,
            Some(Severity::High) => Rank::HighAlert,
            Some(Severity::Medium) => Rank::MediumAlert,
            Some(Severity::Low) => Rank::LowAlert,
            _ => Rank::Up,
        };
        by_status.min(by_alert)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Grouping {
    #[default]
    None,
    Engine,
    /// By a target's first tag: each target appears once, so group counts add up to the
    /// fleet and j/k never meets a target twice. Untagged targets come last.
    Tag,
}

impl Grouping {
    pub fn next(self) -> Grouping {
        match self {
            Grouping::None => Grouping::Engine,
            Grouping::Engine => Grouping::Tag,
            Grouping::Tag => Grouping::None,
        }
    }
}

/// The group of targets without a tag.
pub const UNTAGGED: &str = "(no tag)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OverviewRow {
    Group {
        label: String,
        count: usize,
        worst: Rank,
        down: usize,
    },
    /// Index into `Dashboard::targets`.
    Target(usize),
}

/// The Overview's settings and its cached rows.
#[derive(Debug, Clone, Default)]
pub struct OverviewView {
    pub filter: String,
    /// Name order instead of worst first (`s`).
    pub by_name: bool,
    pub grouping: Grouping,
    pub rows: Vec<OverviewRow>,
    /// Per dashboard index: the target's rank at the last rebuild.
    pub ranks: Vec<Rank>,
    /// Per dashboard index: its active unmuted alerts and the worst severity among them.
    pub alerts: Vec<(usize, Option<Severity>)>,
    /// Targets the filter lets through.
    pub matched: usize,
}

impl OverviewView {
    /// Recomputes ranks and rows from the targets and the active alerts.
    pub fn rebuild(&mut self, targets: &[TargetView], alerts: &AlertBook) {
        let by_target = alerts_by_target(alerts);
        self.alerts =
            targets.iter().map(|t| by_target.get(&t.info.id).copied().unwrap_or((0, None))).collect();
        self.ranks = targets.iter().zip(&self.alerts).map(|(t, (_, worst))| Rank::of(t, *worst)).collect();
        let needle = self.filter.to_lowercase();
        let mut shown: Vec<usize> = (0..targets.len())
            .filter(|&i| {
                let (Some(t), Some(rank), Some((_, worst))) =
                    (targets.get(i), self.ranks.get(i), self.alerts.get(i))
                else {
                    return false;
                };
                matches(&needle, t, *rank, *worst)
            })
            .collect();
        self.matched = shown.len();
        let rank = |i: usize| self.ranks.get(i).copied().unwrap_or(Rank::Up);
        let name = |i: usize| targets.get(i).map_or("", |t| t.info.id.0.as_str());
        shown.sort_by(|&a, &b| match self.by_name {
            true => name(a).cmp(name(b)),
            false => (rank(a), name(a)).cmp(&(rank(b), name(b))),
        });
        self.rows = match self.grouping {
            Grouping::None => shown.into_iter().map(OverviewRow::Target).collect(),
            Grouping::Engine => {
                grouped(shown, |i| targets.get(i).map(|t| t.product().to_owned()), &rank, self.by_name)
            }
            Grouping::Tag => grouped(
                shown,
                |i| targets.get(i).and_then(|t| t.info.tags.first().cloned()),
                &rank,
                self.by_name,
            ),
        };
    }

    /// The row showing dashboard target `index`, if the filter lets it through.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        self.rows.iter().position(|r| *r == OverviewRow::Target(index))
    }

    /// Targets in display order.
    pub fn order(&self) -> impl Iterator<Item = usize> + '_ {
        self.rows.iter().filter_map(|r| match r {
            OverviewRow::Target(i) => Some(*i),
            OverviewRow::Group { .. } => None,
        })
    }

    /// The target row nearest to `row`, looking `forward` first: j/k never rest on a header.
    pub fn target_row_near(&self, row: usize, forward: bool) -> Option<usize> {
        let is_target = |r: &usize| matches!(self.rows.get(*r), Some(OverviewRow::Target(_)));
        let ahead = (row..self.rows.len()).find(is_target);
        let behind = (0..=row.min(self.rows.len().saturating_sub(1))).rev().find(is_target);
        if forward { ahead.or(behind) } else { behind.or(ahead) }
    }
}

/// Active unmuted alerts per target and the worst severity among them (muted alerts
/// are not counted anywhere, as in the tab bar).
fn alerts_by_target(alerts: &AlertBook) -> BTreeMap<&TargetId, (usize, Option<Severity>)> {
    let mut by_target: BTreeMap<&TargetId, (usize, Option<Severity>)> = BTreeMap::new();
    for a in alerts.active.values().filter(|a| !alerts.is_muted(&a.event.target, &a.event.rule)) {
        let (count, worst) = by_target.entry(&a.event.target).or_insert((0, None));
        *count += 1;
        *worst = Some(worst.map_or(a.event.severity, |w| w.min(a.event.severity)));
    }
    by_target
}

/// Case-insensitive substring of the name, engine, a tag, the status or the worst alert.
fn matches(needle: &str, t: &TargetView, rank: Rank, worst: Option<Severity>) -> bool {
    if needle.is_empty() {
        return true;
    }
    let mut words: Vec<&str> =
        vec![&t.info.id.0, t.product(), &t.info.engine, t.status_label(), rank.label()];
    words.extend(t.info.tags.iter().map(String::as_str));
    words.extend(worst.map(Severity::key));
    super::matches(needle, &words)
}

/// Header rows before their members; groups worst first (or by label), the untagged last.
fn grouped(
    shown: Vec<usize>,
    key_of: impl Fn(usize) -> Option<String>,
    rank: &impl Fn(usize) -> Rank,
    by_name: bool,
) -> Vec<OverviewRow> {
    let mut groups: Vec<(Option<String>, Vec<usize>)> = Vec::new();
    for i in shown {
        let key = key_of(i).filter(|k| !k.is_empty());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, members)) => members.push(i),
            None => groups.push((key, vec![i])),
        }
    }
    let worst = |members: &[usize]| members.iter().map(|&i| rank(i)).min().unwrap_or(Rank::Up);
    groups.sort_by(|(ka, a), (kb, b)| {
        let order =
            |k: &Option<String>, m: &[usize]| (k.is_none(), if by_name { Rank::Up } else { worst(m) });
        order(ka, a).cmp(&order(kb, b)).then_with(|| ka.cmp(kb))
    });
    let mut rows = Vec::new();
    for (key, members) in groups {
        rows.push(OverviewRow::Group {
            label: key.unwrap_or_else(|| UNTAGGED.to_owned()),
            count: members.len(),
            worst: worst(&members),
            down: members.iter().filter(|&&i| rank(i) == Rank::Down).count(),
        });
        rows.extend(members.into_iter().map(OverviewRow::Target));
    }
    rows
}

/// The target to jump to for `query`: a name starting with it first, then one containing
/// it (earliest occurrence first); the shorter name wins a tie, then the earlier target.
pub fn best_match<'a>(names: impl Iterator<Item = &'a str>, query: &str) -> Option<usize> {
    let query = query.trim().to_lowercase();
    if query.is_empty() {
        return None;
    }
    names
        .enumerate()
        .filter_map(|(i, name)| {
            let name = name.to_lowercase();
            let at = name.find(&query)?;
            Some(((at > 0, at, name.chars().count(), i), i))
        })
        .min_by_key(|(key, _)| *key)
        .map(|(_, i)| i)
}

#[cfg(test)]
#[path = "overview_tests.rs"]
mod tests;
