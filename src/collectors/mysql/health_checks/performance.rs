//! Performance checks: buffer pool, temporary tables, connections, running threads,
//! row locks, purge lag, failed connections, long queries and blocked threads.
//!
//! Ratios come from counters since the server started (low tier), so one collection
//! round can judge them; the high tier's interval rates are shown beside when present.

use super::{NO_HIGH, counter, fact, fact_gap, since_start};
use crate::collectors::mysql::metric as my;
use crate::health::{HealthInput, Outcome, grade, not_evaluated, some_of};
use crate::model::{CheckStatus, SessionState, metric};

fn no_counters(i: &HealthInput) -> Outcome {
    not_evaluated(fact_gap(i, fact::READ_STATUS, "these status counters"))
}

pub fn buffer_pool_hit(i: &HealthInput) -> Outcome {
    let rule = "attention below 95 %, critical below 85 %";
    if let (Some(requests), Some(reads)) =
        (counter(i, "innodb_buffer_pool_read_requests"), counter(i, "innodb_buffer_pool_reads"))
    {
        if requests < 10_000.0 {
            return not_evaluated(format!("too few page reads to judge ({requests:.0} {})", since_start(i)));
        }
        let pct = 100.0 * (1.0 - reads.min(requests) / requests);
        let now = i
            .metric(metric::CACHE_HIT_PCT, "")
            .map_or(String::new(), |p| format!(", {p:.1} % last interval"));
        return (
            grade(100.0 - pct, 5.0, 15.0),
            format!("{pct:.2} % of page reads served from memory {}{now} ({rule})", since_start(i)),
        );
    }
    match i.metric(metric::CACHE_HIT_PCT, "") {
        Some(pct) => (grade(100.0 - pct, 5.0, 15.0), format!("{pct:.2} % over the last interval ({rule})")),
        None => no_counters(i),
    }
}

pub fn tmp_disk_tables(i: &HealthInput) -> Outcome {
    let (Some(all), Some(disk)) = (counter(i, "created_tmp_tables"), counter(i, "created_tmp_disk_tables"))
    else {
        return no_counters(i);
    };
    if all < 1000.0 {
        return not_evaluated(format!("too few temporary tables to judge ({all:.0} {})", since_start(i)));
    }
    let pct = 100.0 * disk.min(all) / all;
    let now = i
        .metric(my::TMP_DISK_TABLES_PER_S, "")
        .map_or(String::new(), |r| format!(", {r:.1}/s on disk over the last interval"));
    (
        grade(pct, 25.0, 50.0),
        format!(
            "{pct:.1} % of {all:.0} internal temporary tables went to disk {}{now} (attention ≥ 25 %, critical ≥ 50 %)",
            since_start(i)
        ),
    )
}

pub fn connection_usage(i: &HealthInput) -> Outcome {
    let Some(inst) = &i.instance else { return not_evaluated(NO_HIGH) };
    let Some(max) = inst.max_connections.filter(|m| *m > 0) else {
        return not_evaluated("max_connections unknown");
    };
    let pct = inst.connections as f64 * 100.0 / max as f64;
    let peak = i.metric(my::CONNECTIONS_PEAK_PCT, "");
    let mut status = grade(pct, 80.0, 95.0);
    if status == CheckStatus::Healthy && peak.is_some_and(|p| p >= 100.0) {
        status = CheckStatus::Attention;
    }
    let peak = peak.map_or(String::new(), |p| format!(", peak {p:.0} % since start"));
    (
        status,
        format!(
            "{} of {max} connections ({pct:.0} %{peak}; attention ≥ 80 % or a peak at the limit, critical ≥ 95 %)",
            inst.connections
        ),
    )
}

pub fn threads_running(i: &HealthInput) -> Outcome {
    let Some(n) = i.metric(my::THREADS_RUNNING, "") else { return not_evaluated(NO_HIGH) };
    (grade(n, 32.0, 100.0), format!("{n:.0} threads running (attention ≥ 32, critical ≥ 100)"))
}

pub fn row_lock_waits(i: &HealthInput) -> Outcome {
    let (Some(waits), Some(time_ms)) =
        (counter(i, "innodb_row_lock_waits"), counter(i, "innodb_row_lock_time"))
    else {
        return no_counters(i);
    };
    if waits < 100.0 {
        return (
            CheckStatus::Healthy,
            format!("{waits:.0} row lock waits {}: too few to judge", since_start(i)),
        );
    }
    let avg = time_ms / waits;
    (
        grade(avg, 500.0, 5000.0),
        format!(
            "{waits:.0} row lock waits {}, {avg:.0} ms on average (attention ≥ 500 ms, critical ≥ 5 s)",
            since_start(i)
        ),
    )
}

pub fn history_list_length(i: &HealthInput) -> Outcome {
    let Some(n) = i.metric(my::HISTORY_LIST_LENGTH, "") else { return not_evaluated(NO_HIGH) };
    (
        grade(n, 100_000.0, 1_000_000.0),
        format!(
            "history list length {n:.0} undo logs not yet purged (attention ≥ 100,000, critical ≥ 1,000,000)"
        ),
    )
}

pub fn aborted_connects(i: &HealthInput) -> Outcome {
    let (Some(attempts), Some(aborted)) = (counter(i, "connections"), counter(i, "aborted_connects")) else {
        return no_counters(i);
    };
    if attempts < 100.0 {
        return not_evaluated(format!("too few connections to judge ({attempts:.0} {})", since_start(i)));
    }
    let pct = 100.0 * aborted.min(attempts) / attempts;
    let now = i
        .metric(my::ABORTED_CONNECTS_PER_MIN, "")
        .map_or(String::new(), |r| format!(", {r:.1}/min over the last interval"));
    (
        grade(pct, 5.0, 25.0),
        format!(
            "{aborted:.0} of {attempts:.0} connection attempts failed ({pct:.1} %) {}{now} (attention ≥ 5 %, critical ≥ 25 %)",
            since_start(i)
        ),
    )
}

/// Sessions over a threshold of one age, named: `thread 12 340 s`.
pub fn longest(label: &str, found: &[(i64, u64)], attention_s: u64, critical_s: u64) -> Outcome {
    let over: Vec<String> = found
        .iter()
        .filter(|(_, ms)| *ms >= attention_s * 1000)
        .map(|(id, ms)| format!("thread {id} {} s", ms / 1000))
        .collect();
    let worst = found.iter().map(|(_, ms)| *ms).max().unwrap_or(0) as f64 / 1000.0;
    (
        grade(worst, attention_s as f64, critical_s as f64),
        format!(
            "{} {label} over {attention_s} s, longest {worst:.0} s (attention ≥ {attention_s} s, critical ≥ {critical_s} s) {}",
            over.len(),
            some_of(&over)
        )
        .trim_end()
        .to_owned(),
    )
}

pub fn long_queries(i: &HealthInput) -> Outcome {
    let Some(a) = &i.activity else { return not_evaluated(NO_HIGH) };
    let found: Vec<(i64, u64)> = a
        .sessions
        .iter()
        .filter(|s| s.state == SessionState::Active)
        .filter_map(|s| Some((s.id, s.query_ms?)))
        .collect();
    longest("statements", &found, 300, 3600)
}

pub fn blocked(i: &HealthInput) -> Outcome {
    let Some(a) = &i.activity else { return not_evaluated(NO_HIGH) };
    let waiting: Vec<_> = a
        .sessions
        .iter()
        .filter(|s| !s.blocked_by.is_empty() || s.state == SessionState::WaitingForLock)
        .collect();
    let worst = waiting.iter().filter_map(|s| s.state_ms.or(s.query_ms)).max().unwrap_or(0) as f64 / 1000.0;
    let status = if waiting.is_empty() { CheckStatus::Healthy } else { grade(worst, 0.0, 30.0) };
    let named: Vec<String> = waiting
        .iter()
        .map(|s| match s.blocked_by.first() {
            Some(by) => format!("thread {} behind {by}", s.id),
            None => format!("thread {}", s.id),
        })
        .collect();
    (
        status,
        format!(
            "{} threads waiting for a lock, longest {worst:.0} s (attention any, critical ≥ 30 s) {}",
            waiting.len(),
            some_of(&named)
        )
        .trim_end()
        .to_owned(),
    )
}
