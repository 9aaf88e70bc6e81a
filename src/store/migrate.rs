//! Versioned schema migrations, tracked in `PRAGMA user_version`.

use rusqlite::{Connection, Transaction};

/// One migration: DDL, or DDL around a step that converts rows in Rust.
pub enum Step {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> rusqlite::Result<()>),
}

/// Migration `i` brings the file from version `i` to `i + 1`. Append only.
const MIGRATIONS: &[Step] = &[
    Step::Sql(include_str!("schema.sql")),
    Step::Sql(include_str!("schema_v2.sql")),
    Step::Sql(include_str!("schema_v3.sql")),
    Step::Sql(include_str!("schema_v4.sql")),
    Step::Rust(super::migrate_v5::fold_counters),
    Step::Sql(include_str!("schema_v6.sql")),
    Step::Rust(super::migrate_v7::fold_statements),
    Step::Rust(super::migrate_v8::pack_points),
    Step::Sql(include_str!("schema_v9.sql")),
];

/// The schema version this build writes.
pub const LATEST: i64 = MIGRATIONS.len() as i64;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(
        "schema version {found} was written by a newer Logstag (this build knows up to {LATEST}); \
         refusing to touch it: upgrade Logstag or choose another history file"
    )]
    TooNew { found: i64 },
}

pub fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Brings the file to `LATEST`. Each step and its version bump commit together, so an
/// interrupted upgrade leaves a consistent older version behind.
/// The file's version, refused when a newer build wrote it.
pub fn check_version(conn: &Connection) -> Result<i64, MigrateError> {
    let found = user_version(conn)?;
    if found > LATEST {
        return Err(MigrateError::TooNew { found });
    }
    Ok(found)
}

pub fn migrate(conn: &mut Connection) -> Result<(), MigrateError> {
    migrate_to(conn, LATEST)
}

/// Up to `version` only (tests build files as an older Logstag left them).
pub(super) fn migrate_to(conn: &mut Connection, version: i64) -> Result<(), MigrateError> {
    let found = check_version(conn)?;
    if found == 0 {
        ensure_incremental_vacuum(conn)?;
    }
    let (skip, upto) = (usize::try_from(found).unwrap_or(0), usize::try_from(version).unwrap_or(0));
    for (from, step) in MIGRATIONS.iter().enumerate().take(upto).skip(skip) {
        let tx = conn.transaction()?;
        match step {
            Step::Sql(ddl) => tx.execute_batch(ddl)?,
            Step::Rust(convert) => convert(&tx)?,
        }
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// auto_vacuum can only change before the first table exists, or through a VACUUM;
/// without it pruning would never give disk space back.
fn ensure_incremental_vacuum(conn: &Connection) -> rusqlite::Result<()> {
    const INCREMENTAL: i64 = 2;
    let mode: i64 = conn.query_row("PRAGMA auto_vacuum", [], |r| r.get(0))?;
    if mode == INCREMENTAL {
        return Ok(());
    }
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    let pages: i64 = conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
    if pages > 0 {
        conn.execute_batch("VACUUM")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_a_v0_file_and_keeps_its_content() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("old.db");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE legacy (x INTEGER); INSERT INTO legacy VALUES (7);").unwrap();
            assert_eq!(user_version(&c).unwrap(), 0);
        }
        let mut c = Connection::open(&path).unwrap();
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), LATEST);
        let av: i64 = c.query_row("PRAGMA auto_vacuum", [], |r| r.get(0)).unwrap();
        assert_eq!(av, 2);
        let x: i64 = c.query_row("SELECT x FROM legacy", [], |r| r.get(0)).unwrap();
        assert_eq!(x, 7);
        let n: i64 = c.query_row("SELECT count(*) FROM point_blocks", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 0);
        // A second run is a no-op.
        migrate(&mut c).unwrap();
        assert_eq!(user_version(&c).unwrap(), LATEST);
    }

    #[test]
    fn newer_file_is_refused_untouched() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", LATEST + 1).unwrap();
        let err = migrate(&mut c).unwrap_err();
        assert!(matches!(err, MigrateError::TooNew { found } if found == LATEST + 1));
        assert!(err.to_string().contains("newer Logstag"), "{err}");
        assert_eq!(user_version(&c).unwrap(), LATEST + 1);
        let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }
}
