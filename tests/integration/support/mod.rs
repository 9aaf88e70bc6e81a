//! Test harness: real servers started and stopped by the tests themselves.

pub mod forwarding;
pub mod postgres;
pub mod receiver;
pub mod terminal;
