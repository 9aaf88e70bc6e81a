//! Client CPU of one MongoDB high-tier round (printed, never asserted): two
//! `serverStatus` replies turned into gauges and rates, and a `$currentOp` batch (as our
//! `$project` leaves it) turned into sessions with their shapes, states, lock waits and
//! the blockers derived from lock modes, the activity metrics, the blocking forest and
//! the instance body, for 1,000 and 5,000 (the read limit) operations built from the
//! unit tests' fixtures (lock-wait pairs, idle transactions, flow control, background
//! threads, router ops with `shard:opid` ids).
//!
//! Run: `cargo bench --bench mongodb_high` (release profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use logstag::collectors::mongodb::doc::{docs, from_json};
use logstag::collectors::mongodb::high::{self, HighState, operations};
use logstag::collectors::mongodb::{ServerFacts, Topology};
use logstag::model::{Session, blocking_forest};
use mongodb::bson::{Bson, Document};
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::process_cpu;

const STATUS: [&str; 2] = [
    include_str!("../src/collectors/mongodb/fixtures/high_server_status_7.0.json"),
    include_str!("../src/collectors/mongodb/fixtures/high_server_status_7.0_next.json"),
];
const BATCHES: [&str; 3] = [
    include_str!("../src/collectors/mongodb/fixtures/high_current_ops_lock_wait.json"),
    include_str!("../src/collectors/mongodb/fixtures/high_current_ops_idle_txn.json"),
    include_str!("../src/collectors/mongodb/fixtures/high_current_ops_mongos.json"),
];

/// The fixtures' operations copied until there are `n`: each copy gets its own opids
/// and its own databases, so lock chains stay inside their copy.
fn operations_batch(n: usize) -> Vec<Document> {
    let template: Vec<Document> = BATCHES
        .iter()
        .flat_map(|text| docs(&from_json(text).unwrap(), "ops").into_iter().cloned().collect::<Vec<_>>())
        .collect();
    let mut out = Vec::with_capacity(n);
    for copy in 0.. {
        for op in &template {
            if out.len() == n {
                return out;
            }
            let mut op = op.clone();
            let opid = match op.get("opid") {
                Some(Bson::String(s)) => Bson::String(format!("{s}{copy}")),
                Some(other) => Bson::Int64(
                    other.as_i64().or(other.as_i32().map(i64::from)).unwrap_or(0) + 100_000 * copy,
                ),
                None => Bson::Null,
            };
            op.insert("opid", opid);
            if let Some(Bson::String(ns)) = op.get("ns").cloned()
                && !ns.is_empty()
            {
                op.insert("ns", format!("c{copy}_{ns}"));
            }
            out.push(op);
        }
    }
    out
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let status = [from_json(STATUS[0]).unwrap(), from_json(STATUS[1]).unwrap()];
    let facts =
        ServerFacts { version: "7.0.14".into(), topology: Topology::Standalone, ..Default::default() };
    println!(
        "MongoDB high-tier round, client side (serverStatus → metrics; $currentOp → sessions, blockers, forest):"
    );
    for n in [1_000usize, 5_000] {
        let batch = operations_batch(n);
        let mut state = HighState::default();
        let t0 = Instant::now();
        // The first read has nothing to compare with: prime it so every round makes rates.
        state.status_metrics(&status[0], t0);
        let rounds: u32 = if n >= 5_000 { 40 } else { 200 };
        let (cpu0, wall0) = (process_cpu(), Instant::now());
        let (mut shown, mut blocked, mut metric_count) = (0, 0, 0);
        let (mut parsing, mut forests) = (Duration::ZERO, Duration::ZERO);
        for round in 1..=rounds {
            let now = t0 + Duration::from_secs(u64::from(round) * 10);
            let i = (round % 2) as usize;
            let mut metrics = state.status_metrics(&status[1 - i], now);
            let started = Instant::now();
            let sessions: Vec<Session> = operations::parse(&batch).into_iter().map(|r| r.session).collect();
            parsing += started.elapsed();
            metrics.extend(high::operation_metrics(&sessions));
            let started = Instant::now();
            let forest = blocking_forest(&sessions);
            forests += started.elapsed();
            let instance = high::instance(Some(&status[1 - i]), &facts, Some(sessions.len() as u64));
            shown = sessions.len();
            blocked = sessions.iter().filter(|s| !s.blocked_by.is_empty()).count();
            metric_count = metrics.len();
            std::hint::black_box((sessions, metrics, forest, instance));
        }
        let cpu = (process_cpu() - cpu0) / rounds;
        let wall = wall0.elapsed() / rounds;
        println!(
            "  {shown:>5} operations ({blocked} blocked, {metric_count} metrics): {:>7.3} ms CPU per round ({:.3} ms wall; \
             operations and blockers {:.3} ms, forest {:.3} ms)",
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3,
            (parsing / rounds).as_secs_f64() * 1e3,
            (forests / rounds).as_secs_f64() * 1e3,
        );
    }
}
