//! Reading RESP replies (`redis::Value`) without trusting their shape: every accessor
//! returns None for a type it does not expect.

use redis::Value;

/// Text of a string-like reply (bulk, simple, verbatim), or a number written out.
pub fn text(v: &Value) -> Option<String> {
    match v {
        Value::BulkString(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        Value::VerbatimString { text, .. } => Some(text.clone()),
        Value::Okay => Some("OK".to_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::Double(d) => Some(d.to_string()),
        Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer reply, or a string holding one.
pub fn int(v: &Value) -> Option<i64> {
    match v {
        Value::Int(n) => Some(*n),
        other => text(other)?.trim().parse().ok(),
    }
}

/// A number reply of any kind (floats come as strings in RESP2).
pub fn float(v: &Value) -> Option<f64> {
    match v {
        Value::Int(n) => Some(*n as f64),
        Value::Double(d) => Some(*d),
        other => text(other)?.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
    }
}

/// The elements of an array-like reply.
pub fn items(v: &Value) -> Option<&[Value]> {
    match v {
        Value::Array(items) | Value::Set(items) => Some(items),
        Value::Push { data, .. } => Some(data),
        _ => None,
    }
}

/// Name → value pairs of a map reply (RESP3) or a flat `[name, value, …]` array (RESP2).
/// Pairs whose name is not text are skipped; an odd trailing element is ignored.
pub fn pairs(v: &Value) -> Vec<(String, &Value)> {
    match v {
        Value::Map(entries) => entries.iter().filter_map(|(k, v)| Some((text(k)?, v))).collect(),
        other => items(other)
            .unwrap_or_default()
            .chunks_exact(2)
            .filter_map(|pair| match pair {
                [k, v] => Some((text(k)?, v)),
                _ => None,
            })
            .collect(),
    }
}

/// Strings of an array of strings; non-string elements are skipped.
pub fn texts(v: &Value) -> Vec<String> {
    items(v).unwrap_or_default().iter().filter_map(text).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(s: &str) -> Value {
        Value::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn accessors_read_what_they_can_and_refuse_the_rest() {
        assert_eq!(text(&bulk("a")), Some("a".to_owned()));
        assert_eq!(int(&bulk(" 42 ")), Some(42));
        assert_eq!(int(&Value::Nil), None);
        assert_eq!(float(&bulk("1.5")), Some(1.5));
        assert_eq!(float(&bulk("nan")), None);
        assert!(items(&bulk("x")).is_none());
        let flat = Value::Array(vec![bulk("a"), Value::Int(1), Value::Nil, Value::Int(2), bulk("odd")]);
        let p: Vec<(String, Option<i64>)> = pairs(&flat).into_iter().map(|(k, v)| (k, int(v))).collect();
        assert_eq!(p, vec![("a".to_owned(), Some(1))], "a pair with a non-text name is skipped");
        let map = Value::Map(vec![(bulk("k"), Value::Int(3))]);
        assert_eq!(pairs(&map).len(), 1);
        assert_eq!(texts(&Value::Array(vec![bulk("x"), Value::Array(vec![])])), vec!["x".to_owned()]);
    }
}
