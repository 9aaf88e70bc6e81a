//! MongoDB health checks (spec §5): security, configuration, performance, maintenance
//! and schema, from the settings and posture facts of the low tier, the high and medium
//! tiers' metrics and the schema inventory (docs/mongodb.md).

use crate::health::Check;

pub static CHECKS: &[Check] = &[];
