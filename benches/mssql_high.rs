//! Client CPU of one SQL Server high-tier round (printed, never asserted): the replies
//! of the sessions, wait statistics and performance counters statements, already as
//! text rows, turned into sessions (deduped, states, waits, blockers), the activity
//! metrics, the blocking forest, wait deltas by category and counter rates, for 1,000
//! and 10,000 sessions built from the unit tests' fixture shapes (head blockers, chains,
//! parallel and MARS requests, -2 blockers, idle and dormant sessions).
//!
//! Run: `cargo bench --bench mssql_high` (release profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use logstag::collectors::mssql::high::HighState;
use logstag::collectors::session_metrics::activity_metrics;
use logstag::collectors::text_rows::{TextRow, from_batch};
use logstag::model::{Session, blocking_forest};
use std::time::{Duration, Instant};

#[path = "support/cpu.rs"]
mod cpu;
use cpu::process_cpu;

const SESSIONS: &str = include_str!("../src/collectors/mssql/high/fixtures/sessions.tsv");
const WAITS: [&str; 2] = [
    include_str!("../src/collectors/mssql/high/fixtures/wait_stats_1.tsv"),
    include_str!("../src/collectors/mssql/high/fixtures/wait_stats_2.tsv"),
];
const COUNTERS: [&str; 2] = [
    include_str!("../src/collectors/mssql/high/fixtures/performance_counters_1.tsv"),
    include_str!("../src/collectors/mssql/high/fixtures/performance_counters_2.tsv"),
];

/// The fixture's sessions copied until there are `n`, each copy's ids (and the blockers
/// they name) shifted so chains stay inside their copy.
fn session_rows(n: usize) -> Vec<TextRow> {
    let mut lines = SESSIONS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split('\t').collect();
    let id_columns: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(**c, "session_id" | "blocking_session_id" | "task_blocking_session_id"))
        .map(|(i, _)| i)
        .collect();
    let template: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let per_copy = {
        let mut ids: Vec<&str> = template.iter().map(|r| r[0]).collect();
        ids.dedup();
        ids.len()
    };
    let mut text = String::from(header);
    text.push('\n');
    for copy in 0..n.div_ceil(per_copy) {
        for row in &template {
            let fields: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, v)| match v.parse::<i64>() {
                    Ok(id) if id > 0 && id_columns.contains(&i) => (id + 100 * copy as i64).to_string(),
                    _ => (*v).to_owned(),
                })
                .collect();
            text.push_str(&fields.join("\t"));
            text.push('\n');
        }
    }
    from_batch(&text)
}

/// A wait-stats reply of realistic length (a busy server has 150-300 non-benign types).
fn wait_rows(second: bool) -> Vec<TextRow> {
    let mut text = WAITS[usize::from(second)].to_owned();
    for i in 0..200 {
        text.push_str(&format!("OTHER_WAIT_{i}\t{}\n", 1000 * i + if second { 37 * i } else { 0 }));
    }
    from_batch(&text)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let waits = [wait_rows(false), wait_rows(true)];
    let counters = [from_batch(COUNTERS[0]), from_batch(COUNTERS[1])];
    println!(
        "SQL Server high-tier round, client side (rows → sessions → metrics → forest, waits, counters):"
    );
    for n in [1_000usize, 10_000] {
        let rows = session_rows(n);
        let mut state = HighState::default();
        let t0 = Instant::now();
        // The first round has no previous read: prime the state so every round computes rates.
        state.wait_metrics(&waits[0], t0);
        state.counter_metrics(&counters[0], t0);
        let rounds: u32 = if n >= 10_000 { 20 } else { 200 };
        let (cpu0, wall0) = (process_cpu(), Instant::now());
        let mut shown = 0;
        for round in 1..=rounds {
            let now = t0 + Duration::from_secs(u64::from(round) * 10);
            let reads = HighState::sessions(&rows);
            let sessions: Vec<Session> = reads.into_iter().map(|r| r.session).collect();
            let mut metrics = activity_metrics(&sessions);
            let forest = blocking_forest(&sessions);
            let i = (round % 2) as usize;
            metrics.extend(state.wait_metrics(&waits[i], now));
            metrics.extend(state.counter_metrics(&counters[i], now).0);
            shown = sessions.len();
            std::hint::black_box((sessions, metrics, forest));
        }
        let cpu = (process_cpu() - cpu0) / rounds;
        let wall = wall0.elapsed() / rounds;
        println!(
            "  {shown:>6} sessions ({} rows): {:>8.3} ms CPU per round ({:.3} ms wall)",
            rows.len(),
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
    }
}
