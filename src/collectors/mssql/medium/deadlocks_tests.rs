use super::*;
use crate::collectors::mssql::queries::{FORBIDDEN, allowed_start, words};
use crate::collectors::mssql::rows::from_batch;

const THREE: &str = include_str!("fixtures/deadlock_three_processes.xml");

/// The ring-buffer reply as sqlcmd would print it (tabs and line breaks escaped).
fn reply(time: &str, count: u64, xml: &str) -> Vec<TextRow> {
    let escaped = xml.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n");
    from_batch(&format!("event_time\treports\treport_xml\n{time}\t{count}\t{escaped}\n"))
}

#[test]
fn reads_as_sent_are_reads() {
    for sql in [COUNTER.to_owned(), reports_sql(None), reports_sql(Some("2024-05-01 10:14:07.311000"))] {
        assert!(allowed_start(&sql), "{sql}");
        assert!(words(&sql).iter().all(|w| !FORBIDDEN.contains(&w.as_str())), "{sql}");
    }
    assert!(
        reports_sql(Some("2024-05-01 10:14:07.311000"))
            .contains("WHERE event_time > CAST('2024-05-01 10:14:07.311000' AS datetime2(3))")
    );
    assert_eq!(reports_sql(Some("1' OR '1'='1")), LATEST);
    assert!(LATEST.contains("nodes('RingBufferTarget/event[@name=\"xml_deadlock_report\"]')"));
    assert!(LATEST.contains("SELECT TOP (1)") && LATEST.contains("COUNT(*) OVER ()"));
}

#[test]
fn the_newest_report_becomes_the_fact() {
    let r = parse_reports(&reply("2024-05-01 11:02:03.500000", 3, THREE));
    assert_eq!(r.count, 3);
    assert_eq!(r.newest_time.as_deref(), Some("2024-05-01 11:02:03.500000"));
    let fact = r.newest.unwrap_or_else(|| unreachable!());
    assert_eq!((fact.name.as_str(), fact.key.as_str()), ("deadlock.latest", "2024-05-01 11:02:03.500000"));
    assert!(fact.value.starts_with("(1) spid 88 "), "{}", fact.value);
    assert_eq!(parse_reports(&[]), Reports::default(), "no report since");
    let broken = parse_reports(&reply("2024-05-01 11:02:03.500000", 1, "<deadlock><oops></deadlock>"));
    assert!(broken.newest.is_some_and(|f| f.value.starts_with("deadlock report unreadable")));
}

#[test]
fn the_buffer_is_read_first_then_only_when_the_counter_moves() {
    let mut w = DeadlockWatch::default();
    assert_eq!(w.step(Some(10)), Step::Read(LATEST.to_owned()), "a connection's first round");
    assert_eq!(w.took(parse_reports(&reply("2024-05-01 09:00:00.000000", 4, THREE))), None, "old news");
    assert!(w.latest().is_some());
    assert_eq!(w.step(Some(10)), Step::Nothing);
    let Step::Read(sql) = w.step(Some(11)) else { unreachable!("the counter moved") };
    assert!(sql.contains("CAST('2024-05-01 09:00:00.000000' AS datetime2(3))"), "{sql}");
    assert_eq!(w.took(parse_reports(&reply("2024-05-01 10:30:00.000000", 1, THREE))), Some(1));
    // The counter moved but the report was pushed out of the buffer: nothing to show.
    assert!(matches!(w.step(Some(12)), Step::Read(_)));
    assert_eq!(w.took(Reports::default()), Some(0));
    assert_eq!(w.latest().map(|f| f.key.as_str()), Some("2024-05-01 10:30:00.000000"), "kept");
    // An unreadable counter does not mean a shred every round; readable again, it does.
    assert_eq!(w.step(None), Step::Nothing);
    assert!(matches!(w.step(Some(12)), Step::Read(_)));
    w.forget();
    assert!(matches!(w.step(Some(12)), Step::Read(ref sql) if sql == LATEST));
    assert!(w.latest().is_some(), "a reconnect keeps the latest report");
}
