//! Which engine a target runs, as an opaque key. Only the engine registry
//! (`collectors/registry.rs`) knows what a key stands for; everything else compares keys
//! or asks the registry for the engine's description.

use std::fmt;

/// The canonical `db_engine` name of a registry entry. Copy, cheap to compare, and the
/// same spelling the configuration and the alert templates use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EngineKind(&'static str);

impl EngineKind {
    pub const fn new(key: &'static str) -> Self {
        Self(key)
    }

    pub fn key(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
