//! Test harness: real servers started and stopped by the tests themselves.

pub mod postgres;
pub mod redis;
pub mod terminal;
