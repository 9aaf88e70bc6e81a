//! Damaged, shared and readable-by-others history files.

use super::caches::Caches;
use super::writer::Writer;
use super::*;
use std::os::unix::fs::PermissionsExt;
use tempfile::TempDir;

const DAY: Duration = Duration::from_secs(86_400);

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_second_store_on_the_same_file_names_the_holder_and_stays_out() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let first = Store::open(&path, DAY).unwrap();
    match Store::open(&path, DAY) {
        Err(StoreError::Open { message, .. }) => {
            assert!(message.contains(&format!("pid {}", std::process::id())), "{message}");
        }
        other => panic!("a second writer was let in: {other:?}"),
    }
    drop(first);
}

#[tokio::test]
async fn the_history_its_wal_and_shm_are_private() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let store = Store::open(&path, DAY).unwrap();
    store.record(Vec::new()).await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = files::sibling(&path, suffix);
        assert!(file.exists(), "{file:?}");
        assert_eq!(mode(&file), 0o600, "{file:?}");
    }
}

#[test]
fn sqlite_damage_verdicts_are_told_apart_from_other_errors() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("g.db");
    std::fs::write(&path, vec![0x5a; 8192]).unwrap();
    let c = Connection::open(&path).unwrap();
    let e = c.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap_err();
    assert!(matches!(StoreError::from(e), StoreError::Damaged(_)));
    let e = c.execute_batch("SELEC 1").unwrap_err();
    assert!(matches!(StoreError::from(e), StoreError::Sqlite(_)));
}

#[test]
fn damage_found_while_running_moves_the_file_aside_and_starts_afresh() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("h.db");
    let lock = files::lock(&path).unwrap();
    let conn = open_file(&path).map_err(Opened::message).unwrap();
    conn.execute_batch("CREATE TABLE marker (x)").unwrap();
    let mut writer = Writer {
        conn,
        caches: Caches::default(),
        encoder: codec::Encoder::new(),
        retention: DAY,
        outbox: None,
        file: Some((path.clone(), lock)),
    };
    writer.recover_if_damaged::<()>(&Err(StoreError::Damaged("database disk image is malformed".into())));
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("h.db.corrupt-") && !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    assert_eq!(aside.len(), 1, "{aside:?}");
    // The writer now records into a fresh, migrated file at the same place.
    let marker: i64 = writer
        .conn
        .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'marker'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(marker, 0);
    assert_eq!(migrate::user_version(&writer.conn).unwrap(), SCHEMA_VERSION);
    assert_eq!(writer.conn.path().map(Path::new), Some(path.as_path()));
    // Other errors leave the file alone.
    writer.recover_if_damaged::<()>(&Err(StoreError::Sqlite("busy".into())));
    let corrupt = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("h.db.corrupt-"))
        .count();
    assert!(corrupt <= 3, "only the one damaged file (with its WAL/SHM) was moved: {corrupt}");
    assert!(path.exists());
}
