//! The alert templates embedded for MySQL and MariaDB targets (`alert-templates/mysql/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[
    ("mysql/aborted_connects.yaml", include_str!("../../../alert-templates/mysql/aborted_connects.yaml")),
    ("mysql/blocked_sessions.yaml", include_str!("../../../alert-templates/mysql/blocked_sessions.yaml")),
    (
        "mysql/blocking_chain_depth.yaml",
        include_str!("../../../alert-templates/mysql/blocking_chain_depth.yaml"),
    ),
    (
        "mysql/buffer_pool_hit_low.yaml",
        include_str!("../../../alert-templates/mysql/buffer_pool_hit_low.yaml"),
    ),
    (
        "mysql/checkpoint_age_high.yaml",
        include_str!("../../../alert-templates/mysql/checkpoint_age_high.yaml"),
    ),
    (
        "mysql/connections_near_max.yaml",
        include_str!("../../../alert-templates/mysql/connections_near_max.yaml"),
    ),
    ("mysql/deadlocks.yaml", include_str!("../../../alert-templates/mysql/deadlocks.yaml")),
    (
        "mysql/history_list_length.yaml",
        include_str!("../../../alert-templates/mysql/history_list_length.yaml"),
    ),
    ("mysql/long_running_query.yaml", include_str!("../../../alert-templates/mysql/long_running_query.yaml")),
    ("mysql/long_transaction.yaml", include_str!("../../../alert-templates/mysql/long_transaction.yaml")),
    (
        "mysql/metadata_lock_pileup.yaml",
        include_str!("../../../alert-templates/mysql/metadata_lock_pileup.yaml"),
    ),
    (
        "mysql/rejected_connections.yaml",
        include_str!("../../../alert-templates/mysql/rejected_connections.yaml"),
    ),
    (
        "mysql/replica_thread_stopped.yaml",
        include_str!("../../../alert-templates/mysql/replica_thread_stopped.yaml"),
    ),
    ("mysql/replication_lag.yaml", include_str!("../../../alert-templates/mysql/replication_lag.yaml")),
    ("mysql/slow_queries.yaml", include_str!("../../../alert-templates/mysql/slow_queries.yaml")),
    (
        "mysql/threads_running_high.yaml",
        include_str!("../../../alert-templates/mysql/threads_running_high.yaml"),
    ),
    ("mysql/tmp_disk_tables.yaml", include_str!("../../../alert-templates/mysql/tmp_disk_tables.yaml")),
];
