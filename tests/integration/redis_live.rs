//! The Redis collector against a real `redis-server` started by the test: slow log,
//! blocked clients, rates with our own load taken out, authentication, TLS, sampler.
//! Tests taking a `Server` run against Redis 7 and Valkey 8 (`redis_versions.rs`); TLS
//! is Redis-only (the Valkey build has none).

use crate::support::redis::{Server, TestRedis};
use logstag::collectors::redis::RedisCollector;
use logstag::collectors::{Collected, Collector};
use logstag::config::OptionValue;
use logstag::config::{Secret, TlsMode};
use logstag::model::{
    ActivitySnapshot, KeyspaceSnapshot, Metric, QueryStatsSnapshot, SampleBody, SessionState,
    SlowLogSnapshot, Tier, WaitCategory, metric,
};
use std::time::Duration;

async fn connected(server: &TestRedis) -> RedisCollector {
    let mut c = RedisCollector::new(&server.target("r"));
    let version = c.ensure_connected().await.unwrap();
    assert!(version.starts_with(server.kind.version_prefix()), "{version}");
    c
}

fn slowlog(c: &Collected) -> &SlowLogSnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::SlowLog(s) = b { Some(s) } else { None }).unwrap()
}

fn activity(c: &Collected) -> &ActivitySnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::Activity(a) = b { Some(a) } else { None }).unwrap()
}

fn queries(c: &Collected) -> &QueryStatsSnapshot {
    c.bodies.iter().find_map(|b| if let SampleBody::Queries(q) = b { Some(q) } else { None }).unwrap()
}

fn metrics(c: &Collected) -> Vec<Metric> {
    c.bodies
        .iter()
        .filter_map(|b| if let SampleBody::Metrics(m) = b { Some(m.clone()) } else { None })
        .flatten()
        .collect()
}

fn gauge(c: &Collected, name: &str) -> Option<f64> {
    metrics(c).iter().find(|m| m.name == name && m.key.is_empty()).map(|m| m.value)
}

pub async fn slow_entries_appear_with_their_command_names_once(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut admin = server.admin();
    // The DBA's setting, not ours: log every command.
    redis::cmd("CONFIG").arg("SET").arg("slowlog-log-slower-than").arg("0").exec(&mut admin).unwrap();
    redis::cmd("SET").arg("greeting").arg("hello").exec(&mut admin).unwrap();
    redis::cmd("LPUSH").arg("queue").arg("job").exec(&mut admin).unwrap();
    let mut c = connected(&server).await;

    let first = c.collect(Tier::Medium).await.unwrap();
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    let log = slowlog(&first);
    let commands: Vec<&str> = log.entries.iter().map(|e| e.command.as_str()).collect();
    assert!(commands.contains(&"SET") && commands.contains(&"LPUSH"), "{commands:?}");
    assert!(commands.contains(&"CONFIG SET"), "{commands:?}");
    let set = log.entries.iter().find(|e| e.command == "SET").unwrap();
    assert_eq!(set.args, ["greeting", "hello"]);
    assert!(set.client.starts_with("127.0.0.1:"), "{set:?}");
    assert!(log.entries.iter().all(|e| e.client_name != "logstag"), "our own commands are left out");
    assert!(log.length.is_some_and(|n| n >= 3));

    redis::cmd("GET").arg("greeting").exec(&mut admin).unwrap();
    let second = c.collect(Tier::Medium).await.unwrap();
    let again = slowlog(&second);
    let first_ids: Vec<u64> = log.entries.iter().map(|e| e.id).collect();
    assert!(again.entries.iter().all(|e| !first_ids.contains(&e.id)), "no entry twice");
    let commands: Vec<&str> = again.entries.iter().map(|e| e.command.as_str()).collect();
    assert_eq!(commands, ["GET"], "only what ran since the first read");
    assert!(metrics(&second).iter().any(|m| m.name == metric::SLOW_ENTRIES_PER_MIN && m.value > 0.0));
}

pub async fn a_client_blocked_in_blpop_shows_as_blocked(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut waiter = server.admin();
    redis::cmd("CLIENT").arg("SETNAME").arg("waiter").exec(&mut waiter).unwrap();
    let blocked = std::thread::spawn(move || {
        let popped: Option<(String, String)> =
            redis::cmd("BLPOP").arg("jobs").arg(20).query(&mut waiter).unwrap();
        popped
    });
    let mut c = connected(&server).await;
    let mut found = None;
    for _ in 0..50 {
        let round = c.collect(Tier::High).await.unwrap();
        // INFO is read just before CLIENT LIST: the BLPOP may land in between.
        let counted = gauge(&round, metric::BLOCKED_SESSIONS) == Some(1.0);
        if let Some(s) =
            activity(&round).sessions.iter().find(|s| s.application == "waiter" && s.wait.is_some())
            && counted
        {
            found = Some(s.clone());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let session = found.expect("the BLPOP client is listed as blocked");
    assert_eq!(session.state, SessionState::Active);
    assert_eq!(session.native_state, "blocked");
    let wait = session.wait.unwrap();
    assert_eq!((wait.category, wait.event.as_str()), (WaitCategory::Client, "blocked in blpop"));
    redis::cmd("RPUSH").arg("jobs").arg("one").exec(&mut server.admin()).unwrap();
    assert_eq!(blocked.join().unwrap(), Some(("jobs".to_owned(), "one".to_owned())));
    // Our own connection is never in the list.
    let round = c.collect(Tier::High).await.unwrap();
    assert!(activity(&round).sessions.iter().all(|s| s.application != "logstag"));
}

pub async fn ops_per_second_is_zero_when_idle_and_counts_real_load(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut c = connected(&server).await;
    c.collect(Tier::High).await.unwrap();
    c.collect(Tier::Medium).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Only our own commands ran in between (the medium round's included).
    let idle = c.collect(Tier::High).await.unwrap();
    assert_eq!(gauge(&idle, metric::TPS), Some(0.0));
    let idle_queries = c.collect(Tier::Medium).await.unwrap();
    assert!(queries(&idle_queries).since.is_some());
    assert!(queries(&idle_queries).stats.is_empty(), "{:?}", queries(&idle_queries).stats);

    let mut admin = server.admin();
    for i in 0..2000 {
        redis::cmd("SET").arg(format!("k{i}")).arg(i).exec(&mut admin).unwrap();
    }
    let busy = c.collect(Tier::High).await.unwrap();
    let tps = gauge(&busy, metric::TPS).unwrap();
    assert!(tps > 0.0, "{tps}");
    let busy_queries = c.collect(Tier::Medium).await.unwrap();
    let set = queries(&busy_queries).stats.iter().find(|s| s.text == "set").expect("set in the statistics");
    assert_eq!(set.calls, 2000);
    assert!(queries(&busy_queries).stats.iter().all(|s| s.text != "info"), "our INFO calls are not load");
    assert!(metrics(&busy_queries).iter().any(|m| m.name == metric::KEYS_TOTAL && m.value == 2000.0));
}

pub async fn a_password_protected_server_is_read_with_the_configured_password(kind: Server) {
    let server = TestRedis::start_with_password_of(kind, "s3cret-redis-pw");
    let mut c = connected(&server).await;
    let round = c.collect(Tier::High).await.unwrap();
    assert!(round.problems.is_empty(), "{:?}", round.problems);
    assert!(gauge(&round, metric::CONNECTIONS).is_some_and(|n| n >= 1.0));
    let low = c.collect(Tier::Low).await.unwrap();
    let settings =
        low.bodies.iter().find_map(|b| if let SampleBody::Settings(s) = b { Some(s) } else { None });
    let requirepass = settings.unwrap().iter().find(|s| s.name == "requirepass").unwrap();
    assert_eq!(requirepass.value, "(set)");
    assert!(!format!("{:?}", low.bodies).contains("s3cret-redis-pw"), "the password never leaves CONFIG GET");

    let mut wrong = server.target("r");
    wrong.password = Secret::new("not-the-password");
    let err = RedisCollector::new(&wrong).ensure_connected().await.unwrap_err().to_string();
    assert!(err.contains("authentication failed"), "{err}");
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(!err.contains("not-the-password") && !err.contains("s3cret-redis-pw"), "{err}");
    let mut none = server.target("r");
    none.password = Secret::new("");
    let err = RedisCollector::new(&none).ensure_connected().await.unwrap_err().to_string();
    assert!(err.contains("asks for a password and none is configured"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_with_verification_and_a_wrong_ca_is_refused_clearly() {
    let server = TestRedis::start_tls();
    let mut target = server.target("tls");
    target.tls.mode = TlsMode::VerifyFull;
    target.tls.ca_file = Some(server.ca_cert());
    let mut c = RedisCollector::new(&target);
    assert!(c.ensure_connected().await.unwrap().starts_with("Redis 7."));
    let round = c.collect(Tier::High).await.unwrap();
    assert!(round.problems.is_empty(), "{:?}", round.problems);

    let other = TestRedis::start_tls();
    target.tls.ca_file = Some(other.ca_cert());
    let err = RedisCollector::new(&target).ensure_connected().await.unwrap_err().to_string();
    assert!(err.contains("TLS failure") && err.to_lowercase().contains("certificate"), "{err}");
    assert!(err.contains("tls.ca_file"), "the message says what to do: {err}");
}

pub async fn the_big_key_sampler_finds_the_biggest_key(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut admin = server.admin();
    for i in 0..300 {
        redis::cmd("SET").arg(format!("small:{i}")).arg("x").exec(&mut admin).unwrap();
    }
    redis::cmd("SET").arg("big:blob").arg("y".repeat(100_000)).exec(&mut admin).unwrap();
    redis::cmd("RPUSH").arg("big:list").arg(vec!["z".repeat(1000); 20]).exec(&mut admin).unwrap();
    let mut target = server.target("sampler");
    target.options.set("keyspace", "big_keys", OptionValue::Flag(true));
    target.options.set("keyspace", "keys_per_second", OptionValue::Whole(5_000));
    target.options.set("keyspace", "top", OptionValue::Whole(3));
    let mut c = RedisCollector::new(&target);
    c.ensure_connected().await.unwrap();
    let round = c.collect(Tier::Schema).await.unwrap();
    let keyspace: &KeyspaceSnapshot = round
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Keyspace(k) = b { Some(k) } else { None })
        .unwrap();
    assert_eq!(keyspace.databases[0].keys, 302);
    let top: Vec<(&str, &str)> =
        keyspace.big_keys.iter().map(|k| (k.key.as_str(), k.key_type.as_str())).collect();
    assert_eq!(top[..2], [("big:blob", "string"), ("big:list", "list")]);
    assert_eq!(top.len(), 3);
    let run = keyspace.sampler.as_ref().unwrap();
    assert_eq!((run.keys_sampled, run.stopped.as_deref()), (302, None));

    // A small scan_limit stops the pass and says why.
    target.options.set("keyspace", "scan_limit", OptionValue::Whole(50));
    let mut c = RedisCollector::new(&target);
    c.ensure_connected().await.unwrap();
    let round = c.collect(Tier::Schema).await.unwrap();
    let run = round
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Keyspace(k) = b { k.sampler.clone() } else { None })
        .unwrap();
    assert_eq!(run.keys_sampled, 50);
    assert!(run.stopped.is_some_and(|s| s.contains("scan_limit")));
}

/// Keeps the server busy for `ms` milliseconds in one command (a latency spike).
fn busy(admin: &mut redis::Connection, ms: u64) {
    let script = "local s = redis.call('TIME') local t0 = s[1] * 1000000 + s[2] \
                  while true do local n = redis.call('TIME') \
                  if n[1] * 1000000 + n[2] - t0 > tonumber(ARGV[1]) * 1000 then break end end return 1";
    redis::cmd("EVAL").arg(script).arg(0).arg(ms).exec(admin).unwrap();
}

pub async fn the_worst_latency_spike_since_the_last_read_is_reported(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut admin = server.admin();
    redis::cmd("CONFIG").arg("SET").arg("latency-monitor-threshold").arg("100").exec(&mut admin).unwrap();
    busy(&mut admin, 150);
    // The next spikes must fall in later seconds than this one for the assertions below.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let mut c = connected(&server).await;
    let spikes = |c: &Collected| -> Vec<(String, f64)> {
        metrics(c)
            .into_iter()
            .filter(|m| m.name == metric::LATENCY_SPIKE_MS)
            .map(|m| (m.key, m.value))
            .collect()
    };
    let baseline = c.collect(Tier::Medium).await.unwrap();
    assert!(
        spikes(&baseline).is_empty(),
        "a spike from before we started is not news: {:?}",
        spikes(&baseline)
    );

    // A big spike, then (in a later second: the monitor keeps one sample per second) a smaller one.
    // LATENCY LATEST only shows the smaller; the interval's worst is the big one.
    busy(&mut admin, 400);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    busy(&mut admin, 150);
    let after = c.collect(Tier::Medium).await.unwrap();
    assert!(after.problems.is_empty(), "{:?}", after.problems);
    let got = spikes(&after);
    let command = got.iter().find(|(k, _)| k == "command").map(|(_, v)| *v);
    assert!(command.is_some_and(|ms| ms >= 400.0), "worst spike of the interval: {got:?}");

    let quiet = c.collect(Tier::Medium).await.unwrap();
    assert!(spikes(&quiet).is_empty(), "no new spike, nothing reported: {:?}", spikes(&quiet));
}

/// The product is named as the server reports it, whatever the URL says: in the instance
/// facts and as the engine of `logstag snapshot` (a redis:// URL to a Valkey server).
pub async fn the_product_is_named_as_the_server_reports_it(kind: Server) {
    let server = TestRedis::start_of(kind);
    let mut c = connected(&server).await;
    let high = c.collect(Tier::High).await.unwrap();
    let instance = high
        .bodies
        .iter()
        .find_map(|b| if let SampleBody::Instance(i) = b { Some(i.clone()) } else { None })
        .expect("instance facts");
    assert_eq!(instance.product, kind.product());
    assert!(instance.version_full.starts_with(kind.version_prefix()), "{}", instance.version_full);

    let url = format!("redis://127.0.0.1:{}/0", server.port);
    let mut app = redis::Client::open(url.as_str()).unwrap().get_connection().unwrap();
    for _ in 0..5 {
        redis::cmd("HSET").arg("cart").arg("item").arg("1").exec(&mut app).unwrap();
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_logstag"))
        .args(["snapshot", &url, "--format", "json"])
        .output()
        .expect("run logstag snapshot");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{e}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(json["targets"][0]["engine"], kind.product(), "{stdout}");
    // One reading: the command totals since the start (Redis keeps no reset time).
    assert_eq!(json["targets"][0]["statement_statistics"], "totals_since_reset");
    let samples = json["targets"][0]["samples"].as_array().unwrap();
    let queries = samples.iter().find(|s| s["body"]["kind"] == "queries").expect("a statement list");
    assert!(queries["body"]["data"]["since"].is_null(), "{queries:#}");
    let hset = queries["body"]["data"]["stats"].as_array().unwrap().iter().find(|q| q["id"] == "cmd:hset");
    assert_eq!(hset.map(|q| q["calls"].as_u64()), Some(Some(5)), "{queries:#}");
}
