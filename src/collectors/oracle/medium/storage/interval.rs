//! The text shapes of `v$dataguard_stats`: VALUE is an INTERVAL DAY TO SECOND printed as
//! text (`+00 00:00:05`, `+01 02:03:04.250`), NULL or empty while the standby cannot
//! tell; TIME_COMPUTED and DATUM_TIME are `MM/DD/YYYY HH24:MI:SS` strings in the
//! standby's own clock. Both are parsed here, leniently: whatever does not fit is
//! unknown (None), never zero, because a lag of 0 would read as "in sync".

/// Seconds of an interval string: `[+|-]D HH:MM:SS[.fff]` or `HH:MM:SS[.fff]`. A negative
/// interval (clock skew between primary and standby) counts as no lag.
pub fn interval_seconds(text: &str) -> Option<f64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let (negative, unsigned) = match (text.strip_prefix('-'), text.strip_prefix('+')) {
        (Some(rest), _) => (true, rest),
        (None, Some(rest)) => (false, rest),
        (None, None) => (false, text),
    };
    let (days, clock) = match unsigned.trim().split_once(char::is_whitespace) {
        Some((days, clock)) => (days.trim().parse::<u64>().ok()?, clock.trim()),
        None => (0, unsigned.trim()),
    };
    let mut parts = clock.split(':');
    let (Some(h), Some(m), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let hours = h.parse::<u64>().ok().filter(|h| *h < 24)?;
    let minutes = m.parse::<u64>().ok().filter(|m| *m < 60)?;
    let seconds = s.parse::<f64>().ok().filter(|s| s.is_finite() && (0.0..60.0).contains(s))?;
    // Oracle's day field has at most 9 digits; anything larger is not an interval.
    let days = Some(days).filter(|d| *d < 1_000_000_000)?;
    let total = (days * 86_400 + hours * 3_600 + minutes * 60) as f64 + seconds;
    Some(if negative { 0.0 } else { total })
}

/// Seconds from `earlier` to `later`, both `MM/DD/YYYY HH24:MI:SS` in the same (the
/// server's) clock: how old a Data Guard datum is when it was computed. Never negative.
pub fn seconds_between(earlier: &str, later: &str) -> Option<f64> {
    let diff = server_clock_seconds(later)? - server_clock_seconds(earlier)?;
    Some(diff.max(0) as f64)
}

/// Seconds since 1970-01-01 of a `MM/DD/YYYY HH24:MI:SS` reading, as if it were UTC
/// (only differences are used, so the zone does not matter).
fn server_clock_seconds(text: &str) -> Option<i64> {
    let (date, time) = text.trim().split_once(char::is_whitespace)?;
    let mut d = date.split('/').map(|p| p.parse::<i64>().ok());
    let (Some(Some(month)), Some(Some(day)), Some(Some(year)), None) =
        (d.next(), d.next(), d.next(), d.next())
    else {
        return None;
    };
    let mut t = time.trim().split(':').map(|p| p.parse::<i64>().ok());
    let (Some(Some(h)), Some(Some(m)), Some(Some(s)), None) = (t.next(), t.next(), t.next(), t.next()) else {
        return None;
    };
    let valid = (1..=9999).contains(&year)
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && (0..24).contains(&h);
    if !valid || !(0..60).contains(&m) || !(0..=60).contains(&s) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + h * 3_600 + m * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_as_oracle_prints_them() {
        assert_eq!(interval_seconds("+00 00:00:05"), Some(5.0));
        assert_eq!(interval_seconds("+00 00:00:45"), Some(45.0));
        assert_eq!(interval_seconds("+01 02:03:04"), Some(93_784.0));
        assert_eq!(interval_seconds("+00 00:01:00.250"), Some(60.25));
        assert_eq!(interval_seconds("  +00 00:00:00  "), Some(0.0));
        assert_eq!(interval_seconds("00 00:02:00"), Some(120.0), "no sign");
        assert_eq!(interval_seconds("00:00:07"), Some(7.0), "no day field");
        assert_eq!(interval_seconds("+123 00:00:00"), Some(123.0 * 86_400.0), "three-digit days");
        assert_eq!(interval_seconds("-00 00:00:02"), Some(0.0), "clock skew is no lag");
    }

    #[test]
    fn unknown_intervals_are_none_never_zero() {
        for text in
            ["", "   ", "+", "+00", "+00 00:00", "+00 00:61:00", "+00 25:00:00", "x 00:00:05", "5", "NaN"]
        {
            assert_eq!(interval_seconds(text), None, "{text:?}");
        }
        assert_eq!(interval_seconds("+00 00:00:05:01"), None);
        assert_eq!(interval_seconds("+00 00:00:inf"), None);
    }

    #[test]
    fn datum_age_from_the_standby_clock() {
        assert_eq!(seconds_between("12/06/2026 14:30:05", "12/06/2026 14:30:10"), Some(5.0));
        assert_eq!(
            seconds_between("12/31/2026 23:59:50", "01/01/2027 00:00:20"),
            Some(30.0),
            "over a year end"
        );
        assert_eq!(
            seconds_between("02/28/2028 12:00:00", "03/01/2028 12:00:00"),
            Some(2.0 * 86_400.0),
            "leap year"
        );
        assert_eq!(
            seconds_between("12/06/2026 14:30:10", "12/06/2026 14:30:05"),
            Some(0.0),
            "never negative"
        );
        assert_eq!(seconds_between("2026-12-06 14:30:05", "12/06/2026 14:30:10"), None, "another format");
        assert_eq!(seconds_between("", "12/06/2026 14:30:10"), None);
        assert_eq!(seconds_between("13/06/2026 14:30:05", "12/06/2026 14:30:10"), None);
    }
}
