//! Tests of `statements.rs`: the per-round share of databases and the snapshot rates.
use super::*;

#[test]
fn databases_in_turns_beyond_the_cap() {
    let names: Vec<String> = (0..5).map(|i| format!("db{i}")).collect();
    let mut turn = 0;
    assert_eq!(this_turn(&names, &mut turn, 5), (names.clone(), false));
    assert_eq!(turn, 0);
    let (first, in_turns) = this_turn(&names, &mut turn, 2);
    assert!(in_turns);
    assert_eq!(first, ["db0", "db1"]);
    assert_eq!(this_turn(&names, &mut turn, 2).0, ["db2", "db3"]);
    assert_eq!(this_turn(&names, &mut turn, 2).0, ["db4", "db0"], "wraps around");
    assert_eq!(this_turn(&names, &mut turn, 2).0, ["db1", "db2"]);
    assert_eq!(this_turn(&[], &mut turn, 2), (Vec::new(), false));
}

fn database(name: &str, query_store_on: bool) -> Database {
    Database { name: name.into(), query_store_on, has_access: true, writable: true }
}

#[test]
fn the_notice_is_told_once_per_situation_and_facts_stay() {
    let mut st = StatementsState::default();
    let dbs = [database("shop", true), database("hr", false)];
    st.read.insert("shop".into(), State::of("READ_WRITE", 0));
    let (mut problems, mut metrics) = (Vec::new(), Vec::new());
    assert!(st.settle(&dbs, "monitor", &mut problems, &mut metrics), "shop records");
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("ALTER DATABASE [hr] SET QUERY_STORE = ON;"), "{}", problems[0]);
    assert_eq!(metrics.len(), 2);
    problems.clear();
    st.settle(&dbs, "monitor", &mut problems, &mut metrics);
    assert!(problems.is_empty(), "the same situation is not told again: the target is not DEGRADED for it");
    let facts = st.posture_facts();
    assert!(facts.iter().any(|f| f.name == qs_state::STATE_FACT && f.key == "hr" && f.value == "OFF"));
    // Query Store went read-only in shop: nothing records, a new situation, told.
    st.read.insert("shop".into(), State::of("READ_ONLY", 65_536));
    assert!(!st.settle(&dbs, "monitor", &mut problems, &mut metrics));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].starts_with("statement statistics come from the plan cache"), "{}", problems[0]);
    problems.clear();
    st.forget();
    st.settle(&dbs, "monitor", &mut problems, &mut metrics);
    assert_eq!(problems.len(), 1, "told again after a reconnect");
    let all_on = [database("shop", true)];
    st.read.insert("shop".into(), State::of("READ_WRITE", 0));
    problems.clear();
    assert!(st.settle(&all_on, "monitor", &mut problems, &mut metrics));
    assert!(problems.is_empty());
    assert!(st.posture_facts().iter().any(|f| f.name == qs_state::SOURCE_FACT && f.value == "query_store"));
}

#[test]
fn refusals_name_the_grant() {
    let denied =
        Refusal { code: 297, message: "VIEW DATABASE STATE permission denied in database 'shop'.".into() };
    let p = query_store_refused("shop", &denied, "monitor");
    assert!(
        p.starts_with("Query Store of database shop: permission denied") && p.contains("VIEW DATABASE STATE"),
        "{p}"
    );
    let closed = Refusal { code: 916, message: "The server principal \"monitor\" is not able to access the database \"shop\" under the current security context.".into() };
    let p = query_store_refused("shop", &closed, "monitor");
    assert!(p.ends_with("(error 916); run GRANT CONNECT ANY DATABASE TO [monitor];"), "{p}");
}

#[test]
fn rates_need_an_interval() {
    let mut m = Vec::new();
    let stat = QueryStat { calls: 120, total_time_ms: 600.0, ..Default::default() };
    rates(&snapshot(None, vec![stat.clone()], 1, false), Timestamp(60_000), &mut m);
    assert!(m.is_empty(), "a baseline has no rate");
    rates(&snapshot(Some(Timestamp(0)), vec![stat], 1, false), Timestamp(60_000), &mut m);
    assert_eq!(m.len(), 2);
    assert_eq!((m[0].name.as_str(), m[0].value), (metric::QUERY_CALLS_PER_S, 2.0));
    assert_eq!((m[1].name.as_str(), m[1].value), (metric::QUERY_TIME_MS_PER_S, 10.0));
}
