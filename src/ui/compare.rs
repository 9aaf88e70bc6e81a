//! Queries, compared: the statements of the window ending at the screen's instant (the
//! chart window: 15 minutes by default) against the window before it, or against the
//! same window a day earlier. Ranked by the total time gained; new statements and those
//! whose calls got slower stand out. Read off the UI task, like every store query.

use super::views::ListState;
use crate::model::{TargetId, Timestamp};
use crate::store::StatementChange;

const DAY_MS: i64 = 24 * 3_600_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareMode {
    /// The window before.
    Previous,
    /// The same window a day earlier.
    DayBefore,
}

impl CompareMode {
    /// `w` cycles: off → the window before → a day earlier → off.
    pub fn next(mode: Option<CompareMode>) -> Option<CompareMode> {
        match mode {
            None => Some(CompareMode::Previous),
            Some(CompareMode::Previous) => Some(CompareMode::DayBefore),
            Some(CompareMode::DayBefore) => None,
        }
    }
}

/// What a comparison covers; a new one is read whenever it changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    pub now: (Timestamp, Timestamp),
    pub before: (Timestamp, Timestamp),
}

impl Windows {
    /// The window of `width_ms` ending at `end_ms`, and the one it is compared with.
    pub fn ending(mode: CompareMode, end_ms: i64, width_ms: i64) -> Windows {
        let now = (Timestamp(end_ms - width_ms), Timestamp(end_ms));
        let shift = match mode {
            CompareMode::Previous => width_ms,
            CompareMode::DayBefore => DAY_MS,
        };
        Windows { now, before: (Timestamp(now.0.millis() - shift), Timestamp(now.1.millis() - shift)) }
    }
}

/// The comparison on screen.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub mode: CompareMode,
    pub target: TargetId,
    pub windows: Windows,
    /// None while it is read; the error when it could not be.
    pub changes: Option<Result<Vec<StatementChange>, String>>,
    pub request: u64,
    /// Indexes into `changes` of the rows shown (own statements left out unless shown).
    pub rows: Vec<usize>,
    pub list: ListState,
}

impl Comparison {
    pub fn refresh(&mut self, show_own: bool) {
        self.rows = match &self.changes {
            Some(Ok(changes)) => (0..changes.len()).filter(|&i| show_own || !changes[i].own).collect(),
            _ => Vec::new(),
        };
        self.list.clamp(self.rows.len());
    }

    pub fn shown(&self) -> impl Iterator<Item = &StatementChange> {
        let changes = match &self.changes {
            Some(Ok(changes)) => changes.as_slice(),
            _ => &[],
        };
        self.rows.iter().filter_map(move |&i| changes.get(i))
    }
}

/// What the loader reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRequest {
    pub id: u64,
    pub target: TargetId,
    pub windows: Windows,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_end_at_the_instant_and_compare_with_the_one_before_or_a_day_earlier() {
        let w = Windows::ending(CompareMode::Previous, 10_000_000, 900_000);
        assert_eq!(w.now, (Timestamp(9_100_000), Timestamp(10_000_000)));
        assert_eq!(w.before, (Timestamp(8_200_000), Timestamp(9_100_000)));
        let w = Windows::ending(CompareMode::DayBefore, 100_000_000, 900_000);
        assert_eq!(w.before, (Timestamp(100_000_000 - 900_000 - DAY_MS), Timestamp(100_000_000 - DAY_MS)));
        assert_eq!(CompareMode::next(CompareMode::next(CompareMode::next(None))), None);
    }
}
