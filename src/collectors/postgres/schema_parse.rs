//! Pure schema-tier logic: index findings (unused, duplicate, redundant), foreign-key
//! coverage, statistics-based bloat estimates, sequence usage, definition hashes.

pub use crate::collectors::schema_indexes::{IndexFacts, analyse_indexes, fnv64};

/// `pg_index.indkey` as text ("1 3 0") → attribute numbers; the first `nkeys` are keys.
pub fn parse_indkey(text: &str, nkeys: usize) -> Vec<i16> {
    text.split_whitespace().filter_map(|w| w.parse().ok()).take(nkeys).collect()
}

/// Share of a sequence's range consumed, 0–100; None before first use.
pub fn sequence_pct_used(last: Option<i64>, min: i64, max: i64, increment: i64) -> Option<f64> {
    let last = last?;
    // Values handed out over values available: a sequence 1..100 at 95 has used 95 of 100.
    let available = max as f64 - min as f64 + 1.0;
    if available <= 1.0 {
        return None;
    }
    let used = if increment >= 0 { last as f64 - min as f64 + 1.0 } else { max as f64 - last as f64 + 1.0 };
    Some((used / available * 100.0).clamp(0.0, 100.0))
}

/// Heap bloat estimate: pages beyond what `reltuples` rows of the average statistics
/// width need (tuple header 24 B + line pointer 4 B, page header 24 B). None without
/// readable statistics (pg_stats hides tables the role may not SELECT) or for empty tables.
pub fn table_bloat(relpages: i64, reltuples: f64, width: Option<f64>, block_size: i64) -> Option<u64> {
    let width = width?;
    if relpages <= 0 || reltuples <= 0.0 || block_size <= 24 {
        return None;
    }
    let per_page = ((block_size - 24) as f64 / (width + 28.0)).floor().max(1.0);
    let expected = (reltuples / per_page).ceil();
    Some(wasted(relpages, expected, block_size))
}

/// Btree bloat estimate: leaf pages at the default 90 % fillfactor for `reltuples`
/// entries (index tuple header 8 B + line pointer 4 B), plus the metapage.
pub fn btree_bloat(relpages: i64, reltuples: f64, width: Option<f64>, block_size: i64) -> Option<u64> {
    let width = width?;
    if relpages <= 1 || reltuples <= 0.0 || block_size <= 40 {
        return None;
    }
    let usable = (block_size - 40) as f64 * 0.9;
    let per_page = (usable / (width + 12.0)).floor().max(1.0);
    let expected = (reltuples / per_page).ceil() + 1.0;
    Some(wasted(relpages, expected, block_size))
}

fn wasted(relpages: i64, expected_pages: f64, block_size: i64) -> u64 {
    let extra = (relpages as f64 - expected_pages).max(0.0);
    (extra * block_size as f64) as u64
}

/// Whether some valid index starts with the foreign key's columns, in any order.
pub fn fk_has_index(fk_keys: &[i16], facts: &[IndexFacts], valid: &[bool]) -> bool {
    if fk_keys.is_empty() {
        return false;
    }
    facts.iter().zip(valid).any(|(f, ok)| {
        *ok && f.pred.is_empty()
            && f.keys.len() >= fk_keys.len()
            && fk_keys.iter().all(|k| f.keys[..fk_keys.len()].contains(k))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::IndexInfo;

    fn idx(name: &str, unique: bool, scans: u64) -> IndexInfo {
        IndexInfo { name: name.into(), unique, valid: true, scans: Some(scans), ..Default::default() }
    }

    fn facts(keys: &[i16], classes: &str) -> IndexFacts {
        IndexFacts {
            keys: keys.to_vec(),
            indclass: classes.into(),
            method: "btree".into(),
            ..Default::default()
        }
    }

    #[test]
    fn finds_unused_duplicate_and_redundant_indexes() {
        let mut ix = vec![
            idx("a_pkey", true, 5),
            idx("a_x", false, 0),
            idx("a_x_copy", false, 3),
            idx("a_xy", false, 9),
        ];
        ix[0].primary = true;
        let mut f =
            vec![facts(&[1], "1978"), facts(&[2], "1978"), facts(&[2], "1978"), facts(&[2, 3], "1978 1978")];
        f[0].backs_constraint = true;
        analyse_indexes(&mut ix, &f);
        assert!(!ix[0].unused && ix[1].unused && !ix[2].unused);
        assert_eq!(ix[1].duplicate_of, None);
        assert_eq!(ix[2].duplicate_of.as_deref(), Some("a_x"));
        assert_eq!(ix[1].redundant_with.as_deref(), Some("a_xy"));
        assert_eq!(ix[3].redundant_with, None);
        assert_eq!(ix[0].redundant_with, None);
    }

    #[test]
    fn unique_and_partial_indexes_are_not_redundant() {
        let mut ix = vec![idx("u", true, 1), idx("p", false, 1), idx("wide", false, 1)];
        let mut f = vec![facts(&[2], "1"), facts(&[2], "1"), facts(&[2, 3], "1 1")];
        f[1].pred = "(x > 0)".into();
        analyse_indexes(&mut ix, &f);
        assert!(ix.iter().all(|i| i.redundant_with.is_none() && i.duplicate_of.is_none()));
    }

    #[test]
    fn foreign_key_coverage_ignores_column_order_but_not_position() {
        let f = vec![facts(&[3, 2, 5], "")];
        assert!(fk_has_index(&[2, 3], &f, &[true]));
        assert!(!fk_has_index(&[5], &f, &[true]));
        assert!(!fk_has_index(&[2, 3], &f, &[false]));
        assert!(!fk_has_index(&[], &f, &[true]));
    }

    #[test]
    fn sequence_usage_both_directions() {
        // 1..100 at 95: 95 of 100 values used.
        let pct = sequence_pct_used(Some(95), 1, 100, 1).unwrap_or_default();
        assert!((pct - 95.0).abs() < 1e-9, "{pct}");
        assert!((sequence_pct_used(Some(1), 1, 100, 1).unwrap_or_default() - 1.0).abs() < 1e-9);
        assert_eq!(sequence_pct_used(None, 1, 10, 1), None);
        // Descending -1..-100 at -50: 50 of 100 values used.
        let down = sequence_pct_used(Some(-50), -100, -1, -1).unwrap_or_default();
        assert!((down - 50.0).abs() < 1e-9, "{down}");
        assert!(sequence_pct_used(Some(i64::MAX), 1, i64::MAX, 1).is_some_and(|p| p > 99.9));
    }

    #[test]
    fn bloat_estimates_need_statistics() {
        assert_eq!(table_bloat(100, 1000.0, None, 8192), None);
        // 1000 rows of 100 B: 8168 / 128 = 63 per page → 16 pages; 84 pages wasted.
        assert_eq!(table_bloat(100, 1000.0, Some(100.0), 8192), Some(84 * 8192));
        assert_eq!(table_bloat(10, 1000.0, Some(100.0), 8192), Some(0));
        assert!(btree_bloat(100, 1000.0, Some(4.0), 8192).is_some_and(|b| b > 90 * 8192));
    }

    #[test]
    fn hashes_and_indkeys() {
        assert_eq!(fnv64(""), "cbf29ce484222325");
        assert_ne!(fnv64("select 1"), fnv64("select 2"));
        assert_eq!(parse_indkey("1 3 0 4", 3), vec![1, 3, 0]);
    }
}
