//! Client CPU of one Oracle high-tier round (printed, never asserted): the replies of the
//! sessions, locks, instance and sysmetric statements, already as text rows, turned into
//! sessions (states, waits, blockers, ages, extras), their texts and blocked objects
//! attached from the round's caches, the activity metrics, the blocking forest, the lock
//! summary, the instance facts and the headline rates, for 1,000 and 2,000 (the read
//! limit) sessions built from the unit tests' 19c fixture (a blocking pair, a chain of
//! three, an idle transaction, a session without SQL_ID, a killed one).
//!
//! Run: `cargo bench --bench oracle_high` (release profile).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use logstag::collectors::oracle::high::{HighState, instance, locks};
use logstag::collectors::session_metrics::activity_metrics;
use logstag::collectors::text_rows::{TextRow, from_batch};
use logstag::model::blocking_forest;
use std::time::Instant;

#[path = "support/cpu.rs"]
mod cpu;
use cpu::process_cpu;

const SESSIONS: &str = include_str!("../src/collectors/oracle/fixtures/high_sessions_19c.tsv");
const TEXTS: &str = include_str!("../src/collectors/oracle/fixtures/high_sql_texts.tsv");
const OBJECTS: &str = include_str!("../src/collectors/oracle/fixtures/high_objects.tsv");
const LOCKS: &str = include_str!("../src/collectors/oracle/fixtures/high_locks.tsv");
const INSTANCE: &str = include_str!("../src/collectors/oracle/fixtures/high_instance_19c.tsv");
const SYSMETRIC: &str = include_str!("../src/collectors/oracle/fixtures/high_sysmetric.tsv");

/// The fixture's sessions copied until there are `n`, each copy's SIDs (and the blockers
/// they name) shifted so chains stay inside their copy.
fn session_rows(n: usize) -> Vec<TextRow> {
    let mut lines = SESSIONS.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty());
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split('\t').collect();
    let id_columns: Vec<usize> = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| matches!(**c, "SID" | "BLOCKING_SESSION" | "FINAL_BLOCKING_SESSION"))
        .map(|(i, _)| i)
        .collect();
    let template: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    let mut text = String::from(header);
    text.push('\n');
    let mut rows = 0;
    'copies: for copy in 0.. {
        for row in &template {
            if rows == n {
                break 'copies;
            }
            let fields: Vec<String> = row
                .iter()
                .enumerate()
                .map(|(i, v)| match v.parse::<i64>() {
                    Ok(id) if id > 0 && id_columns.contains(&i) => (id + 1000 * copy as i64).to_string(),
                    _ => (*v).to_owned(),
                })
                .collect();
            text.push_str(&fields.join("\t"));
            text.push('\n');
            rows += 1;
        }
    }
    from_batch(&text)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }

    let (texts, objects) = (from_batch(TEXTS), from_batch(OBJECTS));
    let (lock_rows, instance_rows, sysmetric_rows) =
        (from_batch(LOCKS), from_batch(INSTANCE), from_batch(SYSMETRIC));
    println!("Oracle high-tier round, client side (rows → sessions → texts, metrics, forest, locks, facts):");
    for n in [1_000usize, 2_000] {
        let rows = session_rows(n);
        let mut state = HighState::default();
        // The first round fills the caches; the timed rounds find them warm, as on a server.
        let reads = HighState::sessions(&rows);
        let asked = state.texts_wanted(&reads);
        state.learn_texts(&asked, &texts);
        let asked = state.objects_wanted(&reads);
        state.learn_objects(&asked, &objects);
        state.finish(reads);
        let rounds: u32 = 200;
        let (cpu0, wall0) = (process_cpu(), Instant::now());
        let mut shown = 0;
        for _ in 0..rounds {
            let reads = HighState::sessions(&rows);
            let wanted = (state.texts_wanted(&reads), state.objects_wanted(&reads));
            let sessions = state.finish(reads);
            let mut metrics = activity_metrics(&sessions);
            let forest = blocking_forest(&sessions);
            let locks = locks::parse(&lock_rows);
            let info = instance::instance(&instance_rows[0], 1_800_000_000_000);
            metrics.extend(instance::connection_metrics(&info));
            metrics.extend(instance::sysmetrics(&sysmetric_rows));
            shown = sessions.len();
            std::hint::black_box((wanted, sessions, metrics, forest, locks, info));
        }
        let cpu = (process_cpu() - cpu0) / rounds;
        let wall = wall0.elapsed() / rounds;
        println!(
            "  {shown:>6} sessions: {:>8.3} ms CPU per round ({:.3} ms wall)",
            cpu.as_secs_f64() * 1e3,
            wall.as_secs_f64() * 1e3
        );
    }
}
