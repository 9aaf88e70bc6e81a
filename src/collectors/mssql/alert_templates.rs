//! The alert templates embedded for SQL Server targets (`alert-templates/mssql/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[
    ("mssql/ag_lag.yaml", include_str!("../../../alert-templates/mssql/ag_lag.yaml")),
    ("mssql/ag_redo_queue.yaml", include_str!("../../../alert-templates/mssql/ag_redo_queue.yaml")),
    (
        "mssql/ag_replica_unhealthy.yaml",
        include_str!("../../../alert-templates/mssql/ag_replica_unhealthy.yaml"),
    ),
    ("mssql/blocked_sessions.yaml", include_str!("../../../alert-templates/mssql/blocked_sessions.yaml")),
    (
        "mssql/blocking_chain_depth.yaml",
        include_str!("../../../alert-templates/mssql/blocking_chain_depth.yaml"),
    ),
    ("mssql/compilations_storm.yaml", include_str!("../../../alert-templates/mssql/compilations_storm.yaml")),
    (
        "mssql/connections_near_max.yaml",
        include_str!("../../../alert-templates/mssql/connections_near_max.yaml"),
    ),
    ("mssql/deadlocks.yaml", include_str!("../../../alert-templates/mssql/deadlocks.yaml")),
    ("mssql/failed_jobs.yaml", include_str!("../../../alert-templates/mssql/failed_jobs.yaml")),
    ("mssql/idle_transaction.yaml", include_str!("../../../alert-templates/mssql/idle_transaction.yaml")),
    ("mssql/log_space.yaml", include_str!("../../../alert-templates/mssql/log_space.yaml")),
    (
        "mssql/long_running_request.yaml",
        include_str!("../../../alert-templates/mssql/long_running_request.yaml"),
    ),
    (
        "mssql/memory_grants_pending.yaml",
        include_str!("../../../alert-templates/mssql/memory_grants_pending.yaml"),
    ),
    (
        "mssql/page_life_expectancy_low.yaml",
        include_str!("../../../alert-templates/mssql/page_life_expectancy_low.yaml"),
    ),
    (
        "mssql/query_store_read_only.yaml",
        include_str!("../../../alert-templates/mssql/query_store_read_only.yaml"),
    ),
    ("mssql/tempdb_used.yaml", include_str!("../../../alert-templates/mssql/tempdb_used.yaml")),
];
