//! Result rows as text, for SQL engines whose parsers read replies by column name: a row
//! is a list of optional strings under shared column names. Parsers read columns by name
//! (case-insensitive: servers and versions spell catalog columns in different cases) and
//! never index blindly, so a server that adds, drops or renames a column gives a problem
//! line, not a panic. Each driver's rows are converted in its engine folder. Fixtures are
//! written as tab-separated text with a header line (`from_batch`, the `mariadb --batch` /
//! `sqlcmd -s"\t"` shape), the way a DBA would capture them.

use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub struct TextRow {
    columns: Arc<[String]>,
    values: Vec<Option<String>>,
}

impl TextRow {
    pub fn new(columns: Arc<[String]>, values: Vec<Option<String>>) -> Self {
        Self { columns, values }
    }

    fn index(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.eq_ignore_ascii_case(column))
    }

    /// The value of `column`; None when NULL or when the reply has no such column.
    pub fn get(&self, column: &str) -> Option<&str> {
        self.values.get(self.index(column)?)?.as_deref()
    }

    /// The value, or an empty string.
    pub fn text(&self, column: &str) -> String {
        self.get(column).unwrap_or_default().to_owned()
    }

    pub fn has(&self, column: &str) -> bool {
        self.index(column).is_some()
    }

    /// A whole number; decimals (`SUM()` over integers gives DECIMAL) are truncated.
    pub fn int(&self, column: &str) -> Option<i64> {
        let v = self.get(column)?.trim();
        v.parse::<i64>().ok().or_else(|| v.parse::<f64>().ok().filter(|f| f.is_finite()).map(|f| f as i64))
    }

    /// A counter: negative or unparsable values are absent.
    pub fn uint(&self, column: &str) -> Option<u64> {
        let v = self.get(column)?.trim();
        v.parse::<u64>().ok().or_else(|| {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f.min(u64::MAX as f64) as u64)
        })
    }

    pub fn float(&self, column: &str) -> Option<f64> {
        self.get(column)?.trim().parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// `Yes`/`ON`/`1`/`YES` as true (SHOW REPLICA STATUS, variables and flags differ).
    pub fn flag(&self, column: &str) -> Option<bool> {
        let v = self.get(column)?.trim();
        Some(matches!(v.to_ascii_lowercase().as_str(), "yes" | "on" | "1" | "true" | "y"))
    }

    /// The first column's value (`SHOW GLOBAL STATUS` pairs, single-value reads).
    pub fn first(&self) -> Option<&str> {
        self.values.first()?.as_deref()
    }

    pub fn second(&self) -> Option<&str> {
        self.values.get(1)?.as_deref()
    }
}

/// Parses tab-separated output with a header line (`mariadb --batch`) (header line, tab-separated, `NULL` for NULL, with
/// `\t`, `\n`, `\\` and `\0` escaped), the format our fixtures are written in.
pub fn from_batch(text: &str) -> Vec<TextRow> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let columns: Arc<[String]> = header.split('\t').map(unescape).collect();
    lines
        .map(|line| {
            let values = line.split('\t').map(|v| (v != "NULL").then(|| unescape(v))).collect();
            TextRow::new(columns.clone(), values)
        })
        .collect()
}

fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_rows_read_by_name_with_nulls_and_escapes() {
        let rows = from_batch("ID\tINFO\tTIME\n7\tselect 1\\nfrom t\t12\n8\tNULL\t-1\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].get("info"), Some("select 1\nfrom t"));
        assert_eq!(rows[0].int("id"), Some(7));
        assert_eq!(rows[1].get("INFO"), None);
        assert_eq!(rows[1].uint("time"), None, "negative is not a counter");
        assert_eq!(rows[1].int("time"), Some(-1));
        assert_eq!(rows[0].get("missing"), None);
        assert!(!rows[0].has("missing"));
    }

    #[test]
    fn decimals_and_flags() {
        let rows = from_batch("n\tf\ton\n12.0000\t1e400\tYes\n");
        assert_eq!(rows[0].uint("n"), Some(12));
        assert_eq!(rows[0].float("f"), None, "infinite is absent");
        assert_eq!(rows[0].flag("on"), Some(true));
    }
}
