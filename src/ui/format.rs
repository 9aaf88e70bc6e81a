//! Human units for narrow columns: durations ("1h02m"), bytes, rates, percentages.
//! Each output is short and fixed in shape so columns stay aligned.

use std::time::Duration;

/// "450ms", "3.2s", "42s", "5m07s", "1h02m", "3d04h".
pub fn duration_ms(ms: u64) -> String {
    let secs = ms / 1000;
    match ms {
        0..=999 => format!("{ms}ms"),
        1_000..=9_999 => format!("{:.1}s", ms as f64 / 1000.0),
        10_000..=59_999 => format!("{secs}s"),
        60_000..=3_599_999 => format!("{}m{:02}s", secs / 60, secs % 60),
        3_600_000..=86_399_999 => format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60),
        _ => format!("{}d{:02}h", secs / 86_400, (secs % 86_400) / 3600),
    }
}

pub fn duration(d: Duration) -> String {
    duration_ms(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub fn opt_duration_ms(ms: Option<u64>) -> String {
    ms.map_or_else(|| "-".to_owned(), duration_ms)
}

/// Milliseconds with a precision that suits their size: "0.42ms", "12.3ms", "4.1s".
pub fn millis_f(ms: f64) -> String {
    if !ms.is_finite() {
        return "-".into();
    }
    match ms {
        m if m < 1.0 => format!("{m:.2}ms"),
        m if m < 100.0 => format!("{m:.1}ms"),
        m if m < 1000.0 => format!("{m:.0}ms"),
        m => duration_ms(m as u64),
    }
}

/// Like `millis_f`, but sub-millisecond times in microseconds ("4.5µs"): Redis commands
/// take microseconds, which "0.00ms" would hide.
pub fn micros_f(ms: f64) -> String {
    if ms.is_finite() && ms < 1.0 { format!("{:.1}µs", ms * 1000.0) } else { millis_f(ms) }
}

pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 6] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 { format!("{n} B") } else { format!("{value:.1} {}", UNITS[unit]) }
}

/// Counts with k/M suffixes: "950", "12.3k", "4.5M".
pub fn count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => format!("{:.1}k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

pub fn rate(per_s: f64) -> String {
    if !per_s.is_finite() {
        return "-".into();
    }
    match per_s {
        r if r < 10.0 => format!("{r:.1}/s"),
        r if r < 10_000.0 => format!("{r:.0}/s"),
        r => format!("{}/s", count(r as u64)),
    }
}

pub fn percent(p: Option<f64>) -> String {
    p.filter(|v| v.is_finite()).map_or_else(|| "-".to_owned(), |v| format!("{v:.1}%"))
}

/// Clock time of a Unix-ms timestamp, UTC, "HH:MM:SS" (servers and DBAs think in UTC).
pub fn clock(ms: i64) -> String {
    let secs = ms.div_euclid(1000).rem_euclid(86_400);
    format!("{:02}:{:02}:{:02}", secs / 3600, (secs % 3600) / 60, secs % 60)
}

/// `2026-12-06 03:12:05` (UTC): a past instant, which may be another day.
pub fn date_time(ms: i64) -> String {
    let (y, m, d) = crate::logging::rotate::civil_from_days(ms.div_euclid(86_400_000));
    format!("{y:04}-{m:02}-{d:02} {}", clock(ms))
}

/// Chart window names: "5 min", "1 h", "24 h".
pub fn window(ms: i64) -> String {
    let minutes = ms / 60_000;
    if minutes < 60 { format!("{minutes} min") } else { format!("{} h", minutes / 60) }
}

/// Collapses whitespace (newlines, tabs) so a statement fits on one table line.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(512));
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
        // The cell clips anyway; long statements need not be copied in full per frame.
        if out.len() > 400 {
            break;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short_and_human() {
        let cases = [
            (0, "0ms"),
            (450, "450ms"),
            (3_210, "3.2s"),
            (42_000, "42s"),
            (307_000, "5m07s"),
            (3_720_000, "1h02m"),
            (273_600_000, "3d04h"),
        ];
        for (ms, want) in cases {
            assert_eq!(duration_ms(ms), want, "{ms}");
        }
    }

    #[test]
    fn bytes_counts_rates_and_percent() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(1536), "1.5 KiB");
        assert_eq!(bytes(3 * 1024 * 1024 * 1024), "3.0 GiB");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(rate(2.25), "2.2/s");
        assert_eq!(rate(1234.0), "1234/s");
        assert_eq!(percent(Some(99.456)), "99.5%");
        assert_eq!(percent(None), "-");
        assert_eq!(millis_f(0.4242), "0.42ms");
        assert_eq!(millis_f(12.34), "12.3ms");
    }

    #[test]
    fn one_line_collapses_whitespace_and_clock_is_utc() {
        assert_eq!(one_line("SELECT *\n  FROM t\tWHERE x = 1"), "SELECT * FROM t WHERE x = 1");
        assert_eq!(clock(3_723_000), "01:02:03");
    }
}
