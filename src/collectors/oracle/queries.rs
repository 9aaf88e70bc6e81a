//! The list of every statement the collector sends, for the read-only tests below.
//!
//! RULE: monitoring is read-only by construction. Only SELECT (or WITH … SELECT) from
//! dynamic performance views, the data dictionary and DBMS_XPLAN's table functions: no
//! DML, no DDL, no PL/SQL block, no ALTER SESSION or ALTER SYSTEM, no `FOR UPDATE`, no
//! read of application tables, no EXPLAIN PLAN (it writes PLAN_TABLE), nothing from the
//! Diagnostics Pack (ASH, AWR) unless the target says it is licensed (`ash.rs` and its
//! test). The session's module is `logstag`, its action the tier, so a DBA can find it.

/// Every fixed statement the collector can send.
pub fn all() -> Vec<&'static str> {
    let mut all = Vec::new();
    all.extend(super::high::STATEMENTS);
    all.extend(super::medium::workload::STATEMENTS);
    all.extend(super::medium::storage::STATEMENTS);
    all.extend(super::low::STATEMENTS);
    all.extend(super::schema::STATEMENTS);
    all
}

/// Words that must never appear in a monitoring statement (as whole words).
#[cfg(test)]
pub const FORBIDDEN: &[&str] = &[
    "insert",
    "update",
    "delete",
    "merge",
    "upsert",
    "create",
    "alter",
    "drop",
    "truncate",
    "rename",
    "grant",
    "revoke",
    "kill",
    "exec",
    "execute",
    "call",
    "begin",
    "declare",
    "commit",
    "rollback",
    "savepoint",
    "lock",
    "into",
    "explain",
    "flashback",
    "purge",
    "analyze",
    "audit",
    "noaudit",
    "comment",
    "shutdown",
    "startup",
];

/// Lower-case words of a statement; string literals and "quoted" names left out
/// (doubled quotes inside them included).
#[cfg(test)]
pub fn words(sql: &str) -> Vec<String> {
    crate::collectors::testing::sql_words(sql, &[('\'', '\''), ('"', '"')], |c| {
        c.is_ascii_alphanumeric() || "_$#".contains(c)
    })
}

/// Whether a statement is one read: starts with SELECT or WITH, holds no `;` outside
/// quotes (one statement, never a batch), and no forbidden word.
#[cfg(test)]
pub fn is_read_only(sql: &str) -> Result<(), String> {
    let w = words(sql);
    if !matches!(w.first().map(String::as_str), Some("select" | "with")) {
        return Err("does not start with SELECT or WITH".to_owned());
    }
    if let Some(word) = w.iter().find(|w| FORBIDDEN.contains(&w.as_str())) {
        return Err(format!("forbidden word {word}"));
    }
    let outside_quotes: String = {
        let mut close = None;
        sql.chars()
            .filter(|&c| match close {
                Some(q) if c == q => {
                    close = None;
                    false
                }
                Some(_) => false,
                None if c == '\'' || c == '"' => {
                    close = Some(c);
                    false
                }
                None => true,
            })
            .collect()
    };
    if outside_quotes.trim_end().trim_end_matches(';').contains(';') {
        return Err("more than one statement".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_a_read() {
        for sql in all() {
            if let Err(why) = is_read_only(sql) {
                panic!("{why}:\n{sql}");
            }
        }
    }

    #[test]
    fn the_scan_would_catch_a_write() {
        assert!(is_read_only("SELECT sid FROM v$session").is_ok());
        assert!(is_read_only("WITH s AS (SELECT 1 x FROM dual) SELECT x FROM s").is_ok());
        assert!(is_read_only("SELECT 'drop table t' AS x, \"UPDATE\" FROM dual").is_ok());
        assert!(is_read_only("UPDATE t SET v = 1").is_err());
        assert!(is_read_only("SELECT * FROM t FOR UPDATE").is_err());
        assert!(is_read_only("SELECT 1 FROM dual; DELETE FROM t").is_err());
        assert!(is_read_only("BEGIN DBMS_STATS.GATHER_TABLE_STATS('A','B'); END;").is_err());
        assert!(is_read_only("ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY'").is_err());
        assert!(is_read_only("SELECT x INTO y FROM dual").is_err());
        assert!(is_read_only("EXPLAIN PLAN FOR SELECT 1 FROM dual").is_err());
    }
}

/// Every statement through sqlparser's Oracle grammar: a typo in SQL text fails here.
#[cfg(test)]
mod grammar {
    use sqlparser::dialect::OracleDialect;
    use sqlparser::parser::Parser;

    #[test]
    fn every_statement_parses() {
        let mut failures = Vec::new();
        let all = super::all();
        for sql in &all {
            if let Err(e) = Parser::parse_sql(&OracleDialect {}, sql) {
                failures.push(format!("{e}:\n{sql}\n"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} do not parse:\n{}",
            failures.len(),
            all.len(),
            failures.join("\n")
        );
    }
}
