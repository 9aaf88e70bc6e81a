//! The targets a history file holds: written when monitoring starts, read by `replay`.

use super::StoreError;
use crate::model::{SampleBody, TargetId, TargetInfo, Timestamp};
use rusqlite::{Connection, params};

pub fn remember(conn: &Connection, targets: &[TargetInfo], at: Timestamp) -> Result<(), StoreError> {
    let mut upsert = conn.prepare_cached(
        "INSERT INTO targets (target, engine, endpoint, tags, seen_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (target) DO UPDATE
         SET engine = excluded.engine, endpoint = excluded.endpoint, tags = excluded.tags,
             seen_at = excluded.seen_at",
    )?;
    for t in targets {
        let tags = serde_json::to_string(&t.tags).map_err(|e| StoreError::Sqlite(e.to_string()))?;
        upsert.execute(params![t.id.0, t.engine, t.endpoint, tags, at.0])?;
    }
    Ok(())
}

/// Every target with something recorded, by name: those the file names with their
/// engine, and those of a file older than the `targets` table with the engine their
/// server named (or none, when it never answered).
pub fn recorded(conn: &Connection) -> Result<Vec<TargetInfo>, StoreError> {
    let mut known: Vec<TargetInfo> = conn
        .prepare("SELECT target, engine, endpoint, tags FROM targets ORDER BY target")?
        .query_map([], |r| {
            let tags: String = r.get(3)?;
            Ok(TargetInfo {
                id: TargetId(r.get(0)?),
                engine: r.get(1)?,
                endpoint: r.get(2)?,
                tags: serde_json::from_str(&tags).unwrap_or_default(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let names: Vec<String> = conn
        .prepare("SELECT DISTINCT target FROM series UNION SELECT DISTINCT target FROM snapshot_sources ORDER BY 1")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for name in names {
        if known.iter().any(|t| t.id.0 == name) {
            continue;
        }
        let engine = engine_named_by_server(conn, &name)?;
        known.push(TargetInfo { id: TargetId(name), engine, endpoint: String::new(), tags: Vec::new() });
    }
    known.sort_by(|a, b| a.id.0.cmp(&b.id.0));
    Ok(known)
}

/// The engine a target's newest instance read names in its banner ("PostgreSQL 16.4 on…",
/// "Valkey 8.0.1"), if an engine of this build is called that.
fn engine_named_by_server(conn: &Connection, target: &str) -> Result<String, StoreError> {
    let Some(sample) = super::history::snapshot_at(conn, target, "instance", Timestamp(i64::MAX))? else {
        return Ok(String::new());
    };
    let SampleBody::Instance(info) = sample.body else { return Ok(String::new()) };
    let words = [info.product.as_str(), info.version_full.split_whitespace().next().unwrap_or("")];
    let found = words.iter().find_map(|w| crate::collectors::registry::by_display_name(w));
    Ok(found.map(|spec| spec.name.to_owned()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::super::fixtures::*;
    use crate::model::{InstanceInfo, SampleBody, TargetId, TargetInfo, Tier};

    #[tokio::test]
    async fn targets_come_back_with_their_engine_and_old_files_fall_back_to_the_banner() {
        let store = Store::open_in_memory(DAY).unwrap();
        let info = TargetInfo {
            id: TargetId("orders-db".into()),
            engine: "PostgreSQL".into(),
            endpoint: "monitor@10.0.0.5:5432/orders".into(),
            tags: vec!["prod".into()],
        };
        store.remember_targets(vec![info.clone()]).await.unwrap();
        // `prod` has samples but was never remembered (a file from an older build).
        let instance =
            InstanceInfo { version_full: "PostgreSQL 16.4 on x86_64".into(), ..Default::default() };
        store.record(vec![sample(Tier::Low, 1_000, SampleBody::Instance(instance))]).await.unwrap();
        let other = crate::model::Sample {
            target: TargetId("mystery".into()),
            ..sample(Tier::High, 5, metrics(1.0))
        };
        store.record(vec![other]).await.unwrap();
        let found = store.recorded_targets().await.unwrap();
        let names: Vec<(&str, &str)> = found.iter().map(|t| (t.id.0.as_str(), t.engine.as_str())).collect();
        assert_eq!(names, [("mystery", ""), ("orders-db", "PostgreSQL"), ("prod", "PostgreSQL")]);
        assert_eq!(found[1], info);
    }
}
