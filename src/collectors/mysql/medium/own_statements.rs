//! Telling our own statements apart in the digest table, and keeping digest texts.
//!
//! `events_statements_summary_by_digest` has no user column (the by-account tables have
//! no digest), so our own reads can only be recognised by their text. Leaving out every
//! digest that touches information_schema or performance_schema would also hide an
//! application's slow information_schema scan, which is worth seeing. Instead each new
//! digest's text is compared with the statements this collector sends (`queries::all()`
//! and the session fences): the server's normalised text keeps identifiers and keywords
//! in order and replaces literals by `?`, so the words of both match, up to a keyword the
//! server spells differently (`DATABASE()` → `SCHEMA()`, `user` → `SYSTEM_USER`). A
//! digest is ours when its words and ours agree at least 90 % (exactly, for short
//! statements). An application statement identical to one of ours is left out too; it
//! is a monitoring read either way. Digests found to be ours are remembered by hash.

#[cfg(test)]
pub use crate::collectors::own_statements::is_cut;
pub use crate::collectors::own_statements::{matches_one_of, signature};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The signatures of every statement this collector sends, computed once.
pub fn our_signatures() -> &'static [Vec<String>] {
    static OURS: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    OURS.get_or_init(|| {
        use super::super::queries;
        let mut all: Vec<String> = queries::all().into_iter().map(str::to_owned).collect();
        all.extend(super::digests::TEMPLATES.iter().map(|s| (*s).to_owned()));
        // The session fences of `connect.rs` (their values are left out of signatures).
        all.extend(queries::SESSION_VARIABLES.iter().map(|v| format!("SET SESSION {v} = 1")));
        all.iter().map(|s| signature(s)).filter(|s| !s.is_empty()).collect()
    })
}

/// Digest texts by digest hash (the text is the same in every schema), least recently
/// used evicted beyond `cap`; and the digests found to be ours.
#[derive(Debug)]
pub struct DigestTexts {
    cap: usize,
    round: u64,
    texts: HashMap<String, (String, u64)>,
    ours: HashSet<String>,
}

impl DigestTexts {
    pub fn new(cap: usize) -> Self {
        Self { cap: cap.max(1), round: 0, texts: HashMap::new(), ours: HashSet::new() }
    }

    /// Digests of `wanted` with neither a text nor a verdict, without duplicates.
    pub fn missing<'a>(&self, wanted: impl IntoIterator<Item = &'a str>) -> Vec<String> {
        let mut out: Vec<String> = wanted
            .into_iter()
            .filter(|d| !self.texts.contains_key(*d) && !self.ours.contains(*d))
            .map(str::to_owned)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Stores a fetched text, or remembers the digest as ours.
    pub fn insert(&mut self, digest: String, text: String, ours: &[Vec<String>]) {
        if matches_one_of(&text, ours) {
            self.ours.insert(digest);
        } else {
            self.texts.insert(digest, (text, self.round));
        }
    }

    pub fn is_ours(&self, digest: &str) -> bool {
        self.ours.contains(digest)
    }

    pub fn ours_count(&self) -> usize {
        self.ours.len()
    }

    /// The text, marked as used in this round.
    pub fn get(&mut self, digest: &str) -> Option<String> {
        let round = self.round;
        self.texts.get_mut(digest).map(|(text, used)| {
            *used = round;
            text.clone()
        })
    }

    pub fn end_round(&mut self) {
        self.round += 1;
        if self.texts.len() <= self.cap {
            return;
        }
        let mut by_age: Vec<(u64, String)> =
            self.texts.iter().map(|(d, (_, used))| (*used, d.clone())).collect();
        by_age.sort_unstable();
        let excess = self.texts.len() - self.cap;
        for (_, digest) in by_age.into_iter().take(excess) {
            self.texts.remove(&digest);
        }
    }
}

#[cfg(test)]
#[path = "own_statements_tests.rs"]
mod tests;
