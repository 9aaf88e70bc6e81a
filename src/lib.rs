//! Logstag: a terminal database monitor and headless agent.
//!
//! Data flows one way, and every stage is a module:
//!
//! ```text
//!  collectors/<engine>  (one tokio task per target, four tiers, one connection)
//!        │  Vec<Sample> per collection round (bounded mpsc)
//!        ▼
//!  pipeline ──► store (SQLite writer thread: history, retention)
//!        ├────► board (latest values; read by the Prometheus endpoint, agent status)
//!        └────► ui (TUI task: Dashboard read model, tabs, charts)
//! ```
//!
//! `model` holds the engine-neutral types every stage speaks; `collectors/registry.rs`
//! lists the engines, each described by its folder's `EngineSpec`. `app` picks a mode;
//! the modes (`tui_mode`, `agent`, `snapshot`, `health::command`) run `monitor`.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod agent;
pub mod alerts;
pub mod app;
pub mod board;
pub mod cli;
pub mod collectors;
pub mod config;
pub mod encrypt;
#[cfg(test)]
mod engine_contract_tests;
pub mod errors;
pub mod forward;
pub mod health;
pub mod logging;
pub mod model;
pub mod monitor;
pub mod notify;
pub mod pipeline;
pub mod prometheus;
#[cfg(test)]
mod proptests;
pub mod replay;
pub mod sanitize;
pub mod snapshot;
pub mod store;
pub mod telemetry;
pub mod tui_mode;
pub mod ui;
