//! Every tier on hostile rows: each statement is answered with rows that carry every
//! column any of our fixtures has, holding random values (NULLs, negatives, huge and
//! non-finite numbers, malformed intervals and dates, long and multibyte text). Whatever
//! the server sends, a round completes without panicking, keeps its texts bounded and
//! its figures finite.

use super::replay::Script;
use crate::collectors::Collector;
use crate::collectors::testing;
use crate::collectors::text_rows::{TextRow, from_batch};
use crate::config::OptionValue;
use crate::model::{SampleBody, Tier};
use proptest::prelude::*;
use std::sync::Arc;

/// The union of the column names of every fixture (the statements' own columns).
fn columns() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/collectors/oracle/fixtures");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("fixtures")
        .filter_map(|f| std::fs::read_to_string(f.ok()?.path()).ok())
        .flat_map(|text| {
            let header = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#')).unwrap_or("");
            header.split('\t').map(|c| c.trim().to_ascii_uppercase()).collect::<Vec<_>>()
        })
        .filter(|c| !c.is_empty())
        .collect();
    names.sort();
    names.dedup();
    names
}

fn value() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<i64>().prop_map(|n| Some(n.to_string())),
        (0u64..100_000).prop_map(|n| Some(n.to_string())),
        any::<f64>().prop_map(|f| Some(f.to_string())),
        Just(Some("1E+40".to_owned())),
        Just(Some(".004".to_owned())),
        Just(Some("-0".to_owned())),
        Just(Some("+00 00:00:45".to_owned())),
        Just(Some("+999999999 23:59:59.999999999".to_owned())),
        Just(Some("-00 00:01:00".to_owned())),
        Just(Some("2026-12-06 03:12:05".to_owned())),
        Just(Some("YES".to_owned())),
        Just(Some("PRIMARY".to_owned())),
        Just(Some("PHYSICAL STANDBY".to_owned())),
        Just(Some("READ WRITE".to_owned())),
        Just(Some("ACTIVE".to_owned())),
        Just(Some("enq: TX - row lock contention".to_owned())),
        Just(Some("Application".to_owned())),
        Just(Some("x".repeat(5_000))),
        ".{0,40}".prop_map(Some),
    ]
}

fn rows(width: usize) -> impl Strategy<Value = Vec<Vec<Option<String>>>> {
    proptest::collection::vec(proptest::collection::vec(value(), width), 0..5)
}

fn round_is_sane(tier: Tier, collected: &crate::collectors::Collected) -> Result<(), TestCaseError> {
    for problem in &collected.problems {
        prop_assert!(problem.chars().count() <= 1_000, "{tier:?}: {problem}");
    }
    for body in &collected.bodies {
        if let SampleBody::Metrics(m) | SampleBody::Counters(m) = body {
            for metric in m {
                prop_assert!(metric.value.is_finite(), "{tier:?}: {metric:?}");
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_tier_survives_any_rows(values in rows(columns().len())) {
        let names: Arc<[String]> = columns().into();
        let table: Vec<TextRow> =
            values.into_iter().map(|v| TextRow::new(names.clone(), v)).collect();
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let script = Script::new(19, "19.22.0.0.0");
            script.otherwise(table);
            let mut target = testing::unreachable_target(&super::spec::SPEC);
            target.options.set("oracle", "diagnostics_pack", OptionValue::Flag(true));
            let mut c = script.collector(&target);
            prop_assert!(c.ensure_connected().await.is_ok());
            for tier in [Tier::High, Tier::High, Tier::Medium, Tier::Medium, Tier::Low, Tier::Schema, Tier::Schema] {
                let collected = c.collect(tier).await;
                prop_assert!(collected.is_ok(), "{tier:?}: {:?}", collected.err());
                if let Ok(collected) = collected {
                    round_is_sane(tier, &collected)?;
                }
            }
            Ok(())
        })?;
    }
}

#[test]
fn the_fuzz_reaches_the_parsers() {
    // The union holds the columns the tiers read, so random rows reach their parsers.
    let names = columns();
    for column in ["SID", "SERIAL_NO", "TABLESPACE_NAME", "SQL_ID", "WAIT_CLASS", "OWNER", "NAME", "VALUE"] {
        assert!(names.iter().any(|n| n == column), "{column} not in {names:?}");
    }
    assert!(from_batch("A\tB\n1\t2\n").len() == 1);
}
