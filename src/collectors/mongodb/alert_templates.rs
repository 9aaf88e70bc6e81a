//! The alert templates embedded for MongoDB targets (`alert-templates/mongodb/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub static TEMPLATES: &[(&str, &str)] = &[
    ("mongodb/asserts_rising.yaml", include_str!("../../../alert-templates/mongodb/asserts_rising.yaml")),
    ("mongodb/balancer_stopped.yaml", include_str!("../../../alert-templates/mongodb/balancer_stopped.yaml")),
    (
        "mongodb/blocked_operations.yaml",
        include_str!("../../../alert-templates/mongodb/blocked_operations.yaml"),
    ),
    ("mongodb/cache_dirty_high.yaml", include_str!("../../../alert-templates/mongodb/cache_dirty_high.yaml")),
    ("mongodb/cache_used_high.yaml", include_str!("../../../alert-templates/mongodb/cache_used_high.yaml")),
    (
        "mongodb/connections_near_max.yaml",
        include_str!("../../../alert-templates/mongodb/connections_near_max.yaml"),
    ),
    ("mongodb/elections.yaml", include_str!("../../../alert-templates/mongodb/elections.yaml")),
    (
        "mongodb/long_running_operation.yaml",
        include_str!("../../../alert-templates/mongodb/long_running_operation.yaml"),
    ),
    ("mongodb/member_unhealthy.yaml", include_str!("../../../alert-templates/mongodb/member_unhealthy.yaml")),
    (
        "mongodb/oplog_window_short.yaml",
        include_str!("../../../alert-templates/mongodb/oplog_window_short.yaml"),
    ),
    ("mongodb/page_faults.yaml", include_str!("../../../alert-templates/mongodb/page_faults.yaml")),
    (
        "mongodb/profiled_ops_spike.yaml",
        include_str!("../../../alert-templates/mongodb/profiled_ops_spike.yaml"),
    ),
    (
        "mongodb/queued_operations.yaml",
        include_str!("../../../alert-templates/mongodb/queued_operations.yaml"),
    ),
    (
        "mongodb/read_latency_high.yaml",
        include_str!("../../../alert-templates/mongodb/read_latency_high.yaml"),
    ),
    ("mongodb/replication_lag.yaml", include_str!("../../../alert-templates/mongodb/replication_lag.yaml")),
    (
        "mongodb/tickets_exhausted.yaml",
        include_str!("../../../alert-templates/mongodb/tickets_exhausted.yaml"),
    ),
    (
        "mongodb/write_latency_high.yaml",
        include_str!("../../../alert-templates/mongodb/write_latency_high.yaml"),
    ),
];
