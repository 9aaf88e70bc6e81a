use super::super::Store;
use super::super::fixtures::*;
use super::*;
use crate::model::{Metric, SampleBody, Tier};

/// Rounds every 10 s from 10 s to 60 s: metrics and sessions each round (the number of
/// sessions is the round's number), statements every 30 s, the status once at start.
async fn recorded() -> Store {
    let store = Store::open_in_memory(DAY).unwrap();
    store.record(vec![sample(Tier::High, 10_000, status(10_000))]).await.unwrap();
    for round in 1..=6_i64 {
        let at = round * 10_000;
        let mut samples =
            vec![sample(Tier::High, at, metrics(round as f64)), sample(Tier::High, at, activity(round))];
        if round % 3 == 0 {
            samples.push(sample(Tier::Medium, at, queries(vec![stat("q", round as u64)])));
        }
        store.record(samples).await.unwrap();
    }
    store
}

fn body<'a>(moment: &'a Moment, kind: &str) -> Option<&'a Sample> {
    moment.samples.iter().find(|s| s.body.kind() == kind)
}

fn sessions(moment: &Moment) -> usize {
    match body(moment, "activity").map(|s| &s.body) {
        Some(SampleBody::Activity(a)) => a.sessions.len(),
        _ => 0,
    }
}

#[tokio::test]
async fn an_instant_between_rounds_shows_the_round_before_it_and_the_statement_interval_around_it() {
    let store = recorded().await;
    let m = store.moment(&t(), Timestamp(25_000), Depth::Full, 100).await.unwrap();
    assert_eq!(sessions(&m), 2, "the round of 20 s");
    assert_eq!(body(&m, "activity").unwrap().taken_at, Timestamp(20_000));
    assert!(body(&m, "status").is_some(), "the status read at start still holds");
    let Some(SampleBody::Metrics(points)) = body(&m, "metrics").map(|s| &s.body) else { panic!("{m:?}") };
    assert!(points.contains(&Metric::new("tps", 2.0)), "{points:?}");
    assert!(points.contains(&Metric::keyed("sessions_by_state", "Idle", 4.0)), "{points:?}");
    // The statements read at 30 s hold the deltas of the interval 25 s lies in.
    let queries = body(&m, "queries").unwrap();
    assert_eq!(queries.taken_at, Timestamp(30_000));
    let SampleBody::Queries(q) = &queries.body else { panic!() };
    assert_eq!(q.stats[0].calls, 3);
    // Oldest first, so applying them in order leaves the newest of each kind.
    assert!(m.samples.windows(2).all(|w| w[0].taken_at <= w[1].taken_at));
}

#[tokio::test]
async fn past_the_last_read_the_newest_statements_stand_and_before_the_first_nothing_does() {
    let store = recorded().await;
    let late = store.moment(&t(), Timestamp(60_000 + QUERIES_AHEAD_MS * 3), Depth::Full, 100).await.unwrap();
    assert_eq!(body(&late, "queries").unwrap().taken_at, Timestamp(60_000));
    assert_eq!(sessions(&late), 6);
    let before = store.moment(&t(), Timestamp(5_000), Depth::Full, 100).await.unwrap();
    assert!(before.samples.iter().all(|s| s.body.kind() == "queries"), "{before:?}");
}

#[tokio::test]
async fn metrics_older_than_the_horizon_are_not_shown_as_current() {
    let store = recorded().await;
    let at = Timestamp(60_000 + METRIC_HORIZON_MS + 1);
    let m = store.moment(&t(), at, Depth::Full, 100).await.unwrap();
    assert!(body(&m, "metrics").is_none());
    assert_eq!(sessions(&m), 6, "the last session read still stands (the status says why)");
}

#[tokio::test]
async fn the_overview_depth_reads_status_and_figures_only() {
    let store = recorded().await;
    let m = store.moment(&t(), Timestamp(45_000), Depth::Overview, 100).await.unwrap();
    let kinds: Vec<&str> = m.samples.iter().map(|s| s.body.kind()).collect();
    assert_eq!(kinds, ["status", "metrics"]);
}

#[tokio::test]
async fn rounds_are_found_either_side_of_an_instant() {
    let store = recorded().await;
    let near = |at: i64, toward| {
        let store = store.clone();
        async move { store.round_near(&t(), Timestamp(at), toward).await.unwrap().map(|t| t.0) }
    };
    assert_eq!(near(25_000, Toward::AtOrBefore).await, Some(20_000));
    assert_eq!(near(20_000, Toward::AtOrBefore).await, Some(20_000));
    assert_eq!(near(20_000, Toward::Before).await, Some(10_000));
    assert_eq!(near(20_000, Toward::After).await, Some(30_000));
    assert_eq!(near(60_000, Toward::After).await, None);
    assert_eq!(near(10_000, Toward::Before).await, None);
    let other = TargetId("other".into());
    assert_eq!(store.round_near(&other, Timestamp(30_000), Toward::Before).await.unwrap(), None);
    assert_eq!(store.recorded_range().await.unwrap(), Some((Timestamp(10_000), Timestamp(60_000))));
}

#[tokio::test]
async fn schema_changes_until_the_instant_only() {
    use crate::model::{ChangeKind, SchemaChange};
    let store = recorded().await;
    let change = |at: i64, object: &str| SchemaChange {
        at: Timestamp(at),
        database: "app".into(),
        schema: "public".into(),
        object_type: "table".into(),
        object: object.into(),
        change: ChangeKind::Added,
        detail: String::new(),
    };
    store
        .record(vec![sample(Tier::Schema, 40_000, SampleBody::SchemaChanges(vec![change(40_000, "late")]))])
        .await
        .unwrap();
    store
        .record(vec![sample(Tier::Schema, 20_000, SampleBody::SchemaChanges(vec![change(20_000, "early")]))])
        .await
        .unwrap();
    let m = store.moment(&t(), Timestamp(30_000), Depth::Full, 100).await.unwrap();
    let objects: Vec<&str> = m.schema_changes.iter().map(|c| c.object.as_str()).collect();
    assert_eq!(objects, ["early"]);
}
