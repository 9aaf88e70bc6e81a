//! Schema facts every relational engine works out the same way: which indexes are
//! unused, duplicates or made redundant by a wider one, and the stable hash that change
//! detection stores for definitions.

use crate::model::IndexInfo;

/// What the index analysis needs beyond `IndexInfo` (catalog identity of the index).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IndexFacts {
    /// Key attribute numbers (0 = expression), key columns only.
    pub keys: Vec<i16>,
    pub indclass: String,
    pub exprs: String,
    pub pred: String,
    pub method: String,
    pub backs_constraint: bool,
    /// Included (non-key) columns by attribute number, any order (SQL Server's and
    /// PostgreSQL 11's INCLUDE); empty where the engine has none or they are not read.
    pub includes: Vec<i16>,
}

/// 64-bit FNV-1a: stable across releases and platforms (std's hasher is not), which a
/// hash stored in history and compared after an upgrade needs.
pub fn fnv64(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Fills `unused`, `duplicate_of` and `redundant_with` for one table's indexes (same order as `facts`).
pub fn analyse_indexes(indexes: &mut [IndexInfo], facts: &[IndexFacts]) {
    let n = indexes.len().min(facts.len());
    for i in 0..n {
        let (idx, f) = (&indexes[i], &facts[i]);
        let unused = idx.scans == Some(0) && !idx.unique && !idx.primary && !f.backs_constraint;
        let mut duplicate_of = None;
        let mut redundant_with = None;
        for j in 0..n {
            if i == j {
                continue;
            }
            let (other, g) = (&indexes[j], &facts[j]);
            let same = f.keys == g.keys
                && f.indclass == g.indclass
                && f.exprs == g.exprs
                && f.pred == g.pred
                && same_set(&f.includes, &g.includes);
            if same {
                // The one kept is the constraint-backing / unique one, else the first by name.
                let keep_other = (g.backs_constraint, other.unique, std::cmp::Reverse(&other.name))
                    > (f.backs_constraint, idx.unique, std::cmp::Reverse(&idx.name));
                if keep_other && duplicate_of.is_none() {
                    duplicate_of = Some(other.name.clone());
                }
                continue;
            }
            if redundant_with.is_none() && covers(other, g, idx, f) {
                redundant_with = Some(other.name.clone());
            }
        }
        let idx = &mut indexes[i];
        idx.unused = unused;
        idx.duplicate_of = duplicate_of;
        idx.redundant_with = redundant_with;
    }
}

/// Whether `wide` makes `narrow` unnecessary: same method and predicate, `narrow`'s
/// keys (plain columns, same opclasses) are a leading prefix of `wide`'s, every column
/// `narrow` includes is a key or included column of `wide`, `wide` is strictly more
/// (longer keys, or the same keys and more included columns), and `narrow` enforces
/// nothing (a unique index is never redundant).
fn covers(wide: &IndexInfo, w: &IndexFacts, narrow: &IndexInfo, n: &IndexFacts) -> bool {
    if narrow.unique || narrow.primary || n.backs_constraint || !narrow.valid || !wide.valid {
        return false;
    }
    if n.method != "btree" || w.method != "btree" || n.pred != w.pred || !n.exprs.is_empty() {
        return false;
    }
    let classes = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (nc, wc) = (classes(&n.indclass), classes(&w.indclass));
    let prefix = w.keys.starts_with(&n.keys) && nc.len() <= wc.len() && wc.starts_with(&nc);
    let included = n.includes.iter().all(|c| w.keys.contains(c) || w.includes.contains(c));
    let more = n.keys.len() < w.keys.len() || n.includes.len() < w.includes.len();
    prefix && included && more
}

fn same_set(a: &[i16], b: &[i16]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(name: &str) -> IndexInfo {
        IndexInfo { name: name.into(), valid: true, scans: Some(1), ..Default::default() }
    }

    fn facts(keys: &[i16], includes: &[i16]) -> IndexFacts {
        IndexFacts {
            keys: keys.to_vec(),
            indclass: keys.iter().map(|_| "btree/A").collect::<Vec<_>>().join(" "),
            method: "btree".into(),
            includes: includes.to_vec(),
            ..Default::default()
        }
    }

    fn analysed(facts: &[IndexFacts]) -> Vec<IndexInfo> {
        let mut ix: Vec<IndexInfo> = (0..facts.len()).map(|i| index(&format!("ix{i}"))).collect();
        analyse_indexes(&mut ix, facts);
        ix
    }

    #[test]
    fn included_columns_decide_duplicates_and_redundancy() {
        // Same keys, same included set in another order: a duplicate.
        let ix = analysed(&[facts(&[2], &[4, 5]), facts(&[2], &[5, 4])]);
        assert_eq!(ix[1].duplicate_of.as_deref(), Some("ix0"));
        // Same keys, fewer included columns: made redundant by the wider one.
        let ix = analysed(&[facts(&[2], &[4]), facts(&[2], &[4, 5])]);
        assert_eq!((ix[0].redundant_with.as_deref(), ix[0].duplicate_of.as_deref()), (Some("ix1"), None));
        assert_eq!(ix[1].redundant_with, None);
        // A shorter key whose included column is a key of the wider index.
        let ix = analysed(&[facts(&[2], &[3]), facts(&[2, 3], &[])]);
        assert_eq!(ix[0].redundant_with.as_deref(), Some("ix1"));
        // An included column the wider index lacks: both are needed.
        let ix = analysed(&[facts(&[2], &[9]), facts(&[2, 3], &[4])]);
        assert!(ix.iter().all(|i| i.redundant_with.is_none() && i.duplicate_of.is_none()));
    }
}
