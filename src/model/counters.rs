//! Engine-specific statement counters as named values, and how an engine wants them read.
//! The names belong to the engine folders; this module only carries them.

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Named counters of one statement over one interval (deltas, like the core figures).
///
/// A small vector rather than a map: an engine reports about a dozen counters, a scan of a
/// dozen short names is cheaper than hashing them, and there is one allocation per
/// statement instead of one per entry. Names are `Cow<'static, str>` so that collectors,
/// which name counters with `&'static str` constants, allocate nothing for them, while
/// deserialised values (outbox, store) still own theirs. Values are `f64` for both counts
/// and times: counts stay exact up to 2^53, far beyond any per-interval delta.
///
/// A counter that did not move over the interval may be left out: absent reads as zero.
/// Names ending in `_ms` are milliseconds; the UI shows other names as plain numbers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Counters(Vec<(Cow<'static, str>, f64)>);

impl Counters {
    pub fn with_capacity(n: usize) -> Self {
        Self(Vec::with_capacity(n))
    }

    /// Adds `name`, known not to be set yet (built from an engine's table of names).
    pub fn push(&mut self, name: impl Into<Cow<'static, str>>, value: f64) {
        self.0.push((name.into(), value));
    }

    /// Sets `name`, replacing an earlier value of the same name.
    pub fn set(&mut self, name: impl Into<Cow<'static, str>>, value: f64) {
        let name = name.into();
        match self.0.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => *v = value,
            None => self.0.push((name, value)),
        }
    }

    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }

    /// The value, zero when absent (a counter that did not move is left out).
    pub fn or_zero(&self, name: &str) -> f64 {
        self.get(name).unwrap_or(0.0)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, f64)> {
        self.0.iter().map(|(n, v)| (n.as_ref(), *v))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Below this an integral f64 is exact as an integer, and written as one.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// JSON object `{name: value}`; whole numbers are written without a fraction, so a block
/// count reads `3`, as it did when counters were fields of their own.
impl Serialize for Counters {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, v) in &self.0 {
            if v.fract() == 0.0 && v.abs() < EXACT {
                map.serialize_entry(name.as_ref(), &(*v as i64))?;
            } else {
                map.serialize_entry(name.as_ref(), v)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Counters {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Counters;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of counter names to numbers")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Counters, A::Error> {
                let mut out = Counters::with_capacity(map.size_hint().unwrap_or(0));
                while let Some((name, value)) = map.next_entry::<String, Option<f64>>()? {
                    // JSON has no NaN: serde_json wrote it as null.
                    out.0.push((Cow::Owned(name), value.unwrap_or(f64::NAN)));
                }
                Ok(out)
            }
        }
        d.deserialize_map(Entries)
    }
}

/// How an engine's counters read to a DBA: supplied by the engine, rendered by the UI.
#[derive(Debug)]
pub struct CounterGuide {
    /// The counter of the statements table's I/O column (reads that missed the cache).
    pub io_reads: &'static str,
    /// Share of accesses served from cache, 0–100, for engines with a buffer cache.
    pub hit_pct: Option<fn(&Counters) -> Option<f64>>,
    /// Statement detail lines, in order.
    pub lines: &'static [CounterLine],
}

/// One detail line: `label  part value part value…`.
#[derive(Debug)]
pub struct CounterLine {
    pub label: &'static str,
    /// (word shown before the value, counter name).
    pub parts: &'static [(&'static str, &'static str)],
    pub unit: CounterUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterUnit {
    Count,
    Millis,
}

impl CounterGuide {
    /// None without accesses or without a cache.
    pub fn hit_pct(&self, c: &Counters) -> Option<f64> {
        self.hit_pct.and_then(|f| f(c))
    }

    /// Whether `name` appears in one of the guide's lines (the rest are listed as they are).
    pub fn covers(&self, name: &str) -> bool {
        self.io_reads == name || self.lines.iter().any(|l| l.parts.iter().any(|(_, n)| *n == name))
    }
}

/// For engines whose counters need no special reading: the detail lists them by name.
pub const PLAIN_COUNTERS: CounterGuide = CounterGuide { io_reads: "", hit_pct: None, lines: &[] };

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_replaces_and_absent_reads_as_zero() {
        let mut c = Counters::default();
        c.set("reads", 3.0);
        c.set("reads", 4.0);
        c.set(String::from("ms"), 0.5);
        assert_eq!((c.len(), c.get("reads"), c.or_zero("none")), (2, Some(4.0), 0.0));
    }

    #[test]
    fn json_is_a_map_with_whole_numbers_as_integers() {
        let mut c = Counters::default();
        c.set("reads", 3.0);
        c.set("ms", 0.125);
        c.set("gone", f64::NAN);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"reads":3,"ms":0.125,"gone":null}"#);
        let back: Counters = serde_json::from_str(&json).unwrap();
        assert_eq!((back.get("reads"), back.get("ms")), (Some(3.0), Some(0.125)));
        assert!(back.get("gone").is_some_and(f64::is_nan));
    }
}
