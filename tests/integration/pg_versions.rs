//! The PostgreSQL version matrix: which live test runs against which server.
//!
//! 15 is Debian's packaged server (the default of every other live test); 12, 13, 14, 16,
//! 17 and 18 are fetched by `.ci/test-servers.sh` into `target/test-servers/`. The main
//! set runs on 12 (oldest supported), 15 and 18 (newest); the smoke set runs on every
//! version. Each test is a module of one test per version, e.g.
//! `pg_versions::statement_deltas::pg18`, so `cargo test pg18` runs one server's share.
//! Tests that share a cluster get `TestCluster::shared_version(major)`: one per version.

/// `matrix!(module = path::to::body, smoke|main)`: one `#[tokio::test]` per version of the
/// set, calling `body(major)` on a multi-threaded runtime.
macro_rules! matrix {
    ($module:ident = $body:path, smoke) => {
        matrix!(@tests $module $body: pg12 12, pg13 13, pg14 14, pg15 15, pg16 16, pg17 17, pg18 18);
    };
    ($module:ident = $body:path, main) => {
        matrix!(@tests $module $body: pg12 12, pg15 15, pg18 18);
    };
    (@tests $module:ident $body:path: $($name:ident $major:literal),+) => {
        mod $module {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $body($major).await
                }
            )+
        }
    };
}

use crate::{
    health_live as health, pg_features_live as features, pg_plans_live as plans, postgres_live as pg,
    schema_live as schema, schema_lock_live as schema_lock,
};

// Smoke set, every version: connect, sessions with a blocking pair, statement deltas,
// replication/checkpointer/I/O views, settings, schema tier, health report.
matrix!(connect_and_sessions = pg::sleeping_query_shows_as_active_with_text_and_age, smoke);
matrix!(blocking_pair = pg::row_lock_wait_shows_blocker_and_forest, smoke);
matrix!(statement_deltas = pg::statement_calls_between_two_medium_rounds_are_exact, smoke);
matrix!(
    replication_settings_sizes = pg::medium_and_low_tiers_report_replication_settings_and_extensions,
    smoke
);
matrix!(io_checkpointer_aio = features::io_checkpointer_and_aio_follow_the_version, smoke);
matrix!(schema_tier = schema::schema_tier_flags_sizes_errors_and_changes, smoke);
matrix!(health_report = health::health_report_flags_the_superuser_and_explains_gaps, smoke);

// Main set, 12 / 15 / 18: everything above plus the rest of the collector's live tests
// and a streaming replica.
matrix!(no_extension = pg::database_without_extension_is_unavailable_not_down, main);
matrix!(wrong_password = pg::wrong_password_is_a_clear_connect_error_without_the_password, main);
matrix!(read_only = pg::monitoring_connection_is_read_only, main);
matrix!(stop_and_restart = pg::server_stopped_mid_run_goes_down_and_comes_back, main);
matrix!(tls_modes = pg::tls_modes_encrypt_verify_and_fail_clearly, main);
matrix!(planted_schema_problems = health::planted_schema_problems_are_each_flagged, main);
matrix!(
    locked_objects_skipped = schema_lock::locked_table_view_and_sequence_are_skipped_not_the_database,
    main
);
matrix!(streaming_replica = features::streaming_replica_shows_lag_slots_and_receiver, main);

// Plans of normalised statements: GENERIC_PLAN came with 16, so both sides of it.
matrix!(@tests generic_plans plans::normalised_statement_gets_a_generic_plan_from_16: pg12 12, pg15 15, pg16 16, pg18 18);
