//! Names of raw cumulative server counters (`SampleBody::Counters`): the values exactly as
//! the server reports them since its start or last reset, so that a scraper's `rate()`
//! sees restarts and resets. Engine-neutral like `metric`: every engine maps its own
//! counters onto these. Names carry their base unit (`_bytes`, `_seconds`) and never end
//! in `_total`: the Prometheus endpoint adds that suffix.

/// Engine-neutral counter names, with what each counts (the HELP text of its family).
pub mod counter {
    /// Transactions committed; key = database where the engine counts per database.
    pub const TRANSACTIONS_COMMITTED: &str = "transactions_committed";
    /// Transactions rolled back; key = database where the engine counts per database.
    pub const TRANSACTIONS_ROLLED_BACK: &str = "transactions_rolled_back";
    /// Transactions started, for engines that count starts rather than outcomes.
    pub const TRANSACTIONS: &str = "transactions";
    pub const DEADLOCKS: &str = "deadlocks";
    pub const TEMP_FILES: &str = "temp_files";
    pub const TEMP_BYTES: &str = "temp_bytes";
    /// Rows (documents) returned by scans, fetched, inserted, updated and deleted.
    pub const ROWS_RETURNED: &str = "rows_returned";
    pub const ROWS_FETCHED: &str = "rows_fetched";
    pub const ROWS_INSERTED: &str = "rows_inserted";
    pub const ROWS_UPDATED: &str = "rows_updated";
    pub const ROWS_DELETED: &str = "rows_deleted";
    /// Lookups served from the engine's cache, and lookups it missed (read from disk, or
    /// for a key-value store a key that was not there): the two sides of `cache_hit_pct`.
    pub const CACHE_HITS: &str = "cache_hits";
    pub const CACHE_MISSES: &str = "cache_misses";
    pub const CHECKPOINTS_TIMED: &str = "checkpoints_timed";
    pub const CHECKPOINTS_REQUESTED: &str = "checkpoints_requested";
    /// Buffers written by the checkpointer / background writer.
    pub const BUFFERS_WRITTEN: &str = "buffers_written";
    /// Statements or commands the server processed (all kinds).
    pub const COMMANDS_PROCESSED: &str = "commands_processed";
    /// Client connections accepted, and refused (limit reached, errors).
    pub const CONNECTIONS_RECEIVED: &str = "connections_received";
    pub const CONNECTIONS_REJECTED: &str = "connections_rejected";
    pub const KEYS_EXPIRED: &str = "keys_expired";
    pub const KEYS_EVICTED: &str = "keys_evicted";
    pub const NETWORK_RECEIVED_BYTES: &str = "network_received_bytes";
    pub const NETWORK_SENT_BYTES: &str = "network_sent_bytes";
    /// Server CPU time; key = mode (system, user, system_children, user_children).
    pub const CPU_SECONDS: &str = "cpu_seconds";
    /// Calls and execution time per command or statement kind; key = command.
    pub const COMMAND_CALLS: &str = "command_calls";
    pub const COMMAND_TIME_SECONDS: &str = "command_time_seconds";
    /// Time sessions spent waiting; key = wait type or class.
    pub const WAIT_TIME_SECONDS: &str = "wait_time_seconds";
    /// Operations by kind (insert, query, update, delete, getmore, command); key = kind.
    pub const OPERATIONS: &str = "operations";
    /// Assertions or internal errors raised; key = kind.
    pub const ASSERTS: &str = "asserts";
    /// Queries slower than the server's slow threshold.
    pub const SLOW_QUERIES: &str = "slow_queries";

    /// Every name above with its HELP text: what the Prometheus endpoint exposes.
    pub const ALL: [(&str, &str); 30] = [
        (TRANSACTIONS_COMMITTED, "Transactions committed"),
        (TRANSACTIONS_ROLLED_BACK, "Transactions rolled back"),
        (TRANSACTIONS, "Transactions started"),
        (DEADLOCKS, "Deadlocks detected"),
        (TEMP_FILES, "Temporary files created by queries"),
        (TEMP_BYTES, "Bytes written to temporary files by queries"),
        (ROWS_RETURNED, "Rows or documents returned by scans"),
        (ROWS_FETCHED, "Rows fetched by index scans"),
        (ROWS_INSERTED, "Rows or documents inserted"),
        (ROWS_UPDATED, "Rows or documents updated"),
        (ROWS_DELETED, "Rows or documents deleted"),
        (CACHE_HITS, "Lookups served from the engine's cache"),
        (CACHE_MISSES, "Lookups the engine's cache missed"),
        (CHECKPOINTS_TIMED, "Checkpoints started because their interval elapsed"),
        (CHECKPOINTS_REQUESTED, "Checkpoints requested (WAL size, commands)"),
        (BUFFERS_WRITTEN, "Buffers written by the checkpointer"),
        (COMMANDS_PROCESSED, "Commands or statements the server processed"),
        (CONNECTIONS_RECEIVED, "Client connections accepted"),
        (CONNECTIONS_REJECTED, "Client connections refused"),
        (KEYS_EXPIRED, "Keys removed because their time to live ran out"),
        (KEYS_EVICTED, "Keys evicted to stay under the memory limit"),
        (NETWORK_RECEIVED_BYTES, "Bytes received from clients"),
        (NETWORK_SENT_BYTES, "Bytes sent to clients"),
        (CPU_SECONDS, "Server CPU time in seconds, by mode"),
        (COMMAND_CALLS, "Calls by command"),
        (COMMAND_TIME_SECONDS, "Execution time by command, seconds"),
        (WAIT_TIME_SECONDS, "Time sessions spent waiting, by wait type, seconds"),
        (OPERATIONS, "Operations by kind"),
        (ASSERTS, "Assertions raised, by kind"),
        (SLOW_QUERIES, "Queries slower than the server's slow threshold"),
    ];

    /// The HELP text of a counter name; `None` for a name not listed here.
    pub fn help(name: &str) -> Option<&'static str> {
        ALL.iter().find(|(n, _)| *n == name).map(|(_, help)| *help)
    }
}

#[cfg(test)]
mod tests {
    use super::counter;

    #[test]
    fn every_declared_counter_is_listed_once_with_help() {
        let source = include_str!("counter_names.rs");
        let body = &source[..source.find("pub const ALL").unwrap_or(source.len())];
        let declared: Vec<&str> = body
            .lines()
            .filter_map(|l| l.trim().strip_prefix("pub const ")?.split_once(": &str = \"")?.1.split_once('"'))
            .map(|(value, _)| value)
            .collect();
        for name in &declared {
            assert_eq!(counter::ALL.iter().filter(|(n, _)| n == name).count(), 1, "{name}");
            assert!(counter::help(name).is_some_and(|h| !h.is_empty()));
        }
        assert_eq!(declared.len(), counter::ALL.len());
    }
}
