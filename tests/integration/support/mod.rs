//! Test harness: real servers started and stopped by the tests themselves.

pub mod postgres;
pub mod terminal;
