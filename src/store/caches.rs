//! What the writer remembers between rounds: the ids of name rows it already resolved,
//! each chain's last body, each series' open block of points.

use super::StoreError;
use std::collections::HashMap;

/// Ids the writer has already resolved. Keys are `target \0 name \0 key` in one String so
/// a lookup reuses a scratch buffer instead of allocating per point.
#[derive(Default)]
pub struct Caches {
    pub series: HashMap<String, i64>,
    /// (target, kind) → snapshot_sources.id.
    pub sources: HashMap<String, i64>,
    /// Statement → (query_texts.id, hash of text/database/user, seen_at written) to skip
    /// unchanged texts.
    pub texts: HashMap<String, (i64, u64, i64)>,
    pub scratch: String,
    /// The last snapshot body per target and kind, which the next one is a delta of.
    pub chains: super::chain::Chains,
    /// Each series' newest block of points, which the next point is appended to.
    pub blocks: super::figures::OpenBlocks,
}

impl Caches {
    /// Ids may name rows that a rollback or a prune removed; forgetting them is always safe.
    pub fn clear(&mut self) {
        self.forget_ids();
        self.chains.clear();
    }

    pub fn forget_ids(&mut self) {
        self.series.clear();
        self.sources.clear();
        self.texts.clear();
        self.blocks.clear();
    }
}

/// Builds a cache key in `scratch` (a free function so the maps stay borrowable).
pub fn cache_key<'a>(scratch: &'a mut String, parts: [&str; 3]) -> &'a str {
    scratch.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            scratch.push('\0');
        }
        scratch.push_str(p);
    }
    scratch
}

/// The id of a name row (a series, a snapshot source) from `ids`, else from
/// `find_or_make`, which is then remembered.
pub fn name_id(
    ids: &mut HashMap<String, i64>,
    scratch: &mut String,
    parts: [&str; 3],
    find_or_make: impl FnOnce() -> Result<i64, StoreError>,
) -> Result<i64, StoreError> {
    if let Some(&id) = ids.get(cache_key(scratch, parts)) {
        return Ok(id);
    }
    let id = find_or_make()?;
    ids.insert(cache_key(scratch, parts).to_owned(), id);
    Ok(id)
}
