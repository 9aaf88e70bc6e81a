//! The templates shipped in the binary. Listed one by one (no build script): a test
//! checks that this list and `alert-templates/` hold the same files.

/// (path under `alert-templates/`, YAML text).
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "postgresql/blocked_sessions.yaml",
        include_str!("../../alert-templates/postgresql/blocked_sessions.yaml"),
    ),
    (
        "postgresql/blocking_chain_depth.yaml",
        include_str!("../../alert-templates/postgresql/blocking_chain_depth.yaml"),
    ),
    ("postgresql/cache_hit_low.yaml", include_str!("../../alert-templates/postgresql/cache_hit_low.yaml")),
    (
        "postgresql/checkpoint_pressure.yaml",
        include_str!("../../alert-templates/postgresql/checkpoint_pressure.yaml"),
    ),
    (
        "postgresql/connections_near_max.yaml",
        include_str!("../../alert-templates/postgresql/connections_near_max.yaml"),
    ),
    ("postgresql/deadlocks.yaml", include_str!("../../alert-templates/postgresql/deadlocks.yaml")),
    (
        "postgresql/idle_in_transaction.yaml",
        include_str!("../../alert-templates/postgresql/idle_in_transaction.yaml"),
    ),
    (
        "postgresql/inactive_slot_wal.yaml",
        include_str!("../../alert-templates/postgresql/inactive_slot_wal.yaml"),
    ),
    ("postgresql/lock_wait_long.yaml", include_str!("../../alert-templates/postgresql/lock_wait_long.yaml")),
    (
        "postgresql/long_running_query.yaml",
        include_str!("../../alert-templates/postgresql/long_running_query.yaml"),
    ),
    (
        "postgresql/query_time_pressure.yaml",
        include_str!("../../alert-templates/postgresql/query_time_pressure.yaml"),
    ),
    (
        "postgresql/replication_lag.yaml",
        include_str!("../../alert-templates/postgresql/replication_lag.yaml"),
    ),
    ("postgresql/rollback_ratio.yaml", include_str!("../../alert-templates/postgresql/rollback_ratio.yaml")),
    (
        "postgresql/statements_unavailable.yaml",
        include_str!("../../alert-templates/postgresql/statements_unavailable.yaml"),
    ),
    ("redis/blocked_clients.yaml", include_str!("../../alert-templates/redis/blocked_clients.yaml")),
    (
        "redis/connections_near_max.yaml",
        include_str!("../../alert-templates/redis/connections_near_max.yaml"),
    ),
    ("redis/evictions.yaml", include_str!("../../alert-templates/redis/evictions.yaml")),
    ("redis/fragmentation.yaml", include_str!("../../alert-templates/redis/fragmentation.yaml")),
    ("redis/hit_ratio_low.yaml", include_str!("../../alert-templates/redis/hit_ratio_low.yaml")),
    ("redis/latency_spike.yaml", include_str!("../../alert-templates/redis/latency_spike.yaml")),
    ("redis/memory_near_limit.yaml", include_str!("../../alert-templates/redis/memory_near_limit.yaml")),
    ("redis/persistence_failing.yaml", include_str!("../../alert-templates/redis/persistence_failing.yaml")),
    (
        "redis/rejected_connections.yaml",
        include_str!("../../alert-templates/redis/rejected_connections.yaml"),
    ),
    ("redis/replication_lag.yaml", include_str!("../../alert-templates/redis/replication_lag.yaml")),
    (
        "redis/replication_link_down.yaml",
        include_str!("../../alert-templates/redis/replication_link_down.yaml"),
    ),
    ("redis/slowlog_rate.yaml", include_str!("../../alert-templates/redis/slowlog_rate.yaml")),
    ("any/target_down.yaml", include_str!("../../alert-templates/any/target_down.yaml")),
    ("postgresql/temp_spill.yaml", include_str!("../../alert-templates/postgresql/temp_spill.yaml")),
];
