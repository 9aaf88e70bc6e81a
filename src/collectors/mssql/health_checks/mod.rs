//! SQL Server health checks.

use crate::health::Check;

pub static CHECKS: &[Check] = &[];
