use super::*;
use crate::collectors::mongodb::commands;
use crate::collectors::mongodb::doc::fixture;

fn batch(name: &str) -> Vec<Entry> {
    let reply = fixture(name);
    let entries: Vec<Document> = doc::docs(&reply, "cursor.firstBatch").into_iter().cloned().collect();
    parse(&entries)
}

#[test]
fn commands_are_reads_the_allowlist_lets_through() {
    assert!(commands::check(&level_command()).is_ok());
    for expressions in [true, false] {
        let find = find_command(1_714_557_600_000, expressions);
        assert!(commands::check(&find).is_ok(), "{find}");
        let projection = doc::sub(&find, "projection").cloned().unwrap_or_default();
        assert!(!projection.contains_key("command"), "the command itself never leaves the server");
        assert_eq!(projection.contains_key("filterFields"), expressions);
    }
    let find = find_command(1_714_557_600_000, true);
    assert_eq!(doc::millis(&find, "filter.ts.$gt"), Some(1_714_557_600_000));
    assert_eq!(doc::text(&find, "filter.appName.$ne"), "logstag");
    assert_eq!(doc::int(&find, "limit"), Some(LIMIT as i64));
    assert_eq!(doc::int(&find, "sort.$natural"), Some(-1));
}

#[test]
fn level_and_databases_worth_reading() {
    assert_eq!(level(&fixture("medium_profile_level.json")), Some(1));
    assert_eq!(level(&mongodb::bson::doc! { "ok": 1 }), None);
    let names: Vec<String> = ["admin", "local", "shop"].map(String::from).into();
    assert_eq!(profilable(&names), ["admin", "shop"]);
    let many: Vec<String> = (0..150).map(|i| format!("db{i}")).collect();
    assert_eq!(profilable(&many).len(), MAX_DATABASES);
}

#[test]
fn entries_group_by_shape_into_rows_without_values() {
    let entries = batch("medium_profile_7.0.json");
    assert_eq!(entries.len(), 4, "our own entry is dropped");
    let stats = query_stats(&entries);
    let rows: Vec<(&str, u64, f64)> =
        stats.iter().map(|q| (q.text.as_str(), q.calls, q.total_time_ms)).collect();
    assert_eq!(
        rows,
        [
            ("find shop.orders {status, customerId} (profiler, COLLSCAN)", 2, 420.0),
            ("aggregate shop.orders (profiler, IXSCAN { createdAt: -1 })", 1, 130.0),
            ("update shop.orders {status} (profiler, IXSCAN { status: 1 })", 1, 105.0),
        ]
    );
    let scan = &stats[0];
    assert_eq!(scan.id, "profile:shop.orders:query:7A31C0DE");
    assert_eq!(
        (scan.database.as_str(), scan.user.as_str(), scan.rows, scan.mean_time_ms),
        ("shop", "orders_app@shop", 4, 210.0)
    );
    assert_eq!(scan.counter(c::DOCS_EXAMINED), Some(103_900.0));
    assert_eq!(scan.counter(c::SLOWEST_MS), Some(240.0));
    assert_eq!(scan.counter(c::KEYS_EXAMINED), None, "a collection scan examines no keys");
}

#[test]
fn version_8_shape_hash_and_mixed_users() {
    let stats = query_stats(&batch("medium_profile_8.0.json"));
    assert_eq!(stats.len(), 1);
    let sweep = &stats[0];
    assert_eq!(sweep.id, "profile:shop.carts:remove:C0FFEE01");
    assert_eq!(sweep.text, "remove shop.carts {expiresAt} (profiler, COLLSCAN)");
    assert_eq!((sweep.calls, sweep.user.as_str()), (2, ""), "two users: none named");
}

#[test]
fn watermarks_move_to_the_newest_entry_seen() {
    let now = 1_714_557_720_000;
    let mut marks = Watermarks::default();
    assert_eq!(marks.after("shop", now), now - FIRST_LOOK_BACK_MS);
    marks.saw("shop", &batch("medium_profile_7.0.json"));
    assert_eq!(marks.after("shop", now), 1_714_557_650_120);
    marks.saw("shop", &[]);
    assert_eq!(marks.after("shop", now), 1_714_557_650_120, "an empty read keeps the mark");
    marks.off("shop");
    assert_eq!(marks.after("shop", now), now - FIRST_LOOK_BACK_MS);
}

#[test]
fn long_filters_and_plans_are_cut() {
    let e = Entry {
        op: "query".into(),
        ns: "a.b".into(),
        filter_fields: (0..10).map(|i| format!("f{i}")).collect(),
        plan: "IXSCAN ".repeat(20),
        ..Entry::default()
    };
    let text = shape_text(&e);
    assert!(text.starts_with("find a.b {f0, f1, f2, f3, f4, f5, f6, f7, …} (profiler, IXSCAN"), "{text}");
    assert!(text.chars().count() < 120, "{text}");
}
