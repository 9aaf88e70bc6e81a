//! SGA and PGA, bytes.
//!
//! SGA: `v$sgainfo` 'Maximum SGA Size' less 'Free SGA Memory Available' — the granules
//! given to the SGA's components (buffer cache, shared pool…), which is what
//! `sga_target` governs; the free granules up to `sga_max_size` are address space kept
//! for growth. PGA: `v$pgastat` 'total PGA allocated', what the server processes hold
//! now (it moves with the workload; 'aggregate PGA target parameter' is the target it
//! aims under, not a limit). `memory_used_bytes` is the two added.

use crate::collectors::oracle::metric as ora;
use crate::collectors::text_rows::TextRow;
use crate::model::{Metric, metric};

pub const MEMORY: &str = "\
SELECT name, bytes FROM v$sgainfo
WHERE name IN ('Maximum SGA Size', 'Free SGA Memory Available')
UNION ALL
SELECT name, value FROM v$pgastat
WHERE name IN ('total PGA allocated', 'aggregate PGA target parameter')";

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Memory {
    pub sga_bytes: Option<u64>,
    pub pga_allocated_bytes: Option<u64>,
    pub pga_target_bytes: Option<u64>,
}

pub fn parse(rows: &[TextRow]) -> Memory {
    let find = |name: &str| {
        rows.iter()
            .find(|r| r.get("name").is_some_and(|n| n.trim().eq_ignore_ascii_case(name)))?
            .uint("bytes")
    };
    let free = find("Free SGA Memory Available").unwrap_or(0);
    Memory {
        sga_bytes: find("Maximum SGA Size").map(|max| max.saturating_sub(free)),
        pga_allocated_bytes: find("total PGA allocated"),
        pga_target_bytes: find("aggregate PGA target parameter"),
    }
}

pub fn metrics(memory: &Memory) -> Vec<Metric> {
    let mut out = Vec::new();
    if let Some(sga) = memory.sga_bytes {
        out.push(Metric::new(ora::SGA_BYTES, sga as f64));
    }
    if let Some(pga) = memory.pga_allocated_bytes {
        out.push(Metric::new(ora::PGA_ALLOCATED_BYTES, pga as f64));
    }
    if let (Some(sga), Some(pga)) = (memory.sga_bytes, memory.pga_allocated_bytes) {
        out.push(Metric::new(metric::MEMORY_USED_BYTES, sga.saturating_add(pga) as f64));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::testing::value;
    use crate::collectors::text_rows::from_batch;

    const ORACLE_19C: &str = include_str!("../../fixtures/storage_memory_19c.tsv");

    #[test]
    fn sga_in_use_and_pga_allocated() {
        let memory = parse(&from_batch(ORACLE_19C));
        assert_eq!(memory.sga_bytes, Some(3_221_225_472), "4 GiB max less 1 GiB of free granules");
        assert_eq!(memory.pga_allocated_bytes, Some(612_368_384));
        assert_eq!(memory.pga_target_bytes, Some(1_073_741_824));
        let m = metrics(&memory);
        assert_eq!(value(&m, ora::SGA_BYTES, ""), Some(3_221_225_472.0));
        assert_eq!(value(&m, ora::PGA_ALLOCATED_BYTES, ""), Some(612_368_384.0));
        assert_eq!(value(&m, metric::MEMORY_USED_BYTES, ""), Some(3_833_593_856.0));
    }

    #[test]
    fn without_the_pga_row_there_is_no_total() {
        let memory = parse(&from_batch("NAME\tBYTES\nMaximum SGA Size\t1610612736\n"));
        assert_eq!(memory.sga_bytes, Some(1_610_612_736), "no free row: all of it");
        let m = metrics(&memory);
        assert_eq!(m.len(), 1);
        assert_eq!(value(&m, metric::MEMORY_USED_BYTES, ""), None);
        assert!(metrics(&parse(&[])).is_empty());
    }
}
