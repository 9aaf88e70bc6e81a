//! Every metric name in every Grafana dashboard, found in a scrape of a live agent that
//! monitors one target of each engine: a PostgreSQL primary with a streaming standby
//! through a slot, a Redis server with a memory limit and a replica of it, MariaDB, and
//! the SQL Server and MongoDB wire mocks replaying their tiers' fixtures (an availability
//! group, a replica set). A dashboard query on a name the agent never serves would draw
//! an empty panel for every user: this test names it.

use crate::grafana_dashboards::names_by_dashboard;
use crate::support::agent::{Agent, free_port};
use crate::support::mariadb::{MONITOR_PASSWORD, TestMariaDb};
use crate::support::mongo_wire::{MongoServer, Setup};
use crate::support::postgres::TestCluster;
use crate::support::redis::TestRedis;
use crate::support::tds::TdsServer;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

const PATIENCE: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_metric_is_served_by_a_live_agent() {
    let primary = TestCluster::start();
    primary.psql("postgres", "SELECT pg_create_physical_replication_slot('standby_slot', true)");
    primary.psql("postgres", "CREATE TABLE replicated (id serial PRIMARY KEY)");
    let standby = primary.start_replica("standby_slot");
    let writer = primary.client("postgres").await;

    let redis = TestRedis::start();
    let _: () =
        redis::cmd("CONFIG").arg("SET").arg("maxmemory").arg("64mb").query(&mut redis.admin()).unwrap();
    let redis_replica = TestRedis::start();
    let _: () =
        redis::cmd("REPLICAOF").arg("127.0.0.1").arg(redis.port).query(&mut redis_replica.admin()).unwrap();

    let mariadb = TestMariaDb::start();
    let mssql = TdsServer::start(crate::mssql_wire_tiers::replies_for_every_tier());
    let mongo = Arc::new(MongoServer::start(Setup::version("7.0.14").replica_set("rs0", true)));
    crate::mongo_wire_look::script_every_tier(&mongo);
    let moving = mongo.clone();
    let mongo_moving =
        tokio::spawn(async move { crate::mongo_wire_look::keep_server_status_moving(&moving, 600).await });

    let port = free_port();
    let fast = "high_frequency_interval = 1\nmedium_frequency_interval = 1\nlow_frequency_interval = 2\n\
                schema_frequency_interval = 0";
    let config = format!(
        "[agent]\nlog_file = \"-\"\n{fast}\n[prometheus]\nlisten = \"127.0.0.1:{port}\"\ntop_statements = 5\n\
         [targets.pg-primary]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_name = \"postgres\"\n\
         [targets.pg-standby]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_name = \"postgres\"\n\
         [targets.cache]\ndb_engine = \"redis\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         [targets.cache-replica]\ndb_engine = \"redis\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         [targets.shop-mariadb]\ndb_engine = \"mysql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_password = \"{MONITOR_PASSWORD}\"\ndb_name = \"app\"\n\
         [targets.erp-mssql]\ndb_engine = \"mssql\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_username = \"monitor\"\ndb_password = \"any\"\ndb_name = \"master\"\n\
         [targets.erp-mssql.tls]\nmode = \"disable\"\n\
         [targets.events-mongo]\ndb_engine = \"mongodb\"\ndb_host = \"127.0.0.1\"\ndb_port = {}\n\
         db_name = \"shop\"\n[targets.events-mongo.tls]\nmode = \"disable\"\n",
        primary.port, standby.port, redis.port, redis_replica.port, mariadb.port, mssql.port, mongo.port
    );
    let mut agent = Agent::spawn(&config, &[]);
    let mut wanted = names_by_dashboard();
    // No Oracle server can run here: that dashboard's names are checked against the Oracle
    // collector's replayed rounds served by the same exposition (collectors/oracle/dashboard_tests.rs).
    wanted.remove("logstag-oracle.json");
    let all: BTreeSet<&String> = wanted.values().flatten().collect();
    let url = format!("http://127.0.0.1:{port}/metrics");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + PATIENCE;
    let mut served = BTreeSet::new();
    loop {
        assert!(agent.is_running(), "{}", std::fs::read_to_string(&agent.stderr).unwrap_or_default());
        // Write load keeps the standby's lag and the counters moving.
        writer.batch_execute("INSERT INTO replicated DEFAULT VALUES").await.unwrap();
        if let Ok(response) = client.get(&url).send().await {
            served = served_names(&response.text().await.unwrap());
            if all.iter().all(|n| served.contains(*n)) {
                break;
            }
        }
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    mongo_moving.abort();
    let missing: Vec<String> = wanted
        .iter()
        .flat_map(|(file, names)| {
            names.iter().filter(|n| !served.contains(*n)).map(move |n| format!("{file}: {n}"))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "dashboard queries on names the agent does not serve (within {PATIENCE:?}):\n{}\n\nserved:\n{}\n\nagent:\n{}",
        missing.join("\n"),
        served.iter().cloned().collect::<Vec<_>>().join("\n"),
        std::fs::read_to_string(&agent.stderr).unwrap_or_default()
    );
}

/// Sample names of a classic-format exposition (`name{labels} value` or `name value`).
fn served_names(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| l.split(['{', ' ']).next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn names_of_samples_are_read_with_or_without_labels() {
    let text = "# TYPE a counter\na_total{x=\"1\"} 3\nb 2\n";
    assert_eq!(served_names(text).into_iter().collect::<Vec<_>>(), ["a_total", "b"]);
}
