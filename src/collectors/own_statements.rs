//! Telling a collector's own statements apart in a server's statement statistics, by
//! their words: the server's normalised text keeps identifiers and keywords in order and
//! replaces literals (`?` on MySQL, `$1` on PostgreSQL), so the words of both match, up to
//! a keyword a server respells (`DATABASE()` → `SCHEMA()`). A statement is ours when its
//! words and ours agree at least 90 % (exactly, for short statements). Used where the
//! statistics carry no application name to tell us by (MySQL digests, pg_stat_statements).

use std::collections::HashMap;

/// Words that decide: lower case, string literals and numbers left out, backticks dropped,
/// keywords the server respells mapped to one spelling.
pub fn signature(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut push = |word: &mut String| {
        if !word.is_empty() && !word.chars().all(|c| c.is_ascii_digit()) {
            let w = std::mem::take(word);
            out.push(match w.as_str() {
                "system_user" | "session_user" | "current_user" => "user".to_owned(),
                "schema" => "database".to_owned(),
                "schemas" => "databases".to_owned(),
                _ => w,
            });
        }
        word.clear();
    };
    for c in sql.chars() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c.is_ascii_alphanumeric() || c == '_' {
            word.push(c.to_ascii_lowercase());
            continue;
        }
        push(&mut word);
    }
    push(&mut word);
    out
}

/// A digest text the server cut at `performance_schema_max_digest_length` ends in `...`
/// (as opposed to a collapsed list, `(...)`, or `/* , ... */`).
pub fn is_cut(digest_text: &str) -> bool {
    let t = digest_text.trim_end();
    t.ends_with("...") && !t.ends_with("(...)")
}

/// Whether a digest's words are those of one of `ours`.
pub fn matches_one_of(digest_text: &str, ours: &[Vec<String>]) -> bool {
    let mut theirs = signature(digest_text);
    let cut = is_cut(digest_text);
    if cut {
        // The last word may be cut in the middle.
        theirs.pop();
    }
    ours.iter().any(|mine| {
        let mine = if cut && mine.len() > theirs.len() { &mine[..theirs.len()] } else { &mine[..] };
        similar(&theirs, mine)
    })
}

fn similar(a: &[String], b: &[String]) -> bool {
    if a.first() != b.first() || a.is_empty() {
        return false;
    }
    let longest = a.len().max(b.len());
    if longest < 10 {
        return a == b;
    }
    if a.len().abs_diff(b.len()) * 10 > longest {
        return false;
    }
    let mut counts: HashMap<&str, i64> = HashMap::new();
    for w in a {
        *counts.entry(w.as_str()).or_default() += 1;
    }
    let mut common = 0;
    for w in b {
        if let Some(n) = counts.get_mut(w.as_str()).filter(|n| **n > 0) {
            *n -= 1;
            common += 1;
        }
    }
    common * 10 >= longest * 9
}

/// Verdicts by statement id (the text of an id never changes), each computed once, at
/// most `cap` kept (cleared when full: a verdict costs one comparison to find again).
#[derive(Debug)]
pub struct Verdicts<K> {
    ours: &'static [Vec<String>],
    known: HashMap<K, bool>,
    cap: usize,
}

impl<K: std::hash::Hash + Eq> Verdicts<K> {
    pub fn new(ours: &'static [Vec<String>], cap: usize) -> Self {
        Self { ours, known: HashMap::new(), cap: cap.max(1) }
    }

    /// Whether the statement `id` with this normalised `text` is one of ours. A statement
    /// whose text is not known (yet) is not, and is asked again next time.
    pub fn is_ours(&mut self, id: K, text: &str) -> bool {
        if let Some(known) = self.known.get(&id) {
            return *known;
        }
        if text.trim().is_empty() {
            return false;
        }
        let verdict = matches_one_of(text, self.ours);
        if self.known.len() >= self.cap {
            self.known.clear();
        }
        self.known.insert(id, verdict);
        verdict
    }
}
