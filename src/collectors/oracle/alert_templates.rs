//! The alert templates embedded for Oracle targets (`alert-templates/oracle/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[
    (
        "oracle/archive_dest_error.yaml",
        include_str!("../../../alert-templates/oracle/archive_dest_error.yaml"),
    ),
    ("oracle/ash_top_wait.yaml", include_str!("../../../alert-templates/oracle/ash_top_wait.yaml")),
    (
        "oracle/average_active_sessions_high.yaml",
        include_str!("../../../alert-templates/oracle/average_active_sessions_high.yaml"),
    ),
    ("oracle/backup_too_old.yaml", include_str!("../../../alert-templates/oracle/backup_too_old.yaml")),
    ("oracle/blocked_sessions.yaml", include_str!("../../../alert-templates/oracle/blocked_sessions.yaml")),
    (
        "oracle/blocking_chain_depth.yaml",
        include_str!("../../../alert-templates/oracle/blocking_chain_depth.yaml"),
    ),
    (
        "oracle/dataguard_apply_lag.yaml",
        include_str!("../../../alert-templates/oracle/dataguard_apply_lag.yaml"),
    ),
    (
        "oracle/dataguard_apply_stopped.yaml",
        include_str!("../../../alert-templates/oracle/dataguard_apply_stopped.yaml"),
    ),
    (
        "oracle/dataguard_transport_lag.yaml",
        include_str!("../../../alert-templates/oracle/dataguard_transport_lag.yaml"),
    ),
    ("oracle/host_cpu_high.yaml", include_str!("../../../alert-templates/oracle/host_cpu_high.yaml")),
    ("oracle/idle_transaction.yaml", include_str!("../../../alert-templates/oracle/idle_transaction.yaml")),
    ("oracle/invalid_objects.yaml", include_str!("../../../alert-templates/oracle/invalid_objects.yaml")),
    ("oracle/lock_wait_long.yaml", include_str!("../../../alert-templates/oracle/lock_wait_long.yaml")),
    (
        "oracle/long_running_query.yaml",
        include_str!("../../../alert-templates/oracle/long_running_query.yaml"),
    ),
    (
        "oracle/recovery_area_near_full.yaml",
        include_str!("../../../alert-templates/oracle/recovery_area_near_full.yaml"),
    ),
    (
        "oracle/redo_switches_frequent.yaml",
        include_str!("../../../alert-templates/oracle/redo_switches_frequent.yaml"),
    ),
    (
        "oracle/resource_near_limit.yaml",
        include_str!("../../../alert-templates/oracle/resource_near_limit.yaml"),
    ),
    (
        "oracle/rman_backup_failed.yaml",
        include_str!("../../../alert-templates/oracle/rman_backup_failed.yaml"),
    ),
    (
        "oracle/tablespace_near_full.yaml",
        include_str!("../../../alert-templates/oracle/tablespace_near_full.yaml"),
    ),
    ("oracle/temp_near_full.yaml", include_str!("../../../alert-templates/oracle/temp_near_full.yaml")),
];
