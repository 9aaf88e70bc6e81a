//! Active Session History, read ONLY when the target says it is licensed for the Oracle
//! Diagnostics Pack (`diagnostics_pack = true`): querying `v$active_session_history` is
//! a use of the pack. Which statements a round sends is `reads(flag)`, a pure function of
//! the flag, and the collector sends exactly those (test below). AWR (`dba_hist_*`) is
//! never read, licensed or not.
//!
//! Once a minute, the trailing five minutes of foreground samples grouped on the server
//! by event and by SQL_ID: the share of samples the top wait event and the top SQL took.

use super::super::super::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::Metric;

/// The event of a sample on CPU (ASH leaves EVENT NULL then).
pub const ON_CPU: &str = "ON CPU";

pub const TOP_EVENTS: &str = "\
SELECT NVL(event, 'ON CPU') AS event, COUNT(*) AS samples, SUM(COUNT(*)) OVER () AS all_samples
FROM v$active_session_history
WHERE sample_time > SYSDATE - INTERVAL '5' MINUTE
  AND session_type = 'FOREGROUND'
GROUP BY NVL(event, 'ON CPU')
ORDER BY samples DESC
FETCH FIRST 10 ROWS ONLY";

/// Samples without a SQL_ID (between calls, PL/SQL glue) form one NULL group, kept in
/// the total and skipped as a candidate.
pub const TOP_SQL: &str = "\
SELECT sql_id, COUNT(*) AS samples, SUM(COUNT(*)) OVER () AS all_samples
FROM v$active_session_history
WHERE sample_time > SYSDATE - INTERVAL '5' MINUTE
  AND session_type = 'FOREGROUND'
GROUP BY sql_id
ORDER BY samples DESC
FETCH FIRST 10 ROWS ONLY";

#[cfg(test)]
pub const STATEMENTS: &[&str] = &[TOP_EVENTS, TOP_SQL];

/// What a round reads from ASH, in order (what, statement): nothing without the licence.
pub fn reads(diagnostics_pack: bool) -> &'static [(&'static str, &'static str)] {
    const LICENSED: &[(&str, &str)] = &[
        ("ASH top events (v$active_session_history)", TOP_EVENTS),
        ("ASH top SQL (v$active_session_history)", TOP_SQL),
    ];
    if diagnostics_pack { LICENSED } else { &[] }
}

/// The first row whose key (`column`) passes `keep`, as (key, % of all samples).
fn top(rows: &[TextRow], column: &str, keep: impl Fn(&str) -> bool) -> Option<(String, f64)> {
    rows.iter().find_map(|r| {
        let key = r.get(column)?.trim();
        let (samples, all) = (r.float("samples")?, r.float("all_samples")?);
        let pct = 100.0 * samples / all;
        (keep(key) && all > 0.0 && pct.is_finite()).then(|| (key.to_owned(), pct.clamp(0.0, 100.0)))
    })
}

/// `ASH_TOP_WAIT_PCT` for the top wait event (time on CPU is no wait) and
/// `ASH_TOP_SQL_PCT` for the top SQL_ID, each keyed by its name; nothing for an empty
/// slice (ASH not sampling: `control_management_pack_access` = NONE, or an idle database).
pub fn metrics(events: Option<&[TextRow]>, sqls: Option<&[TextRow]>) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some((event, pct)) = events.and_then(|rows| top(rows, "event", |e| !e.is_empty() && e != ON_CPU)) {
        out.push(Metric::keyed(ora::ASH_TOP_WAIT_PCT, event, pct));
    }
    if let Some((sql_id, pct)) = sqls.and_then(|rows| top(rows, "sql_id", |s| !s.is_empty())) {
        out.push(Metric::keyed(ora::ASH_TOP_SQL_PCT, sql_id, pct));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;
    use crate::collectors::text_rows::from_batch;

    fn mentions_ash(sql: &str) -> bool {
        let sql = sql.to_ascii_lowercase();
        sql.contains("active_session_history") || sql.contains("dba_hist")
    }

    #[test]
    fn without_the_licence_no_ash_statement_is_sent() {
        assert!(reads(false).is_empty());
        let licensed: Vec<&str> = reads(true).iter().map(|(_, sql)| *sql).collect();
        assert_eq!(licensed, STATEMENTS);
        assert!(licensed.iter().all(|sql| mentions_ash(sql)));
    }

    #[test]
    fn no_other_statement_mentions_ash_and_none_reads_awr() {
        let all = crate::collectors::oracle::queries::all();
        for sql in STATEMENTS {
            assert!(all.contains(sql), "ASH statements are checked as reads too");
        }
        for sql in all.iter().filter(|sql| !STATEMENTS.contains(sql)) {
            assert!(!mentions_ash(sql), "outside the ASH list:\n{sql}");
        }
        assert!(all.iter().all(|sql| !sql.to_ascii_lowercase().contains("dba_hist")));
    }

    #[test]
    fn top_wait_and_top_sql_shares_of_the_slice() {
        let events = from_batch(include_str!("../../fixtures/workload_ash_events.tsv"));
        let sqls = from_batch(include_str!("../../fixtures/workload_ash_sql.tsv"));
        let m = metrics(Some(&events), Some(&sqls));
        assert_eq!(value(&m, ora::ASH_TOP_WAIT_PCT, "enq: TX - row lock contention"), Some(45.0));
        assert_eq!(value(&m, ora::ASH_TOP_WAIT_PCT, ON_CPU), None, "CPU is no wait");
        assert_eq!(value(&m, ora::ASH_TOP_SQL_PCT, "fz81wq4dn2hc7"), Some(40.0));
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn empty_or_refused_slices_give_nothing() {
        assert!(metrics(None, None).is_empty());
        let empty = from_batch("EVENT\tSAMPLES\tALL_SAMPLES\n");
        assert!(metrics(Some(&empty), Some(&empty)).is_empty());
        let only_cpu = from_batch("EVENT\tSAMPLES\tALL_SAMPLES\nON CPU\t30\t30\n");
        assert!(metrics(Some(&only_cpu), None).is_empty());
    }
}
