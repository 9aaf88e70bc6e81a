//! A one-line trend of a rate in block characters (▁▂▃▄▅▆▇█), one per time slice of the
//! chart window: small enough for a table cell, so a hundred targets show their trend at once.

use super::super::series::Series;

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// `width` characters over `(now_ms - window_ms, now_ms]`, the sum of `series` (a keyed
/// metric's keys add up) scaled to its own peak; a slice without samples stays blank, so
/// an outage shows as a hole, never as zero.
pub fn line(series: &[&Series], now_ms: i64, window_ms: i64, width: usize) -> String {
    let mut sums: Vec<Option<f64>> = vec![None; width];
    for s in series {
        for (slot, mean) in sums.iter_mut().zip(s.bucket_means(now_ms - window_ms, now_ms, width)) {
            if let Some(mean) = mean {
                *slot = Some(slot.unwrap_or(0.0) + mean);
            }
        }
    }
    let peak = sums.iter().flatten().copied().fold(0.0_f64, f64::max);
    sums.into_iter()
        .map(|v| match v {
            None => ' ',
            Some(v) if peak <= 0.0 || v <= 0.0 => LEVELS[0],
            Some(v) => {
                let level = (v / peak * LEVELS.len() as f64).ceil() as usize;
                LEVELS[level.clamp(1, LEVELS.len()) - 1]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rises_to_the_peak_and_leaves_holes_blank() {
        let mut s = Series::default();
        for (i, v) in [0.0, 1.0, 2.0, 4.0, 8.0].into_iter().enumerate() {
            s.push(i as i64 * 10_000 + 5_000, v);
        }
        assert_eq!(line(&[&s], 60_000, 60_000, 6), "▁▁▂▄█ ");
        assert_eq!(line(&[], 60_000, 60_000, 4), "    ");
    }

    #[test]
    fn keyed_series_add_up_and_flat_zero_stays_low() {
        let (mut a, mut b) = (Series::default(), Series::default());
        a.push(5_000, 1.0);
        b.push(5_000, 1.0);
        a.push(15_000, 2.0);
        assert_eq!(line(&[&a, &b], 20_000, 20_000, 2), "██");
        let mut zero = Series::default();
        zero.push(5_000, 0.0);
        assert_eq!(line(&[&zero], 10_000, 10_000, 1), "▁");
    }
}
