//! Bounded in-memory time series for the Overview charts: filled live from Metrics
//! samples and preloaded from the history store. Capped so memory stays small.

use std::collections::{BTreeMap, VecDeque};

/// 24 h at the default 10 s high tier.
pub const MAX_POINTS: usize = 8_640;

/// Points (Unix ms, value), oldest first, no two with the same timestamp.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    points: VecDeque<(i64, f64)>,
}

impl Series {
    pub fn push(&mut self, at_ms: i64, value: f64) {
        if !value.is_finite() {
            return;
        }
        match self.points.back() {
            Some(&(last, _)) if last == at_ms => {
                self.points.pop_back();
            }
            Some(&(last, _)) if last > at_ms => return self.merge(&[(at_ms, value)]),
            _ => {}
        }
        self.points.push_back((at_ms, value));
        while self.points.len() > MAX_POINTS {
            self.points.pop_front();
        }
    }

    /// Adds history from the store; live points win on equal timestamps.
    pub fn merge(&mut self, history: &[(i64, f64)]) {
        let mut all: BTreeMap<i64, f64> = history.iter().copied().filter(|(_, v)| v.is_finite()).collect();
        all.extend(self.points.iter().copied());
        let skip = all.len().saturating_sub(MAX_POINTS);
        self.points = all.into_iter().skip(skip).collect();
    }

    pub fn len(&self) -> usize {
        self.points.len()
    }

    pub fn is_empty(&self) -> bool {
        self.points.is_empty()
    }

    pub fn last(&self) -> Option<(i64, f64)> {
        self.points.back().copied()
    }

    pub fn oldest_ms(&self) -> Option<i64> {
        self.points.front().map(|p| p.0)
    }

    /// The points in `[from_ms, to_ms]` as line segments split at gaps (missing samples
    /// are never drawn as zero), thinned to about `max_points` so drawing stays cheap.
    /// x is seconds relative to `to_ms` (negative = past).
    pub fn segments(&self, from_ms: i64, to_ms: i64, max_points: usize) -> Vec<Vec<(f64, f64)>> {
        let start = self.points.partition_point(|p| p.0 < from_ms);
        let end = self.points.partition_point(|p| p.0 <= to_ms);
        if start >= end {
            return Vec::new();
        }
        let count = end - start;
        let stride = count.div_ceil(max_points.max(2)).max(1);
        let gap_ms = self.typical_step_ms(start, end).saturating_mul(3).max(1) * stride as i64;
        let mut segments: Vec<Vec<(f64, f64)>> = Vec::new();
        let mut previous: Option<i64> = None;
        for index in (start..end).step_by(stride) {
            let Some(&(at, value)) = self.points.get(index) else { break };
            let x = (at - to_ms) as f64 / 1000.0;
            match (previous, segments.last_mut()) {
                (Some(prev), Some(seg)) if at - prev <= gap_ms => seg.push((x, value)),
                _ => segments.push(vec![(x, value)]),
            }
            previous = Some(at);
        }
        segments
    }

    /// The mean of the points in each of `buckets` equal slices of `(from_ms, to_ms]`,
    /// None for a slice without points: what a sparkline draws, one character per slice.
    pub fn bucket_means(&self, from_ms: i64, to_ms: i64, buckets: usize) -> Vec<Option<f64>> {
        let mut sums = vec![(0.0_f64, 0_u32); buckets];
        let span = (to_ms - from_ms).max(1);
        let start = self.points.partition_point(|p| p.0 <= from_ms);
        for &(at, value) in self.points.range(start..).take_while(|p| p.0 <= to_ms) {
            let slice = usize::try_from((at - from_ms - 1) * buckets as i64 / span).unwrap_or(0);
            if let Some((sum, n)) = sums.get_mut(slice) {
                *sum += value;
                *n += 1;
            }
        }
        sums.into_iter().map(|(sum, n)| (n > 0).then(|| sum / f64::from(n))).collect()
    }

    /// Median spacing of a few points: the collection interval, whatever it is set to.
    fn typical_step_ms(&self, start: usize, end: usize) -> i64 {
        let probe_end = end.min(start + 33);
        let mut steps: Vec<i64> = (start + 1..probe_end)
            .filter_map(|i| Some(self.points.get(i)?.0 - self.points.get(i - 1)?.0))
            .collect();
        steps.sort_unstable();
        steps.get(steps.len() / 2).copied().unwrap_or(10_000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_splits_the_line_instead_of_drawing_zero() {
        let mut s = Series::default();
        for t in [0, 10, 20, 30, 200, 210, 220] {
            s.push(t * 1000, 5.0);
        }
        let segs = s.segments(0, 220_000, 100);
        assert_eq!(segs.len(), 2);
        assert_eq!(segs[0].len(), 4);
        assert!(segs.iter().flatten().all(|p| p.1 == 5.0));
    }

    #[test]
    fn capped_and_merged_in_order() {
        let mut s = Series::default();
        for t in 0..(MAX_POINTS as i64 + 100) {
            s.push(1_000_000 + t, 1.0);
        }
        assert_eq!(s.len(), MAX_POINTS);
        s.merge(&[(5, 2.0), (6, f64::NAN)]);
        assert_eq!(s.len(), MAX_POINTS);
        let mut fresh = Series::default();
        fresh.push(100, 1.0);
        fresh.merge(&[(50, 2.0), (100, 9.0)]);
        assert_eq!(fresh.points.iter().copied().collect::<Vec<_>>(), vec![(50, 2.0), (100, 1.0)]);
    }

    #[test]
    fn bucket_means_average_each_slice_and_leave_holes_empty() {
        let mut s = Series::default();
        for (t, v) in [(5, 99.0), (10, 1.0), (20, 3.0), (30, 5.0), (60, 7.0)] {
            s.push(t * 1000, v);
        }
        // Three 20 s slices (5,25] (25,45] (45,65]: the point at 5 s is before the window.
        assert_eq!(s.bucket_means(5_000, 65_000, 3), vec![Some(2.0), Some(5.0), Some(7.0)]);
        assert_eq!(
            s.bucket_means(0, 60_000, 6),
            vec![Some(50.0), Some(3.0), Some(5.0), None, None, Some(7.0)]
        );
        assert_eq!(Series::default().bucket_means(0, 10, 2), vec![None, None]);
    }

    #[test]
    fn thinning_bounds_the_points_drawn() {
        let mut s = Series::default();
        for t in 0..5_000 {
            s.push(t * 10_000, t as f64);
        }
        let drawn: usize = s.segments(0, 50_000_000, 200).iter().map(Vec::len).sum();
        assert!(drawn <= 200, "{drawn}");
        assert_eq!(s.segments(0, 50_000_000, 200).len(), 1);
    }
}
