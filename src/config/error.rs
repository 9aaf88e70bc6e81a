//! Configuration errors that point at the offending spot: `path:line:column: key: message`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in a configuration source. `line` and `column` are 1-based; `line` 0
/// means the source has no lines (a command-line URL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    /// Dotted key, e.g. `targets.prod.db_port`; empty when the whole file is at fault.
    pub key: String,
    pub message: String,
}

impl ConfigError {
    /// An error about a command-line URL (`path` = `<command line>`, line 0).
    pub fn command_line(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: PathBuf::from("<command line>"),
            line: 0,
            column: 0,
            key: key.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        if self.key.is_empty() {
            write!(f, ": {}", self.message)
        } else {
            write!(f, ": {}: {}", self.key, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Every problem found in one file, in file order. Never empty when returned as an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    pub fn iter(&self) -> impl Iterator<Item = &ConfigError> {
        self.0.iter()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<ConfigError> for ConfigErrors {
    fn from(e: ConfigError) -> Self {
        Self(vec![e])
    }
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

/// Collects errors while walking one file, turning byte spans into line:column.
pub(crate) struct Sink<'a> {
    path: &'a Path,
    text: &'a str,
    errors: Vec<(usize, ConfigError)>,
}

impl<'a> Sink<'a> {
    pub(crate) fn new(path: &'a Path, text: &'a str) -> Self {
        Self { path, text, errors: Vec::new() }
    }

    pub(crate) fn push(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        let (line, column) = line_column(self.text, span.start);
        let error = ConfigError {
            path: self.path.to_path_buf(),
            line,
            column,
            key: key.to_owned(),
            message: message.into(),
        };
        self.errors.push((span.start, error));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors sorted by position, so the report reads top to bottom.
    pub(crate) fn finish(mut self) -> ConfigErrors {
        self.errors.sort_by_key(|(offset, _)| *offset);
        ConfigErrors(self.errors.into_iter().map(|(_, e)| e).collect())
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// Rewrites serde's "invalid type: string \"x\", expected i64" for people.
pub(crate) fn friendly(message: &str) -> String {
    let Some(rest) = message.strip_prefix("invalid type: ") else {
        return message.to_owned();
    };
    let Some((found, expected)) = rest.rsplit_once(", expected ") else {
        return message.to_owned();
    };
    // toml reads integers past 64 bits as i128 and then fails to narrow them.
    if let Some(n) = found.strip_prefix("integer `").and_then(|f| f.strip_suffix("` as i128")) {
        return format!("{n} is too large: whole numbers here are at most {}", i64::MAX);
    }
    let expected = match expected {
        "i64" => "an integer",
        "a sequence" => "an array of strings",
        other => other,
    };
    format!("expected {expected}, found {found}")
}

pub(crate) fn article(type_name: &str) -> String {
    let a = if type_name.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{a} {type_name}")
}

/// The closest candidate within a small edit distance, for "did you mean" hints.
pub(crate) fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev[j] + usize::from(ca != *cb);
            let best = substitute.min(prev[j + 1] + 1).min(cur[j] + 1);
            cur.push(best);
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 4), (1, 5));
        assert_eq!(line_column(text, 6), (2, 1));
        // "= 2" starts after the two-byte 'é'.
        assert_eq!(line_column(text, 10), (2, 4));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn suggests_near_keys_only() {
        let keys = ["db_host", "db_port", "db_name"];
        assert_eq!(closest("db_hots", &keys), Some("db_host"));
        assert_eq!(closest("colour", &keys), None);
    }

    #[test]
    fn display_is_path_line_column_key_message() {
        let e = ConfigError {
            path: PathBuf::from("a.toml"),
            line: 3,
            column: 7,
            key: "targets.x.db_port".into(),
            message: "bad".into(),
        };
        assert_eq!(e.to_string(), "a.toml:3:7: targets.x.db_port: bad");
        let both = ConfigErrors(vec![e.clone(), e]);
        assert_eq!(both.to_string().lines().count(), 2);
        let cli = ConfigError::command_line("url", "nope");
        assert_eq!(cli.to_string(), "<command line>: url: nope");
    }
}
