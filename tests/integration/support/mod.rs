//! Test harness: real servers started and stopped by the tests themselves.

pub mod agent;
pub mod forwarding;
pub mod mariadb;
pub mod mongo_wire;
pub mod openmetrics;
pub mod pg_bin;
pub mod ports;
pub mod postgres;
pub mod receiver;
pub mod redis;
pub mod replica;
pub mod tds;
pub mod terminal;
