//! Maintenance checks: the oplog window, replica set members' health, an end-of-life
//! server version, and asserts (server errors) rising.

use super::performance::replica_gap;
use super::{keyed, low_gap, posture as p, version};
use crate::collectors::mongodb::metric as m;
use crate::health::{HealthInput, Outcome, not_evaluated, some_of};
use crate::model::CheckStatus;

pub fn oplog_window(i: &HealthInput) -> Outcome {
    let Some(window) = i.metric(m::OPLOG_WINDOW_S, "") else {
        return not_evaluated(replica_gap(i, "oplog"));
    };
    let hours = window / 3600.0;
    let status = if hours < 1.0 {
        CheckStatus::Critical
    } else if hours < 24.0 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (status, format!("oplog window {hours:.1} h (attention below 24 h, critical below 1 h)"))
}

pub fn members_unhealthy(i: &HealthInput) -> Outcome {
    let down: Vec<String> =
        keyed(i, m::MEMBER_HEALTHY).filter(|(_, v)| *v < 1.0).map(|(k, _)| k.to_owned()).collect();
    let Some(count) = i.metric(m::MEMBERS_UNHEALTHY, "").or_else(|| {
        let any = keyed(i, m::MEMBER_HEALTHY).next().is_some();
        any.then_some(down.len() as f64)
    }) else {
        return not_evaluated(replica_gap(i, "replica set members"));
    };
    let status = if count > 0.0 { CheckStatus::Critical } else { CheckStatus::Healthy };
    (status, format!("{count:.0} member(s) not healthy {}", some_of(&down)).trim_end().to_owned())
}

/// End of life of each release series, as (major, minor, year, month, day): MongoDB's
/// "Software Lifecycle Schedules" (mongodb.com/legal/support-policy/lifecycles). 7.0 and
/// 8.0 are supported and have no date here; a rapid release (5.1–5.3, 6.1–6.3, …) is
/// judged with its major's series.
const END_OF_LIFE: [(u32, u32, i32, u32, u32); 7] = [
    (3, 6, 2021, 4, 30),
    (4, 0, 2022, 4, 30),
    (4, 2, 2023, 4, 30),
    (4, 4, 2024, 2, 29),
    (5, 0, 2024, 10, 31),
    (6, 0, 2025, 7, 31),
    (3, 4, 2020, 1, 31),
];

/// Days after 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

pub fn eol_version(i: &HealthInput) -> Outcome {
    let Some((major, minor)) = version(i) else {
        return not_evaluated(low_gap(i, p::READ_BUILD, "its version"));
    };
    let series_minor = if major >= 5 { 0 } else { minor };
    let today = i.at.millis().div_euclid(86_400_000);
    let eol = END_OF_LIFE.iter().find(|(a, b, ..)| (*a, *b) == (major, series_minor));
    match eol {
        Some((a, b, y, mo, d)) => {
            let left = days_from_civil(*y, *mo, *d) - today;
            let status = if left < 0 {
                CheckStatus::Critical
            } else if left <= 180 {
                CheckStatus::Attention
            } else {
                CheckStatus::Healthy
            };
            let when = if left < 0 { "ended" } else { "ends" };
            (
                status,
                format!(
                    "{major}.{minor}: support for {a}.{b} {when} {y}-{mo:02}-{d:02} (MongoDB lifecycle schedule; attention 180 days before)"
                ),
            )
        }
        None if (major, minor) < (3, 6) => (
            CheckStatus::Critical,
            format!("{major}.{minor}: out of support for years (MongoDB lifecycle schedule)"),
        ),
        None => (
            CheckStatus::Healthy,
            format!("{major}.{minor}: a supported release series (MongoDB lifecycle schedule)"),
        ),
    }
}

pub fn asserts(i: &HealthInput) -> Outcome {
    let (Some(regular), user) = (i.metric(m::ASSERTS_PER_S, "regular"), i.metric(m::ASSERTS_PER_S, "user"))
    else {
        return not_evaluated(if i.metrics.is_empty() {
            super::NO_HIGH.to_owned()
        } else {
            "this server does not report asserts".to_owned()
        });
    };
    let user = user.unwrap_or(0.0);
    let status = if regular >= 1.0 {
        CheckStatus::Critical
    } else if regular > 0.0 || user >= 10.0 {
        CheckStatus::Attention
    } else {
        CheckStatus::Healthy
    };
    (
        status,
        format!(
            "{regular:.2} regular and {user:.1} user asserts/s (regular: attention above 0, critical ≥ 1/s; user: attention ≥ 10/s)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 10, 31), 20_027);
    }
}
