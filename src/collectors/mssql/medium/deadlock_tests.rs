use super::*;

const TWO: &str = include_str!("fixtures/deadlock_two_sessions_event.xml");
const THREE: &str = include_str!("fixtures/deadlock_three_processes.xml");
const PARALLEL: &str = include_str!("fixtures/deadlock_parallel_query.xml");

fn read(xml: &str) -> Deadlock {
    parse(xml, "").unwrap_or_else(|e| unreachable!("{e}"))
}

#[test]
fn two_sessions_from_the_ring_buffer_event() {
    let d = read(TWO);
    assert_eq!(d.at, "2024-05-01T10:14:07.311Z", "the event's timestamp when none is given");
    assert_eq!(d.victims, ["process1d8a2b4c8"]);
    let [a, b] = &d.processes[..] else { unreachable!("two processes: {d:?}") };
    assert_eq!(
        (a.spid, a.ecid, a.login.as_str(), a.host.as_str()),
        (Some(71), Some(0), "shop_app", "web-03")
    );
    assert_eq!((a.app.as_str(), a.database.as_str()), ("shop-api", "shop"));
    assert_eq!(a.isolation, "read committed (2)");
    assert_eq!(a.wait_resource, "KEY: 6:72057594043105280 (a1b2c3d4e5f6)");
    assert_eq!(
        (a.wait_ms, a.lock_mode.as_str(), a.transaction.as_str()),
        (Some(3102), "U", "user_transaction")
    );
    assert_eq!(
        a.input_buffer,
        "(@qty int,@sku nvarchar(20))UPDATE dbo.stock SET qty = qty - @qty WHERE sku = @sku"
    );
    assert_eq!(a.procedure, "", "adhoc is no procedure");
    assert_eq!((b.procedure.as_str(), b.isolation.as_str()), ("shop.dbo.sync_stock", "serializable (4)"));
    assert_eq!(d.resources.len(), 2);
    let r = &d.resources[0];
    assert_eq!(
        (r.kind.as_str(), r.object.as_str(), r.index.as_str()),
        ("keylock", "shop.dbo.stock", "PK_stock")
    );
    assert_eq!(r.owners, [Party { process: "process1d8a3f088".into(), mode: "U".into() }]);
    assert_eq!(r.waiters, [Party { process: "process1d8a2b4c8".into(), mode: "U".into() }]);
    assert_eq!(
        parse(TWO, "2024-05-01 10:14:07.311000").map(|d| d.at).ok().as_deref(),
        Some("2024-05-01 10:14:07.311000")
    );
}

#[test]
fn three_processes_on_page_object_and_rid_locks() {
    let d = read(THREE);
    assert_eq!(d.processes.len(), 3);
    let kinds: Vec<&str> = d.resources.iter().map(|r| r.kind.as_str()).collect();
    assert_eq!(kinds, ["pagelock", "objectlock", "ridlock"]);
    assert_eq!(d.processes[0].login, "CORP\\report_svc");
    assert_eq!(d.processes[2].database, "8", "no currentdbname: the database id");
    assert_eq!(d.processes[1].procedure, "billing.dbo.post_payment");
    let s = d.summary();
    assert!(s.starts_with("(1) spid 88 CORP\\report_svc@rpt-02 (reporting) in billing, repeatable read, waits for S on pagelock billing.dbo.invoice, holds X on ridlock billing.dbo.staging_payment: SELECT SUM(amount) FROM dbo.invoice WHERE customer_id = $1 AND status = $2"), "{s}");
    assert!(s.contains("(2) spid 91 billing@app-07 (billing-worker) in billing, read committed, waits for IX on objectlock billing.dbo.payment, holds IX on pagelock billing.dbo.invoice: billing.dbo.post_payment"), "{s}");
    assert!(s.contains("(3) spid 93 etl_loader@etl-01 (etl) in 8"), "{s}");
    assert!(s.ends_with("; victim (1)"), "{s}");
    assert!(!s.contains("4411") && !s.contains("'open'"), "literals are taken out: {s}");
}

#[test]
fn a_parallel_query_deadlock_has_exchange_events_and_no_victim() {
    let d = read(PARALLEL);
    assert!(d.victims.is_empty());
    let threads: Vec<(Option<u32>, Option<u32>)> = d.processes.iter().map(|p| (p.spid, p.ecid)).collect();
    assert_eq!(threads, [(Some(57), Some(0)), (Some(57), Some(3)), (Some(57), Some(4))]);
    let r = &d.resources[0];
    assert_eq!(
        (r.kind.as_str(), r.wait_type.as_str(), r.node.as_str()),
        ("exchangeEvent", "e_waitPipeNewRow", "6")
    );
    assert_eq!(r.owners[0].mode, "", "exchange owners have no lock mode");
    let s = d.summary();
    assert!(s.contains("(2) spid 57 ecid 3 in dwh, read committed, waits on exchangeEvent e_waitPipeGetRow node 4, holds on exchangeEvent e_waitPipeNewRow node 6"), "{s}");
    assert!(
        s.ends_with("no victim: a parallel query deadlocked on itself and the server resolved it"),
        "{s}"
    );
}

#[test]
fn the_fact_is_keyed_by_time() {
    let d = parse(THREE, "2024-05-01 11:02:03.500000").unwrap_or_default();
    let f = d.fact();
    assert_eq!((f.name.as_str(), f.key.as_str()), (FACT, "2024-05-01 11:02:03.500000"));
    assert_eq!(f.value, d.summary());
}

#[test]
fn entities_are_refused() {
    let laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><deadlock><process-list><process id=\"p\" loginname=\"&lol2;\"/></process-list></deadlock>";
    assert!(parse(laughs, "").is_err_and(|e| e.contains("unreadable")));
    let external =
        "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><deadlock><victim-list/>&x;</deadlock>";
    assert!(parse(external, "").is_err());
    let unknown = "<deadlock><process-list><process id=\"&nope;\"/></process-list></deadlock>";
    assert!(parse(unknown, "").is_err());
    // The predefined ones are text, as in any input buffer with a comparison.
    let ok = "<deadlock><process-list><process id=\"p\"><inputbuf>SELECT 1 WHERE a &lt; b &amp;&amp; c</inputbuf></process></process-list></deadlock>";
    assert_eq!(read(ok).processes[0].input_buffer, "SELECT 1 WHERE a < b && c");
}

#[test]
fn malformed_huge_and_deep_reports_are_errors_not_panics() {
    for bad in [
        "",
        "not xml",
        "<deadlock>",
        "<deadlock><process-list></deadlock>",
        "<a/>",
        "<deadlock a='1' a='2'/>",
        "\u{0}<deadlock/>",
    ] {
        assert!(parse(bad, "").is_err(), "{bad:?}");
    }
    let huge = format!(
        "<deadlock><process-list><process id=\"p\"><inputbuf>{}</inputbuf></process></process-list></deadlock>",
        "x".repeat(MAX_XML_BYTES)
    );
    assert!(parse(&huge, "").is_err_and(|e| e.contains("not read")));
    let many = format!(
        "<deadlock><process-list>{}</process-list></deadlock>",
        "<process id=\"p\"/>".repeat(150_000)
    );
    assert!(parse(&many, "").is_err(), "node limit");
    let deep = format!("<deadlock>{}{}</deadlock>", "<x>".repeat(50_000), "</x>".repeat(50_000));
    assert!(parse(&deep, "").is_ok_and(|d| d.processes.is_empty()), "deep nesting is iterated, not recursed");
}

#[test]
fn long_fields_and_many_processes_are_cut() {
    let first = format!(
        "<process id=\"p0\" spid=\"0\" loginname=\"{}\"><inputbuf>{}</inputbuf></process>",
        "l".repeat(5_000),
        "SELECT 1 ".repeat(1_000)
    );
    let rest: String = (1..300).map(|i| format!("<process id=\"p{i}\" spid=\"{i}\"/>")).collect();
    let long = format!(
        "<deadlock><victim-list><victimProcess id=\"p0\"/></victim-list><process-list>{first}{rest}</process-list></deadlock>"
    );
    let d = read(&long);
    assert_eq!(d.processes.len(), MAX_PROCESSES);
    assert_eq!(d.processes[0].login.chars().count(), MAX_FIELD + 1, "cut, with an ellipsis");
    let s = d.summary();
    assert!(s.chars().count() <= 3_001, "{}", s.chars().count());
    assert!(d.processes[0].input_buffer.chars().count() <= MAX_FIELD + 1);
}

#[test]
fn the_old_deadlock_list_shape_names_its_victim_as_an_attribute() {
    let xml = "<deadlock-list><deadlock victim=\"process9\"><process-list><process id=\"process9\" spid=\"52\"/></process-list><resource-list/></deadlock></deadlock-list>";
    let d = read(xml);
    assert_eq!(d.victims, ["process9"]);
    assert!(d.summary().ends_with("victim (1)"));
}
