//! Store-and-forward through the real binary: `logstag agent` monitors a real PostgreSQL
//! cluster and forwards to a loopback receiver. Killed with SIGKILL while the backend
//! refuses, it delivers after a restart every sample that was queued, each under the
//! batch key it had before the kill, none twice.

use crate::support::agent::Agent;
use crate::support::forwarding::API_KEY;
use crate::support::postgres::TestCluster;
use crate::support::receiver::{Receiver, Reply, Request};
use flate2::read::DeflateDecoder;
use logstag::forward::normalize::normalize_sample;
use logstag::model::Sample;
use rusqlite::{Connection, OpenFlags};
use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// CI machines are slow and shared: wait generously, never assert fine timings.
const PATIENCE: Duration = Duration::from_secs(40);

/// What identifies a sample on both sides: target, collector (sample kind), tier, when
/// it was taken (ms) and a digest of its data as sent (one round holds several samples
/// of one kind and tier, e.g. the metrics and the collection costs).
type SampleId = (String, String, String, i64, u64);

fn digest(data: &serde_json::Value) -> u64 {
    let mut hasher = DefaultHasher::new();
    data.to_string().hash(&mut hasher);
    hasher.finish()
}

/// One outbox row as the history file holds it.
#[derive(Debug)]
struct Queued {
    sample: SampleId,
    /// Set once the row is in a batch: the idempotency key it was (or will be) sent under.
    batch: Option<String>,
    state: i64,
}

fn agent_config(receiver: &Receiver, pg_port: u16, history: &Path) -> String {
    format!(
        "[agent]\napi_base_url = \"{}\"\napi_key = \"{API_KEY}\"\nlog_file = \"-\"\nlog_level = \"debug\"\n\
         high_frequency_interval = 1\nmedium_frequency_interval = 1\nlow_frequency_interval = 0\n\
         schema_frequency_interval = 0\nstartup_warmup_delay = 0\n\
         [forwarding]\nmax_backoff = 1\nbatch_max_samples = 7\nheartbeat_interval = 1\n\
         [history]\npath = \"{}\"\n\
         [targets.kill-pg]\ndb_engine = \"postgresql\"\ndb_host = \"127.0.0.1\"\ndb_port = {pg_port}\n\
         db_username = \"monitor\"\ndb_name = \"app\"\n",
        receiver.base_url(),
        history.display()
    )
}

/// The outbox, read without writing anything (no checkpoint, no recovery by us).
fn outbox(history: &Path) -> Vec<Queued> {
    let conn = Connection::open_with_flags(history, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt = conn.prepare("SELECT kind, body, batch_id, state FROM outbox ORDER BY id").unwrap();
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?, r.get(2)?, r.get(3)?)))
        .unwrap();
    rows.map(|row| {
        let (kind, body, batch, state) = row.unwrap();
        let mut json = Vec::new();
        DeflateDecoder::new(&body[..]).read_to_end(&mut json).unwrap();
        let mut sample: Sample = serde_json::from_slice(&json).unwrap();
        // The agent forwards with query text normalised (the default), so compare that.
        normalize_sample(&mut sample, logstag::forward::normalize::sql);
        let body = serde_json::to_value(&sample.body).unwrap();
        let tier = serde_json::to_value(sample.tier).unwrap().as_str().unwrap().to_owned();
        let id = (sample.target.0, kind, tier, sample.taken_at.0, digest(&body["data"]));
        Queued { sample: id, batch, state }
    })
    .collect()
}

/// Outbox rows; 0 while the agent has not created the file yet.
fn outbox_len(history: &Path) -> usize {
    if history.exists() { outbox(history).len() } else { 0 }
}

/// Idempotency key → the samples of that batch, over `requests`. A key seen again must
/// carry exactly the same samples (a resend, not a new batch under an old key).
fn batches(requests: &[Request]) -> BTreeMap<String, Vec<SampleId>> {
    let mut by_key = BTreeMap::new();
    for request in requests {
        let json = request.json();
        assert_eq!(json["schema"], "logstag.forward.v1");
        let key = request.header("idempotency-key").unwrap().to_owned();
        assert_eq!(json["batch_id"].as_str(), Some(key.as_str()));
        let samples: Vec<SampleId> = json["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                let text = |v: &serde_json::Value| v.as_str().unwrap().to_owned();
                let ts = s["ts"].as_i64().unwrap();
                (text(&s["target"]["name"]), text(&s["collector"]), text(&s["tier"]), ts, digest(&s["data"]))
            })
            .collect();
        if let Some(earlier) = by_key.insert(key.clone(), samples.clone()) {
            assert_eq!(earlier, samples, "batch {key} was resent with other samples");
        }
    }
    by_key
}

/// What a backend deduplicating by key keeps: sample → how many batches hold it.
fn kept_after_dedupe(requests: &[Request]) -> BTreeMap<SampleId, usize> {
    let mut kept = BTreeMap::new();
    for sample in batches(requests).into_values().flatten() {
        *kept.entry(sample).or_insert(0) += 1;
    }
    kept
}

/// Polls `done` until it holds, failing with the agent's log if it exits or time runs out.
fn wait_until(agent: &mut Agent, what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + PATIENCE;
    let stderr = agent.stderr.clone();
    let log = || std::fs::read_to_string(&stderr).unwrap_or_default();
    while !done() {
        assert!(agent.is_running(), "the agent exited while waiting for {what}:\n{}", log());
        assert!(Instant::now() < deadline, "no {what} within {PATIENCE:?}:\n{}", log());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Outbox rows already in a batch, by key: the batch a stop interrupted.
fn keyed(queued: &[Queued]) -> BTreeMap<String, Vec<SampleId>> {
    let mut by_key: BTreeMap<String, Vec<SampleId>> = BTreeMap::new();
    for q in queued {
        if let Some(key) = &q.batch {
            by_key.entry(key.clone()).or_default().push(q.sample.clone());
        }
    }
    by_key
}

/// After a restart on the same history: waits until every sample `queued` at the stop
/// (and newer ones) reached the receiver, stops the agent with SIGTERM (exit 0), and
/// checks that each arrived exactly once after dedupe by key, the interrupted batch under
/// its old key (`from` = the first request after the stop), and none is left queued.
fn assert_rest_delivered(
    mut agent: Agent,
    receiver: &Receiver,
    history: &Path,
    queued: &[Queued],
    from: usize,
) {
    wait_until(&mut agent, "every sample queued before the stop, and newer ones", || {
        let kept = kept_after_dedupe(&receiver.requests("/metrics"));
        queued.iter().all(|q| kept.contains_key(&q.sample)) && kept.len() > queued.len()
    });
    let (status, _) = agent.terminate(Duration::from_secs(15));
    let log = std::fs::read_to_string(&agent.stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{log}");

    let requests = receiver.requests("/metrics");
    let kept = kept_after_dedupe(&requests);
    let twice: Vec<_> = kept.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "samples in two different batches: {twice:?}");
    for q in queued {
        assert_eq!(kept.get(&q.sample), Some(&1), "{:?} delivered once", q.sample);
    }
    let resent = batches(&requests[from..]);
    for (key, samples) in keyed(queued) {
        let again = resent.get(&key).unwrap_or_else(|| panic!("batch {key} not resent:\n{log}"));
        assert_eq!(again, &samples, "batch {key} keeps its rows");
    }
    // Acknowledged rows left the outbox; nothing from before the stop waits there.
    let left = outbox(history);
    assert!(left.iter().all(|q| !queued.iter().any(|old| old.sample == q.sample)), "{left:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_with_a_full_outbox_then_restart_delivers_every_queued_sample_once() {
    let cluster = TestCluster::shared();
    let receiver = Receiver::start().await;
    // The backend is unavailable: every batch is refused and retried under its key.
    receiver.script(std::iter::repeat_n(Reply::Status(503, Vec::new()), 10_000));
    let state = tempfile::tempdir().unwrap();
    let history = state.path().join("history.sqlite3");
    let config = agent_config(&receiver, cluster.port, &history);

    let mut agent = Agent::spawn(&config, &[]);
    wait_until(&mut agent, "a refused batch and 15 queued samples", || {
        receiver.requests("/metrics").len() >= 2 && outbox_len(&history) >= 15
    });
    agent.kill_hard();
    let refused = receiver.requests("/metrics");
    let queued = outbox(&history);
    let log = std::fs::read_to_string(&agent.stderr).unwrap();
    assert!(log.contains("503"), "the refusals are logged:\n{log}");
    assert!(queued.iter().all(|q| q.state != 2), "a 503 parks nothing: {queued:?}");
    let in_flight = keyed(&queued);
    assert!(!in_flight.is_empty(), "the refused batch keeps its key in the file: {queued:?}");
    let refused_keys = batches(&refused);
    for key in in_flight.keys() {
        assert!(refused_keys.contains_key(key), "batch {key} was tried before the kill");
    }

    // The backend is back; the agent starts again on the same history file.
    receiver.clear_script();
    let agent = Agent::spawn(&config, &[]);
    assert_rest_delivered(agent, &receiver, &history, &queued, refused.len());
}

/// The backend is down across a clean restart: SIGTERM with samples queued, start again
/// while it is still down, then it comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_across_a_sigterm_restart_loses_nothing_and_sends_nothing_twice() {
    let cluster = TestCluster::shared();
    let mut receiver = Receiver::start().await;
    receiver.stop();
    let state = tempfile::tempdir().unwrap();
    let history = state.path().join("history.sqlite3");
    let config = agent_config(&receiver, cluster.port, &history);

    let mut agent = Agent::spawn(&config, &[]);
    wait_until(&mut agent, "a batch tried and 15 queued samples", || {
        let queued = if history.exists() { outbox(&history) } else { Vec::new() };
        queued.len() >= 15 && !keyed(&queued).is_empty()
    });
    let (status, _) = agent.terminate(Duration::from_secs(15));
    let log = std::fs::read_to_string(&agent.stderr).unwrap();
    assert_eq!(status.code(), Some(0), "a backend that is down does not fail the stop:\n{log}");
    let queued = outbox(&history);
    assert!(queued.len() >= 15, "the clean stop keeps the outbox: {queued:?}");

    let mut agent = Agent::spawn(&config, &[]);
    // Still down for a few retries of the restarted agent (backoff is capped at 1 s).
    std::thread::sleep(Duration::from_secs(2));
    assert!(agent.is_running() && receiver.requests("").is_empty());
    receiver.restart().await;
    assert_rest_delivered(agent, &receiver, &history, &queued, 0);
}
