//! The instants a DBA types at the `t` prompt: `03:12`, `03:12:30`, `-15m`, `2h ago`,
//! `yesterday 23:40`, `2026-12-06 03:12`, `now`. Times are UTC, like the header's clock.

const SECOND: i64 = 1_000;
const MINUTE: i64 = 60 * SECOND;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// Where the typed text points, relative to `now_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Typed {
    /// Back to live data.
    Now,
    At(i64),
}

/// What the prompt says under the input while the text does not parse.
pub const EXAMPLES: &str = "03:12 · -15m · 2h ago · yesterday 23:40 · 2026-12-06 03:12 · now";

pub fn parse(text: &str, now_ms: i64) -> Result<Typed, String> {
    let text = text.trim().to_ascii_lowercase();
    let unknown = || format!("cannot read {text:?} as a time; try {EXAMPLES}");
    if text.is_empty() {
        return Err(format!("type a time: {EXAMPLES}"));
    }
    if text == "now" || text == "live" {
        return Ok(Typed::Now);
    }
    if let Some(ago) = text.strip_prefix('-').or_else(|| text.strip_suffix("ago").map(str::trim)) {
        let ms = duration_ms(ago.trim()).ok_or_else(unknown)?;
        return Ok(Typed::At(now_ms.saturating_sub(ms)));
    }
    let today = now_ms.div_euclid(DAY) * DAY;
    if let Some(clock) = text.strip_prefix("yesterday") {
        let ms = clock_ms(clock.trim()).ok_or_else(unknown)?;
        return Ok(Typed::At(today - DAY + ms));
    }
    if let Some(clock) = text.strip_prefix("today") {
        let ms = clock_ms(clock.trim()).ok_or_else(unknown)?;
        return Ok(Typed::At(today + ms));
    }
    if let Some((date, clock)) = text.split_once([' ', 't']) {
        let day = date_ms(date).ok_or_else(unknown)?;
        let ms = clock_ms(clock.trim()).ok_or_else(unknown)?;
        return Ok(Typed::At(day + ms));
    }
    let ms = clock_ms(&text).ok_or_else(unknown)?;
    // A time of day still to come today means the same time yesterday.
    let at = today + ms;
    Ok(Typed::At(if at > now_ms { at - DAY } else { at }))
}

/// `15m`, `90s`, `2h`, `1d`, `1h30m`.
fn duration_ms(text: &str) -> Option<i64> {
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut seen_unit = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => SECOND,
            'm' => MINUTE,
            'h' => HOUR,
            'd' => DAY,
            _ => return None,
        };
        let n: i64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        digits.clear();
        seen_unit = true;
    }
    // A bare number is minutes, the unit DBAs mean by "-15".
    if !digits.is_empty() {
        let n: i64 = digits.parse().ok()?;
        total = total.checked_add(n.checked_mul(if seen_unit { SECOND } else { MINUTE })?)?;
    }
    (total > 0 || seen_unit).then_some(total)
}

/// `03:12` or `03:12:30` → milliseconds since midnight.
fn clock_ms(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split(':').collect();
    let number = |s: &str, max: i64| s.parse::<i64>().ok().filter(|n| (0..=max).contains(n) && s.len() <= 2);
    match parts.as_slice() {
        [h, m] => Some(number(h, 23)? * HOUR + number(m, 59)? * MINUTE),
        [h, m, s] => Some(number(h, 23)? * HOUR + number(m, 59)? * MINUTE + number(s, 59)? * SECOND),
        _ => None,
    }
}

/// `2026-12-06` → milliseconds since the epoch at that day's midnight (UTC).
fn date_ms(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=days_in_month(y, m)).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d) * DAY)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 16:30:00 UTC.
    const NOW: i64 = 1_796_574_600_000;

    fn at(text: &str) -> i64 {
        match parse(text, NOW) {
            Ok(Typed::At(ms)) => ms,
            other => panic!("{text}: {other:?}"),
        }
    }

    #[test]
    fn the_epoch_day_of_now_is_right() {
        assert_eq!(date_ms("2026-12-06"), Some(NOW - 16 * HOUR - 30 * MINUTE));
        assert_eq!(date_ms("1970-01-01"), Some(0));
        assert_eq!(date_ms("2024-02-29").map(|ms| ms / DAY), Some(19_782));
    }

    #[test]
    fn relative_times_count_back_from_now() {
        assert_eq!(at("-15m"), NOW - 15 * MINUTE);
        assert_eq!(at("-15"), NOW - 15 * MINUTE);
        assert_eq!(at("2h ago"), NOW - 2 * HOUR);
        assert_eq!(at("-1h30m"), NOW - 90 * MINUTE);
        assert_eq!(at("-90s"), NOW - 90 * SECOND);
        assert_eq!(at("-1d"), NOW - DAY);
    }

    #[test]
    fn a_time_of_day_is_today_unless_it_is_still_to_come() {
        assert_eq!(at("03:12"), NOW - 13 * HOUR - 18 * MINUTE);
        assert_eq!(at("03:12:30"), NOW - 13 * HOUR - 18 * MINUTE + 30 * SECOND);
        assert_eq!(at("23:40"), NOW - 16 * HOUR - 50 * MINUTE, "23:40 has not come yet today: yesterday's");
        assert_eq!(at("yesterday 23:40"), NOW - 16 * HOUR - 50 * MINUTE);
        assert_eq!(at("today 16:00"), NOW - 30 * MINUTE);
        assert_eq!(at("2026-12-05 23:40"), NOW - 16 * HOUR - 50 * MINUTE);
        assert_eq!(at("2026-12-05T23:40:00"), NOW - 16 * HOUR - 50 * MINUTE);
    }

    #[test]
    fn now_returns_to_live_and_nonsense_says_what_would_do() {
        assert_eq!(parse(" NOW ", NOW), Ok(Typed::Now));
        for bad in [
            "",
            "25:00",
            "3:61",
            "tomorrow",
            "-",
            "-5x",
            "2026-02-30 01:00",
            "12:00:00:00",
            "-99999999999999d",
        ] {
            let err = parse(bad, NOW).unwrap_err();
            assert!(err.contains("03:12"), "{bad}: {err}");
        }
    }
}
