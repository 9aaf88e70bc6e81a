//! Plans on demand against a real server: in the statement's own database, generic plans
//! of normalised statements from PostgreSQL 16 (and the "needs the literal text" answer
//! before), nothing ever run (an INSERT stays un-inserted, a second statement is refused
//! by the server), a lock answered within lock_timeout, a missing privilege named.

use crate::support::postgres::{PWUSER_PASSWORD, TestCluster};
use logstag::collectors::planner::Planner;
use logstag::config::{Secret, TargetConfig, TlsMode};
use logstag::model::{Plan, PlanNode, PlanOrigin, PlanRequest};
use std::time::{Duration, Instant};

/// A table with a primary key and enough rows that an equality on it is an index scan.
fn orders_in(cluster: &TestCluster, database: &str, grant_to_monitor: bool) {
    cluster.psql("postgres", &format!("CREATE DATABASE {database}"));
    for sql in [
        "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, amount numeric)",
        "INSERT INTO orders SELECT g, g % 100, g FROM generate_series(1, 20000) g",
        "ANALYZE orders",
    ] {
        cluster.psql(database, sql);
    }
    if grant_to_monitor {
        cluster.psql(database, "GRANT SELECT ON orders TO monitor");
    }
}

async fn plan_of(
    target: &TargetConfig,
    database: &str,
    text: &str,
    origin: PlanOrigin,
) -> Result<Plan, String> {
    let planner = Planner::of(target).expect("PostgreSQL plans on demand");
    planner.plan(PlanRequest { database: database.into(), text: text.into(), origin }).await
}

fn nodes(node: &PlanNode) -> Vec<&PlanNode> {
    let mut out = vec![node];
    for child in &node.children {
        out.extend(nodes(child));
    }
    out
}

async fn count(cluster: &TestCluster, database: &str, sql: &str) -> i64 {
    cluster.client(database).await.query_one(sql, &[]).await.unwrap().get(0)
}

/// The collector's database is `postgres`; the table exists only in the statement's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn literal_select_is_planned_in_the_statements_database() {
    let cluster = TestCluster::shared();
    orders_in(cluster, "plan_literal", true);
    let target = cluster.target_config("monitor", "postgres");
    let text = "SELECT * FROM orders o WHERE o.id = 42 ;\n";
    let plan = plan_of(&target, "plan_literal", text, PlanOrigin::Session).await.expect("a plan");
    let scan =
        nodes(&plan.root).into_iter().find(|n| n.operator.starts_with("Index")).expect("an index scan");
    assert_eq!(scan.relation.as_deref(), Some("orders o"));
    assert_eq!(scan.index.as_deref(), Some("orders_pkey"));
    assert!(scan.details.iter().any(|(k, v)| k == "Index Cond" && v.contains("42")), "{:?}", scan.details);
    assert!(plan.root.total_cost.is_some_and(|c| c > 0.0) && plan.root.rows == Some(1.0), "{:?}", plan.root);
    assert!(plan.notes.is_empty(), "a literal text is not a generic plan: {:?}", plan.notes);
    // The same text in the collector's database: the table is not there.
    let elsewhere = plan_of(&target, "postgres", text, PlanOrigin::Session).await.err().unwrap_or_default();
    assert!(elsewhere.contains("relation \"orders\" does not exist"), "{elsewhere}");
}

/// pg_stat_statements' text with `$1`: GENERIC_PLAN from 16, a clear refusal before.
pub async fn normalised_statement_gets_a_generic_plan_from_16(major: u32) {
    let cluster = TestCluster::shared_version(major);
    orders_in(cluster, "plan_generic", true);
    let target = cluster.target_config("monitor", "postgres");
    let text = "SELECT amount FROM orders WHERE id = $1 AND customer_id = $2";
    let answer = plan_of(&target, "plan_generic", text, PlanOrigin::Statement).await;
    if major >= 16 {
        let plan = answer.expect("a generic plan");
        let scan = nodes(&plan.root)
            .into_iter()
            .find(|n| n.index.as_deref() == Some("orders_pkey"))
            .expect("index scan");
        // Planned without values: the condition keeps the placeholder, no constant was folded in.
        assert!(
            scan.details.iter().any(|(k, v)| k == "Index Cond" && v.contains("$1")),
            "{:?}",
            scan.details
        );
        assert!(plan.notes.iter().any(|n| n.starts_with("generic plan")), "{:?}", plan.notes);
    } else {
        let message = answer.err().unwrap_or_default();
        assert!(message.contains("needs the literal text") && message.contains("16"), "{message}");
    }
    // The generic path runs its text unbound, so it must stay one statement and run
    // nothing either: as the superuser, a second statement and an INSERT.
    let superuser = cluster.target_config("postgres", "postgres");
    let two = "SELECT amount FROM orders WHERE id = $1; DROP TABLE orders";
    let message =
        plan_of(&superuser, "plan_generic", two, PlanOrigin::Statement).await.err().unwrap_or_default();
    assert!(message.contains("more than one statement"), "{message}");
    let insert = "INSERT INTO orders (id, customer_id, amount) VALUES ($1, $2, $3)";
    let answer = plan_of(&superuser, "plan_generic", insert, PlanOrigin::Statement).await;
    assert_eq!(answer.is_ok(), major >= 16, "{answer:?}");
    assert_eq!(count(cluster, "plan_generic", "SELECT count(*) FROM orders").await, 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explaining_an_insert_inserts_nothing() {
    let cluster = TestCluster::shared();
    cluster.psql("postgres", "CREATE DATABASE plan_insert");
    cluster.psql("plan_insert", "CREATE TABLE t (id int)");
    // The superuser: every privilege, so only the plan's own safety keeps the row out.
    let target = cluster.target_config("postgres", "postgres");
    let before = count(cluster, "plan_insert", "SELECT count(*) FROM t").await;
    let plan = plan_of(&target, "plan_insert", "INSERT INTO t VALUES (1), (2);", PlanOrigin::Session)
        .await
        .expect("a plan of the insert");
    assert_eq!((plan.root.operator.as_str(), plan.root.relation.as_deref()), ("Insert", Some("t")));
    assert_eq!(count(cluster, "plan_insert", "SELECT count(*) FROM t").await, before);
    assert_eq!(before, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_statement_is_refused_by_the_server_and_nothing_runs() {
    let cluster = TestCluster::shared();
    cluster.psql("postgres", "CREATE DATABASE plan_two");
    cluster.psql("plan_two", "CREATE TABLE victim (id int)");
    let target = cluster.target_config("postgres", "postgres");
    for text in
        ["SELECT 1; DROP TABLE victim", "SELECT 1; DROP TABLE victim;", "select 1;drop table victim --"]
    {
        let message = plan_of(&target, "plan_two", text, PlanOrigin::Session).await.err().unwrap_or_default();
        assert!(
            message.contains("more than one statement") && message.contains("nothing was run"),
            "{message}"
        );
    }
    let exists = "SELECT count(*) FROM pg_class WHERE relname = 'victim'";
    assert_eq!(count(cluster, "plan_two", exists).await, 1, "the table must still exist");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_table_answers_with_the_lock_within_lock_timeout() {
    let cluster = TestCluster::shared();
    orders_in(cluster, "plan_locked", true);
    let holder = cluster.client("plan_locked").await;
    holder.batch_execute("BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE").await.unwrap();
    let target = cluster.target_config("monitor", "postgres");
    assert_eq!(target.lock_timeout, Duration::from_secs(1));
    let started = Instant::now();
    let message = plan_of(&target, "plan_locked", "SELECT * FROM orders WHERE id = 1", PlanOrigin::Session)
        .await
        .err()
        .unwrap_or_default();
    let took = started.elapsed();
    assert!(message.contains("a lock on orders is in the way (AccessExclusiveLock held by PID"), "{message}");
    assert!(message.contains("not planned, so as not to queue behind it"), "{message}");
    assert!(took >= Duration::from_millis(900), "it waited for lock_timeout: {took:?}");
    assert!(took < Duration::from_secs(5), "it did not queue behind the lock: {took:?}");
    holder.batch_execute("ROLLBACK").await.unwrap();
    // The lock gone, the same request plans.
    plan_of(&target, "plan_locked", "SELECT * FROM orders WHERE id = 1", PlanOrigin::Session)
        .await
        .expect("a plan");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_role_without_select_is_told_so_and_a_cut_text_is_not_planned() {
    let cluster = TestCluster::shared();
    orders_in(cluster, "plan_denied", false);
    let target = cluster.target_config("monitor", "postgres");
    let message = plan_of(&target, "plan_denied", "SELECT * FROM orders", PlanOrigin::Statement)
        .await
        .err()
        .unwrap_or_default();
    assert_eq!(message, "the monitoring role may not plan this: permission denied for table orders");
    // A session's text as long as track_activity_query_size (1024 bytes by default).
    let long = format!("SELECT 1 /* {} */", "x".repeat(1100));
    let cut = &long[..1023];
    let message = plan_of(&target, "plan_denied", cut, PlanOrigin::Session).await.err().unwrap_or_default();
    assert!(message.contains("cut at track_activity_query_size (1024 bytes)"), "{message}");
    // The same length from the statement statistics is whole (their texts are not cut).
    let message = plan_of(&target, "plan_denied", &long, PlanOrigin::Statement).await;
    assert!(message.is_ok(), "{message:?}");
}

/// The plan's own connection has the target's settings: TLS verified against the
/// target's CA, its user and password; a failure names the endpoint, never the password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_connects_with_the_targets_tls_and_credentials() {
    let cluster = TestCluster::start_tls_version(15);
    let mut target = cluster.target_config("pwuser", "postgres");
    target.password = Secret::new(PWUSER_PASSWORD);
    target.tls.mode = TlsMode::VerifyFull;
    let untrusted = plan_of(&target, "app", "SELECT 1", PlanOrigin::Session).await.err().unwrap_or_default();
    assert!(untrusted.contains("TLS") && untrusted.contains("/app"), "{untrusted}");
    target.tls.ca_file = Some(cluster.ca_cert());
    let plan =
        plan_of(&target, "app", "SELECT 1", PlanOrigin::Session).await.expect("a plan over verified TLS");
    assert_eq!(plan.root.operator, "Result");
    target.password = Secret::new("not-the-password-42");
    let denied = plan_of(&target, "app", "SELECT 1", PlanOrigin::Session).await.err().unwrap_or_default();
    assert!(denied.contains("password authentication failed for user \"pwuser\""), "{denied}");
    assert!(!denied.contains("not-the-password-42") && !denied.contains(PWUSER_PASSWORD), "{denied}");
}
