//! Unit tests of `schema_keys`: index findings, foreign-key coverage, AUTO_INCREMENT range.

use super::*;
use crate::collectors::mysql::rows::from_batch;
use crate::model::ColumnInfo;

/// Indexes of one table `t` (columns a, b, c) from STATISTICS-shaped rows.
fn analysed(statistics: &str, fks: &[(&str, &[&str])]) -> TableInfo {
    let header = "db\ttable_name\tname\tnon_unique\tseq\tcolumn_name\tsub_part\tsort_order\tindex_type\n";
    let mut indexes = indexes(&from_batch(&format!("{header}{statistics}")));
    let columns = ["a", "b", "c"].iter().map(|n| ColumnInfo { name: (*n).into(), ..Default::default() });
    let mut table = TableInfo { name: "t".into(), columns: columns.collect(), ..Default::default() };
    let fks = fks
        .iter()
        .map(|(name, columns)| {
            let columns = columns.iter().map(|c| (*c).to_owned()).collect();
            (ForeignKeyInfo { name: (*name).into(), columns, ..Default::default() }, String::new())
        })
        .collect();
    let list = indexes.remove(&("d".to_owned(), "t".to_owned())).unwrap_or_default();
    finish_table(&mut table, list, fks, Vec::new());
    table
}

fn findings(t: &TableInfo) -> Vec<(&str, Option<&str>, Option<&str>)> {
    t.indexes
        .iter()
        .map(|i| (i.name.as_str(), i.duplicate_of.as_deref(), i.redundant_with.as_deref()))
        .collect()
}

#[test]
fn duplicates_and_leading_prefixes() {
    let t = analysed(
        "d\tt\tPRIMARY\t0\t1\ta\tNULL\tA\tBTREE
d\tt\tk_a\t1\t1\ta\tNULL\tA\tBTREE
d\tt\tk_b\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tk_bc\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tk_bc\t1\t2\tc\tNULL\tA\tBTREE
d\tt\tk_b_again\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tu_b\t0\t1\tb\tNULL\tA\tBTREE
",
        &[],
    );
    assert_eq!(
        findings(&t),
        [
            ("PRIMARY", None, None),
            ("k_a", Some("PRIMARY"), None),
            ("k_b", Some("u_b"), Some("k_bc")),
            ("k_b_again", Some("k_b"), Some("k_bc")),
            ("k_bc", None, None),
            // Unique: it enforces something, so it is what the others duplicate.
            ("u_b", None, None),
        ]
    );
}

#[test]
fn type_order_and_prefix_length_make_indexes_different() {
    let t = analysed(
        "d\tt\tk_b10\t1\t1\tb\t10\tA\tBTREE
d\tt\tk_b_desc\t1\t1\tb\tNULL\tD\tBTREE
d\tt\tft_b\t1\t1\tb\tNULL\tNULL\tFULLTEXT
d\tt\tk_bc\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tk_bc\t1\t2\tc\tNULL\tA\tBTREE
d\tt\th_c\t1\t1\tc\tNULL\tNULL\tHASH
",
        &[],
    );
    assert!(findings(&t).iter().all(|(_, d, r)| d.is_none() && r.is_none()), "{:?}", findings(&t));
    let hash = t.indexes.iter().find(|i| i.name == "h_c").map(|i| i.definition.as_str());
    assert_eq!(hash, Some("KEY h_c (c) USING HASH"));
}

#[test]
fn foreign_keys_need_an_index_on_their_columns_in_order() {
    let t = analysed(
        "d\tt\tk_ba\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tk_ba\t1\t2\ta\tNULL\tA\tBTREE
",
        &[("fk_b", &["b"]), ("fk_ba", &["b", "a"]), ("fk_ab", &["a", "b"]), ("fk_c", &["c"])],
    );
    let covered: Vec<(&str, bool)> = t.foreign_keys.iter().map(|f| (f.name.as_str(), f.has_index)).collect();
    assert_eq!(covered, [("fk_b", true), ("fk_ba", true), ("fk_ab", false), ("fk_c", false)]);
    assert_eq!(t.constraints.len(), 4, "each foreign key is a constraint too");
}

#[test]
fn unused_needs_a_count_and_spares_keys_and_the_only_foreign_key_index() {
    let mut indexes = indexes(&from_batch(
        "db\ttable_name\tname\tnon_unique\tseq\tcolumn_name\tsub_part\tsort_order\tindex_type
d\tt\tPRIMARY\t0\t1\ta\tNULL\tA\tBTREE
d\tt\tfk_b\t1\t1\tb\tNULL\tA\tBTREE
d\tt\tk_c\t1\t1\tc\tNULL\tA\tBTREE
d\tt\tk_c2\t1\t1\tc\tNULL\tD\tBTREE
",
    ));
    let usage = "db\ttable_name\tname\tuses\tread_rows
d\tt\tPRIMARY\t0\t0
d\tt\tfk_b\t0\t0
d\tt\tk_c\t3\t0
";
    apply_usage(&mut indexes, &from_batch(usage));
    let list = indexes.remove(&("d".to_owned(), "t".to_owned())).unwrap_or_default();
    let columns = ["a", "b", "c"].iter().map(|n| ColumnInfo { name: (*n).into(), ..Default::default() });
    let mut t = TableInfo { columns: columns.collect(), ..Default::default() };
    let fk = ForeignKeyInfo { name: "fk_b".into(), columns: vec!["b".into()], ..Default::default() };
    finish_table(&mut t, list, vec![(fk, String::new())], Vec::new());
    let unused: Vec<(&str, bool, Option<u64>)> =
        t.indexes.iter().map(|i| (i.name.as_str(), i.unused, i.scans)).collect();
    // k_c was written through (uses 3) though never read: not unused. k_c2 has no row.
    assert_eq!(
        unused,
        [
            ("PRIMARY", false, Some(0)),
            ("fk_b", false, Some(0)),
            ("k_c", false, Some(0)),
            ("k_c2", false, None)
        ]
    );
}

#[test]
fn auto_increment_range_by_type_and_sign() {
    let max = |t: &str| auto_increment_max(t);
    assert_eq!((max("tinyint(4)"), max("tinyint unsigned")), (Some(127), Some(255)));
    assert_eq!((max("smallint(6)"), max("smallint(5) unsigned")), (Some(32_767), Some(65_535)));
    assert_eq!((max("mediumint"), max("MEDIUMINT UNSIGNED")), (Some(8_388_607), Some(16_777_215)));
    assert_eq!((max("int(11)"), max("int(10) unsigned")), (Some(2_147_483_647), Some(4_294_967_295)));
    assert_eq!((max("bigint(20)"), max("bigint unsigned")), (Some(i64::MAX as u64), Some(u64::MAX)));
    assert_eq!((max("double"), max("float")), (Some(1 << 53), Some(1 << 24)));
    assert_eq!((max("decimal(10,0)"), max("varchar(10)")), (None, None));

    let pct = |t: &str, next: u64| auto_increment_sequence("t", "id", t, next).and_then(|s| s.pct_used);
    // Signed int at 2^31 - 1 (the next insert fails) is full; unsigned is half way.
    assert_eq!(pct("int(11)", 2_147_483_648), Some(100.0));
    let half = pct("int(10) unsigned", 2_147_483_648).unwrap_or_default();
    assert!((half - 50.0).abs() < 1e-6, "{half}");
    assert_eq!(pct("tinyint(3) unsigned", 256), Some(100.0));
    assert_eq!(pct("tinyint(4)", 1), None, "nothing used yet");
    let huge = auto_increment_sequence("t", "id", "bigint unsigned", u64::MAX - 10).unwrap_or_default();
    assert_eq!((huge.name.as_str(), huge.last_value, huge.max_value), ("t.id", Some(i64::MAX), i64::MAX));
    assert!(huge.pct_used.is_some_and(|p| p > 99.99));
}

#[test]
fn partition_names_and_innodb_file_names() {
    assert_eq!(partition_base("orders#P#p2024"), "orders");
    assert_eq!(partition_base("orders#p#p2024#sp#s0"), "orders");
    assert_eq!(partition_base("orders"), "orders");
    use crate::collectors::mysql::schema_parse::innodb_name;
    assert_eq!(innodb_name("shop/order@002ditems"), Some(("shop".into(), "order-items".into())));
    assert_eq!(innodb_name("shop/at@home"), Some(("shop".into(), "at@home".into())));
    assert_eq!(innodb_name("SYS_FOREIGN"), None);
}
