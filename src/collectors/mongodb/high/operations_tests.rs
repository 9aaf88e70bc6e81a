use super::*;
use crate::collectors::mongodb::doc::fixture;

fn batch(name: &str) -> Vec<OpRead> {
    let reply = fixture(name);
    let ops: Vec<Document> = doc::docs(&reply, "ops").into_iter().cloned().collect();
    assert!(!ops.is_empty(), "{name}: {reply}");
    parse(&ops)
}

fn by_id(reads: &[OpRead], id: i64) -> &Session {
    reads.iter().map(|r| &r.session).find(|s| s.id == id).unwrap_or_else(|| panic!("no op {id}"))
}

fn extra<'a>(s: &'a Session, name: &str) -> Option<&'a str> {
    s.extra.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

#[test]
fn a_lock_wait_pair_points_at_the_holder() {
    let reads = batch("high_current_ops_lock_wait.json");
    assert_eq!(reads.len(), 9);
    let holder = by_id(&reads, 9101);
    assert_eq!(holder.state, SessionState::Active);
    assert_eq!(holder.query, "collMod orders");
    assert_eq!(
        extra(holder, "locks"),
        Some(
            "FeatureCompatibilityVersion IX, ReplicationStateTransition IX, Global IX, Database IX, Collection X"
        )
    );
    let update = by_id(&reads, 9102);
    assert_eq!(update.state, SessionState::WaitingForLock);
    assert_eq!(update.blocked_by, vec![9101]);
    assert_eq!(update.query, "update orders {_id}");
    assert_eq!(
        update.wait.as_ref().map(|w| (w.category, w.label())),
        Some((WaitCategory::Locks, "Lock:Collection".to_owned()))
    );
    assert_eq!(extra(update, "waiting for"), Some("lock on Collection shop.orders (IX)"));
    assert_eq!(extra(update, "time acquiring locks"), Some("9100.2 ms"));
    assert_eq!(update.query_ms, Some(9_120));
    assert_eq!(
        (update.user.as_str(), update.database.as_str(), update.application.as_str()),
        ("orders_app", "shop", "orders-api")
    );
    assert_eq!(update.client, "10.20.3.7");
    let find = by_id(&reads, 9103);
    assert_eq!(find.blocked_by, vec![9101], "X blocks readers too");
    assert_eq!(find.query, "find orders {status, customerId}");
    assert_eq!(extra(find, "filter types"), Some("{status: string, customerId: {$in: [long]}}"));
    assert_eq!(extra(find, "planSummary"), Some("IXSCAN { status: 1, customerId: 1 }"));
    let slow = by_id(&reads, 9104);
    assert!(slow.blocked_by.is_empty() && slow.state == SessionState::Active);
    assert_eq!(slow.query_ms, Some(7_450));
    assert_eq!(by_id(&reads, 9105).query, "getMore events");
    let insert = by_id(&reads, 9106);
    assert_eq!(insert.wait.as_ref().map(|w| w.label()).as_deref(), Some("Other:FlowControl"));
    assert_eq!(insert.native_state, "active, waiting for flow control");
    let killed = by_id(&reads, 9107);
    assert_eq!(killed.query, "dbStats (shop)");
    assert_eq!(killed.client, "fd00::12");
    assert!(extra(killed, "kill pending").is_some());
    assert_eq!(killed.user, "");
    for background in [9108, 9109] {
        let s = by_id(&reads, background);
        assert_eq!(s.state, SessionState::Other, "internal threads are not client work");
        assert!(s.query.is_empty() && s.native_state.starts_with("background: "));
    }
    let sessions: Vec<Session> = reads.iter().map(|r| r.session.clone()).collect();
    let forest = crate::model::blocking_forest(&sessions);
    assert_eq!(forest.first().map(|n| (n.session_id, n.blocked_count)), Some((9101, 2)));
}

#[test]
fn an_idle_transaction_blocks_a_drop() {
    let reads = batch("high_current_ops_idle_txn.json");
    let idle = by_id(&reads, 7001);
    assert_eq!(idle.state, SessionState::IdleInTransaction);
    assert_eq!(idle.native_state, "idleSession, transaction open");
    assert_eq!((idle.xact_ms, idle.state_ms, idle.query_ms), (Some(95_120), Some(90_003), None));
    let drop = by_id(&reads, 7002);
    assert_eq!(drop.state, SessionState::WaitingForLock);
    assert_eq!(drop.blocked_by, vec![7001]);
    assert_eq!(drop.query, "drop invoices");
    let in_txn = by_id(&reads, 7003);
    assert_eq!((in_txn.state, in_txn.xact_ms), (SessionState::Active, Some(4_120)));
    let idle_session = by_id(&reads, 7004);
    assert_eq!(idle_session.state, SessionState::Idle);
    assert!(idle_session.blocked_by.is_empty() && idle_session.database.is_empty());
    // Waiting for events by design is not slow work.
    let monitor = by_id(&reads, 7005);
    assert_eq!(
        (monitor.state, monitor.native_state.as_str()),
        (SessionState::Other, "awaiting a topology change")
    );
    assert_eq!(monitor.query, "hello (admin)");
    let stream = by_id(&reads, 7006);
    assert_eq!(
        (stream.state, stream.native_state.as_str()),
        (SessionState::Other, "awaiting data (tailable cursor)")
    );
}

#[test]
fn mongos_string_opids_stay_distinct_and_keep_their_text() {
    let reads = batch("high_current_ops_mongos.json");
    assert_eq!(reads.len(), 3);
    let ids: Vec<i64> = reads.iter().map(|r| r.session.id).collect();
    assert!(ids[0] != ids[1] && ids[0] > 0 && ids[1] > 0, "{ids:?}");
    assert_eq!(ids[0] & 0xFFFF_FFFF, 120_331);
    assert_eq!(ids[2], 3301);
    let a = &reads[0].session;
    assert_eq!(extra(a, "opid"), Some("shardA:120331"));
    assert_eq!(a.client, "10.40.2.2", "mongos names the client client_s");
    assert_eq!(a.query, "find products {tags, price}");
    assert_eq!(extra(a, "filter types"), Some("{tags: {$all: [string]}, price: {$lt: double}}"));
    assert_eq!(reads[2].session.query, "aggregate products");
    assert!(reads.iter().all(|r| r.session.blocked_by.is_empty() && r.session.wait.is_none()));
}

#[test]
fn ids_texts_and_odd_documents() {
    assert_eq!(op_id(&Bson::Int32(7)), Some((7, None)));
    assert_eq!(op_id(&Bson::Int64(1 << 40)), Some((1 << 40, None)));
    assert_eq!(op_id(&Bson::String("shard0000:notanumber".into())), None);
    assert_eq!(op_id(&Bson::String("12".into())), None);
    assert_eq!(op_id(&Bson::Null), None);
    assert_eq!(text_of("q", "remove", "shop.orders", None), "delete orders");
    assert_eq!(text_of("", "none", "", None), "");
    assert_eq!(text_of("hello", "command", "admin.$cmd", None), "hello (admin)");
    assert_eq!(without_port("mongo.internal"), "mongo.internal");
    // No opid: skipped; nothing else required.
    let reads = parse(&[mongodb::bson::doc! { "ns": "a.b" }, mongodb::bson::doc! { "opid": 5 }]);
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].session.state, SessionState::Other);
}
