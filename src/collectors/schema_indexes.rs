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
            let same = f.keys == g.keys && f.indclass == g.indclass && f.exprs == g.exprs && f.pred == g.pred;
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
/// keys (plain columns, same opclasses) are a strict leading prefix of `wide`'s, and
/// `narrow` enforces nothing (a unique index is never redundant).
fn covers(wide: &IndexInfo, w: &IndexFacts, narrow: &IndexInfo, n: &IndexFacts) -> bool {
    if narrow.unique || narrow.primary || n.backs_constraint || !narrow.valid || !wide.valid {
        return false;
    }
    if n.method != "btree" || w.method != "btree" || n.pred != w.pred || !n.exprs.is_empty() {
        return false;
    }
    let classes = |s: &str| s.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
    let (nc, wc) = (classes(&n.indclass), classes(&w.indclass));
    n.keys.len() < w.keys.len() && w.keys.starts_with(&n.keys) && nc.len() <= wc.len() && wc.starts_with(&nc)
}
