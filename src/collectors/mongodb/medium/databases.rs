//! Databases and their size on disk (`listDatabases`, one read that also gives the
//! profiler its database names), and `dbStats` for the target's own database only
//! (`db_name`): over every database it would cost a pass over every collection each minute.

use crate::collectors::mongodb::{doc, metric as mg};
use crate::model::{DatabaseStat, Metric, metric};
use mongodb::bson::{Document, doc};

pub fn list_command() -> Document {
    doc! { "listDatabases": 1 }
}

pub fn stats_command() -> Document {
    doc! { "dbStats": 1, "scale": 1 }
}

/// One row per database (size = `sizeOnDisk`), and `DATABASE_SIZE_BYTES` per database.
pub fn parse_list(reply: &Document) -> (Vec<DatabaseStat>, Vec<Metric>) {
    let mut stats = Vec::new();
    let mut metrics = Vec::new();
    for d in doc::docs(reply, "databases") {
        let name = doc::text(d, "name");
        if name.is_empty() {
            continue;
        }
        let size = doc::uint(d, "sizeOnDisk");
        if let Some(bytes) = size {
            metrics.push(Metric::keyed(metric::DATABASE_SIZE_BYTES, name.clone(), bytes as f64));
        }
        stats.push(DatabaseStat { name, size_bytes: size, ..DatabaseStat::default() });
    }
    (stats, metrics)
}

/// The names, for the profiler.
pub fn names(stats: &[DatabaseStat]) -> Vec<String> {
    stats.iter().map(|d| d.name.clone()).collect()
}

/// `dbStats` figures, key = database: data, storage and index sizes, documents,
/// collections and indexes.
pub fn stats_metrics(reply: &Document) -> Vec<Metric> {
    let db = doc::text(reply, "db");
    [
        (mg::DATA_SIZE_BYTES, "dataSize"),
        (mg::STORAGE_SIZE_BYTES, "storageSize"),
        (mg::INDEX_SIZE_BYTES, "indexSize"),
        (mg::DOCUMENTS, "objects"),
        (mg::COLLECTIONS, "collections"),
        (mg::INDEXES, "indexes"),
    ]
    .into_iter()
    .filter_map(|(name, field)| Some(Metric::keyed(name, db.clone(), doc::num(reply, field)?)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mongodb::commands;
    use crate::collectors::mongodb::doc::fixture;

    #[test]
    fn sizes_per_database_and_the_own_databases_stats() {
        assert!(commands::check(&list_command()).is_ok() && commands::check(&stats_command()).is_ok());
        let (stats, metrics) = parse_list(&fixture("medium_list_databases.json"));
        let rows: Vec<(&str, Option<u64>)> = stats.iter().map(|d| (d.name.as_str(), d.size_bytes)).collect();
        assert_eq!(
            rows,
            [
                ("admin", Some(266_240)),
                ("config", Some(110_592)),
                ("local", Some(1_310_720_000)),
                ("shop", Some(8_843_689_984))
            ]
        );
        assert_eq!(names(&stats).len(), 4);
        let shop = metrics.iter().find(|m| m.key == "shop").map(|m| (m.name.as_str(), m.value));
        assert_eq!(shop, Some((metric::DATABASE_SIZE_BYTES, 8_843_689_984.0)));
        let own = stats_metrics(&fixture("medium_db_stats.json"));
        let value = |name: &str| own.iter().find(|m| m.name == name && m.key == "shop").map(|m| m.value);
        assert_eq!(value(mg::DATA_SIZE_BYTES), Some(12_400_000_000.0));
        assert_eq!(value(mg::STORAGE_SIZE_BYTES), Some(6_100_000_000.0));
        assert_eq!(value(mg::INDEX_SIZE_BYTES), Some(2_700_000_000.0));
        assert_eq!(
            (value(mg::DOCUMENTS), value(mg::COLLECTIONS), value(mg::INDEXES)),
            (Some(31_250_000.0), Some(14.0), Some(41.0))
        );
    }
}
