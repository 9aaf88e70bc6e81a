//! Statement texts, fetched once per statement and kept, and our own statements told
//! apart by their text.
//!
//! Neither Query Store nor the plan cache says which session ran a statement, so our own
//! reads (when the monitoring login's database records Query Store, and always in the
//! plan cache) are recognised by text: a statement is ours when its text, whitespace
//! folded and case ignored, is one this collector sends (`queries::all()`), up to the
//! first placeholder of a statement built at run time. An application statement word
//! for word identical to one of ours is left out with ours; it is a monitoring read.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// Whitespace folded to one space, lower case.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// What our statements start with (whole, or up to their first placeholder).
fn our_prefixes() -> &'static [(String, bool)] {
    static PREFIXES: OnceLock<Vec<(String, bool)>> = OnceLock::new();
    PREFIXES.get_or_init(|| {
        super::super::queries::all()
            .into_iter()
            .map(|sql| match sql.find('{') {
                Some(at) => (folded(&sql[..at]), true),
                None => (folded(sql), false),
            })
            // A prefix this short would match other people's statements.
            .filter(|(p, _)| p.len() >= 40)
            .collect()
    })
}

/// Whether `text` is one of the statements this collector sends.
pub fn is_ours(text: &str) -> bool {
    let text = folded(text);
    our_prefixes().iter().any(|(p, partial)| if *partial { text.starts_with(p) } else { text == *p })
}

#[derive(Debug)]
struct Entry {
    text: String,
    database: String,
    used: u64,
}

/// Texts by statement id (`db/query_id` or a query hash), at most `cap` of them, the
/// least recently shown forgotten first.
#[derive(Debug)]
pub struct Texts {
    entries: HashMap<String, Entry>,
    ours: HashSet<String>,
    cap: usize,
    round: u64,
}

impl Texts {
    pub fn new(cap: usize) -> Self {
        Self { entries: HashMap::new(), ours: HashSet::new(), cap, round: 0 }
    }

    /// Ids among `ids` with neither a text nor known to be ours.
    pub fn missing<'a>(&self, ids: impl Iterator<Item = &'a str>) -> Vec<String> {
        ids.filter(|id| !self.entries.contains_key(*id) && !self.ours.contains(*id))
            .map(str::to_owned)
            .collect()
    }

    pub fn insert(&mut self, id: String, text: String, database: String) {
        if is_ours(&text) {
            self.ours.insert(id);
            return;
        }
        self.entries.insert(id, Entry { text, database, used: self.round });
    }

    pub fn is_ours(&self, id: &str) -> bool {
        self.ours.contains(id)
    }

    /// The text and database of `id` (marked as used this round).
    pub fn get(&mut self, id: &str) -> Option<(String, String)> {
        let round = self.round;
        self.entries.get_mut(id).map(|e| {
            e.used = round;
            (e.text.clone(), e.database.clone())
        })
    }

    pub fn ours_count(&self) -> usize {
        self.ours.len()
    }

    /// Ends a round: over the cap, the least recently used texts go.
    pub fn end_round(&mut self) {
        self.round += 1;
        if self.entries.len() > self.cap {
            let mut by_use: Vec<(u64, String)> =
                self.entries.iter().map(|(k, e)| (e.used, k.clone())).collect();
            by_use.sort_unstable();
            let excess = self.entries.len() - self.cap;
            for (_, id) in by_use.into_iter().take(excess) {
                self.entries.remove(&id);
            }
        }
        if self.ours.len() > self.cap {
            self.ours.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_statements_are_recognised_as_sent() {
        let sql = super::super::query_store::runtime_sql("shop", 16, Some("2024-05-01 10:00:00"))
            .unwrap_or_default();
        assert!(is_ours(&sql), "a built statement, by its start");
        assert!(is_ours(&super::super::query_store::DATABASES.replace('\n', "\n   ")), "whitespace folded");
        assert!(!is_ours("SELECT d.name FROM sys.databases AS d"), "someone else's short read");
        assert!(!is_ours("UPDATE dbo.stock SET qty = qty - 1"));
        assert!(our_prefixes().iter().all(|(p, _)| p.len() >= 40));
    }

    #[test]
    fn cache_keeps_texts_and_forgets_the_least_used() {
        let mut t = Texts::new(2);
        t.insert("a".into(), "SELECT 1".into(), "shop".into());
        t.insert("b".into(), "SELECT 2".into(), String::new());
        t.insert("ours".into(), super::super::query_store::DATABASES.into(), String::new());
        assert!(t.is_ours("ours") && t.ours_count() == 1);
        assert_eq!(t.missing(["a", "c", "ours"].into_iter()), ["c"]);
        t.end_round();
        assert_eq!(t.get("a"), Some(("SELECT 1".to_owned(), "shop".to_owned())));
        t.insert("c".into(), "SELECT 3".into(), String::new());
        t.end_round();
        assert!(t.get("b").is_none(), "b was used least recently");
        assert!(t.get("a").is_some() && t.get("c").is_some());
    }
}
