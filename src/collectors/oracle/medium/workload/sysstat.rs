//! System statistics (`v$sysstat`, a few names only): commit, rollback and deadlock
//! rates between two reads, and the raw cumulative values under the neutral counter
//! names for the Prometheus endpoint. Transactions per second come from the high tier
//! (`v$sysmetric` 'User Transaction Per Sec'), so TPS is not computed here.

use crate::collectors::text_rows::TextRow;
use crate::model::{Metric, counter, metric};
use std::collections::BTreeMap;

pub const USER_COMMITS: &str = "user commits";
pub const USER_ROLLBACKS: &str = "user rollbacks";
pub const ENQUEUE_DEADLOCKS: &str = "enqueue deadlocks";
pub const LOGONS: &str = "logons cumulative";
pub const EXECUTE_COUNT: &str = "execute count";
pub const LOGICAL_READS: &str = "session logical reads";
/// Blocks read into the buffer cache (direct reads bypass it and are not misses).
pub const CACHE_READS: &str = "physical reads cache";
pub const CACHE_WRITES: &str = "physical writes from cache";
pub const NET_RECEIVED: &str = "bytes received via SQL*Net from client";
pub const NET_SENT: &str = "bytes sent via SQL*Net to client";

/// The names read, exactly as `SYSSTAT` lists them.
#[cfg(test)]
pub const NAMES: [&str; 10] = [
    USER_COMMITS,
    USER_ROLLBACKS,
    ENQUEUE_DEADLOCKS,
    LOGONS,
    EXECUTE_COUNT,
    LOGICAL_READS,
    CACHE_READS,
    CACHE_WRITES,
    NET_RECEIVED,
    NET_SENT,
];

pub const SYSSTAT: &str = "\
SELECT name, value
FROM v$sysstat
WHERE name IN ('user commits', 'user rollbacks', 'enqueue deadlocks', 'logons cumulative',
               'execute count', 'session logical reads', 'physical reads cache',
               'physical writes from cache', 'bytes received via SQL*Net from client',
               'bytes sent via SQL*Net to client')";

/// Cumulative values by statistic name, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SysStat(BTreeMap<String, f64>);

impl SysStat {
    pub fn parse(rows: &[TextRow]) -> Self {
        Self(
            rows.iter()
                .filter_map(|r| Some((r.get("name")?.trim().to_owned(), r.float("value")?)))
                .filter(|(_, v)| *v >= 0.0)
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.get(name).copied()
    }
}

/// Commits, rollbacks and deadlocks per second since `previous`. Nothing on the first
/// read; a statistic that went down (the instance or PDB started over) gives no rate.
pub fn rates(previous: Option<(&SysStat, f64)>, current: &SysStat) -> Vec<Metric> {
    let Some((previous, secs)) = previous.filter(|(_, secs)| *secs > 0.0) else {
        return Vec::new();
    };
    [
        (metric::COMMITS_PER_S, USER_COMMITS),
        (metric::ROLLBACKS_PER_S, USER_ROLLBACKS),
        (metric::DEADLOCKS_PER_S, ENQUEUE_DEADLOCKS),
    ]
    .into_iter()
    .filter_map(|(name, stat)| {
        let (before, now) = (previous.get(stat)?, current.get(stat)?);
        (now >= before).then(|| Metric::new(name, (now - before) / secs))
    })
    .collect()
}

/// The raw values under neutral counter names; a statistic the server did not return is
/// left out, never sent as zero.
pub fn counters(current: &SysStat) -> Vec<Metric> {
    let mut out: Vec<Metric> = [
        (counter::TRANSACTIONS_COMMITTED, USER_COMMITS),
        (counter::TRANSACTIONS_ROLLED_BACK, USER_ROLLBACKS),
        (counter::DEADLOCKS, ENQUEUE_DEADLOCKS),
        (counter::CONNECTIONS_RECEIVED, LOGONS),
        (counter::COMMANDS_PROCESSED, EXECUTE_COUNT),
        (counter::CACHE_MISSES, CACHE_READS),
        (counter::BUFFERS_WRITTEN, CACHE_WRITES),
        (counter::NETWORK_RECEIVED_BYTES, NET_RECEIVED),
        (counter::NETWORK_SENT_BYTES, NET_SENT),
    ]
    .into_iter()
    .filter_map(|(name, stat)| Some(Metric::new(name, current.get(stat)?)))
    .collect();
    // Logical reads include the blocks that had to be read in: the rest came from the cache.
    if let (Some(gets), Some(reads)) = (current.get(LOGICAL_READS), current.get(CACHE_READS)) {
        out.push(Metric::new(counter::CACHE_HITS, (gets - reads).max(0.0)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;
    use crate::collectors::text_rows::from_batch;

    const FIRST: &str = include_str!("../../fixtures/workload_sysstat_19c_1.tsv");
    const SECOND: &str = include_str!("../../fixtures/workload_sysstat_19c_2.tsv");
    const RESTARTED: &str = include_str!("../../fixtures/workload_sysstat_23ai_restarted.tsv");

    #[test]
    fn every_name_is_in_the_statement() {
        for name in NAMES {
            assert!(SYSSTAT.contains(&format!("'{name}'")), "{name}");
        }
        assert_eq!(SYSSTAT.matches('\'').count(), NAMES.len() * 2);
    }

    #[test]
    fn rates_over_sixty_seconds_and_none_at_first() {
        let (first, second) = (SysStat::parse(&from_batch(FIRST)), SysStat::parse(&from_batch(SECOND)));
        assert!(rates(None, &first).is_empty());
        let m = rates(Some((&first, 60.0)), &second);
        assert_eq!(value(&m, metric::COMMITS_PER_S, ""), Some(25.0));
        assert_eq!(value(&m, metric::ROLLBACKS_PER_S, ""), Some(0.5));
        assert_eq!(value(&m, metric::DEADLOCKS_PER_S, ""), Some(2.0 / 60.0));
        assert_eq!(value(&m, metric::TPS, ""), None, "the high tier gives TPS");
    }

    #[test]
    fn a_restart_gives_no_rate_but_raw_counters_as_the_server_says() {
        let second = SysStat::parse(&from_batch(SECOND));
        let restarted = SysStat::parse(&from_batch(RESTARTED));
        let m = rates(Some((&second, 60.0)), &restarted);
        assert_eq!(value(&m, metric::COMMITS_PER_S, ""), None);
        assert_eq!(value(&m, metric::DEADLOCKS_PER_S, ""), None, "NULL value: no rate");
        let c = counters(&restarted);
        assert_eq!(value(&c, counter::TRANSACTIONS_COMMITTED, ""), Some(310.0));
        assert_eq!(value(&c, counter::DEADLOCKS, ""), None, "not read, not zero");
    }

    #[test]
    fn counters_map_onto_neutral_names() {
        let c = counters(&SysStat::parse(&from_batch(FIRST)));
        assert_eq!(value(&c, counter::TRANSACTIONS_COMMITTED, ""), Some(1_204_400.0));
        assert_eq!(value(&c, counter::TRANSACTIONS_ROLLED_BACK, ""), Some(3_120.0));
        assert_eq!(value(&c, counter::DEADLOCKS, ""), Some(7.0));
        assert_eq!(value(&c, counter::CONNECTIONS_RECEIVED, ""), Some(48_210.0));
        assert_eq!(value(&c, counter::CACHE_MISSES, ""), Some(2_500_000.0));
        assert_eq!(value(&c, counter::CACHE_HITS, ""), Some(97_500_000.0));
        assert_eq!(value(&c, counter::NETWORK_SENT_BYTES, ""), Some(9_876_543_210.0));
        assert_eq!(c.len(), 10);
        assert!(c.iter().all(|m| counter::help(&m.name).is_some()), "{c:?}");
    }
}
