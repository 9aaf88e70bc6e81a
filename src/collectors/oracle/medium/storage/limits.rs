//! How close the instance is to its hard limits: `processes` and `sessions`
//! (`v$resource_limit`: a new connection fails with ORA-00020 / ORA-00018 at the limit)
//! and the fast recovery area (`v$recovery_file_dest`: when it fills, archiving stops
//! and so does every transaction, ORA-00257).
//!
//! The recovery area's use is SPACE_USED less SPACE_RECLAIMABLE (files Oracle deletes
//! by itself when it needs room: obsolete backups, applied archived logs), of
//! SPACE_LIMIT. No recovery area configured (no row, or no name and a limit of 0): no
//! metric at all, not a 0 %. Both views answer on a mounted standby.

use crate::collectors::oracle::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::Metric;

pub const RESOURCE_LIMITS: &str = "\
SELECT resource_name, current_utilization, max_utilization, limit_value
FROM v$resource_limit
WHERE resource_name IN ('processes', 'sessions')";

pub const RECOVERY_AREA: &str = "\
SELECT name, space_limit, space_used, space_reclaimable, number_of_files
FROM v$recovery_file_dest";

/// `resource_used_pct` keyed by resource; UNLIMITED or a limit of 0 gives none.
pub fn resource_metrics(rows: &[TextRow]) -> Vec<Metric> {
    rows.iter()
        .filter_map(|r| {
            let name = r.get("resource_name").map(str::trim).filter(|n| !n.is_empty())?;
            // LIMIT_VALUE is text, right-aligned: '       300' or ' UNLIMITED'.
            let limit = r.uint("limit_value").filter(|l| *l > 0)?;
            let current = r.uint("current_utilization")?;
            Some(Metric::keyed(
                ora::RESOURCE_USED_PCT,
                name.to_ascii_lowercase(),
                current as f64 * 100.0 / limit as f64,
            ))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryArea {
    pub name: String,
    pub limit_bytes: u64,
    pub used_bytes: u64,
    pub reclaimable_bytes: u64,
}

impl RecoveryArea {
    /// Space that cannot be reclaimed, of the limit, 0–100.
    pub fn used_pct(&self) -> f64 {
        self.used_bytes.saturating_sub(self.reclaimable_bytes) as f64 * 100.0 / self.limit_bytes as f64
    }
}

/// The configured recovery area, if any.
pub fn recovery_area(rows: &[TextRow]) -> Option<RecoveryArea> {
    let r = rows.first()?;
    let name = r.get("name").map(str::trim).filter(|n| !n.is_empty())?;
    Some(RecoveryArea {
        name: name.to_owned(),
        limit_bytes: r.uint("space_limit").filter(|l| *l > 0)?,
        used_bytes: r.uint("space_used").unwrap_or(0),
        reclaimable_bytes: r.uint("space_reclaimable").unwrap_or(0),
    })
}

pub fn recovery_area_metrics(area: Option<&RecoveryArea>) -> Vec<Metric> {
    area.map(|a| Metric::new(ora::RECOVERY_AREA_USED_PCT, a.used_pct())).into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;
    use crate::collectors::text_rows::from_batch;

    const LIMITS: &str = include_str!("../../fixtures/storage_resource_limit_19c.tsv");
    const RECOVERY: &str = include_str!("../../fixtures/storage_recovery_area_19c.tsv");

    #[test]
    fn processes_and_sessions_against_their_limits() {
        let m = resource_metrics(&from_batch(LIMITS));
        assert_eq!(value(&m, ora::RESOURCE_USED_PCT, "processes"), Some(92.0), "276 of 300");
        assert_eq!(value(&m, ora::RESOURCE_USED_PCT, "sessions"), Some(61.25), "294 of '       480'");
        assert_eq!(m.len(), 2);
        let unlimited = from_batch(
            "RESOURCE_NAME\tCURRENT_UTILIZATION\tMAX_UTILIZATION\tLIMIT_VALUE\nsessions\t12\t40\t UNLIMITED\n",
        );
        assert!(resource_metrics(&unlimited).is_empty());
    }

    #[test]
    fn recovery_area_less_what_is_reclaimable() {
        let area = recovery_area(&from_batch(RECOVERY)).unwrap_or_else(|| unreachable!("configured"));
        assert_eq!(area.name, "+FRA");
        let m = recovery_area_metrics(Some(&area));
        // 90 GiB used, 30 GiB of it reclaimable, limit 100 GiB.
        assert_eq!(value(&m, ora::RECOVERY_AREA_USED_PCT, ""), Some(60.0));
    }

    #[test]
    fn no_recovery_area_no_metric() {
        let header = "NAME\tSPACE_LIMIT\tSPACE_USED\tSPACE_RECLAIMABLE\tNUMBER_OF_FILES\n";
        assert_eq!(recovery_area(&from_batch(&format!("{header}NULL\t0\t0\t0\t0\n"))), None);
        assert_eq!(recovery_area(&from_batch(header)), None);
        assert!(recovery_area_metrics(None).is_empty());
    }
}
