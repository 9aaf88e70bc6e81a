//! Maintenance checks: autovacuum, dead tuples, statistics freshness, wraparound, slots.

use super::schema::tables;
use crate::collectors::postgres::posture::fact;
use crate::health::{HealthInput, Outcome, bytes, grade, not_evaluated, some_of};
use crate::model::CheckStatus;

const NO_LOW: &str = "low tier has not run yet";
const DAY_MS: i64 = 24 * 3600 * 1000;

pub fn autovacuum(i: &HealthInput) -> Outcome {
    let Some(s) = i.setting("autovacuum") else { return not_evaluated(NO_LOW) };
    let status = if s.value == "on" { CheckStatus::Healthy } else { CheckStatus::Critical };
    (status, format!("autovacuum = {} (critical when off)", s.value))
}

pub fn dead_tuples(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let mut worst = 0.0_f64;
    let mut named = Vec::new();
    for (q, t) in &t {
        let (Some(dead), Some(live)) = (t.dead_tuples, t.live_tuples) else { continue };
        // Small tables churn harmlessly: only count those with real dead volume.
        if dead < 10_000 {
            continue;
        }
        let pct = dead as f64 * 100.0 / (dead + live) as f64;
        if pct >= 20.0 {
            named.push(format!("{q} {pct:.0} %"));
        }
        worst = worst.max(pct);
    }
    (
        grade(worst, 20.0, 50.0),
        format!("{} tables with ≥ 20 % dead tuples, worst {worst:.0} % (attention ≥ 20 %, critical ≥ 50 %, tables with ≥ 10k dead) {}", named.len(), some_of(&named))
            .trim_end()
            .to_owned(),
    )
}

pub fn stale_statistics(i: &HealthInput) -> Outcome {
    let t = match tables(i) {
        Ok(t) => t,
        Err(o) => return o,
    };
    let now = i.at.millis();
    let stale: Vec<String> = t
        .iter()
        .filter_map(|(q, t)| {
            let last = t.last_analyze_ms.max(t.last_autoanalyze_ms);
            let live = t.live_tuples.unwrap_or(0);
            let reason = match last {
                None if live > 0 || t.n_mod_since_analyze.unwrap_or(0) > 0 => "never analyzed".to_owned(),
                Some(at) if now - at > 90 * DAY_MS => format!("{} days", (now - at) / DAY_MS),
                _ => match t.n_mod_since_analyze {
                    Some(m) if m > 10_000 && m as f64 > 0.2 * live as f64 => format!("{m} rows changed"),
                    _ => return None,
                },
            };
            Some(format!("{q} ({reason})"))
        })
        .collect();
    let status = if stale.is_empty() { CheckStatus::Healthy } else { CheckStatus::Attention };
    (
        status,
        format!(
            "{} tables with stale statistics (never analyzed, > 90 days, or > 20 % changed) {}",
            stale.len(),
            some_of(&stale)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn wraparound(i: &HealthInput) -> Outcome {
    let Some(xids) = i.facts(fact::XID_AGE) else { return not_evaluated(NO_LOW) };
    let mut ages: Vec<(f64, String)> =
        xids.filter_map(|f| Some((f.value.parse().ok()?, format!("{} xid", f.key)))).collect();
    if let Some(m) = i.facts(fact::MXID_AGE) {
        ages.extend(m.filter_map(|f| Some((f.value.parse().ok()?, format!("{} multixact", f.key)))));
    }
    if ages.is_empty() {
        return not_evaluated("pg_database ages could not be read");
    }
    ages.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (worst, which) = ages[0].clone();
    (
        grade(worst, 500e6, 1.5e9),
        format!("oldest age {:.0} M ({which}; attention > 500 M, critical > 1.5 B of 2.1 B)", worst / 1e6),
    )
}

pub fn inactive_slots(i: &HealthInput) -> Outcome {
    let Some(r) = &i.replication else { return not_evaluated("medium tier has not run yet") };
    let inactive: Vec<_> = r.slots.iter().filter(|s| !s.active).collect();
    let retained = inactive.iter().filter_map(|s| s.retained_bytes).max().unwrap_or(0) as f64;
    let status = if inactive.is_empty() {
        CheckStatus::Healthy
    } else {
        grade(retained, 0.0, 10.0 * 1024.0 * 1024.0 * 1024.0)
    };
    let named: Vec<String> = inactive
        .iter()
        .map(|s| format!("{} {}", s.name, s.retained_bytes.map_or("?".into(), |b| bytes(b as f64))))
        .collect();
    (
        status,
        format!(
            "{} inactive slots of {} (attention any, critical when one retains ≥ 10 GiB) {}",
            inactive.len(),
            r.slots.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
