//! Property tests over this tier's parsers of outside input: whatever the server (or an
//! application quoted in a deadlock report) sends, each parser returns a value or an
//! error and never panics, and the deltas built on them stay sane.

use super::super::rows::from_batch;
use super::*;
use crate::model::Timestamp;
use proptest::prelude::*;

fn cases() -> ProptestConfig {
    ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() }
}

/// Values SQL Server could print, and some it could not.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("NULL".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|f| f.to_string()),
        "20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]\\.[0-9]{6}",
        "0x[0-9A-F]{16}",
        "[A-Z_ ]{0,20}",
        "[^\t\n]{0,30}",
    ]
}

/// A reply with `columns` as header and a few rows of random values.
fn reply(columns: &'static [&'static str]) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(value(), columns.len()), 0..4).prop_map(move |rows| {
        let mut text = columns.join("\t");
        for r in rows {
            text.push('\n');
            text.push_str(&r.join("\t"));
        }
        text
    })
}

const RUNTIME: &[&str] = &[
    "query_store_state",
    "readonly_reason",
    "server_now",
    "query_id",
    "plan_id",
    "interval_id",
    "execution_type",
    "interval_end",
    "executions",
    "duration_us",
    "cpu_us",
    "logical_reads",
    "physical_reads",
    "logical_writes",
    "row_count",
    "memory_kb",
    "tempdb_pages",
    "log_bytes",
    "min_duration_us",
    "max_duration_us",
    "first_execution",
    "last_execution",
];
const PLAN_CACHE: &[&str] = &[
    "query_hash",
    "executions",
    "duration_us",
    "cpu_us",
    "logical_reads",
    "plans",
    "min_duration_us",
    "max_duration_us",
    "oldest_plan",
    "last_execution",
    "server_now",
];
const FILES: &[&str] = &[
    "database_name",
    "file_id",
    "file_name",
    "file_type",
    "physical_name",
    "size_bytes",
    "max_size_pages",
    "growth",
    "is_percent_growth",
];
const LOG: &[&str] = &["database_name", "counter_name", "cntr_value"];
const AG: &[&str] = &[
    "ag_name",
    "replica_server_name",
    "endpoint_url",
    "availability_mode_desc",
    "is_local",
    "role_desc",
    "connected_state_desc",
    "replica_health",
    "primary_replica",
    "database_name",
    "is_primary_replica",
    "synchronization_state_desc",
    "log_send_queue_kb",
    "redo_queue_kb",
    "redo_rate_kb_s",
    "secondary_lag_seconds",
    "last_commit_time",
    "received_age_s",
];
const DATABASES: &[&str] = &["database_name", "is_query_store_on", "has_access", "updateability"];

/// Text that looks like a deadlock report often enough to reach the field readers.
fn xmlish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<deadlock>".to_owned()),
        Just("</deadlock>".to_owned()),
        Just("<victim-list><victimProcess id=\"p1\"/></victim-list>".to_owned()),
        Just("<process-list>".to_owned()),
        Just("</process-list>".to_owned()),
        "<process id=\"p[0-9]\" spid=\"[0-9-]{1,12}\" waittime=\"[0-9a-z]{0,6}\" loginname=\"[^\"<&]{0,10}\">"
            .prop_map(|s| s),
        Just("</process>".to_owned()),
        "<inputbuf>[^<&]{0,40}</inputbuf>".prop_map(|s| s),
        Just("<resource-list>".to_owned()),
        Just("</resource-list>".to_owned()),
        "<(keylock|exchangeEvent|x) objectname=\"[a-z.]{0,8}\"><owner-list><owner id=\"p[0-9]\" mode=\"X\"/></owner-list><waiter-list><waiter id=\"p[0-9]\"/></waiter-list></(keylock|exchangeEvent|x)>"
            .prop_map(|s| s),
        Just("<!DOCTYPE d [<!ENTITY e \"x\">]>".to_owned()),
        Just("&e;&amp;&#x41;&#0;".to_owned()),
        ".{0,10}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(cases())]

    #[test]
    fn deadlock_reports_never_panic(xml in xmlish(), any_text in ".{0,200}", at in ".{0,30}") {
        for text in [&xml, &any_text] {
            if let Ok(d) = deadlock::parse(text, &at) {
                let s = d.summary();
                prop_assert!(s.chars().count() <= 3_001);
                prop_assert_eq!(d.fact().name, deadlock::FACT);
            }
        }
        let escaped = xml.replace('\t', "\\t").replace('\n', "\\n");
        let rows = from_batch(&format!("event_time\treports\treport_xml\n{at}\t1\t{escaped}\n"));
        let _ = deadlocks::parse_reports(&rows);
    }

    #[test]
    fn statement_builders_take_only_what_they_check(name in ".{0,140}", since in ".{0,30}", ids in prop::collection::vec(any::<i64>(), 0..5)) {
        if let Some(sql) = query_store::runtime_sql(&name, 16, Some(&since)) {
            prop_assert!(sql.contains("].sys.query_store_plan"));
            let baseline = query_store::runtime_sql(&name, 16, None).unwrap_or_default();
            prop_assert!(built::is_server_time(&since) || sql == baseline);
        }
        let _ = query_store::texts_sql(&name, &ids);
        let _ = plan_cache::texts_sql(&[name.clone(), since.clone()]);
        let _ = built::server_seconds(&since);
        let _ = built::fill(&name, &[("db", &since)]);
    }

    #[test]
    fn query_store_rows_and_deltas_never_panic(a in reply(RUNTIME), b in reply(RUNTIME), dbs in reply(DATABASES)) {
        let mut baseline = query_store_deltas::Baseline::default();
        let _ = baseline.advance(Timestamp(0), query_store::parse_runtime(&from_batch(&a)));
        let next = baseline.advance(Timestamp(60_000), query_store::parse_runtime(&from_batch(&b)));
        for (_, s) in &next.statements {
            prop_assert!(s.totals.executions > 0);
            prop_assert!(s.totals.duration_us >= 0.0);
        }
        let databases = query_store::databases(&from_batch(&dbs));
        let states = query_store_state::states(&databases, &Default::default());
        let _ = query_store_state::notice(&states, "m");
    }

    #[test]
    fn plan_cache_rows_and_deltas_never_panic(a in reply(PLAN_CACHE), b in reply(PLAN_CACHE)) {
        let mut deltas = plan_cache::PlanCacheDeltas::default();
        let _ = deltas.advance(Timestamp(0), plan_cache::parse(&from_batch(&a)));
        let next = deltas.advance(Timestamp(60_000), plan_cache::parse(&from_batch(&b)));
        prop_assert!(next.statements.iter().all(|(_, s)| s.totals.executions > 0));
    }

    #[test]
    fn files_and_availability_groups_never_panic(f in reply(FILES), l in reply(LOG), ag in reply(AG)) {
        let list = files::files(&from_batch(&f));
        let _ = files::databases(&list);
        let _ = files::full_risk(&list);
        for m in files::log_used(&from_batch(&l)) {
            prop_assert!(m.value.is_finite() && m.value <= 100.0);
        }
        let (_, metrics) = availability_groups::replication(&availability_groups::parse(&from_batch(&ag)));
        prop_assert!(metrics.iter().all(|m| !m.value.is_nan()));
    }
}
