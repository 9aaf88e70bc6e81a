//! Oracle health checks (spec §5): security, configuration, performance, maintenance and
//! schema, from the low, medium, high and schema tiers' samples (docs/oracle.md).

use crate::health::Check;

pub static CHECKS: &[Check] = &[];
