//! What may be planned, decided on the text before anything is sent: a statement that
//! has a plan (SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE, WITH), without its
//! trailing `;`, and whether it holds placeholders (`$1`: a normalised statement, or a
//! session running a prepared one; `plan.rs` asks the server which kind of plan it
//! gets, this only explains its syntax errors). Several statements in one text are left
//! to the server, which refuses them in a prepared statement.

/// The first words of statements EXPLAIN accepts and we plan.
const PLANNABLE: &[&str] = &["SELECT", "WITH", "VALUES", "TABLE", "INSERT", "UPDATE", "DELETE", "MERGE"];

/// What pg_stat_activity shows for a session whose text the role may not see.
const HIDDEN_TEXT: &str = "<insufficient privilege>";

/// A text ready to be planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement<'a> {
    /// The text without trailing `;` and whitespace.
    pub text: &'a str,
    /// Holds `$n` placeholders (outside strings, quoted names and comments).
    pub placeholders: bool,
}

/// The text to plan, or why it has no plan.
pub fn statement(text: &str) -> Result<Statement<'_>, String> {
    let text = text.trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    if text.trim().is_empty() {
        return Err("nothing to plan: the statement text is empty".into());
    }
    if text.trim() == HIDDEN_TEXT {
        return Err("the server hides this session's text from the monitoring role \
                    (grant it pg_read_all_stats to see and plan it)"
            .into());
    }
    let word = first_word(text);
    if word == "EXPLAIN" {
        return Err(
            "this is an EXPLAIN already: Logstag plans the statement itself, never with ANALYZE".into()
        );
    }
    if !PLANNABLE.contains(&word.as_str()) {
        let what = if word.is_empty() { "this text".to_owned() } else { format!("a {word} statement") };
        return Err(format!(
            "{what} has no plan: only SELECT, INSERT, UPDATE, DELETE, MERGE, VALUES, TABLE and WITH are planned"
        ));
    }
    Ok(Statement { text, placeholders: has_placeholders(text) })
}

/// Whether a session's text is probably cut by the server: pg_stat_activity keeps at
/// most `track_activity_query_size - 1` bytes, cut at a character boundary (up to 3
/// bytes less).
pub fn is_cut(text: &str, track_activity_query_size: i64) -> bool {
    let kept = track_activity_query_size.saturating_sub(1);
    usize::try_from(kept.saturating_sub(3)).is_ok_and(|floor| text.len() >= floor)
}

/// The first keyword, upper-cased, after comments, whitespace and opening parentheses.
fn first_word(text: &str) -> String {
    let mut rest = text;
    loop {
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(after) = trimmed.strip_prefix("--") {
            rest = after.find('\n').map_or("", |at| &after[at..]);
        } else if trimmed.starts_with("/*") {
            rest = skip_block_comment(trimmed);
        } else {
            rest = trimmed;
            break;
        }
    }
    rest.chars().take_while(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_uppercase()
}

/// `text` after the (nested) block comment it starts with; empty when it never ends.
fn skip_block_comment(text: &str) -> &str {
    let mut depth = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (c, chars.peek().map(|(_, n)| *n)) {
            ('/', Some('*')) => {
                chars.next();
                depth += 1;
            }
            ('*', Some('/')) => {
                chars.next();
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return &text[i + 2..];
                }
            }
            _ => {}
        }
    }
    ""
}

/// `$n` outside string literals, quoted identifiers, dollar-quoted strings and comments.
/// A `$` inside a name (`a$1`) is part of the name.
pub fn has_placeholders(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\'' | b'"' => i = after_quoted(bytes, i, b),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = bytes.iter().skip(i).position(|&c| c == b'\n').map_or(bytes.len(), |at| i + at);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text.len() - skip_block_comment(&text[i..]).len();
            }
            b'$' => {
                let previous = i.checked_sub(1).and_then(|p| bytes.get(p));
                let in_name = previous.is_some_and(|p| p.is_ascii_alphanumeric() || *p == b'_' || *p == b'$');
                let next = bytes.get(i + 1);
                if next.is_some_and(u8::is_ascii_digit) && !in_name {
                    return true;
                }
                i = match dollar_tag(&text[i..]) {
                    Some(tag) if !in_name => {
                        let body = i + tag.len();
                        text[body..].find(tag).map_or(text.len(), |end| body + end + tag.len())
                    }
                    _ => i + 1,
                };
            }
            _ => i += 1,
        }
    }
    false
}

/// The index after a quoted string or name opened at `start` (a doubled quote is one
/// quote; backslashes are not escapes, as with standard_conforming_strings).
fn after_quoted(bytes: &[u8], start: usize, quote: u8) -> usize {
    let mut i = start + 1;
    while let Some(&b) = bytes.get(i) {
        if b == quote {
            if bytes.get(i + 1) == Some(&quote) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

/// `$tag$` or `$$` at the start of `text`: a dollar-quote opener (tags do not start with a digit).
fn dollar_tag(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let end = rest.find('$')?;
    let tag = &rest[..end];
    let valid = tag.chars().next().is_none_or(|c| !c.is_ascii_digit())
        && tag.chars().all(|c| c.is_alphanumeric() || c == '_');
    valid.then(|| &text[..end + 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_semicolons_and_whitespace_are_stripped() {
        let s = statement("  SELECT 1 ;; \n\t;  ").unwrap();
        assert_eq!(s, Statement { text: "  SELECT 1", placeholders: false });
        assert_eq!(statement("select 1").unwrap().text, "select 1");
    }

    #[test]
    fn only_statements_with_a_plan_are_accepted() {
        for ok in [
            "SELECT 1",
            "/* app:checkout */ -- why\n  select * from t",
            "(SELECT 1) UNION (SELECT 2)",
            "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x",
            "insert into t values (1)",
            "UPDATE t SET a = 1",
            "DELETE FROM t",
            "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
            "VALUES (1)",
            "TABLE t",
            "/* a /* nested */ comment */ SELECT 1",
        ] {
            assert!(statement(ok).is_ok(), "{ok}");
        }
        let refused = |text: &str| statement(text).err().unwrap_or_default();
        assert!(refused("COMMIT").contains("a COMMIT statement has no plan"));
        assert!(refused("SET search_path = x").contains("SET statement"));
        assert!(refused("vacuum t").contains("VACUUM"));
        assert!(refused("EXPLAIN ANALYZE DELETE FROM t").contains("EXPLAIN already"));
        assert!(refused("explain (analyze) select 1").contains("never with ANALYZE"));
        assert!(refused("  ;; ").contains("empty"));
        assert!(refused("").contains("empty"));
        assert!(refused("<insufficient privilege>").contains("pg_read_all_stats"));
        assert!(refused("42").contains("this text has no plan"));
        assert!(refused("/* never closed SELECT 1").contains("this text has no plan"));
        assert!(refused("-- only a comment").contains("this text has no plan"));
    }

    #[test]
    fn placeholders_are_found_outside_strings_names_and_comments() {
        assert!(has_placeholders("SELECT * FROM t WHERE id = $1"));
        assert!(has_placeholders("SELECT $12"));
        assert!(has_placeholders("SELECT a FROM t LIMIT $1"));
        assert!(has_placeholders("SELECT 'it''s' || $1"));
        for none in [
            "SELECT '$1'",
            "SELECT 'it''s $1'",
            "SELECT \"col$1\" FROM t",
            "SELECT a$1 FROM t",
            "SELECT 1 -- $1\n",
            "SELECT /* $1 /* $2 */ */ 1",
            "SELECT $$ $1 $$",
            "SELECT $fn$ $1 $fn$ || 'x'",
            "SELECT 1",
            "SELECT '$1",
            "SELECT $",
            "SELECT $tag$ never closed $1",
        ] {
            assert!(!has_placeholders(none), "{none}");
        }
        assert!(has_placeholders("SELECT $$ x $$, $1"));
        assert!(has_placeholders("SELECT 1 /* c */ + $2 -- x"));
    }

    #[test]
    fn a_text_as_long_as_the_server_keeps_is_cut() {
        assert!(!is_cut("SELECT 1", 1024));
        assert!(is_cut(&"x".repeat(1023), 1024));
        assert!(is_cut(&"x".repeat(1020), 1024), "a multibyte character may have been cut off");
        assert!(!is_cut(&"x".repeat(1019), 1024));
        assert!(!is_cut("SELECT 1", -5));
        assert!(!is_cut("", 0), "a nonsense setting cuts nothing");
    }
}
