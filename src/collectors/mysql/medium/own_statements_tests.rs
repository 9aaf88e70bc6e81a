use super::*;

/// Digest texts as MariaDB 10.11 printed them for our own high-tier reads.
const OUR_PROCESSLIST: &str = "SELECT `p` . `ID` AS ID , `p` . `USER` AS SYSTEM_USER , `p` . `HOST` AS HOST , `p` . `DB` AS `db` , `p` . `COMMAND` AS `command` , `p` . `TIME_MS` AS `time_ms` , `p` . `STATE` AS `state` , LEFT ( `p` . `INFO` , ? ) AS `info` , TIMESTAMPDIFF ( MICROSECOND , `t` . `trx_started` , NOW (?) ) DIV ? AS `trx_ms` , `t` . `trx_state` AS `trx_state` , `t` . `trx_rows_locked` AS `trx_rows_locked` , `t` . `trx_rows_modified` AS `trx_rows_modified` , TIMESTAMPDIFF ( MICROSECOND , `t` . `trx_wait_started` , NOW (?) ) DIV ? AS `trx_wait_ms` FROM `information_schema` . `PROCESSLIST` `p` LEFT JOIN `information_schema` . `INNODB_TRX` `t` ON `t` . `trx_mysql_thread_id` = `p` . `ID` WHERE `p` . `ID` != `CONNECTION_ID` ( ) ";
const OUR_INSTANCE: &str = "SELECT `VERSION` ( ) AS `version` , @@`version_comment` AS `version_comment` , @@`max_connections` AS `max_connections` , @@READ_ONLY AS READ_ONLY , @@`hostname` AS `hostname` , SCHEMA ( ) AS `db` ";
const OUR_STATUS: &str = "SHOW GLOBAL STATUS WHERE `Variable_name` IN (...) ";
const OUR_FENCE: &str = "SET SESSION MAX_STATEMENT_TIME = ? ";

/// Application statements, some of them touching the same system schemas.
const THEIRS: &[&str] = &[
    "SELECT `TABLE_NAME` , `TABLE_ROWS` FROM `information_schema` . `TABLES` WHERE `TABLE_SCHEMA` = ? ",
    "SELECT * FROM `orders` WHERE `customer_id` = ? ORDER BY `created_at` DESC LIMIT ? ",
    "SHOW GLOBAL STATUS ",
    "SELECT @@`version_comment` LIMIT ? ",
    "SET SESSION `sql_mode` = ? ",
    "SELECT `p` . `ID` , `p` . `USER` FROM `information_schema` . `PROCESSLIST` `p` ",
];

#[test]
fn our_reads_are_recognised_through_the_servers_respelling() {
    let ours = our_signatures();
    for text in [OUR_PROCESSLIST, OUR_INSTANCE, OUR_STATUS, OUR_FENCE] {
        assert!(matches_one_of(text, ours), "not recognised as ours: {text}");
    }
    // Our medium-tier reads, in the digest form of their variants.
    let digests = "SELECT `SCHEMA_NAME` , `DIGEST` , `DIGEST_TEXT` FROM `performance_schema` . `events_statements_summary_by_digest` WHERE `DIGEST` IN (...) ";
    assert!(matches_one_of(digests, ours), "{digests}");
    assert!(matches_one_of("SHOW ENGINE INNODB STATUS ", ours));
}

#[test]
fn application_statements_are_kept_even_on_system_schemas() {
    let ours = our_signatures();
    for text in THEIRS {
        assert!(!matches_one_of(text, ours), "taken for ours: {text}");
    }
}

#[test]
fn a_cut_digest_text_is_compared_on_what_is_left() {
    let ours = our_signatures();
    let cut = format!("{}...", &OUR_PROCESSLIST[..400]);
    assert!(matches_one_of(&cut, ours));
    // An IN list collapsed to (...) is not a cut text.
    assert!(!is_cut(OUR_STATUS));
    assert!(is_cut(&cut));
}

#[test]
fn signatures_drop_literals_and_numbers_and_fold_respellings() {
    assert_eq!(
        signature("SELECT 'kill', `a`, 42 FROM t WHERE x = \"y\""),
        ["select", "a", "from", "t", "where", "x"]
    );
    assert_eq!(signature("SELECT SCHEMA()"), signature("select database()"));
    assert_eq!(signature("SELECT u AS SYSTEM_USER"), signature("select u as user"));
}

#[test]
fn texts_are_fetched_once_and_ours_never_kept_as_text() {
    let ours = our_signatures();
    let mut t = DigestTexts::new(2);
    assert_eq!(t.missing(["b", "a", "b"]), vec!["a".to_owned(), "b".to_owned()]);
    t.insert("a".into(), THEIRS[1].into(), ours);
    t.insert("b".into(), OUR_STATUS.into(), ours);
    assert!(t.is_ours("b") && !t.is_ours("a"));
    assert_eq!(t.ours_count(), 1);
    assert!(t.missing(["a", "b"]).is_empty(), "neither is asked for again");
    assert_eq!(t.get("b"), None);
    assert_eq!(t.get("a").as_deref(), Some(THEIRS[1]));
    t.end_round();
    t.insert("c".into(), THEIRS[0].into(), ours);
    t.insert("d".into(), THEIRS[2].into(), ours);
    t.end_round();
    assert_eq!(t.missing(["a", "c", "d"]), vec!["a".to_owned()], "least recently used went first");
}
