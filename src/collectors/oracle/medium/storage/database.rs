//! The database as Data Guard and the size tiles see it: one row of `v$database` (role,
//! protection and open mode, switchover status, the primary's unique name on a standby),
//! the container the session is in, and the data files' total size.
//!
//! Size: SUM(BYTES) of `v$datafile`, the same bytes as `dba_data_files` but from the
//! control file, so it answers on a mounted standby as well and costs no dictionary
//! read; from a PDB it lists that PDB's files only. Temp files are left out (their use
//! is under the temporary tablespaces). Keyed by the container name (`CON_NAME`: the
//! PDB, or the database name for a non-CDB or the CDB root).

use crate::collectors::text_rows::TextRow;
use crate::model::{DatabaseStat, Metric, ServerRole, metric};

pub const DATABASE: &str = "\
SELECT d.name, d.db_unique_name, d.database_role, d.protection_mode, d.open_mode,
       d.switchover_status, d.primary_db_unique_name,
       SYS_CONTEXT('USERENV', 'CON_NAME') AS con_name,
       (SELECT SUM(f.bytes) FROM v$datafile f) AS datafile_bytes
FROM v$database d";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Database {
    pub name: String,
    pub unique_name: String,
    /// PRIMARY, PHYSICAL STANDBY, LOGICAL STANDBY, SNAPSHOT STANDBY, FAR SYNC.
    pub role: String,
    /// MAXIMUM PERFORMANCE, MAXIMUM AVAILABILITY, MAXIMUM PROTECTION, UNPROTECTED.
    pub protection_mode: String,
    /// MOUNTED, READ WRITE, READ ONLY, READ ONLY WITH APPLY.
    pub open_mode: String,
    pub switchover_status: String,
    /// On a standby, the primary's DB_UNIQUE_NAME.
    pub primary_unique_name: String,
    pub container: String,
    pub datafile_bytes: Option<u64>,
}

impl Database {
    pub fn is_primary(&self) -> bool {
        self.role == "PRIMARY"
    }

    pub fn is_physical_standby(&self) -> bool {
        self.role == "PHYSICAL STANDBY"
    }

    pub fn server_role(&self) -> ServerRole {
        if self.is_primary() { ServerRole::Primary } else { ServerRole::Standby }
    }

    /// Mounted, not open: the data dictionary (dba_* views) refuses with ORA-01219.
    pub fn is_mounted_only(&self) -> bool {
        self.open_mode.starts_with("MOUNTED")
    }

    /// The name sizes are keyed by: the PDB, else the database.
    pub fn size_key(&self) -> &str {
        if self.container.is_empty() || self.container == "CDB$ROOT" { &self.name } else { &self.container }
    }
}

/// The one row; None when the view gave nothing.
pub fn parse(rows: &[TextRow]) -> Option<Database> {
    let r = rows.first()?;
    let upper = |c: &str| r.text(c).trim().to_ascii_uppercase();
    let primary = r.text("primary_db_unique_name").trim().to_owned();
    Some(Database {
        name: r.text("name").trim().to_owned(),
        unique_name: r.text("db_unique_name").trim().to_owned(),
        role: upper("database_role"),
        protection_mode: upper("protection_mode"),
        open_mode: upper("open_mode"),
        switchover_status: upper("switchover_status"),
        // 'NONE' on a primary without a configuration.
        primary_unique_name: if primary.eq_ignore_ascii_case("none") { String::new() } else { primary },
        container: r.text("con_name").trim().to_owned(),
        datafile_bytes: r.uint("datafile_bytes"),
    })
}

/// The Databases body (one database: this container) and `database_size_bytes`.
pub fn size(db: &Database) -> Option<(DatabaseStat, Metric)> {
    let bytes = db.datafile_bytes?;
    let key = db.size_key();
    if key.is_empty() {
        return None;
    }
    let stat = DatabaseStat { name: key.to_owned(), size_bytes: Some(bytes), ..DatabaseStat::default() };
    Some((stat, Metric::keyed(metric::DATABASE_SIZE_BYTES, key, bytes as f64)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::text_rows::from_batch;

    const PRIMARY: &str = include_str!("../../fixtures/storage_database_primary_19c.tsv");
    const STANDBY: &str = include_str!("../../fixtures/storage_database_standby_mounted_19c.tsv");
    const PDB_23AI: &str = include_str!("../../fixtures/storage_database_pdb_23ai.tsv");

    #[test]
    fn a_primary_with_its_size() {
        let db = parse(&from_batch(PRIMARY)).unwrap_or_default();
        assert!(db.is_primary() && !db.is_mounted_only());
        assert_eq!(db.server_role(), ServerRole::Primary);
        assert_eq!(db.primary_unique_name, "", "NONE is no name");
        let (stat, metric) = size(&db).unwrap_or_else(|| unreachable!("sized"));
        assert_eq!((stat.name.as_str(), stat.size_bytes), ("LEDGER", Some(412_316_860_416)));
        assert_eq!((metric.key.as_str(), metric.value), ("LEDGER", 412_316_860_416.0));
    }

    #[test]
    fn a_mounted_physical_standby() {
        let db = parse(&from_batch(STANDBY)).unwrap_or_default();
        assert!(db.is_physical_standby() && db.is_mounted_only());
        assert_eq!(db.server_role(), ServerRole::Standby);
        assert_eq!((db.unique_name.as_str(), db.primary_unique_name.as_str()), ("ledger_dr", "ledger_prod"));
        assert_eq!(db.switchover_status, "NOT ALLOWED");
        assert_eq!(size(&db).map(|(s, _)| s.size_bytes), Some(Some(412_316_860_416)), "v$datafile answers");
    }

    #[test]
    fn a_23ai_pdb_is_keyed_by_its_container() {
        let db = parse(&from_batch(PDB_23AI)).unwrap_or_default();
        assert_eq!(db.size_key(), "SALESPDB");
        assert_eq!(db.open_mode, "READ WRITE");
        assert_eq!(size(&db).map(|(_, m)| m.value), Some(25_769_803_776.0));
        assert_eq!(parse(&[]), None);
    }
}
