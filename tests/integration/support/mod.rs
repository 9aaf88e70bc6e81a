//! Test harness: real servers started and stopped by the tests themselves.

pub mod postgres;
#[allow(dead_code)] // used by the pty end-to-end test, which lands with the UI
pub mod terminal;
