//! End-to-end tests: one test binary, real servers started by the harness.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod agent_forward_live;
mod agent_live;
mod agent_secrets_live;
mod alert_scenarios;
mod config_check;
mod discovery;
mod forward_delivery;
mod forward_failures;
mod forward_restart;
mod health_live;
mod hostile_live;
mod mariadb_harness;
mod mongo_wire;
mod mongo_wire_high;
mod mongo_wire_tiers;
mod mongo_wire_tiers_schema;
mod mssql_wire;
mod mssql_wire_tiers;
mod mysql_health_live;
mod mysql_live;
mod mysql_schema_live;
mod pg_features_live;
mod pg_versions;
mod pipeline_live;
mod postgres_live;
mod prometheus_live;
mod redis_live;
mod redis_scheduler_live;
mod redis_versions;
mod schema_live;
mod schema_lock_live;
mod secrets;
mod support;
mod tds_mock;
mod tui_e2e;
