//! What goes into a statement built at run time, and nothing else: a database name as a
//! bracket-quoted identifier, a server time read back from the server, a list of ids
//! or hashes. No USE and no dynamic EXEC: Query Store is read through three-part names
//! (`[db].sys.query_store_runtime_stats`), so the statement text is built here.
//!
//! Placeholders in the templates are `{db}`, `{since}`, `{ids}`, `{hashes}`. The values
//! are put in by `fill`, in one pass over the template: a database named `{since}` stays
//! a name, it is never filled in a second time.

/// `name` as a T-SQL identifier: `[` … `]`, a `]` inside doubled. None for what no
/// database can be called (empty, longer than sysname's 128 characters, NUL).
pub fn bracketed(name: &str) -> Option<String> {
    if name.is_empty() || name.chars().count() > 128 || name.contains('\0') {
        return None;
    }
    Some(format!("[{}]", name.replace(']', "]]")))
}

/// A server time as SQL Server prints it (`2024-05-01 10:11:12.123000`): digits, `-`,
/// `:`, `.` and one space, nothing else. It goes back into SQL inside quotes.
pub fn is_server_time(s: &str) -> bool {
    let b = s.as_bytes();
    (19..=27).contains(&b.len())
        && b.get(4) == Some(&b'-')
        && b.get(10) == Some(&b' ')
        && s.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || matches!(c, '-' | ':' | '.') || (i == 10 && c == ' '))
}

/// A server time as seconds since 0001-01-01 (to compare and subtract; the zone is the
/// server's and stays the same). None for anything `is_server_time` refuses.
pub fn server_seconds(s: &str) -> Option<f64> {
    if !is_server_time(s) {
        return None;
    }
    let n = |from: usize, to: usize| s.get(from..to)?.parse::<i64>().ok();
    let (year, month, day) = (n(0, 4)?, n(5, 7)?, n(8, 10)?);
    let (hour, minute) = (n(11, 13)?, n(14, 16)?);
    let second: f64 = s.get(17..)?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    // Days from civil (H. Hinnant), any fixed origin will do.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe;
    Some((days * 86_400 + hour * 3_600 + minute * 60) as f64 + second)
}

/// `0x` and 16 hex digits: a `query_hash` as the driver prints it.
pub fn is_query_hash(s: &str) -> bool {
    s.len() == 18 && s.starts_with("0x") && s[2..].chars().all(|c| c.is_ascii_hexdigit())
}

/// Replaces each `{name}` of `template` by its value, in one pass. Unknown placeholders
/// stay as they are (a test catches them).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let value = after.find('}').and_then(|close| {
            let name = &after[1..close];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_one_identifier() {
        assert_eq!(bracketed("shop").as_deref(), Some("[shop]"));
        assert_eq!(bracketed("a]b").as_deref(), Some("[a]]b]"));
        assert_eq!(bracketed("").as_deref(), None);
        assert_eq!(bracketed(&"x".repeat(129)), None);
        assert_eq!(bracketed("a\0b"), None);
        let hostile = "x]; DROP DATABASE shop; --";
        let quoted = bracketed(hostile).unwrap_or_default();
        assert_eq!(quoted, "[x]]; DROP DATABASE shop; --]");
        // Read back as T-SQL does: inside brackets, `]]` is a `]` and a lone `]` ends it.
        let inner = &quoted[1..quoted.len() - 1];
        assert!(!inner.replace("]]", "").contains(']'), "no lone ] before the closing one");
    }

    #[test]
    fn only_times_and_hashes_pass() {
        assert!(is_server_time("2024-05-01 10:11:12.123000"));
        assert!(is_server_time("2024-05-01 10:11:12"));
        assert!(is_server_time("2024-05-01 10:11:12.1234567"));
        assert!(!is_server_time("2024-05-01' OR 1=1 --"));
        assert!(!is_server_time("2024-05-01 10:11:12 "));
        assert!(!is_server_time("2024-05-01  10:11:12"));
        assert!(!is_server_time(""));
        assert!(is_query_hash("0x0A1B2C3D4E5F6789"));
        assert!(!is_query_hash("0x0A1B2C3D4E5F678"));
        assert!(!is_query_hash("0x0A1B2C3D4E5F678'"));
        assert!(!is_query_hash("1234567890123456ab"));
    }

    #[test]
    fn server_times_as_seconds() {
        let a = server_seconds("2024-02-28 23:59:59.500000").unwrap_or_default();
        let b = server_seconds("2024-02-29 00:00:01.500000").unwrap_or_default();
        assert!((b - a - 2.0).abs() < 1e-6, "{a} {b}");
        let c = server_seconds("2024-03-01 00:00:00").unwrap_or_default();
        assert!((c - b - 86_398.5).abs() < 1e-6, "leap day counted");
        assert_eq!(server_seconds("2024-13-01 00:00:00"), None);
        assert_eq!(server_seconds("x"), None);
    }

    #[test]
    fn fill_is_one_pass() {
        let sql = fill(
            "SELECT {a} FROM {db}.sys.x WHERE t > '{since}' {unknown}",
            &[("db", "[{since}]"), ("since", "2024-05-01 10:11:12"), ("a", "1")],
        );
        assert_eq!(sql, "SELECT 1 FROM [{since}].sys.x WHERE t > '2024-05-01 10:11:12' {unknown}");
        assert_eq!(fill("no placeholders", &[]), "no placeholders");
        assert_eq!(fill("open { only", &[("x", "y")]), "open { only");
    }
}
