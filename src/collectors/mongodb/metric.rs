//! Metric names only MongoDB targets emit (`EngineSpec::metrics`), beside the neutral
//! `model::metric` names they share: connections (current), max connections (current +
//! available), cache hit % (WiredTiger pages requested vs read into cache), replication
//! lag (the worst secondary), blocked sessions (operations waiting for a lock), memory
//! used (resident), network bytes, database sizes, collect time. docs/mongodb.md.

/// Operations per second from `opcounters`, key = insert, query, update, delete, getmore,
/// command (mongostat's first six columns); the sum has key "".
pub const OPS_PER_S: &str = "ops_per_s";
/// The same from `opcountersRepl` (what a secondary applies), key as above.
pub const REPL_OPS_PER_S: &str = "repl_ops_per_s";
/// Documents per second from `metrics.document`, key = returned, inserted, updated, deleted.
pub const DOCUMENTS_PER_S: &str = "documents_per_s";
/// Requests per second from `network.numRequests`.
pub const NETWORK_REQUESTS_PER_S: &str = "network_requests_per_s";
/// Asserts per second, key = regular, warning, msg, user, tripwire, rollovers.
pub const ASSERTS_PER_S: &str = "asserts_per_s";
/// `connections.available` and `connections.active`.
pub const CONNECTIONS_AVAILABLE: &str = "connections_available";
pub const CONNECTIONS_ACTIVE: &str = "connections_active";
/// Connections opened per second (`connections.totalCreated`).
pub const CONNECTIONS_CREATED_PER_S: &str = "connections_created_per_s";
/// WiredTiger cache: bytes in use, dirty bytes, configured maximum, and both as a share
/// of the maximum (eviction starts at 80 % used / 5 % dirty; application threads are
/// pulled into eviction at 95 % / 20 %).
pub const CACHE_USED_BYTES: &str = "cache_used_bytes";
pub const CACHE_DIRTY_BYTES: &str = "cache_dirty_bytes";
pub const CACHE_MAX_BYTES: &str = "cache_max_bytes";
pub const CACHE_USED_PCT: &str = "cache_used_pct";
pub const CACHE_DIRTY_PCT: &str = "cache_dirty_pct";
/// Pages read into the cache and evicted from it per second.
pub const CACHE_PAGES_READ_PER_S: &str = "cache_pages_read_per_s";
pub const CACHE_PAGES_EVICTED_PER_S: &str = "cache_pages_evicted_per_s";
/// Pages application threads evicted themselves (a stalled workload's sign).
pub const CACHE_APP_EVICTIONS_PER_S: &str = "cache_app_evictions_per_s";
/// Storage engine tickets (concurrent transactions): available and out, key = read, write.
pub const TICKETS_AVAILABLE: &str = "tickets_available";
pub const TICKETS_OUT: &str = "tickets_out";
/// `globalLock.currentQueue` and `activeClients`, key = readers, writers (mongostat qrw/arw).
pub const QUEUED_OPERATIONS: &str = "queued_operations";
pub const ACTIVE_CLIENTS: &str = "active_clients";
/// Mean latency per operation over the interval from `opLatencies`, key = reads, writes,
/// commands, transactions.
pub const OP_LATENCY_MS: &str = "op_latency_ms";
/// Open cursors, and cursors the server timed out per second.
pub const CURSORS_OPEN: &str = "cursors_open";
pub const CURSORS_TIMED_OUT_PER_S: &str = "cursors_timed_out_per_s";
/// Page faults per second (`extra_info.page_faults`).
pub const PAGE_FAULTS_PER_S: &str = "page_faults_per_s";
/// Operations running longer than the slow threshold right now ($currentOp).
pub const SLOW_OPERATIONS: &str = "slow_operations";
/// Collection time per second from `top`, ms of server time per second of wall clock,
/// key = read, write (the sum over collections: mongotop's totals).
pub const COLLECTION_TIME_MS_PER_S: &str = "collection_time_ms_per_s";
/// Replica set: the oplog's window (newest − oldest entry), its configured size (no key)
/// and the bytes in use (key `used`).
pub const OPLOG_WINDOW_S: &str = "oplog_window_s";
pub const OPLOG_SIZE_BYTES: &str = "oplog_size_bytes";
/// Members by health, key = member host: 1 healthy, 0 not; and how many are unhealthy.
pub const MEMBER_HEALTHY: &str = "member_healthy";
pub const MEMBERS_UNHEALTHY: &str = "members_unhealthy";
/// Per secondary lag, seconds, key = member host (the neutral lag is the worst).
pub const MEMBER_LAG_S: &str = "member_lag_s";
/// Elections per minute: the growth of the set's `term` in `replSetGetStatus` (every
/// election starts a new term).
pub const ELECTIONS_PER_MIN: &str = "elections_per_min";
/// Sharded clusters: shards known to mongos, and whether the balancer is enabled (1/0;
/// key `in_round`: moving chunks right now).
pub const SHARDS: &str = "shards";
pub const BALANCER_RUNNING: &str = "balancer_running";
/// Connections this server holds to other members or shards (`connPoolStats`), key =
/// in_use, available, refreshing (replica set members and mongos).
pub const OUTGOING_CONNECTIONS: &str = "outgoing_connections";
/// Profiler entries (slow operations the server recorded) per minute, when profiling is on.
pub const PROFILED_OPS_PER_MIN: &str = "profiled_ops_per_min";
/// `dbStats` of the target's own database (`db_name`), key = database: logical data
/// size, storage allocated to collections and to indexes, documents (medium tier).
pub const DATA_SIZE_BYTES: &str = "data_size_bytes";
pub const STORAGE_SIZE_BYTES: &str = "storage_size_bytes";
pub const INDEX_SIZE_BYTES: &str = "index_size_bytes";
pub const DOCUMENTS: &str = "documents";
/// Collections and indexes over all databases (schema tier).
pub const COLLECTIONS: &str = "collections";
pub const INDEXES: &str = "indexes";

/// Every engine-only metric name (`EngineSpec::metrics`).
pub const ALL: [&str; 42] = [
    OPS_PER_S,
    REPL_OPS_PER_S,
    DOCUMENTS_PER_S,
    NETWORK_REQUESTS_PER_S,
    ASSERTS_PER_S,
    CONNECTIONS_AVAILABLE,
    CONNECTIONS_ACTIVE,
    CONNECTIONS_CREATED_PER_S,
    CACHE_USED_BYTES,
    CACHE_DIRTY_BYTES,
    CACHE_MAX_BYTES,
    CACHE_USED_PCT,
    CACHE_DIRTY_PCT,
    CACHE_PAGES_READ_PER_S,
    CACHE_PAGES_EVICTED_PER_S,
    CACHE_APP_EVICTIONS_PER_S,
    TICKETS_AVAILABLE,
    TICKETS_OUT,
    QUEUED_OPERATIONS,
    ACTIVE_CLIENTS,
    OP_LATENCY_MS,
    CURSORS_OPEN,
    CURSORS_TIMED_OUT_PER_S,
    PAGE_FAULTS_PER_S,
    SLOW_OPERATIONS,
    COLLECTION_TIME_MS_PER_S,
    OPLOG_WINDOW_S,
    OPLOG_SIZE_BYTES,
    MEMBER_HEALTHY,
    MEMBERS_UNHEALTHY,
    MEMBER_LAG_S,
    ELECTIONS_PER_MIN,
    SHARDS,
    BALANCER_RUNNING,
    PROFILED_OPS_PER_MIN,
    OUTGOING_CONNECTIONS,
    DATA_SIZE_BYTES,
    STORAGE_SIZE_BYTES,
    INDEX_SIZE_BYTES,
    DOCUMENTS,
    COLLECTIONS,
    INDEXES,
];
