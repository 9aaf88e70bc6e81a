//! Who blocks whom. Row locks come as (waiting, blocking) pairs from InnoDB. Metadata
//! locks come as every lock on every object, granted or pending, and the edges are
//! worked out here from MySQL's MDL compatibility rules: a pending request waits for
//! the granted locks that conflict with it, and — this is what turns one long
//! transaction plus one ALTER TABLE into an outage — for the earlier pending requests of
//! a stronger kind, which the server serves first. So the classic pile-up shows as one
//! tree: the open transaction → the ALTER → every later query on that table.

use super::rows::TextRow;
use std::collections::{BTreeMap, BTreeSet};

/// One metadata lock, granted or pending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataLock {
    pub id: i64,
    /// `TABLE`, `SCHEMA`, `GLOBAL`, `COMMIT`, … with its schema and name (empty when NULL).
    pub object: (String, String, String),
    pub lock_type: String,
    pub pending: bool,
}

pub fn metadata_locks(rows: &[TextRow]) -> Vec<MetadataLock> {
    rows.iter()
        .filter_map(|r| {
            Some(MetadataLock {
                id: r.int("id")?,
                object: (r.text("object_type"), r.text("object_schema"), r.text("object_name")),
                lock_type: r.text("lock_type").to_ascii_uppercase(),
                pending: r.get("lock_status").is_some_and(|s| s.eq_ignore_ascii_case("PENDING")),
            })
        })
        .collect()
}

/// The lock types in the order of MySQL's compatibility matrix (sql/mdl.cc).
const TYPES: [&str; 10] = [
    "INTENTION_EXCLUSIVE",
    "SHARED",
    "SHARED_HIGH_PRIO",
    "SHARED_READ",
    "SHARED_WRITE",
    "SHARED_WRITE_LOW_PRIO",
    "SHARED_UPGRADABLE",
    "SHARED_READ_ONLY",
    "SHARED_NO_WRITE",
    "SHARED_NO_READ_WRITE",
];
const EXCLUSIVE: &str = "EXCLUSIVE";

/// Objects whose locks follow the scoped matrix (intention-exclusive, shared, exclusive).
fn is_scoped(object_type: &str) -> bool {
    matches!(object_type, "GLOBAL" | "SCHEMA" | "COMMIT" | "TABLESPACE")
}

/// Scoped locks: IX goes with IX, S with S, X with nothing (FLUSH TABLES WITH READ LOCK
/// holds S on GLOBAL, so every writer's IX waits).
fn scoped_compatible(granted: &str, requested: &str) -> bool {
    granted == requested && (granted == "INTENTION_EXCLUSIVE" || granted == "SHARED")
}

/// Whether `requested` can be granted on an object of `object_type` while another
/// connection holds `granted`.
pub fn compatible_on(object_type: &str, granted: &str, requested: &str) -> bool {
    if is_scoped(object_type) {
        scoped_compatible(granted, requested)
    } else {
        compatible(granted, requested)
    }
}

/// Whether a request of type `requested` can be granted while `granted` is held by
/// another connection (per-object locks: tables, functions, triggers…).
pub fn compatible(granted: &str, requested: &str) -> bool {
    if granted == EXCLUSIVE || requested == EXCLUSIVE {
        // EXCLUSIVE conflicts with everything but an intention lock on a scoped object.
        return granted == "INTENTION_EXCLUSIVE" && requested == "INTENTION_EXCLUSIVE";
    }
    let (Some(g), Some(r)) =
        (TYPES.iter().position(|t| *t == granted), TYPES.iter().position(|t| *t == requested))
    else {
        // A type we do not know: assume the worst, so a wait is never hidden.
        return false;
    };
    // Rows: requested; columns: granted. true = compatible.
    //                         IX     S    SH    SR    SW  SWLP   SU   SRO   SNW  SNRW
    const M: [[bool; 10]; 10] = [
        /* IX   */ [true, true, true, true, true, true, true, true, true, true],
        /* S    */ [true, true, true, true, true, true, true, true, true, true],
        /* SH   */ [true, true, true, true, true, true, true, true, true, true],
        /* SR   */ [true, true, true, true, true, true, true, true, true, false],
        /* SW   */ [true, true, true, true, true, true, true, false, false, false],
        /* SWLP */ [true, true, true, true, true, true, true, false, false, false],
        /* SU   */ [true, true, true, true, true, true, false, true, false, false],
        /* SRO  */ [true, true, true, true, false, false, true, true, false, false],
        /* SNW  */ [true, true, true, true, false, false, false, true, false, false],
        /* SNRW */ [true, true, true, false, false, false, false, false, false, false],
    ];
    M[r][g]
}

/// Requests strong enough to be served before weaker ones queued behind them
/// (MySQL's "hog" lock types): a pending one blocks later weaker requests too.
fn jumps_queue(lock_type: &str) -> bool {
    matches!(lock_type, "EXCLUSIVE" | "SHARED_NO_READ_WRITE" | "SHARED_NO_WRITE" | "SHARED_READ_ONLY")
}

/// (waiting connection, blocking connection) pairs from metadata locks.
pub fn metadata_edges(locks: &[MetadataLock]) -> Vec<(i64, i64)> {
    let mut by_object: BTreeMap<&(String, String, String), Vec<&MetadataLock>> = BTreeMap::new();
    for lock in locks {
        by_object.entry(&lock.object).or_default().push(lock);
    }
    let mut edges = BTreeSet::new();
    for object_locks in by_object.values() {
        for waiter in object_locks.iter().filter(|l| l.pending) {
            let mut blocked_by_holder = false;
            for holder in object_locks.iter().filter(|l| !l.pending && l.id != waiter.id) {
                if !compatible_on(&waiter.object.0, &holder.lock_type, &waiter.lock_type) {
                    edges.insert((waiter.id, holder.id));
                    blocked_by_holder = true;
                }
            }
            if blocked_by_holder {
                continue;
            }
            // Nothing granted stands in the way: it waits behind a stronger request
            // (high-priority shared requests, from the server's own threads, never do).
            if waiter.lock_type == "SHARED_HIGH_PRIO" {
                continue;
            }
            for other in object_locks.iter().filter(|l| l.pending && l.id != waiter.id) {
                if jumps_queue(&other.lock_type)
                    && !compatible_on(&waiter.object.0, &other.lock_type, &waiter.lock_type)
                {
                    edges.insert((waiter.id, other.id));
                }
            }
        }
    }
    edges.into_iter().collect()
}

/// What each waiting connection asks for, e.g. `EXCLUSIVE on TABLE app.orders`.
pub fn pending_requests(locks: &[MetadataLock]) -> Vec<(i64, String)> {
    locks
        .iter()
        .filter(|l| l.pending)
        .map(|l| {
            let (kind, schema, name) = &l.object;
            let object = [schema.as_str(), name.as_str()]
                .into_iter()
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(".");
            (l.id, format!("{} on {kind} {object}", l.lock_type).trim_end().to_owned())
        })
        .collect()
}

/// (waiting, blocking) pairs from the row-lock read.
pub fn row_lock_edges(rows: &[TextRow]) -> Vec<(i64, i64)> {
    let mut edges: Vec<(i64, i64)> = rows
        .iter()
        .filter_map(|r| Some((r.int("waiting")?, r.int("blocking")?)))
        .filter(|(w, b)| w != b)
        .collect();
    edges.sort_unstable();
    edges.dedup();
    edges
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mysql::rows::from_batch;

    /// The classic: connection 10 read the table inside a transaction and went idle; 11
    /// runs ALTER TABLE (holds SHARED_UPGRADABLE, waits for EXCLUSIVE); 12 and 13 only
    /// want to read and queue behind the ALTER.
    const PILEUP: &str = "\
id\tobject_type\tobject_schema\tobject_name\tlock_type\tlock_status
10\tTABLE\tapp\torders\tSHARED_READ\tGRANTED
11\tGLOBAL\tNULL\tNULL\tINTENTION_EXCLUSIVE\tGRANTED
11\tSCHEMA\tapp\tNULL\tINTENTION_EXCLUSIVE\tGRANTED
11\tTABLE\tapp\torders\tSHARED_UPGRADABLE\tGRANTED
11\tTABLE\tapp\torders\tEXCLUSIVE\tPENDING
12\tTABLE\tapp\torders\tSHARED_READ\tPENDING
13\tTABLE\tapp\torders\tSHARED_WRITE\tPENDING
14\tTABLE\tapp\tcustomers\tSHARED_READ\tGRANTED
";

    #[test]
    fn a_ddl_pileup_is_one_chain() {
        let edges = metadata_edges(&metadata_locks(&from_batch(PILEUP)));
        assert_eq!(edges, vec![(11, 10), (12, 11), (13, 11)]);
        let wanted = pending_requests(&metadata_locks(&from_batch(PILEUP)));
        assert_eq!(wanted[0], (11, "EXCLUSIVE on TABLE app.orders".to_owned()));
    }

    #[test]
    fn flush_tables_with_read_lock_blocks_writers_not_readers() {
        let rows = from_batch(
            "id\tobject_type\tobject_schema\tobject_name\tlock_type\tlock_status
20\tGLOBAL\tNULL\tNULL\tSHARED\tGRANTED
21\tGLOBAL\tNULL\tNULL\tINTENTION_EXCLUSIVE\tPENDING
",
        );
        assert_eq!(metadata_edges(&metadata_locks(&rows)), vec![(21, 20)]);
    }

    #[test]
    fn compatibility_matrix_spot_checks() {
        assert!(compatible("SHARED_READ", "SHARED_WRITE"));
        assert!(!compatible("SHARED_NO_READ_WRITE", "SHARED_READ"));
        assert!(!compatible("SHARED_READ", EXCLUSIVE));
        assert!(compatible("SHARED_UPGRADABLE", "SHARED_READ"));
        assert!(!compatible("SHARED_UPGRADABLE", "SHARED_UPGRADABLE"));
        assert!(!compatible("SOMETHING_NEW", "SHARED_READ"), "unknown types never hide a wait");
    }

    #[test]
    fn row_lock_pairs() {
        let rows = from_batch("waiting\tblocking\n31\t30\n32\t30\n32\t30\n33\tNULL\n");
        assert_eq!(row_lock_edges(&rows), vec![(31, 30), (32, 30)]);
    }
}
