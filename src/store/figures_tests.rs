use super::*;
use crate::store::blocks::BLOCK_POINTS;
use crate::store::migrate::migrate;

fn file() -> Connection {
    let mut c = Connection::open_in_memory().unwrap();
    migrate(&mut c).unwrap();
    c.execute("INSERT INTO series (id, target, metric, key) VALUES (1, 'db', 'tps', ''), (2, 'db', 'sessions', 'idle')", [])
        .unwrap();
    c
}

fn all(c: &Connection, id: i64) -> Vec<(i64, f64)> {
    points_between(c, id, Timestamp(i64::MIN / 2), Timestamp(i64::MAX / 2))
        .unwrap()
        .into_iter()
        .map(|(at, v)| (at.0, v))
        .collect()
}

fn rows(c: &Connection) -> i64 {
    c.query_row("SELECT count(*) FROM point_blocks", [], |r| r.get(0)).unwrap()
}

#[test]
fn rounds_fill_blocks_and_read_back_in_any_window() {
    let c = file();
    let mut open = OpenBlocks::new();
    let expected: Vec<(i64, f64)> = (0..1_000).map(|i| (10_000 * i, (i % 13) as f64 * 1.5)).collect();
    for &(at, v) in &expected {
        keep(&c, &mut open, 1, at, v).unwrap();
    }
    assert_eq!(all(&c, 1), expected);
    assert_eq!(rows(&c), (1_000 + BLOCK_POINTS as i64 - 1) / BLOCK_POINTS as i64);
    for (from, to) in
        [(0, 0), (5, 9_999), (1_195_000, 1_205_000), (3_333_333, 7_777_777), (9_990_000, 20_000_000)]
    {
        let window: Vec<(i64, f64)> =
            expected.iter().copied().filter(|(at, _)| (from..=to).contains(at)).collect();
        let read: Vec<(i64, f64)> = points_between(&c, 1, Timestamp(from), Timestamp(to))
            .unwrap()
            .into_iter()
            .map(|(t, v)| (t.0, v))
            .collect();
        assert_eq!(read, window, "[{from}, {to}]");
    }
}

#[test]
fn a_new_writer_continues_the_newest_block() {
    let c = file();
    let mut first = OpenBlocks::new();
    for i in 0..10 {
        keep(&c, &mut first, 1, 10_000 * i, i as f64).unwrap();
    }
    let mut second = OpenBlocks::new();
    for i in 10..20 {
        keep(&c, &mut second, 1, 10_000 * i, i as f64).unwrap();
    }
    assert_eq!(rows(&c), 1);
    assert_eq!(all(&c, 1), (0..20).map(|i| (10_000 * i, i as f64)).collect::<Vec<_>>());
}

#[test]
fn late_and_repeated_instants_land_in_place() {
    let c = file();
    let mut open = OpenBlocks::new();
    for at in [10_000, 20_000, 40_000] {
        keep(&c, &mut open, 1, at, 1.0).unwrap();
    }
    keep(&c, &mut open, 1, 30_000, 3.0).unwrap();
    keep(&c, &mut open, 1, 20_000, 2.0).unwrap();
    keep(&c, &mut open, 1, 5_000, 0.5).unwrap(); // before every block
    keep(&c, &mut open, 1, 50_000, 5.0).unwrap(); // and the newest block goes on
    assert_eq!(
        all(&c, 1),
        vec![(5_000, 0.5), (10_000, 1.0), (20_000, 2.0), (30_000, 3.0), (40_000, 1.0), (50_000, 5.0)]
    );
}

#[test]
fn a_gap_longer_than_a_block_span_starts_a_new_block() {
    let c = file();
    let mut open = OpenBlocks::new();
    keep(&c, &mut open, 1, 0, 1.0).unwrap();
    keep(&c, &mut open, 1, BLOCK_SPAN_MS + 10, 2.0).unwrap();
    // Late, into the gap: within the first block's span it joins it, beyond it begins one.
    keep(&c, &mut open, 1, BLOCK_SPAN_MS - 1, 0.5).unwrap();
    keep(&c, &mut open, 1, BLOCK_SPAN_MS + 5, 1.5).unwrap();
    assert_eq!(rows(&c), 3);
    let spans: Vec<(i64, i64)> = c
        .prepare("SELECT first_at, last_at FROM point_blocks ORDER BY first_at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(spans.iter().all(|(first, last)| last - first < BLOCK_SPAN_MS), "{spans:?}");
    assert_eq!(
        all(&c, 1),
        vec![(0, 1.0), (BLOCK_SPAN_MS - 1, 0.5), (BLOCK_SPAN_MS + 5, 1.5), (BLOCK_SPAN_MS + 10, 2.0)]
    );
}

#[test]
fn newest_each_takes_each_series_newest_point_within_the_horizon() {
    let c = file();
    let mut open = OpenBlocks::new();
    for i in 0..300 {
        keep(&c, &mut open, 1, 10_000 * i, i as f64).unwrap();
    }
    keep(&c, &mut open, 2, 5_000, 7.0).unwrap();
    let at = |ms| newest_each(&c, "db", Timestamp(ms - 60_000), Timestamp(ms)).unwrap();
    let mut found = at(1_205_000); // inside the second block, not at its end
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(found, vec![("tps".to_owned(), String::new(), 1_200_000, 120.0)]);
    let found = at(60_000);
    assert!(found.contains(&("sessions".into(), "idle".into(), 5_000, 7.0)), "{found:?}");
    assert!(at(-1).is_empty());
}

#[test]
fn nearest_instant_looks_across_series_and_blocks() {
    let c = file();
    let mut open = OpenBlocks::new();
    for i in 0..200 {
        keep(&c, &mut open, 1, 10_000 * i, 1.0).unwrap();
    }
    keep(&c, &mut open, 2, 1_195_000, 1.0).unwrap();
    let near = |bound, later| nearest_instant(&c, "db", bound, later).unwrap();
    assert_eq!(near(1_199_999, false), Some(1_195_000));
    assert_eq!(near(1_194_999, false), Some(1_190_000));
    assert_eq!(near(1_190_001, true), Some(1_195_000));
    assert_eq!(near(1_195_001, true), Some(1_200_000), "the first point of the next block");
    assert_eq!(near(-1, false), None);
    assert_eq!(near(1_990_001, true), None);
}

#[test]
fn prune_takes_whole_blocks_only() {
    let c = file();
    let mut open = OpenBlocks::new();
    for i in 0..300 {
        keep(&c, &mut open, 1, 10_000 * i, 1.0).unwrap();
    }
    // The second block holds points 120..240: it straddles the cutoff and stays whole.
    assert_eq!(prune(&c, Timestamp(1_500_000)).unwrap(), BLOCK_POINTS as u64);
    let left = all(&c, 1);
    assert_eq!(left.first().map(|p| p.0), Some(1_200_000));
    assert_eq!(left.len(), 180);
}

/// Reads at an instant stay index seeks: no full scan of the blocks.
#[test]
fn the_reads_use_the_index() {
    let c = file();
    for (sql, parameters) in [(BLOCK_AT_OR_BEFORE, 2), (BLOCKS_BETWEEN, 4), (NEWEST_EACH, 3)] {
        let plan: Vec<String> = c
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .unwrap()
            .query_map(rusqlite::params_from_iter(vec![0; parameters]), |r| r.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert!(
            plan.iter().all(|step| !step.starts_with("SCAN b") && !step.starts_with("SCAN point_blocks")),
            "{plan:?}"
        );
    }
}
