//! Values read by id and kept while a session refers to them: statement texts by SQL_ID,
//! object names by object number. Each round asks only for ids it does not know yet, a
//! fixed number at a time (the statement has that many binds; unused slots repeat the
//! first id), so a steady server costs no read at all.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

#[derive(Debug)]
pub struct Lookup<K> {
    known: HashMap<K, String>,
}

impl<K> Default for Lookup<K> {
    fn default() -> Self {
        Self { known: HashMap::new() }
    }
}

impl<K: Eq + Hash + Clone> Lookup<K> {
    /// Up to `slots` ids not known yet, in the order given (most urgent first), each once.
    pub fn missing<'a>(&self, wanted: impl IntoIterator<Item = &'a K>, slots: usize) -> Vec<K>
    where
        K: 'a,
    {
        let mut out: Vec<K> = Vec::new();
        for id in wanted {
            if out.len() == slots {
                break;
            }
            if !self.known.contains_key(id) && !out.contains(id) {
                out.push(id.clone());
            }
        }
        out
    }

    /// What a read found; ids asked but not found are remembered as empty (asked once).
    pub fn learn(&mut self, asked: &[K], found: impl IntoIterator<Item = (K, String)>) {
        for (id, value) in found {
            self.known.insert(id, value);
        }
        for id in asked {
            self.known.entry(id.clone()).or_default();
        }
    }

    /// The value, None when unknown or when the server had none.
    pub fn get(&self, id: &K) -> Option<&str> {
        self.known.get(id).map(String::as_str).filter(|v| !v.is_empty())
    }

    /// Forgets the ids no session refers to any more.
    pub fn keep_only(&mut self, used: &HashSet<K>) {
        self.known.retain(|id, _| used.contains(id));
    }

    /// How many ids are kept (tests).
    #[cfg(test)]
    pub fn kept(&self) -> usize {
        self.known.len()
    }
}

/// The binds of one read: the ids, then the first id again until every slot is filled.
pub fn padded<K: Clone>(ids: &[K], slots: usize) -> Vec<K> {
    let mut out: Vec<K> = ids.iter().take(slots).cloned().collect();
    if let Some(first) = ids.first() {
        while out.len() < slots {
            out.push(first.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_once_for_unknown_ids_and_forgets_unused_ones() {
        let mut texts: Lookup<String> = Lookup::default();
        let ids: Vec<String> = ["a", "b", "a", "c"].iter().map(|s| (*s).to_owned()).collect();
        let asked = texts.missing(&ids, 2);
        assert_eq!(asked, vec!["a".to_owned(), "b".to_owned()]);
        texts.learn(&asked, [("a".to_owned(), "SELECT 1 FROM dual".to_owned())]);
        assert_eq!(texts.get(&"a".to_owned()), Some("SELECT 1 FROM dual"));
        assert_eq!(texts.get(&"b".to_owned()), None, "aged out of the cursor cache");
        assert_eq!(texts.missing(&ids, 20), vec!["c".to_owned()], "b is not asked again");
        texts.keep_only(&HashSet::from(["a".to_owned()]));
        assert_eq!(texts.kept(), 1);
        assert_eq!(padded(&[7, 9], 4), vec![7, 9, 7, 7]);
        assert_eq!(padded(&[1, 2, 3], 2), vec![1, 2]);
        assert!(padded::<i64>(&[], 3).is_empty());
    }
}
