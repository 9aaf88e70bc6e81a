//! The MongoDB check catalogue: id, area, name, evaluation, why (with where the
//! threshold comes from) and the action a DBA can take.

use super::{configuration, maintenance, performance, schema, security};
use crate::health::{Check, check};
use crate::model::HealthArea::{Configuration, Maintenance, Performance, Schema, Security};

pub static CHECKS: &[Check] = &[
    check!(
        "mongo.auth_disabled",
        Security,
        "Access control disabled",
        security::auth_disabled,
        "Without security.authorization (or internal authentication, which implies it) anyone who reaches the port reads and writes every database and can shut the server down. MongoDB's Security Checklist puts enabling access control first; the server itself warns \"Access control is not enabled\" at startup.",
        "Create an administrator (db.createUser with role userAdminAnyDatabase on admin), then set security.authorization: enabled (replica sets: security.keyFile or x.509 membership) and restart the members one by one."
    ),
    check!(
        "mongo.exposed_without_tls",
        Security,
        "Listening on every interface without TLS",
        security::exposed_without_tls,
        "net.bindIpAll or bindIp 0.0.0.0/:: accepts connections from every network the host is on; without TLS the credentials' exchange and all data cross it in clear. MongoDB binds to localhost by default since 3.6 for this reason (Security Checklist: limit network exposure, encrypt communication). Critical with TLS disabled, attention when TLS is only allowed or preferred.",
        "Bind to the addresses clients use (net.bindIp: localhost,<private address>) and set net.tls.mode: requireTLS with a certificate; firewall the port to the application hosts."
    ),
    check!(
        "mongo.tls_not_required",
        Security,
        "TLS not required",
        security::tls_not_required,
        "With net.tls.mode disabled, allowTLS or preferTLS, clients may connect in clear; requireTLS is the only mode that guarantees encryption (MongoDB \"Configure mongod and mongos for TLS/SSL\"). allowInvalidCertificates turns certificate checks off. A server listening on localhost only is not judged.",
        "Roll out TLS: allowTLS → preferTLS → requireTLS across the members with a rolling restart (setParameter tlsMode upgrades it online); remove net.tls.allowInvalidCertificates."
    ),
    check!(
        "mongo.scram_sha1_users",
        Security,
        "Users limited to SCRAM-SHA-1",
        security::scram_sha1_users,
        "SCRAM-SHA-1 hashes with SHA-1 and a per-user salt; SCRAM-SHA-256 (4.0+) is the current mechanism and uses SASLprep. Users created before 4.0 or with mechanisms: [\"SCRAM-SHA-1\"] keep only the old credentials until their password is set again.",
        "db.getSiblingDB(\"<db>\").updateUser(\"<user>\", {pwd: passwordPrompt(), mechanisms: [\"SCRAM-SHA-256\"]}) once the drivers in use support SCRAM-SHA-256 (all current ones do)."
    ),
    check!(
        "mongo.powerful_users",
        Security,
        "Users with all-database or administrator roles",
        security::powerful_users,
        "root, userAdminAnyDatabase (can grant itself anything), dbAdminAnyDatabase, readWriteAnyDatabase, clusterAdmin, restore, and userAdmin/dbOwner on admin reach every database; custom roles of admin inheriting them count too. A few named administrators are normal: more than 3 is our attention mark. __system is internal and never for users (MongoDB Built-In Roles): critical.",
        "Give applications readWrite on their own database and operators clusterMonitor/read; revoke the rest: db.getSiblingDB(\"admin\").revokeRolesFromUser(\"<user>\", [{role: \"root\", db: \"admin\"}])."
    ),
    check!(
        "mongo.startup_warnings",
        Configuration,
        "Startup warnings",
        configuration::startup_warnings,
        "The server prints startup warnings for settings it knows hurt it: access control off, vm.max_map_count too low, a filesystem other than XFS under WiredTiger, transparent huge pages, running as root, NUMA interleaving (MongoDB Production Notes). Each is a known cause of outages or slowness.",
        "Read them in db.adminCommand({getLog: \"startupWarnings\"}) and follow the Production Notes for each; most need an OS setting and a restart."
    ),
    check!(
        "mongo.feature_compatibility",
        Configuration,
        "Feature compatibility version behind the binary",
        configuration::feature_compatibility,
        "After an upgrade the featureCompatibilityVersion stays at the old release until it is raised, so the new release's features and on-disk formats stay off; a version with a target (6.0 → 7.0) is an upgrade or downgrade left unfinished (MongoDB upgrade procedures: set the FCV once the deployment is stable).",
        "When the upgrade is confirmed: db.adminCommand({setFeatureCompatibilityVersion: \"<major.minor>\", confirm: true}) on the primary (or mongos)."
    ),
    check!(
        "mongo.cache_size",
        Configuration,
        "WiredTiger cache size against memory",
        configuration::cache_size,
        "The default cache is 50 % of (RAM − 1 GB); the rest serves connections, aggregation and the filesystem cache WiredTiger's compressed files rely on (MongoDB Production Notes, WiredTiger memory use). Our marks: above 80 % of the memory the process may use (a container's limit when reported) leaves too little, above 100 % invites the OOM killer, below 10 % on 4 GB or more starves the cache.",
        "Remove storage.wiredTiger.engineConfig.cacheSizeGB to get the default, or set it to about half the memory left after other processes; in containers, size it from the container's limit."
    ),
    check!(
        "mongo.profiler_all",
        Configuration,
        "Profiler recording every operation",
        configuration::profiler_all,
        "Profiling level 2 (operationProfiling.mode all) writes every operation to system.profile: extra writes for each read, a capped collection churning, and the database profiler's documented performance impact. slowOp (level 1) records only what exceeds slowOpThresholdMs.",
        "Set operationProfiling.mode: slowOp in the configuration, or db.setProfilingLevel(1, {slowms: 100}) per database at runtime."
    ),
    check!(
        "mongo.storage_engine",
        Configuration,
        "Storage engine and journal",
        configuration::storage_engine,
        "WiredTiger with its journal is the only engine for durable data since 4.2 (MMAPv1 removed). inMemory keeps nothing across restarts; running without the journal (storage.journal.enabled false, possible before 6.1) loses up to a checkpoint of writes on a crash and is refused for replica set members by modern versions.",
        "Run WiredTiger with the journal on; migrate with mongodump/mongorestore or an initial sync into a WiredTiger member."
    ),
    check!(
        "mongo.standalone",
        Configuration,
        "Standalone server without a replica set",
        configuration::standalone,
        "A standalone has no failover, no second copy of the data and no oplog for point-in-time recovery, change streams or transactions. MongoDB's production guidance deploys a three-member replica set.",
        "Convert it: restart with replication.replSetName, rs.initiate(), then add two members (or a secondary and an arbiter where a third data copy is impossible)."
    ),
    check!(
        "mongo.cache_pressure",
        Performance,
        "WiredTiger cache pressure",
        performance::cache_pressure,
        "WiredTiger's eviction threads keep the cache at 80 % used and 5 % dirty (eviction_target, eviction_dirty_target); at 95 % used or 20 % dirty (eviction_trigger, eviction_dirty_trigger, the WiredTiger defaults) application threads must evict pages themselves and latency jumps: critical. 90 % / 10 % are our attention marks between the two.",
        "Look for a working set larger than the cache (pages read into cache per second), large unindexed scans and write bursts; add memory or cacheSizeGB, add indexes, spread bulk writes."
    ),
    check!(
        "mongo.tickets",
        Performance,
        "Storage-engine tickets exhausted or operations queued",
        performance::tickets,
        "WiredTiger admits a limited number of concurrent reads and writes (tickets: 128 each before 7.0, adjusted dynamically since); with none available operations wait in the global lock queue (mongostat's qr/qw). Critical at 0 available or ≥ 100 queued, attention at ≥ 10 queued: our marks.",
        "Find the long or blocked operations on the Activity tab (slow scans, lock waits) rather than raising the ticket count; check disk latency and cache pressure."
    ),
    check!(
        "mongo.replication_lag",
        Performance,
        "Replication lag",
        performance::replication_lag,
        "A lagging secondary serves stale reads, delays w: \"majority\" writes and loses that much work if it becomes primary. Our marks, shared with the other engines: 30 s attention, 300 s critical.",
        "rs.printSecondaryReplicationInfo(); check the secondary's disk and network, long index builds, and write bursts on the primary."
    ),
    check!(
        "mongo.connections",
        Performance,
        "Connections near the limit",
        performance::connections,
        "Connections in use against the limit (current + available: net.maxIncomingConnections or the process's file limit). Each connection costs about 1 MB and a thread; at the limit new clients are refused. Our marks: 80 % attention, 95 % critical.",
        "Size driver pools (maxPoolSize) to what the server can take, fix connection leaks, raise ulimit -n and net.maxIncomingConnections only with memory in mind."
    ),
    check!(
        "mongo.page_faults",
        Performance,
        "Page faults",
        performance::page_faults,
        "extra_info.page_faults counts the process's major page faults (Linux): memory pages read back from disk because RAM ran short. A few are normal; sustained 10/s (attention) or 100/s (critical) are our marks for a host short of memory.",
        "Check the host's memory and swap, the WiredTiger cache size against RAM and other processes on the host; add memory or shrink the cache."
    ),
    check!(
        "mongo.oplog_window",
        Maintenance,
        "Oplog window short",
        maintenance::oplog_window,
        "The oplog window is how long a secondary can be away (maintenance, network loss, initial sync) and still catch up; beyond it the member needs a full resync. Under 24 h is our attention mark (a day's outage or a weekend's maintenance window), under 1 h critical.",
        "Grow the oplog online: db.adminCommand({replSetResizeOplog: 1, size: <MB>}) on each member, or set replication.oplogMinRetentionHours (4.4+)."
    ),
    check!(
        "mongo.members_unhealthy",
        Maintenance,
        "Replica set members not healthy",
        maintenance::members_unhealthy,
        "A member that is down or unreachable (health 0 in replSetGetStatus) no longer holds a copy or a vote: the set tolerates fewer failures, and a majority loss stops writes. Any is critical.",
        "rs.status() for the member's state and lastHeartbeatMessage; restart it or resync it, and fix the network between members."
    ),
    check!(
        "mongo.eol_version",
        Maintenance,
        "Server version out of support",
        maintenance::eol_version,
        "Release series past their end of life get no security fixes. Dates from MongoDB's Software Lifecycle Schedules: 4.4 ended February 2024, 5.0 October 2024, 6.0 July 2025; 7.0 and 8.0 are supported. Critical once ended, attention in the last 180 days.",
        "Plan the upgrade path one major release at a time (5.0 → 6.0 → 7.0 → 8.0), raising the feature compatibility version between steps."
    ),
    check!(
        "mongo.asserts",
        Maintenance,
        "Asserts rising",
        maintenance::asserts,
        "Regular asserts are internal server errors and should stay at 0: any is attention, 1/s critical. User asserts are errors returned to applications (duplicate keys, validation, bad queries); 10/s is our attention mark for an application failing steadily.",
        "Read the server log for the asserts' messages (regular: often disk or memory trouble; user: the application's failing operation)."
    ),
    check!(
        "mongo.unused_indexes",
        Schema,
        "Unused indexes",
        schema::unused_indexes,
        "An index no query used since the server started ($indexStats accesses.ops 0) still costs every write and cache space. Usage counters reset at restart and are per member, so check the other members before dropping.",
        "Confirm on every member with db.<collection>.aggregate([{$indexStats: {}}]); hide it first (db.<collection>.hideIndex(\"<name>\")), drop it after a full business cycle."
    ),
    check!(
        "mongo.duplicate_indexes",
        Schema,
        "Duplicate or redundant indexes",
        schema::duplicate_indexes,
        "An index whose keys repeat another's, or are a prefix of another's (a: 1 beside a: 1, b: 1), serves no query the other cannot (MongoDB Indexing Strategies: compound index prefixes) yet costs every write.",
        "Drop the redundant one (keep unique or partial indexes and collations that differ): db.<collection>.dropIndex(\"<name>\")."
    ),
    check!(
        "mongo.unindexed_large_collections",
        Schema,
        "Large collections with no index but _id",
        schema::unindexed_large_collections,
        "A collection of 100,000 documents or 1 GiB (our marks) with only the _id index is read whole by every query not by _id (a COLLSCAN), evicting the cache as it goes.",
        "Find the collection's query shapes (Queries tab, profiler COLLSCAN entries) and create indexes for them: db.<collection>.createIndex({<field>: 1})."
    ),
    check!(
        "mongo.collection_scans",
        Schema,
        "Collections scanned heavily",
        schema::collection_scans,
        "Collection scans counted by the server ($collStats queryExecStats.collectionScans, 4.4+) since it started: a large collection scanned 1,000 times or more (our mark) is read whole again and again; critical when it has no index but _id.",
        "Set notablescan in a test environment or use the profiler (planSummary COLLSCAN) to find the queries, then index them."
    ),
];
