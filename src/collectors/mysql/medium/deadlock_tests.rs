use super::super::innodb_status::{parse as parse_status, section};
use super::*;

const MARIADB: &str = include_str!("fixtures/innodb_status_mariadb_10_11.txt");
const MYSQL: &str = include_str!("fixtures/innodb_status_mysql_8_0.txt");

fn deadlock(text: &str) -> Deadlock {
    parse_status(text).deadlock.unwrap_or_default()
}

#[test]
fn mariadb_10_11_deadlock() {
    let d = deadlock(MARIADB);
    assert_eq!(d.at, "2026-12-06 06:29:28");
    assert_eq!(d.transactions.len(), 2);
    assert_eq!(d.rolled_back, Some(1));
    let t1 = &d.transactions[0];
    assert_eq!((t1.number, t1.trx_id.as_str(), t1.thread_id), (1, "2071", Some(75)));
    assert_eq!((t1.user.as_str(), t1.client.as_str()), ("root", "localhost"));
    assert_eq!(t1.query, "update accounts set balance=balance+1 where id=2");
    assert!(t1.holds.is_empty(), "MariaDB prints what is in the way instead");
    assert_eq!(t1.waits_for.len(), 1);
    let w = &t1.waits_for[0];
    assert_eq!(w.table, "`mysql_medium_lab`.`accounts`");
    assert_eq!(
        (w.index.as_str(), w.mode.as_str(), w.trx_id.as_str()),
        ("PRIMARY", "X locks rec but not gap", "2071")
    );
    assert_eq!(t1.conflicts_with.first().map(|l| l.trx_id.as_str()), Some("2072"), "held by the other one");
    let t2 = &d.transactions[1];
    assert_eq!(
        (t2.thread_id, t2.query.as_str()),
        (Some(76), "update accounts set balance=balance+1 where id=1")
    );
}

#[test]
fn mysql_8_0_deadlock_with_held_locks_and_tcp_clients() {
    let d = deadlock(MYSQL);
    assert_eq!(d.at, "2024-05-01 10:02:47");
    assert_eq!(d.rolled_back, Some(2));
    let [t1, t2] = &d.transactions[..] else { panic!("two transactions: {d:?}") };
    assert_eq!((t1.user.as_str(), t1.client.as_str(), t1.thread_id), ("shop_app", "10.0.4.17", Some(4127)));
    assert_eq!(
        (t2.user.as_str(), t2.client.as_str()),
        ("shop_batch", "127.0.0.1"),
        "host name, address, user"
    );
    assert_eq!(t2.query, "UPDATE inventory\n   SET reserved = reserved + 1\n WHERE sku = 'A-110'");
    assert_eq!(t1.holds.len(), 1);
    assert_eq!(t1.holds[0].mode, "X locks rec but not gap");
    assert_eq!(t1.waits_for[0].table, "`shop`.`inventory`");
    assert_eq!(t2.holds[0].trx_id, "1842208");
    assert!(t1.conflicts_with.is_empty());
}

#[test]
fn summary_is_one_line_without_literals() {
    let d = deadlock(MYSQL);
    let s = d.summary();
    assert!(!s.contains('\n'), "{s}");
    assert!(!s.contains("B-220") && !s.contains("A-110"), "literals are application data: {s}");
    assert!(s.starts_with("(1) thread 4127 shop_app@10.0.4.17 waits for X locks rec but not gap on `shop`.`inventory` PRIMARY: UPDATE inventory SET reserved = reserved + $1 WHERE sku = $2"), "{s}");
    assert!(s.ends_with("; rolled back (2)"), "{s}");
    let f = d.fact();
    assert_eq!((f.name.as_str(), f.key.as_str()), (FACT, "2024-05-01 10:02:47"));
}

#[test]
fn table_locks_and_odd_lines() {
    let section_text = "\
2024-05-01 11:00:00 0x7f00
*** (1) TRANSACTION:
TRANSACTION 77, ACTIVE 1 sec inserting
MySQL thread id 5, OS thread handle 1, query id 9 10.1.1.1 loader update
INSERT INTO t VALUES (1)
*** (1) WAITING FOR THIS LOCK TO BE GRANTED:
TABLE LOCK table `db`.`t` trx id 77 lock mode AUTO-INC waiting
*** (2) TRANSACTION:
TRANSACTION 78, ACTIVE 2 sec
*** WE ROLL BACK TRANSACTION (1)
";
    let lines: Vec<&str> = section_text.lines().collect();
    let d = parse(&lines).unwrap_or_default();
    assert_eq!(d.transactions.len(), 2);
    let l = &d.transactions[0].waits_for[0];
    assert_eq!((l.table.as_str(), l.index.as_str(), l.mode.as_str()), ("`db`.`t`", "", "AUTO-INC"));
    assert_eq!(d.transactions[1].thread_id, None, "no thread line: unknown, not a guess");
    assert!(parse(&[]).is_none());
    assert!(section(MYSQL, "LATEST DETECTED DEADLOCK").and_then(|l| parse(&l)).is_some());
}
