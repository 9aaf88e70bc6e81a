//! `SLOWLOG GET` entries and the choice of which are new since the previous read.
//!
//! Entry shapes: `[id, unix_s, duration_us, [args…]]` (before Redis 4.0) and
//! `[id, unix_s, duration_us, [args…], client_addr, client_name]`.

use super::value::{int, items, text, texts};
use crate::model::SlowEntry;
use redis::Value;

/// Commands whose first argument is a subcommand: `CLIENT LIST`, not `CLIENT` + args.
const CONTAINERS: &[&str] = &[
    "ACL", "CLIENT", "CLUSTER", "COMMAND", "CONFIG", "FUNCTION", "LATENCY", "MEMORY", "MODULE", "OBJECT",
    "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO",
];

/// Every well-formed entry of the reply, in reply order (newest first). Malformed
/// entries are skipped.
pub fn entries(reply: &Value) -> Vec<SlowEntry> {
    items(reply).unwrap_or_default().iter().filter_map(entry).collect()
}

fn entry(v: &Value) -> Option<SlowEntry> {
    let parts = items(v)?;
    let id = u64::try_from(int(parts.first()?)?).ok()?;
    let at_s = int(parts.get(1)?)?;
    let duration_us = u64::try_from(int(parts.get(2)?)?).ok()?;
    let mut args = texts(parts.get(3)?);
    if args.is_empty() {
        return None;
    }
    let mut command = args.remove(0).to_ascii_uppercase();
    if CONTAINERS.contains(&command.as_str()) && !args.is_empty() {
        command = format!("{command} {}", args.remove(0).to_ascii_uppercase());
    }
    Some(SlowEntry {
        id,
        at_ms: at_s.saturating_mul(1000),
        duration_us,
        command,
        args,
        client: parts.get(4).and_then(text).unwrap_or_default(),
        client_name: parts.get(5).and_then(text).unwrap_or_default(),
    })
}

/// What a read adds to what was seen before.
#[derive(Debug, PartialEq)]
pub struct Fresh {
    /// New entries, newest first.
    pub entries: Vec<SlowEntry>,
    /// Ids between the previous highest and the oldest new one that the reply no longer
    /// holds: rotated out of the server's log before we read them.
    pub missed: u64,
    /// The highest id now seen (the next read's threshold).
    pub last_id: Option<u64>,
}

/// Entries above `last_id`. Without a previous read everything is new. When the highest
/// id went backwards the server restarted (ids start again at 0): everything is new too.
pub fn fresh(mut all: Vec<SlowEntry>, last_id: Option<u64>) -> Fresh {
    all.sort_by_key(|e| std::cmp::Reverse(e.id));
    all.dedup_by_key(|e| e.id);
    let newest = all.first().map(|e| e.id);
    let threshold = match (last_id, newest) {
        (Some(last), Some(newest)) if newest < last => None,
        (last, _) => last,
    };
    let entries: Vec<SlowEntry> = all.into_iter().filter(|e| threshold.is_none_or(|t| e.id > t)).collect();
    let missed = match (threshold, entries.last()) {
        (Some(t), Some(oldest)) => oldest.id.saturating_sub(t + 1),
        _ => 0,
    };
    Fresh { entries, missed, last_id: newest.or(last_id) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    fn six(id: i64, args: &[&str], name: &str) -> Value {
        Value::Array(vec![
            Value::Int(id),
            Value::Int(1_732_180_000 + id),
            Value::Int(15),
            Value::Array(args.iter().map(|a| bulk(a)).collect()),
            bulk("127.0.0.1:55990"),
            bulk(name),
        ])
    }

    #[test]
    fn both_entry_forms_are_read() {
        let old_form = Value::Array(vec![
            Value::Int(1),
            Value::Int(1_600_000_000),
            Value::Int(4),
            Value::Array(vec![bulk("config"), bulk("set"), bulk("slowlog-max-len"), bulk("5")]),
        ]);
        let reply =
            Value::Array(vec![six(3, &["slowlog", "get", "1"], "app"), six(2, &["get", "k"], ""), old_form]);
        let e = entries(&reply);
        assert_eq!(e.len(), 3);
        assert_eq!((e[0].command.as_str(), e[0].args.clone()), ("SLOWLOG GET", vec!["1".to_owned()]));
        assert_eq!((e[0].client.as_str(), e[0].client_name.as_str()), ("127.0.0.1:55990", "app"));
        assert_eq!((e[1].command.as_str(), e[1].at_ms), ("GET", 1_732_180_002_000));
        assert_eq!((e[2].command.as_str(), e[2].client.as_str()), ("CONFIG SET", ""));
        assert_eq!(e[2].args, vec!["slowlog-max-len".to_owned(), "5".to_owned()]);
    }

    #[test]
    fn malformed_entries_are_skipped() {
        let reply = Value::Array(vec![
            Value::Int(5),
            Value::Array(vec![Value::Int(1)]),
            Value::Array(vec![Value::Int(-1), Value::Int(1), Value::Int(1), Value::Array(vec![bulk("get")])]),
            Value::Array(vec![Value::Int(2), Value::Int(1), Value::Int(1), Value::Array(vec![])]),
            six(9, &["ping"], ""),
        ]);
        assert_eq!(entries(&reply).iter().map(|e| e.id).collect::<Vec<_>>(), vec![9]);
        assert!(entries(&Value::Nil).is_empty());
    }

    fn ids(reply_ids: &[i64], last: Option<u64>) -> (Vec<u64>, u64, Option<u64>) {
        let reply = Value::Array(reply_ids.iter().map(|i| six(*i, &["get", "k"], "")).collect());
        let f = fresh(entries(&reply), last);
        (f.entries.iter().map(|e| e.id).collect(), f.missed, f.last_id)
    }

    #[test]
    fn only_ids_above_the_last_seen_are_new() {
        assert_eq!(ids(&[4, 3, 2], None), (vec![4, 3, 2], 0, Some(4)));
        assert_eq!(ids(&[6, 5, 4, 3], Some(4)), (vec![6, 5], 0, Some(6)));
        assert_eq!(ids(&[6, 5], Some(6)), (vec![], 0, Some(6)), "nothing new, no duplicates");
        assert_eq!(ids(&[], Some(6)), (vec![], 0, Some(6)));
    }

    #[test]
    fn rotated_out_entries_are_counted_and_restarts_start_over() {
        // Seen up to 10; the log now holds 20..15: 11..14 were rotated out.
        assert_eq!(ids(&[20, 19, 18, 17, 16, 15], Some(10)), (vec![20, 19, 18, 17, 16, 15], 4, Some(20)));
        // Server restarted: ids begin again below what we saw.
        assert_eq!(ids(&[1, 0], Some(50)), (vec![1, 0], 0, Some(1)));
    }
}
