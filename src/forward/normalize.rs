//! Query text leaves the host without its literals (spec §7). Each engine names its
//! normaliser (`EngineSpec::normalize`); SQL engines use `sql` here: strings, numbers and
//! dollar-quoted bodies become `$1`, `$2`…, keywords, identifiers, casts, comments and
//! existing parameters stay, so text that is already normalised comes out unchanged.
//! Slow-log arguments (key names and values) always become `?`.

use crate::model::{Sample, SampleBody};

/// Replaces literals in every query text a sample carries, with the target engine's
/// normaliser.
pub fn normalize_sample(sample: &mut Sample, normalize: fn(&str) -> String) {
    match &mut sample.body {
        SampleBody::Activity(snapshot) => {
            for session in &mut snapshot.sessions {
                session.query = normalize(&session.query);
            }
        }
        SampleBody::Queries(snapshot) => {
            for stat in &mut snapshot.stats {
                stat.text = normalize(&stat.text);
            }
        }
        SampleBody::SlowLog(snapshot) => {
            for entry in &mut snapshot.entries {
                // Arguments hold key names and values; the command name stays.
                entry.args.iter_mut().for_each(|a| *a = "?".to_owned());
            }
        }
        _ => {}
    }
}

/// Words after which a `-` starts a negative number rather than a subtraction.
const KEYWORDS: &[&str] = &[
    "select",
    "where",
    "and",
    "or",
    "not",
    "in",
    "by",
    "then",
    "else",
    "when",
    "values",
    "set",
    "limit",
    "offset",
    "between",
    "is",
    "like",
    "ilike",
    "as",
    "on",
    "case",
    "having",
    "return",
    "returning",
    "interval",
    "any",
    "all",
    "distinct",
    "from",
    "using",
    "with",
    "default",
    "array",
];

/// SQL text with every literal replaced by the next free `$n`.
pub fn sql(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut next = highest_parameter(b) + 1;
    // Whether the previous token was a value (identifier, literal, closing bracket):
    // then `-` is an operator, else it starts a negative number.
    let mut after_value = false;
    let mut i = 0;
    let mut placeholder = |out: &mut String| {
        out.push('$');
        out.push_str(&next.to_string());
        next += 1;
    };
    while i < b.len() {
        let c = b[i];
        let at = |k: usize| b.get(i + k).copied().unwrap_or(0);
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c == b'-' && at(1) == b'-' {
            i = b[i..].iter().position(|&x| x == b'\n').map_or(b.len(), |p| i + p);
        } else if c == b'/' && at(1) == b'*' {
            i = block_comment_end(b, i);
        } else if c == b'\'' {
            i = string_end(b, i + 1, false);
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if matches!(c, b'E' | b'e') && at(1) == b'\'' {
            i = string_end(b, i + 2, true);
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if matches!(c, b'B' | b'b' | b'X' | b'x' | b'N' | b'n') && at(1) == b'\'' {
            i = string_end(b, i + 2, false);
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if matches!(c, b'U' | b'u') && at(1) == b'&' && at(2) == b'\'' {
            i = string_end(b, i + 3, false);
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if c == b'"' {
            i = quoted_identifier_end(b, i + 1);
            after_value = true;
        } else if c == b'$' && at(1).is_ascii_digit() {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            after_value = true;
        } else if c == b'$'
            && let Some(end) = dollar_quoted_end(b, i)
        {
            i = end;
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if starts_number(b, i) || (c == b'-' && !after_value && starts_number(b, i + 1)) {
            i = number_end(b, if c == b'-' { i + 1 } else { i });
            placeholder(&mut out);
            after_value = true;
            continue;
        } else if is_word_byte(c) && !c.is_ascii_digit() {
            while i < b.len() && (is_word_byte(b[i]) || b[i] == b'$') {
                i += 1;
            }
            let word = &text[start..i];
            after_value = !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(word));
        } else {
            i += 1;
            after_value = matches!(c, b')' | b']');
        }
        out.push_str(&text[start..i]);
    }
    out
}

fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn starts_number(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(c) if c.is_ascii_digit() => true,
        Some(b'.') => b.get(i + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

/// End of a numeric literal starting at `i`: digits, `_`, one decimal point, an
/// exponent, or a 0x/0o/0b prefix with its digits.
fn number_end(b: &[u8], mut i: usize) -> usize {
    if b.get(i) == Some(&b'0') && matches!(b.get(i + 1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B')) {
        i += 2;
        while i < b.len() && (b[i].is_ascii_hexdigit() || b[i] == b'_') {
            i += 1;
        }
        return i;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_' || b[i] == b'.') {
        i += 1;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        if b.get(i + 1 + sign).is_some_and(u8::is_ascii_digit) {
            i += 1 + sign;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    i
}

/// Past the closing quote of a string whose body starts at `i` (`''` is a quote inside;
/// with `backslash`, as in E'…', `\'` is too). An unterminated string runs to the end.
fn string_end(b: &[u8], mut i: usize, backslash: bool) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' if backslash => i += 2,
            b'\'' if b.get(i + 1) == Some(&b'\'') => i += 2,
            b'\'' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

fn quoted_identifier_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        match b[i] {
            b'"' if b.get(i + 1) == Some(&b'"') => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// PostgreSQL block comments nest.
fn block_comment_end(b: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

/// `$tag$ … $tag$` (tag empty or an identifier) starting at `i`: the end past the
/// closing tag, or the text's end when unterminated. None when `$` starts no quote.
fn dollar_quoted_end(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() && (is_word_byte(b[j])) {
        j += 1;
    }
    if b.get(j) != Some(&b'$') || b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let tag = &b[i..=j];
    let body = j + 1;
    let close = b[body..].windows(tag.len()).position(|w| w == tag);
    Some(close.map_or(b.len(), |p| body + p + tag.len()))
}

/// The largest `$n` already in the text, so new placeholders do not reuse a number.
fn highest_parameter(b: &[u8]) -> u64 {
    let mut max = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' && (i == 0 || !is_word_byte(b[i - 1])) {
            let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                let n = std::str::from_utf8(&b[i + 1..i + 1 + digits]).ok().and_then(|s| s.parse().ok());
                max = max.max(n.unwrap_or(0));
            }
            i += 1 + digits;
        } else {
            i += 1;
        }
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SlowEntry, SlowLogSnapshot, StatsAvailability, TargetId, Tier, Timestamp};

    #[test]
    fn literals_become_numbered_placeholders() {
        let cases = [
            ("SELECT * FROM t WHERE a = 1 AND b = 'x'", "SELECT * FROM t WHERE a = $1 AND b = $2"),
            ("select 'it''s', 'a\\' from t1", "select $1, $2 from t1"),
            ("SELECT E'it\\'s here', e'\\\\'", "SELECT $1, $2"),
            ("SELECT $$ body 'with' quotes $$, $fn$ x $$ y $fn$", "SELECT $1, $2"),
            ("SELECT '1'::int, 2::bigint, x::text", "SELECT $1::int, $2::bigint, x::text"),
            ("SELECT * FROM t1 JOIN t22 ON t1.c3 = t22.c3", "SELECT * FROM t1 JOIN t22 ON t1.c3 = t22.c3"),
            ("WHERE id IN (1, 2, 3)", "WHERE id IN ($1, $2, $3)"),
            ("SELECT a - 1, -2, b*-3.5, (-4)", "SELECT a - $1, $2, b*$3, ($4)"),
            ("WHERE x > -1e-3 AND y < .5 AND z = 0x1F", "WHERE x > $1 AND y < $2 AND z = $3"),
            ("SELECT 1 -- note 5 'x'\nFROM t", "SELECT $1 -- note 5 'x'\nFROM t"),
            ("SELECT /* a /* nested 7 */ 'y' */ 8", "SELECT /* a /* nested 7 */ 'y' */ $1"),
            ("SELECT \"col 1\", \"we\"\"ird\" FROM \"T2\"", "SELECT \"col 1\", \"we\"\"ird\" FROM \"T2\""),
            ("UPDATE t SET v = X'FF', w = B'101', n = N'abc'", "UPDATE t SET v = $1, w = $2, n = $3"),
            ("SELECT DATE '2024-01-01', interval '1 day'", "SELECT DATE $1, interval $2"),
            ("SELECT true, false, NULL", "SELECT true, false, NULL"),
            ("SELECT 'unterminated", "SELECT $1"),
            ("SELECT café, 'é' FROM ñ2", "SELECT café, $1 FROM ñ2"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(sql(input), want, "{input}");
        }
    }

    #[test]
    fn normalised_text_is_left_unchanged_and_numbering_continues() {
        let done = "SELECT * FROM orders WHERE id = $1 AND status = ANY($2) LIMIT $3";
        assert_eq!(sql(done), done);
        assert_eq!(sql("SELECT $1, 'x', $10"), "SELECT $1, $11, $10");
        assert_eq!(sql("SELECT a$1 FROM t WHERE b = 5"), "SELECT a$1 FROM t WHERE b = $1");
    }

    #[test]
    fn redis_arguments_become_question_marks() {
        let mut sample = Sample {
            target: TargetId("cache".into()),
            tier: Tier::Medium,
            taken_at: Timestamp(1),
            body: SampleBody::SlowLog(SlowLogSnapshot {
                availability: StatsAvailability::Available,
                entries: vec![SlowEntry {
                    id: 1,
                    at_ms: 1,
                    duration_us: 20_000,
                    command: "SET".into(),
                    args: vec!["user:42:email".into(), "bob@example.com".into()],
                    client: String::new(),
                    client_name: String::new(),
                }],
                length: None,
                missed: 0,
            }),
        };
        normalize_sample(&mut sample, sql);
        let SampleBody::SlowLog(s) = &sample.body else { unreachable!() };
        assert_eq!(
            (s.entries[0].command.as_str(), s.entries[0].args.clone()),
            ("SET", vec!["?".into(), "?".into()])
        );
    }
}
