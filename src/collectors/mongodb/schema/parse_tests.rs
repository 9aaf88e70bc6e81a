//! The parsers and the model on fixture replies: listings, `$collStats` (standalone,
//! mongos, time series), `$indexStats` and `listIndexes`, the index analysis.

use super::build::{self, CollectionRead};
use super::listing::{self, CollectionKind};
use super::stats::{self, IndexEntry};
use crate::collectors::mongodb::doc::{self, fixture};
use crate::model::{IndexInfo, TableKind};
use mongodb::bson::{Bson, Document};

/// 2026-12-01T08:00:00Z, the fixtures' "now".
pub const NOW: i64 = 1_796_112_000_000;

pub fn batch(name: &str) -> Vec<Document> {
    doc::docs(&fixture(name), "cursor.firstBatch").into_iter().cloned().collect()
}

fn by_name<'a>(ix: &'a [IndexInfo], name: &str) -> &'a IndexInfo {
    ix.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("no index {name}"))
}

fn entry<'a>(ix: &'a [IndexEntry], name: &str) -> &'a IndexEntry {
    ix.iter().find(|i| i.name == name).unwrap_or_else(|| panic!("no index {name}"))
}

#[test]
fn databases_leave_out_the_servers_own_unless_named() {
    let reply = fixture("schema_listDatabases.json");
    assert_eq!(listing::databases(&reply, ""), ["shop", "telemetry"]);
    assert_eq!(listing::databases(&reply, "shop"), ["shop", "telemetry"]);
    assert_eq!(listing::databases(&reply, "admin"), ["admin", "shop", "telemetry"]);
}

#[test]
fn collections_keep_their_options_but_never_rules_or_values() {
    let entries = listing::collections(&batch("schema_listCollections_shop_7.0.json"));
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["audit_log", "customers", "order_totals", "orders", "sensor_readings"]);
    let get = |name: &str| entries.iter().find(|e| e.name == name).cloned().unwrap_or_default();
    assert_eq!(get("orders").validator_text().as_deref(), Some("level moderate, action warn"));
    assert_eq!(get("audit_log").capped_text().as_deref(), Some("1048576 bytes, max 5000 documents"));
    assert_eq!((get("customers").validator_text(), get("customers").capped_text()), (None, None));
    let view = get("order_totals");
    assert_eq!(view.kind, CollectionKind::View);
    assert_eq!(view.view_text(), "view on orders: $match, $group");
    assert_eq!(view.view_hash.len(), 16);
    let series = get("sensor_readings");
    assert_eq!((series.kind, series.granularity.as_str()), (CollectionKind::TimeSeries, "minutes"));
    assert!(entries.iter().all(|e| e.options_known));
    // Rules and stage values are application data: none of them is kept.
    let kept = format!("{entries:?}");
    for value in ["paid", "north-7", "shipped", "customerId", "$jsonSchema", "amount"] {
        assert!(!kept.contains(value), "{value} kept: {kept}");
    }
    // A changed stage value changes the view's hash all the same.
    let mut edited = batch("schema_listCollections_shop_7.0.json");
    for d in &mut edited {
        if d.get_str("name") == Ok("order_totals") {
            let text =
                Bson::Document(d.clone()).into_relaxed_extjson().to_string().replace("north-7", "south-2");
            *d = doc::from_json(&text).unwrap_or_default();
        }
    }
    let edited = listing::collections(&edited);
    let hash = edited.iter().find(|e| e.name == "order_totals").map(|e| e.view_hash.clone());
    assert!(hash.is_some_and(|h| h.len() == 16 && h != view.view_hash));
}

#[test]
fn a_names_only_listing_knows_types_not_options() {
    let entries = listing::collections(&batch("schema_listCollections_shop_nameOnly.json"));
    assert_eq!(entries.len(), 5);
    assert!(entries.iter().all(|e| !e.options_known && e.validator.is_none() && e.capped.is_none()));
    let kinds: Vec<CollectionKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds[2], CollectionKind::View);
    assert_eq!(kinds[4], CollectionKind::TimeSeries);
}

#[test]
fn coll_stats_read_metadata_and_sum_over_shards() {
    let one = stats::coll_stats(&batch("schema_collStats_orders_7.0.json")).unwrap_or_default();
    assert_eq!(
        (one.count, one.size, one.storage, one.free),
        (Some(48_210), 30_126_400, 11_210_752, Some(405_504))
    );
    assert_eq!(
        (one.index_bytes, one.nindexes, one.collection_scans, one.shards),
        (5_214_208, 7, Some(37), 1)
    );
    assert_eq!((one.index_sizes.get("status_1"), one.avg_obj_size), (Some(&589_824), Some(624)));
    let two = stats::coll_stats(&batch("schema_collStats_orders_mongos_6.0.json")).unwrap_or_default();
    assert_eq!(
        (two.count, two.size, two.storage, two.free),
        (Some(45_000), 30_000_000, 11_000_000, Some(150_000))
    );
    assert_eq!((two.index_bytes, two.collection_scans, two.shards), (4_500_000, Some(15), 2));
    assert_eq!(two.index_sizes.get("_id_"), Some(&3_000_000));
    // A time series has buckets, not a document count, in its metadata.
    let series = stats::coll_stats(&batch("schema_collStats_sensor_readings_8.0.json")).unwrap_or_default();
    assert_eq!((series.count, series.storage, series.avg_obj_size), (None, 905_216, None));
    assert_eq!(stats::coll_stats(&[]), None);
}

#[test]
fn index_usage_and_options_from_index_stats() {
    let ix = stats::index_stats(&batch("schema_indexStats_orders_7.0.json"));
    assert_eq!(ix.len(), 7);
    let compound = entry(&ix, "status_1_createdAt_-1");
    assert_eq!(compound.columns(), ["status", "createdAt -1"]);
    assert_eq!((compound.definition().as_str(), compound.ops), ("{status: 1, createdAt: -1}", Some(9_120)));
    assert_eq!(entry(&ix, "createdAt_1").definition(), "{createdAt: 1} ttl=7776000");
    assert_eq!(entry(&ix, "externalRef_1").definition(), "{externalRef: 1} unique sparse");
    let partial = entry(&ix, "open_status").definition();
    assert!(partial.starts_with("{status: 1} partial=") && partial.len() == "{status: 1} partial=".len() + 8);
    assert!(!partial.contains("open") && !partial.contains("250"), "{partial}");
    assert_eq!(entry(&ix, "_id_").since_ms, Some(NOW - 29 * 86_400_000 - 2 * 3_600_000));
}

#[test]
fn index_usage_through_mongos_is_summed_per_index() {
    let ix = stats::index_stats(&batch("schema_indexStats_orders_mongos_6.0.json"));
    assert_eq!(ix.len(), 2);
    let id = entry(&ix, "_id_");
    // The shorter window (the later start) of the two shards.
    assert_eq!((id.ops, id.since_ms), (Some(500), Some(NOW - 11 * 86_400_000 - 8 * 3_600_000)));
    let status = entry(&ix, "status_1");
    assert_eq!((status.ops, status.definition().as_str()), (Some(7), "{status: 1} hidden"));
}

#[test]
fn list_indexes_gives_definitions_without_usage() {
    let ix = stats::list_indexes(&batch("schema_listIndexes_customers_5.0.json"));
    assert_eq!(ix.len(), 7);
    assert!(ix.iter().all(|i| i.ops.is_none()));
    let text = entry(&ix, "name_text");
    assert_eq!((text.method(), text.columns()), ("text", vec!["_fts text".to_owned(), "_ftsx".to_owned()]));
    let geo = entry(&ix, "location_2dsphere");
    assert_eq!((geo.method(), geo.definition().as_str()), ("2dsphere", "{location: \"2dsphere\"}"));
    assert_eq!(entry(&ix, "email_1_createdAt_-1").definition(), "{email: 1, createdAt: -1} collation=fr");
    assert_eq!(entry(&ix, "region_1").method(), "btree");
}

#[test]
fn unused_and_redundant_indexes_and_what_is_never_either() {
    let entries = stats::index_stats(&batch("schema_indexStats_orders_7.0.json"));
    let sizes = stats::coll_stats(&batch("schema_collStats_orders_7.0.json"));
    let ix = build::indexes(&entries, sizes.as_ref(), NOW);
    let unused: Vec<&str> = ix.iter().filter(|i| i.unused).map(|i| i.name.as_str()).collect();
    // The TTL index deletes documents; the unique one enforces; `_id` is the key.
    assert_eq!(unused, ["couponCode_1"]);
    assert_eq!(by_name(&ix, "couponCode_1").size_bytes, 491_520);
    assert_eq!(by_name(&ix, "status_1").redundant_with.as_deref(), Some("status_1_createdAt_-1"));
    // A partial index covers other documents than the compound one: needed.
    assert_eq!(by_name(&ix, "open_status").redundant_with, None);
    assert_eq!(by_name(&ix, "createdAt_1").redundant_with, None);
    let id = by_name(&ix, "_id_");
    assert!(id.primary && id.unique && !id.unused);
    assert!(ix.iter().all(|i| i.duplicate_of.is_none()));
    // A counter that started an hour ago (a restart) proves nothing.
    let started = entries[0].since_ms.unwrap_or_default();
    assert!(build::indexes(&entries, None, started + 3_600_000).iter().all(|i| !i.unused));

    let listed = stats::list_indexes(&batch("schema_listIndexes_customers_5.0.json"));
    let ix = build::indexes(&listed, None, NOW);
    assert!(ix.iter().all(|i| !i.unused && i.scans.is_none()), "no usage, nothing unused");
    assert_eq!(by_name(&ix, "region_1").redundant_with.as_deref(), Some("region_1_tier_1"));
    // Unique, another collation, text and geo indexes are never made redundant.
    for name in ["email_1", "name_text", "location_2dsphere", "email_1_createdAt_-1"] {
        assert_eq!(by_name(&ix, name).redundant_with, None, "{name}");
    }
}

#[test]
fn a_collection_is_a_table_with_its_figures_and_options() {
    let entries = listing::collections(&batch("schema_listCollections_shop_7.0.json"));
    let get = |name: &str| entries.iter().find(|e| e.name == name).cloned().unwrap_or_default();
    let orders = CollectionRead {
        entry: get("orders"),
        stats: stats::coll_stats(&batch("schema_collStats_orders_7.0.json")),
        indexes: Some(stats::index_stats(&batch("schema_indexStats_orders_7.0.json"))),
    };
    let t = build::table(&orders, NOW);
    assert_eq!((t.kind, t.row_estimate, t.has_primary_key), (TableKind::Table, Some(48_210.0), true));
    assert_eq!((t.total_bytes, t.table_bytes, t.index_bytes), (16_424_960, 11_210_752, 5_214_208));
    assert_eq!((t.bloat_bytes, t.seq_scans, t.idx_scans), (Some(405_504), Some(37), Some(98_148)));
    assert_eq!((t.storage_engine.as_str(), t.indexes.len(), t.columns.len()), ("wiredTiger", 7, 0));
    let options: Vec<(&str, &str)> =
        t.constraints.iter().map(|c| (c.name.as_str(), c.definition.as_str())).collect();
    assert_eq!(options, [("validator", "level moderate, action warn")]);
    let capped = build::table(&CollectionRead { entry: get("audit_log"), ..Default::default() }, NOW);
    assert_eq!(capped.constraints[0].definition, "1048576 bytes, max 5000 documents");
    assert_eq!((capped.row_estimate, capped.indexes.len()), (None, 0));
    let series = build::table(&CollectionRead { entry: get("sensor_readings"), ..Default::default() }, NOW);
    assert_eq!(
        (series.kind, series.constraints[0].definition.as_str()),
        (TableKind::Partitioned, "granularity minutes")
    );
}
