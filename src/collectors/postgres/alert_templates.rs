//! The alert templates embedded for this engine's targets (`alert-templates/postgresql/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub const TEMPLATES: &[(&str, &str)] = &[
    (
        "postgresql/blocked_sessions.yaml",
        include_str!("../../../alert-templates/postgresql/blocked_sessions.yaml"),
    ),
    (
        "postgresql/blocking_chain_depth.yaml",
        include_str!("../../../alert-templates/postgresql/blocking_chain_depth.yaml"),
    ),
    ("postgresql/cache_hit_low.yaml", include_str!("../../../alert-templates/postgresql/cache_hit_low.yaml")),
    (
        "postgresql/checkpoint_pressure.yaml",
        include_str!("../../../alert-templates/postgresql/checkpoint_pressure.yaml"),
    ),
    (
        "postgresql/connections_near_max.yaml",
        include_str!("../../../alert-templates/postgresql/connections_near_max.yaml"),
    ),
    ("postgresql/deadlocks.yaml", include_str!("../../../alert-templates/postgresql/deadlocks.yaml")),
    (
        "postgresql/idle_in_transaction.yaml",
        include_str!("../../../alert-templates/postgresql/idle_in_transaction.yaml"),
    ),
    (
        "postgresql/inactive_slot_wal.yaml",
        include_str!("../../../alert-templates/postgresql/inactive_slot_wal.yaml"),
    ),
    (
        "postgresql/lock_wait_long.yaml",
        include_str!("../../../alert-templates/postgresql/lock_wait_long.yaml"),
    ),
    (
        "postgresql/long_running_query.yaml",
        include_str!("../../../alert-templates/postgresql/long_running_query.yaml"),
    ),
    (
        "postgresql/query_time_pressure.yaml",
        include_str!("../../../alert-templates/postgresql/query_time_pressure.yaml"),
    ),
    (
        "postgresql/replication_lag.yaml",
        include_str!("../../../alert-templates/postgresql/replication_lag.yaml"),
    ),
    (
        "postgresql/rollback_ratio.yaml",
        include_str!("../../../alert-templates/postgresql/rollback_ratio.yaml"),
    ),
    (
        "postgresql/statements_unavailable.yaml",
        include_str!("../../../alert-templates/postgresql/statements_unavailable.yaml"),
    ),
    ("postgresql/temp_spill.yaml", include_str!("../../../alert-templates/postgresql/temp_spill.yaml")),
];
