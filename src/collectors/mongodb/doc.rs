//! Reading server replies: BSON documents by dotted path, numbers whatever their BSON
//! type (servers answer the same field as int32, int64, double or decimal by version),
//! and fixtures written as relaxed Extended JSON (what `mongosh` prints with EJSON).
//! A missing or mistyped field is `None`, never a panic: replies differ by version,
//! topology and managed tier.

use mongodb::bson::{Bson, Document};

/// The value at `path` (`"wiredTiger.cache.bytes currently in the cache"` splits on `.`
/// only between documents: keys with dots inside are found by trying the longest key).
pub fn get<'a>(doc: &'a Document, path: &str) -> Option<&'a Bson> {
    if let Some(value) = doc.get(path) {
        return Some(value);
    }
    let mut split = path.len();
    while let Some(dot) = path[..split].rfind('.') {
        if let Some(Bson::Document(inner)) = doc.get(&path[..dot]) {
            return get(inner, &path[dot + 1..]);
        }
        split = dot;
    }
    None
}

/// A number of any BSON numeric type (booleans count as 0/1: `ok`, `ismaster`).
pub fn num(doc: &Document, path: &str) -> Option<f64> {
    number(get(doc, path)?)
}

pub fn number(value: &Bson) -> Option<f64> {
    match value {
        Bson::Double(v) => Some(*v).filter(|v| v.is_finite()),
        Bson::Int32(v) => Some(f64::from(*v)),
        Bson::Int64(v) => Some(*v as f64),
        Bson::Decimal128(d) => d.to_string().parse::<f64>().ok().filter(|v| v.is_finite()),
        Bson::Boolean(b) => Some(if *b { 1.0 } else { 0.0 }),
        _ => None,
    }
}

/// A whole number, for counters and ids (negative values and fractions are `None`).
pub fn uint(doc: &Document, path: &str) -> Option<u64> {
    num(doc, path).filter(|v| *v >= 0.0 && v.fract() == 0.0).map(|v| v as u64)
}

pub fn int(doc: &Document, path: &str) -> Option<i64> {
    match get(doc, path)? {
        Bson::Int32(v) => Some(i64::from(*v)),
        Bson::Int64(v) => Some(*v),
        other => number(other).filter(|v| v.fract() == 0.0 && v.abs() < 9.0e15).map(|v| v as i64),
    }
}

/// Text as the server sent it (numbers and booleans printed; other types are `""`).
pub fn text(doc: &Document, path: &str) -> String {
    match get(doc, path) {
        Some(Bson::String(s)) => s.clone(),
        Some(Bson::Boolean(b)) => b.to_string(),
        Some(Bson::ObjectId(id)) => id.to_hex(),
        Some(other) => number(other)
            .map(|v| if v.fract() == 0.0 { format!("{v:.0}") } else { v.to_string() })
            .unwrap_or_default(),
        None => String::new(),
    }
}

pub fn flag(doc: &Document, path: &str) -> Option<bool> {
    match get(doc, path)? {
        Bson::Boolean(b) => Some(*b),
        other => number(other).map(|v| v != 0.0),
    }
}

pub fn sub<'a>(doc: &'a Document, path: &str) -> Option<&'a Document> {
    match get(doc, path)? {
        Bson::Document(d) => Some(d),
        _ => None,
    }
}

/// The documents of an array field (other elements skipped).
pub fn docs<'a>(doc: &'a Document, path: &str) -> Vec<&'a Document> {
    match get(doc, path) {
        Some(Bson::Array(items)) => items.iter().filter_map(|b| b.as_document()).collect(),
        _ => Vec::new(),
    }
}

/// A date as Unix milliseconds; BSON timestamps (optimes) count as their seconds.
pub fn millis(doc: &Document, path: &str) -> Option<i64> {
    match get(doc, path)? {
        Bson::DateTime(d) => Some(d.timestamp_millis()),
        Bson::Timestamp(ts) => Some(i64::from(ts.time) * 1000),
        _ => None,
    }
}

/// A reply written as relaxed Extended JSON (`{"$date": …}`, `{"$numberLong": …}`,
/// `{"$timestamp": …}`): how the fixtures are kept.
pub fn from_json(text: &str) -> Result<Document, String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    match Bson::try_from(value).map_err(|e| e.to_string())? {
        Bson::Document(d) => Ok(d),
        other => Err(format!("expected a document, found {:?}", other.element_type())),
    }
}

/// A fixture file under `src/collectors/mongodb/fixtures/` (tests only).
#[cfg(test)]
pub fn fixture(name: &str) -> Document {
    let path = format!("{}/src/collectors/mongodb/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| format!("{{\"missing\": \"{path}: {e}\"}}"));
    from_json(&text).unwrap_or_else(|e| mongodb::bson::doc! { "unreadable": format!("{path}: {e}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mongodb::bson::doc;

    #[test]
    fn numbers_of_every_type_and_dotted_keys() {
        let d = doc! {
            "a": { "b": 3_i32, "c.d": 4_i64, "f": 2.5, "t": true },
            "wiredTiger": { "cache": { "bytes currently in the cache": 10_i64 } },
        };
        assert_eq!(num(&d, "a.b"), Some(3.0));
        assert_eq!(num(&d, "a.c.d"), Some(4.0));
        assert_eq!(uint(&d, "a.f"), None);
        assert_eq!(num(&d, "a.t"), Some(1.0));
        assert_eq!(num(&d, "wiredTiger.cache.bytes currently in the cache"), Some(10.0));
        assert_eq!(num(&d, "a.missing"), None);
        assert_eq!(text(&d, "a.b"), "3");
    }

    #[test]
    fn extended_json_dates_and_longs() {
        let d = from_json(
            r#"{"n": {"$numberLong": "12"}, "at": {"$date": "2024-05-01T00:00:00Z"},
                              "ts": {"$timestamp": {"t": 100, "i": 1}}}"#,
        )
        .unwrap_or_default();
        assert_eq!(int(&d, "n"), Some(12));
        assert_eq!(millis(&d, "at"), Some(1_714_521_600_000));
        assert_eq!(millis(&d, "ts"), Some(100_000));
        assert!(from_json("[1]").is_err());
        assert!(from_json("{").is_err());
    }
}
