use super::*;
use crate::collectors::testing::value;
use crate::collectors::text_rows::from_batch;

const ORACLE_19C: &str = include_str!("../../fixtures/storage_tablespaces_19c.tsv");
const ORACLE_23AI: &str = include_str!("../../fixtures/storage_tablespaces_23ai.tsv");

fn find<'a>(all: &'a [Tablespace], name: &str) -> &'a Tablespace {
    all.iter().find(|t| t.name == name).unwrap_or_else(|| unreachable!("{name} in {all:?}"))
}

#[test]
fn a_tablespace_that_cannot_grow_is_full() {
    let all = parse(&from_batch(ORACLE_19C));
    let arch = find(&all, "LEDGER_ARCH");
    assert_eq!(arch.contents, Contents::Permanent);
    assert_eq!((arch.used_bytes, arch.max_bytes), (2_147_483_648, 2_147_483_648));
    assert_eq!(arch.used_pct(), Some(100.0));
    let m = metrics(&all);
    assert_eq!(value(&m, ora::TABLESPACE_USED_PCT, "LEDGER_ARCH"), Some(100.0));
    assert_eq!(value(&m, ora::TABLESPACE_USED_BYTES, "LEDGER_ARCH"), Some(2_147_483_648.0));
}

#[test]
fn the_percentage_is_of_the_autoextend_max_not_of_the_allocated_files() {
    // LEDGER_DATA's file holds about 1 GB and may grow to 32 GB: 3 %, not "99 % full".
    let all = parse(&from_batch(ORACLE_19C));
    let data = find(&all, "LEDGER_DATA");
    assert_eq!(data.used_bytes, 126_720 * 8192);
    assert_eq!(data.max_bytes, 4_194_302 * 8192, "32 GB less two blocks");
    let pct = data.used_pct().unwrap_or_default();
    assert!((pct - 3.021).abs() < 0.001, "{pct}");
}

#[test]
fn temporary_tablespaces_count_what_sessions_hold() {
    let all = parse(&from_batch(ORACLE_19C));
    let temp = find(&all, "TEMP");
    assert_eq!(temp.contents, Contents::Temporary);
    assert_eq!(temp.used_bytes, 12_800 * 8192, "v$tempseg_usage, not the usage view's 1280 blocks");
    let batch = find(&all, "TEMP_BATCH");
    assert_eq!(batch.used_bytes, 62_259 * 8192);
    let m = metrics(&all);
    let batch_pct = value(&m, ora::TEMP_USED_PCT, "TEMP_BATCH").unwrap_or_default();
    assert!((batch_pct - 95.0).abs() < 0.01, "{batch_pct}");
    assert_eq!(value(&m, ora::TEMP_USED_BYTES, "TEMP"), Some(104_857_600.0));
    assert_eq!(value(&m, ora::TABLESPACE_USED_PCT, "TEMP"), None, "temp has its own names");
    assert_eq!(value(&m, ora::TABLESPACE_USED_BYTES, "TEMP_BATCH"), None);
    // Undo is reported with the permanent ones.
    assert_eq!(find(&all, "UNDOTBS1").contents, Contents::Undo);
    assert_eq!(value(&m, ora::TABLESPACE_USED_BYTES, "UNDOTBS1"), Some(3904.0 * 8192.0));
    assert_eq!(m.len(), 16, "two points for each of 8 tablespaces");
}

#[test]
fn oracle_23ai_bigfiles_mixed_block_sizes_and_unusable_rows() {
    let all = parse(&from_batch(ORACLE_23AI));
    let names: Vec<&str> = all.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["MEDIA_LOB", "SYSAUX", "SYSTEM", "TEMP", "UNDOTBS1", "USERS"], "edge rows left out");
    let lob = find(&all, "MEDIA_LOB");
    assert_eq!(lob.used_bytes, 8 * 1024 * 1024 * 1024, "16 KB blocks");
    assert_eq!(lob.max_bytes, 4_294_967_293 * 16_384);
    assert_eq!(find(&all, "USERS").status, "READ ONLY");
    let temp = find(&all, "TEMP");
    assert_eq!((temp.used_bytes, temp.used_pct()), (0, Some(0.0)), "no temp segment in use");
    let m = metrics(&all);
    assert_eq!(value(&m, ora::TEMP_USED_BYTES, "TEMP"), Some(0.0));
    let system = value(&m, ora::TABLESPACE_USED_PCT, "SYSTEM").unwrap_or(100.0);
    assert!(system < 0.01, "1 GB of a 32 TB bigfile: {system}");
}

#[test]
fn a_size_of_zero_gives_no_percentage() {
    let rows = from_batch(
        "TABLESPACE_NAME\tCONTENTS\tSTATUS\tBLOCK_SIZE\tUSED_SPACE\tTABLESPACE_SIZE\tTEMP_USED_BLOCKS\n\
         OFFLINE_TS\tPERMANENT\tOFFLINE\t8192\t0\t0\tNULL\n",
    );
    let all = parse(&rows);
    assert_eq!(all[0].used_pct(), None);
    let m = metrics(&all);
    assert_eq!(m.len(), 1);
    assert_eq!(value(&m, ora::TABLESPACE_USED_BYTES, "OFFLINE_TS"), Some(0.0));
}
