//! Schema tier unit tests (pure parts; the live ones are in tests/integration).
use super::*;
use crate::collectors::postgres::connect::tests::target;
use crate::config::TlsMode;

#[tokio::test]
async fn databases_out_of_budget_or_privilege_are_errors_not_failures() {
    let mut t = target("127.0.0.1", TlsMode::Disable);
    t.port = 1;
    t.query_timeout = Duration::from_secs(5);
    // The round stops a fifth before the scheduler's schema deadline.
    let deadline = crate::collectors::scheduler::schema_round_timeout(t.query_timeout * 3);
    assert_eq!(round_budget(&t), deadline * 4 / 5);
    let entry = |name: &str, can_connect| DatabaseEntry { name: name.into(), can_connect };
    let (db, _) = read_one(&t, entry("locked", false), Instant::now() + Duration::from_secs(5)).await;
    assert!(db.error.is_some_and(|e| e.contains("permission denied for database \"locked\"")));
    let (db, _) = read_one(&t, entry("late", true), Instant::now()).await;
    assert!(db.error.is_some_and(|e| e.contains("ran out of time")));
    // Nothing listens on port 1: the connection error is the database's error.
    let (dbs, notes) = read_all(&t, vec![entry("a", true), entry("b", false)]).await;
    assert_eq!(dbs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(), ["a", "b"]);
    assert!(dbs.iter().all(|d| d.error.is_some() && d.schemas.is_empty()) && notes.is_empty());
}
