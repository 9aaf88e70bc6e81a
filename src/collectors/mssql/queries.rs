//! The instance facts and the list of every statement the collector sends, for the
//! read-only test below.
//!
//! RULE: monitoring is read-only by construction. Only SELECT (from DMVs, catalog views
//! and functions), the session fences of `connect.rs` (SET of NOCOUNT, the isolation
//! level, DEADLOCK_PRIORITY, LOCK_TIMEOUT) and nothing else: no DML, no DDL, no DBCC, no
//! KILL, no `OPTION (RECOMPILE)` (sqltop measured it as most of its own server cost), no
//! read of application tables. The session asks for `ApplicationIntent=ReadOnly` too.

/// Instance facts, one row; cheap (server properties only).
pub const INSTANCE: &str = "\
SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version,
       CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) AS product_level,
       CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition,
       CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition,
       CAST(SERVERPROPERTY('ServerName') AS nvarchar(256)) AS server_name,
       CAST(SERVERPROPERTY('IsHadrEnabled') AS int) AS hadr_enabled,
       @@VERSION AS version, DB_NAME() AS db, @@SPID AS spid";

/// Every fixed statement the collector can send.
pub fn all() -> Vec<&'static str> {
    let mut all = vec![INSTANCE];
    all.extend(super::high::STATEMENTS);
    all.extend(super::medium::STATEMENTS);
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
    "create",
    "alter",
    "drop",
    "truncate",
    "grant",
    "revoke",
    "deny",
    "kill",
    "dbcc",
    "exec",
    "execute",
    "sp_executesql",
    "backup",
    "restore",
    "shutdown",
    "reconfigure",
    "into",
    "waitfor",
    "begin",
    "commit",
    "rollback",
    "save",
    "bulk",
    "openrowset",
    "opendatasource",
    "openquery",
    "recompile",
    "xp_cmdshell",
    "sp_configure",
    "use",
];

/// Lower-case words of a statement, string literals, [quoted] and "quoted" names left out
/// (doubled quotes inside them included).
#[cfg(test)]
pub fn words(sql: &str) -> Vec<String> {
    crate::collectors::testing::sql_words(sql, &[('\'', '\''), ('[', ']'), ('"', '"')], |c| {
        c.is_ascii_alphanumeric() || c == '_' || c == '@'
    })
}

/// What a statement may start with: SELECT, WITH (a CTE) or the session fences.
#[cfg(test)]
pub fn allowed_start(sql: &str) -> bool {
    let w = words(sql);
    match w.first().map(String::as_str) {
        Some("select" | "with") => true,
        Some("set") => {
            // Every statement of a fence batch must be one of ours.
            sql.split(';').map(str::trim).filter(|s| !s.is_empty()).all(|s| {
                let w = words(s);
                let w: Vec<&str> = w.iter().map(String::as_str).collect();
                matches!(
                    w.as_slice(),
                    ["set", "nocount", "on"]
                        | ["set", "transaction", "isolation", "level", "read", "uncommitted"]
                        | ["set", "deadlock_priority", "low"]
                        | ["set", "lock_timeout", _]
                )
            })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_is_a_read() {
        let target = crate::config::TargetConfig::default();
        let fences = super::super::connect::session_setup(&target);
        for sql in all().into_iter().chain([fences.as_str()]) {
            assert!(allowed_start(sql), "not on the read-only allowlist:\n{sql}");
            for word in words(sql) {
                assert!(!FORBIDDEN.contains(&word.as_str()), "forbidden word {word} in:\n{sql}");
            }
        }
    }

    #[test]
    fn the_scan_would_catch_a_write() {
        assert!(!allowed_start("UPDATE t SET v = 1"));
        assert!(!allowed_start("SET NOCOUNT ON; DELETE FROM t"));
        assert!(!allowed_start("EXEC sp_configure 'show advanced options', 1"));
        assert!(allowed_start("SET NOCOUNT ON; SET LOCK_TIMEOUT 1000;"));
        assert!(words("SELECT 1; KILL 53").contains(&"kill".to_owned()));
        assert!(!words("SELECT 'kill' AS x, [update] FROM t").iter().any(|w| w == "kill" || w == "update"));
        assert!(words("SELECT 1 OPTION (RECOMPILE)").contains(&"recompile".to_owned()));
        assert!(
            words("SELECT 1 FROM [a]]; DROP x; --].sys.t").iter().all(|w| w != "drop"),
            "]] stays inside"
        );
        assert!(words("SELECT 'it''s; DROP' AS x").iter().all(|w| w != "drop"));
        assert!(words("SELECT [a]]] FROM t; DROP t").contains(&"drop".to_owned()));
    }
}

/// Every statement through sqlparser's T-SQL grammar: a typo in SQL text fails here.
/// Statements built per database are checked with a real database name filled in.
#[cfg(test)]
mod grammar {
    use sqlparser::dialect::MsSqlDialect;
    use sqlparser::parser::Parser;

    #[test]
    fn every_statement_parses() {
        let mut failures = Vec::new();
        let all = super::all();
        for sql in &all {
            let sql =
                sql.replace("{db}", "[Sales]").replace("{ids}", "1, 2").replace("{hashes}", "0x0A, 0x0B");
            if let Err(e) = Parser::parse_sql(&MsSqlDialect {}, &sql) {
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
