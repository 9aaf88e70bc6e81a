//! Statement digests as `QueryStatsSnapshot` deltas: the reads and when they are possible.
//!
//! Cost, per medium round: one read of `setup_consumers` (two rows), one read of the
//! digest table without texts, and texts only for digests never seen before.
//! - After the first read, only digests whose `LAST_SEEN` is at or after the newest
//!   `LAST_SEEN` of the previous read (less 2 s: MariaDB keeps whole seconds, and a
//!   statement may end while the table is read) come back: the server scans its
//!   in-memory table, but sends only what ran. An idle server sends a handful of rows.
//! - Every read is capped at `ROW_CAP` rows, most time first. A digest the cap leaves
//!   out is not lost: its counters are cumulative, so its delta shows once it is read.
//! - `DIGEST_TEXT` (up to `performance_schema_max_digest_length`, 1 KiB by default) is
//!   fetched by digest for digests without a cached text; at most `TEXT_CAP` per round.
//!
//! Not read: `QUERY_SAMPLE_TEXT` (MySQL 8) holds a real statement with its literal
//! values, i.e. application data; `QUANTILE_95`/`_99` (MySQL 8) are lifetime figures that
//! cannot be turned into an interval's, like min/max (which the model carries as such).

use super::super::MysqlCollector;
use super::super::connect::{Refusal, code};
use super::super::version::{Server, Version};
use super::digest_deltas::{self, query_stat};
use super::own_statements::our_signatures;
use crate::collectors::CollectError;
use crate::model::{Metric, QueryStatsSnapshot, StatsAvailability, Timestamp, metric};

/// Rows per digest read (the `LIMIT` of `digest_sql!`); `performance_schema_digests_size`
/// is 5,000 on MariaDB and autosized up to 10,000 on MySQL 8.
#[cfg(test)]
pub const ROW_CAP: usize = 5_000;
/// Texts fetched per round.
pub const TEXT_CAP: usize = 500;
/// Texts kept in memory.
pub const TEXT_CACHE_CAP: usize = 5_000;

macro_rules! digest_sql {
    ($extra:literal, $filter:literal) => {
        concat!(
            "SELECT SCHEMA_NAME, DIGEST, COUNT_STAR, SUM_TIMER_WAIT, MIN_TIMER_WAIT, MAX_TIMER_WAIT,
       SUM_LOCK_TIME, SUM_ERRORS, SUM_WARNINGS, SUM_ROWS_AFFECTED, SUM_ROWS_SENT,
       SUM_ROWS_EXAMINED, SUM_CREATED_TMP_DISK_TABLES, SUM_CREATED_TMP_TABLES,
       SUM_SELECT_FULL_JOIN, SUM_SORT_MERGE_PASSES, SUM_SORT_ROWS, SUM_NO_INDEX_USED,
       SUM_NO_GOOD_INDEX_USED, FIRST_SEEN, LAST_SEEN",
            $extra,
            "
FROM performance_schema.events_statements_summary_by_digest",
            $filter,
            "
ORDER BY SUM_TIMER_WAIT DESC LIMIT 5000"
        )
    };
}

/// The first read of a connection: everything (the baseline).
pub const DIGESTS: &str = digest_sql!("", "");
/// Later reads: what ran since the previous read (`{since}` is a server time).
pub const DIGESTS_SINCE: &str = digest_sql!("", "\nWHERE LAST_SEEN >= '{since}' - INTERVAL 2 SECOND");
/// MySQL 8.0.28+ also counts CPU time.
pub const DIGESTS_CPU: &str = digest_sql!(", SUM_CPU_TIME", "");
pub const DIGESTS_CPU_SINCE: &str =
    digest_sql!(", SUM_CPU_TIME", "\nWHERE LAST_SEEN >= '{since}' - INTERVAL 2 SECOND");

/// Texts of the digests in `{digests}` (a list of quoted hex hashes).
pub const DIGEST_TEXTS: &str = "\
SELECT DIGEST, DIGEST_TEXT
FROM performance_schema.events_statements_summary_by_digest
WHERE DIGEST IN ('{digests}')";

/// Whether the digest table is being filled.
pub const CONSUMERS: &str = "\
SELECT NAME, ENABLED FROM performance_schema.setup_consumers
WHERE NAME IN ('global_instrumentation', 'statements_digest')";

/// The statements above as sent (placeholders are string literals): for the read-only
/// test and for recognising our own digests.
pub const TEMPLATES: &[&str] =
    &[DIGESTS, DIGESTS_SINCE, DIGESTS_CPU, DIGESTS_CPU_SINCE, DIGEST_TEXTS, CONSUMERS];

/// The digest read for this server, from `since` (a checked server time) on.
pub fn digests_sql(server: &Server, since: Option<&str>) -> String {
    let cpu = !server.is_mariadb() && server.version >= Version::new(8, 0, 28);
    let since = since.filter(|s| digest_deltas::is_server_time(s));
    match (cpu, since) {
        (false, None) => DIGESTS.to_owned(),
        (true, None) => DIGESTS_CPU.to_owned(),
        (false, Some(s)) => DIGESTS_SINCE.replace("{since}", s),
        (true, Some(s)) => DIGESTS_CPU_SINCE.replace("{since}", s),
    }
}

/// The text read for `digests` (hex hashes only; anything else is dropped).
pub fn texts_sql(digests: &[String]) -> Option<String> {
    let hex: Vec<&str> = digests
        .iter()
        .map(String::as_str)
        .filter(|d| !d.is_empty() && d.len() <= 64 && d.chars().all(|c| c.is_ascii_hexdigit()))
        .take(TEXT_CAP)
        .collect();
    (!hex.is_empty()).then(|| DIGEST_TEXTS.replace("{digests}", &hex.join("', '")))
}

pub const PERFORMANCE_SCHEMA_OFF: &str = "statement digests need performance_schema, which is off on this \
server (MariaDB's default): add performance_schema=ON under [mysqld] in my.cnf and restart the server";

/// Why the digest table is not being filled, from the consumers' reply; None when it is.
pub fn consumers_off(rows: &[super::super::rows::TextRow]) -> Option<String> {
    let off: Vec<String> =
        rows.iter().filter(|r| r.flag("ENABLED") != Some(true)).map(|r| r.text("NAME")).collect();
    if off.is_empty() && rows.len() >= 2 {
        return None;
    }
    Some(format!(
        "statement digests are not collected: performance_schema consumer {} is off. A DBA can \
         turn it on with UPDATE performance_schema.setup_consumers SET ENABLED = 'YES' WHERE NAME IN \
         ('global_instrumentation', 'statements_digest'); and keep it across restarts with \
         performance-schema-consumer-statements-digest=ON in my.cnf (Logstag never changes it)",
        if off.is_empty() { "statements_digest".to_owned() } else { off.join(" and ") }
    ))
}

fn refused(refusal: &Refusal) -> String {
    match refusal.code {
        code::TABLE_ACCESS_DENIED | code::SPECIFIC_ACCESS_DENIED | code::DB_ACCESS_DENIED => format!(
            "statement digests: permission denied ({}); run GRANT SELECT ON performance_schema.* TO <monitoring user>",
            refusal.message
        ),
        _ => super::super::refusal_problem("statement digests", refusal),
    }
}

fn unavailable(reason: String, problems: &mut Vec<String>) -> QueryStatsSnapshot {
    problems.push(reason.clone());
    QueryStatsSnapshot {
        availability: StatsAvailability::Unavailable(reason),
        since: None,
        stats: Vec::new(),
        tracked: 0,
        reset_detected: false,
        evicted: None,
    }
}

impl MysqlCollector {
    pub(super) async fn read_digests(
        &mut self,
        server: &Server,
        problems: &mut Vec<String>,
        metrics: &mut Vec<Metric>,
    ) -> Result<QueryStatsSnapshot, CollectError> {
        if !self.conn.as_ref().is_some_and(|c| c.performance_schema) {
            self.medium.digests.clear();
            return Ok(unavailable(PERFORMANCE_SCHEMA_OFF.to_owned(), problems));
        }
        let consumers = match self.query_raw(CONSUMERS).await? {
            Ok(rows) => consumers_off(&rows),
            Err(refusal) => Some(refused(&refusal)),
        };
        if let Some(reason) = consumers {
            self.medium.digests.clear();
            return Ok(unavailable(reason, problems));
        }
        let sql = digests_sql(server, self.medium.digests.watermark());
        let rows = match self.query_raw(&sql).await? {
            Ok(rows) => rows,
            Err(refusal) => {
                self.medium.digests.clear();
                return Ok(unavailable(refused(&refusal), problems));
            }
        };
        let interval = self.medium.digests.advance(Timestamp::now(), digest_deltas::parse(&rows));

        let missing = self.medium.texts.missing(interval.deltas.iter().map(|(k, _)| k.digest.as_str()));
        if let Some(sql) = texts_sql(&missing)
            && let Some(rows) = self.rows("statement digest texts", &sql, problems).await?
        {
            for r in rows {
                if let Some(digest) = r.get("DIGEST") {
                    self.medium.texts.insert(digest.to_owned(), r.text("DIGEST_TEXT"), our_signatures());
                }
            }
        }

        let mut stats = Vec::with_capacity(interval.deltas.len());
        let (mut calls, mut time_ms) = (0u64, 0.0f64);
        for (key, delta) in interval.deltas {
            if self.medium.texts.is_ours(&key.digest) {
                continue;
            }
            calls += delta.calls;
            time_ms += delta.total_time_ms;
            let text = self.medium.texts.get(&key.digest).unwrap_or_default();
            stats.push(query_stat(key, delta, text));
        }
        self.medium.texts.end_round();
        if interval.since.is_some() && interval.secs > 0.0 {
            metrics.push(Metric::new(metric::QUERY_CALLS_PER_S, calls as f64 / interval.secs));
            metrics.push(Metric::new(metric::QUERY_TIME_MS_PER_S, time_ms / interval.secs));
        }
        Ok(QueryStatsSnapshot {
            availability: StatsAvailability::Available,
            since: interval.since,
            stats,
            tracked: interval.tracked.saturating_sub(self.medium.texts.ours_count() as u64),
            reset_detected: interval.reset_detected,
            evicted: interval.evicted,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::queries::{FORBIDDEN, allowed_start, words};
    use crate::collectors::mysql::rows::from_batch;

    #[test]
    fn reads_as_sent_are_on_the_allowlist() {
        let maria = Server::parse("10.11.19-MariaDB").unwrap_or_else(|| unreachable!());
        let mysql = Server::parse("8.0.36").unwrap_or_else(|| unreachable!());
        let sent = [
            digests_sql(&maria, None),
            digests_sql(&maria, Some("2024-05-01 10:00:59")),
            digests_sql(&mysql, Some("2024-05-01 10:00:59.123456")),
            texts_sql(&["ab12".into(), "cd34".into()]).unwrap_or_default(),
        ];
        for sql in &sent {
            assert!(allowed_start(sql), "{sql}");
            assert!(words(sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
        }
        assert!(!sent[1].contains("SUM_CPU_TIME") && sent[2].contains("SUM_CPU_TIME"));
        assert!(sent[1].contains("LAST_SEEN >= '2024-05-01 10:00:59' - INTERVAL 2 SECOND"));
        assert!(sent[3].ends_with("IN ('ab12', 'cd34')"), "{}", sent[3]);
        assert!(
            !digests_sql(&Server::parse("8.0.27").unwrap_or_else(|| unreachable!()), None).contains("CPU")
        );
        for sql in [DIGESTS, DIGESTS_SINCE, DIGESTS_CPU, DIGESTS_CPU_SINCE] {
            assert!(sql.ends_with(&format!("LIMIT {ROW_CAP}")), "{sql}");
        }
    }

    #[test]
    fn nothing_but_times_and_hashes_go_into_the_sql() {
        let maria = Server::parse("10.11.19-MariaDB").unwrap_or_else(|| unreachable!());
        assert_eq!(digests_sql(&maria, Some("x' OR '1")), DIGESTS, "a bad time means a full read");
        assert_eq!(texts_sql(&["ab'); --".into()]), None);
        let many: Vec<String> = (0..TEXT_CAP + 10).map(|i| format!("{i:x}")).collect();
        let sql = texts_sql(&many).unwrap_or_default();
        assert_eq!(sql.matches('\'').count(), TEXT_CAP * 2);
    }

    #[test]
    fn consumers_off_say_what_to_run() {
        let on = from_batch("NAME\tENABLED\nglobal_instrumentation\tYES\nstatements_digest\tYES\n");
        assert_eq!(consumers_off(&on), None);
        let off = from_batch("NAME\tENABLED\nglobal_instrumentation\tYES\nstatements_digest\tNO\n");
        let reason = consumers_off(&off).unwrap_or_default();
        assert!(reason.contains("consumer statements_digest is off"), "{reason}");
        assert!(reason.contains("UPDATE performance_schema.setup_consumers SET ENABLED = 'YES'"));
        assert!(consumers_off(&[]).is_some(), "no rows: nothing says it is on");
    }

    #[test]
    fn refusals_name_the_grant() {
        let r = Refusal { code: code::TABLE_ACCESS_DENIED, message: "SELECT command denied".into() };
        assert!(refused(&r).contains("GRANT SELECT ON performance_schema.*"));
        assert!(PERFORMANCE_SCHEMA_OFF.contains("performance_schema=ON"));
    }
}
