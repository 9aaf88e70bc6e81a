//! The MySQL/MariaDB schema tier against a real MariaDB: planted problems are found
//! (no primary key, MyISAM, duplicate and redundant indexes, an AUTO_INCREMENT near its
//! maximum) and changes between two rounds are reported.

use crate::support::mariadb::{MONITOR_PASSWORD, TestMariaDb};
use logstag::collectors::Collector;
use logstag::collectors::mysql::MysqlCollector;
use logstag::model::{ChangeKind, SampleBody, SchemaChange, SchemaSnapshot, TableInfo, Tier};

fn schema(bodies: &[SampleBody]) -> &SchemaSnapshot {
    bodies.iter().find_map(|b| if let SampleBody::Schema(s) = b { Some(s) } else { None }).unwrap()
}

fn changes(bodies: &[SampleBody]) -> Vec<SchemaChange> {
    bodies
        .iter()
        .find_map(|b| if let SampleBody::SchemaChanges(c) = b { Some(c.clone()) } else { None })
        .unwrap_or_default()
}

fn table<'a>(s: &'a SchemaSnapshot, name: &str) -> &'a TableInfo {
    s.databases
        .iter()
        .filter(|d| d.name == "app")
        .flat_map(|d| &d.schemas)
        .flat_map(|s| &s.tables)
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("table app.{name} missing"))
}

#[tokio::test]
async fn planted_problems_are_found_and_changes_reported() {
    let server = TestMariaDb::start();
    server.sql(
        "CREATE TABLE app.nopk (a INT, b INT);
         CREATE TABLE app.legacy (id INT PRIMARY KEY) ENGINE=MyISAM;
         CREATE TABLE app.orders (id INT PRIMARY KEY, customer INT, placed DATE,
             KEY by_customer (customer), KEY by_customer_again (customer), KEY by_customer_date (customer, placed));
         CREATE TABLE app.tiny (id TINYINT AUTO_INCREMENT PRIMARY KEY) AUTO_INCREMENT = 120;",
    );
    let mut c = MysqlCollector::new(&server.target_config("monitor", MONITOR_PASSWORD, "app"));
    c.ensure_connected().await.unwrap();
    let first = c.collect(Tier::Schema).await.unwrap();
    let s = schema(&first.bodies);
    assert!(s.databases.iter().all(|d| !["mysql", "sys", "performance_schema", "information_schema"].contains(&d.name.as_str())));
    assert!(!table(s, "nopk").has_primary_key);
    assert!(table(s, "orders").has_primary_key);
    assert_eq!(table(s, "legacy").storage_engine, "MyISAM");
    let orders = table(s, "orders");
    let index = |name: &str| orders.indexes.iter().find(|i| i.name == name).unwrap();
    assert!(
        index("by_customer").duplicate_of.is_some() || index("by_customer_again").duplicate_of.is_some(),
        "{:#?}",
        orders.indexes
    );
    assert_eq!(index("by_customer").redundant_with.as_deref(), Some("by_customer_date"));
    assert_eq!(index("by_customer_date").redundant_with, None);
    let tiny = s
        .databases
        .iter()
        .flat_map(|d| &d.schemas)
        .flat_map(|s| &s.sequences)
        .find(|q| q.name == "tiny.id")
        .unwrap();
    let pct = tiny.pct_used.unwrap();
    assert!(pct > 90.0 && pct < 100.0, "{pct}");
    assert!(changes(&first.bodies).is_empty(), "the first round has nothing to compare with");

    server.sql("ALTER TABLE app.orders DROP INDEX by_customer_again, ADD COLUMN total DECIMAL(10,2); CREATE TABLE app.added (id INT PRIMARY KEY);");
    let second = c.collect(Tier::Schema).await.unwrap();
    let found = changes(&second.bodies);
    let has = |object_type: &str, object: &str, change: ChangeKind| {
        found.iter().any(|c| c.object_type == object_type && c.object.contains(object) && c.change == change)
    };
    assert!(has("table", "added", ChangeKind::Added), "{found:#?}");
    assert!(has("index", "by_customer_again", ChangeKind::Removed), "{found:#?}");
    assert!(has("column", "total", ChangeKind::Added), "{found:#?}");
}
