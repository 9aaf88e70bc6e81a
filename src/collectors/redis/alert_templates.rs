//! The alert templates embedded for this engine's targets (`alert-templates/redis/`);
//! `alerts::tests` checks that the registry's lists and the folders hold the same files.

pub const TEMPLATES: &[(&str, &str)] = &[
    ("redis/blocked_clients.yaml", include_str!("../../../alert-templates/redis/blocked_clients.yaml")),
    (
        "redis/connections_near_max.yaml",
        include_str!("../../../alert-templates/redis/connections_near_max.yaml"),
    ),
    ("redis/evictions.yaml", include_str!("../../../alert-templates/redis/evictions.yaml")),
    ("redis/fragmentation.yaml", include_str!("../../../alert-templates/redis/fragmentation.yaml")),
    ("redis/hit_ratio_low.yaml", include_str!("../../../alert-templates/redis/hit_ratio_low.yaml")),
    ("redis/latency_spike.yaml", include_str!("../../../alert-templates/redis/latency_spike.yaml")),
    ("redis/memory_near_limit.yaml", include_str!("../../../alert-templates/redis/memory_near_limit.yaml")),
    (
        "redis/persistence_failing.yaml",
        include_str!("../../../alert-templates/redis/persistence_failing.yaml"),
    ),
    (
        "redis/rejected_connections.yaml",
        include_str!("../../../alert-templates/redis/rejected_connections.yaml"),
    ),
    ("redis/replication_lag.yaml", include_str!("../../../alert-templates/redis/replication_lag.yaml")),
    (
        "redis/replication_link_down.yaml",
        include_str!("../../../alert-templates/redis/replication_link_down.yaml"),
    ),
    ("redis/slowlog_rate.yaml", include_str!("../../../alert-templates/redis/slowlog_rate.yaml")),
];
