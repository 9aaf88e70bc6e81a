use super::*;

fn queries(stats: Value) -> Value {
    json!({ "kind": "queries", "data": { "since": 5, "stats": stats, "tracked": 3 } })
}

fn round_trip(original: &Value) -> Value {
    let mut stored = original.clone();
    to_columns(&mut stored);
    let text = serde_json::to_string(&stored).unwrap();
    let mut read: Value = serde_json::from_str(&text).unwrap();
    to_rows(&mut read).unwrap();
    read
}

/// Field order included: `==` on maps ignores it, the JSON text does not.
fn same_text(a: &Value, b: &Value) -> bool {
    serde_json::to_string(a).unwrap() == serde_json::to_string(b).unwrap()
}

#[test]
fn statements_are_stored_as_columns_and_read_back_exactly() {
    let original = queries(json!([
        { "id": "a", "calls": 3, "total_time_ms": 1.5, "min_time_ms": null, "shared_blks_hit": 7.0 },
        { "id": "b", "calls": 1, "total_time_ms": 0.1, "mean_time_ms": 0.30000000000000004, "min_time_ms": 2.0 },
        { "id": "c", "calls": 9, "total_time_ms": -0.0, "min_time_ms": 1e300, "wal_bytes": 1 },
    ]));
    let mut stored = original.clone();
    to_columns(&mut stored);
    assert_eq!(stored.pointer("/data/stats/rows"), Some(&json!(3)));
    assert_eq!(stored.pointer("/data/stats/columns/calls"), Some(&json!([3, 1, 9])));
    assert_eq!(stored.pointer("/data/stats/columns/min_time_ms"), Some(&json!([null, 2.0, 1e300])));
    assert_eq!(
        stored.pointer("/data/stats/columns/mean_time_ms"),
        Some(&json!({ "rows": [1], "values": [0.30000000000000004] }))
    );
    let names: Vec<&String> =
        stored.pointer("/data/stats/columns").unwrap().as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        // Each name where its row had it: wal_bytes right after min_time_ms, as in the third row.
        ["id", "calls", "total_time_ms", "mean_time_ms", "min_time_ms", "wal_bytes", "shared_blks_hit"]
    );
    assert!(same_text(&round_trip(&original), &original));
}

#[test]
fn rows_whose_fields_disagree_on_order_stay_rows() {
    let original = queries(json!([{ "a": 1, "b": 2 }, { "b": 3, "a": 4 }]));
    let mut stored = original.clone();
    to_columns(&mut stored);
    assert!(stored.pointer("/data/stats").unwrap().is_array());
    assert!(same_text(&round_trip(&original), &original));
}

#[test]
fn empty_lists_empty_rows_other_kinds_and_old_bodies_are_left_alone() {
    for original in [
        queries(json!([])),
        queries(json!([{ "a": 1 }, {}])),
        queries(json!([1, 2])),
        json!({ "kind": "activity", "data": { "stats": [{ "a": 1 }] } }),
        json!({ "kind": "queries", "data": { "availability": "off" } }),
    ] {
        let mut stored = original.clone();
        to_columns(&mut stored);
        assert!(same_text(&stored, &original), "{original}");
        let mut read = stored.clone();
        to_rows(&mut read).unwrap();
        assert!(same_text(&read, &original), "{original}");
    }
}

#[test]
fn a_field_first_seen_late_keeps_its_place_in_every_row() {
    let original = queries(json!([
        { "id": "a", "calls": 1 },
        { "id": "b", "rows": 5, "calls": 2 },
        { "id": "c", "rows": 6 },
    ]));
    assert!(same_text(&round_trip(&original), &original));
}

#[test]
fn a_damaged_stored_form_is_an_error() {
    for stats in [
        json!({ "columns": { "a": [1] } }),
        json!({ "rows": 1 }),
        json!({ "rows": 2, "columns": { "a": [1] } }),
        json!({ "rows": 1_000_000_000_000_u64, "columns": { "a": [1] } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": { "rows": [2], "values": [1] } } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": { "rows": [1, 0], "values": [1, 2] } } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": { "rows": [1, 1], "values": [1, 2] } } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": { "rows": [0], "values": [] } } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": { "rows": [-1], "values": [3] } } }),
        json!({ "rows": 2, "columns": { "a": [1, 2], "b": 7 } }),
        json!({ "rows": 2, "columns": [1, 2] }),
    ] {
        let mut body = queries(stats.clone());
        assert!(to_rows(&mut body).is_err(), "{stats}");
    }
}
