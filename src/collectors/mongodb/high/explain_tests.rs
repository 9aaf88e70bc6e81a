use super::*;
use crate::collectors::mongodb::commands;
use crate::collectors::mongodb::doc::fixture;
use crate::collectors::mongodb::high::operations;

fn batch(name: &str) -> Vec<OpRead> {
    let reply = fixture(name);
    let ops: Vec<Document> = doc::docs(&reply, "ops").into_iter().cloned().collect();
    operations::parse(&ops)
}

#[test]
fn classic_slot_based_and_router_plans_read_as_stage_trees() {
    assert_eq!(
        plan_lines(&fixture("high_explain_5.0.json")),
        vec!["FETCH", "  IXSCAN createdAt_-1 {createdAt: -1} backward", "(1 other plan considered)"]
    );
    assert_eq!(
        plan_lines(&fixture("high_explain_7.0_sbe.json")),
        vec!["FETCH", "  IXSCAN status_1_customerId_1 {status: 1, customerId: 1} multikey"]
    );
    assert_eq!(
        plan_lines(&fixture("high_explain_mongos.json")),
        vec![
            "SHARD_MERGE",
            "  shard shardA",
            "    SHARDING_FILTER",
            "      COLLSCAN",
            "  shard shardB",
            "    SHARDING_FILTER",
            "      COLLSCAN",
        ]
    );
    assert!(plan_lines(&Document::new()).is_empty());
    let shown = explained(&Document::new(), &["$or".to_owned()]);
    assert_eq!(shown[0], "of the shape with placeholder values, without $or (queryPlanner; not run)");
    assert_eq!(shown[1], "the server returned no winning plan");
}

#[test]
fn slow_operations_outside_locked_databases_three_a_round_once_each() {
    // shop has lock waiters: its slow find on customers is not explained (it would queue).
    let locked = batch("high_current_ops_lock_wait.json");
    assert!(PlanCache::default().wanted(&locked).is_empty());

    let mut reads = batch("high_current_ops_lock_wait.json");
    for r in &mut reads {
        r.locks.waiting = false;
        if r.session.state == SessionState::WaitingForLock {
            r.session.state = SessionState::Active;
        }
    }
    let mut cache = PlanCache::default();
    let wanted = cache.wanted(&reads);
    // 9103 find orders (6.0 s) and 9102 update orders (9.1 s); 9104 find customers (7.5 s).
    let names: Vec<(&str, bool, String)> =
        wanted.iter().map(|k| (k.collection.as_str(), k.count, k.shape.names())).collect();
    assert_eq!(
        names,
        vec![
            ("orders", false, "{_id}".to_owned()),
            ("customers", false, "{email, createdAt}".to_owned()),
            ("orders", false, "{status, customerId}".to_owned()),
        ]
    );
    for key in &wanted {
        let (command, left_out) = key.command();
        assert!(commands::check(&command).is_ok(), "{command}");
        assert!(left_out.is_empty());
        assert_eq!(command.get_str("verbosity"), Ok("queryPlanner"));
    }
    let (command, _) = wanted[1].command();
    assert_eq!(
        command,
        doc! { "explain": { "find": "customers", "filter": {
            "email": mongodb::bson::Regex { pattern: "^x".into(), options: String::new() },
            "createdAt": { "$gte": mongodb::bson::DateTime::from_millis(0) },
        } }, "verbosity": "queryPlanner" }
    );
    cache.remember(wanted[1].clone(), explained(&fixture("high_explain_5.0.json"), &[]));
    assert_eq!(cache.wanted(&reads).len(), 2, "asked once per shape");
    cache.attach(&mut reads);
    let customers = reads.iter().find(|r| r.session.id == 9104).map(|r| &r.session.extra);
    let plan: Vec<&str> = customers
        .into_iter()
        .flatten()
        .filter(|(n, _)| n.starts_with("plan "))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(plan.len(), 4);
    assert_eq!(plan[1], "FETCH");
}

#[test]
fn counts_routers_and_what_is_not_explained() {
    let reads = batch("high_current_ops_mongos.json");
    let cache = PlanCache::default();
    let wanted = cache.wanted(&reads);
    assert_eq!(wanted.len(), 1, "both shards' parts of one find are one shape: {wanted:?}");
    let (command, _) = wanted[0].command();
    assert_eq!(
        command,
        doc! { "explain": { "find": "products", "filter": {
            "tags": { "$all": [ "x" ] }, "price": { "$lt": 0.0 },
        } }, "verbosity": "queryPlanner" }
    );
    let mut count = reads[0].clone();
    count.command = "count".into();
    let key = ExplainKey::of(&count);
    assert!(key.as_ref().is_some_and(|k| k.count));
    let (command, _) = key.map(|k| k.command()).unwrap_or_default();
    assert!(commands::check(&command).is_ok() && format!("{command}").contains("\"count\""));
    // aggregate and getMore carry no filter shape; neither does a command on db.$cmd.
    assert_eq!(ExplainKey::of(&reads[2]), None);
    let mut remembered = PlanCache::default();
    for i in 0..(REMEMBERED + 10) {
        let mut key = wanted[0].clone();
        key.collection = format!("c{i}");
        remembered.remember(key, vec![]);
    }
    assert_eq!(remembered.plans.len(), REMEMBERED, "the oldest shapes are forgotten");
}
