//! Unknown keys: every table's valid keys come from its raw struct (serde's field
//! list), so an error can say "did you mean" or in which table a misplaced key belongs.

use super::error::{Sink, closest};
use super::file::{
    RawAgent, RawAlerts, RawCollect, RawForwarding, RawHistory, RawIntervals, RawMeta, RawPrometheus,
    RawTarget, RawTargetAlerts, RawTls, RawUi, TOP_LEVEL,
};
use serde::de::{DeserializeOwned, Deserializer, Visitor};
use std::ops::Range;

/// Longest unknown key echoed back, in characters: a pasted blob is not repeated whole.
const ECHO_MAX: usize = 80;

pub(super) fn unknown_key(sink: &mut Sink<'_>, span: Range<usize>, prefix: &str, key: &str, known: &[&str]) {
    let shown: String;
    let key = if key.chars().count() > ECHO_MAX {
        shown = format!("{}…", key.chars().take(ECHO_MAX - 1).collect::<String>());
        shown.as_str()
    } else {
        key
    };
    let dotted = if prefix.is_empty() { key.to_owned() } else { format!("{prefix}.{key}") };
    let mut message = String::from("unknown key");
    let homes = tables_holding(key);
    if let Some(near) = closest(key, known) {
        message.push_str(&format!("; did you mean `{near}`?"));
    } else if !homes.is_empty() {
        message.push_str(&format!(" here; it belongs in {}", homes.join(" or ")));
    } else {
        message.push_str(&format!("; expected one of: {}", known.join(", ")));
    }
    sink.push(span, &dotted, message);
}

/// The tables where `key` is valid, for keys written in the wrong table.
fn tables_holding(key: &str) -> Vec<&'static str> {
    let tables: [(&str, &[&str]); 13] = [
        ("the top level", &TOP_LEVEL),
        ("[agent]", field_names::<RawAgent>()),
        ("[history]", field_names::<RawHistory>()),
        ("[ui]", field_names::<RawUi>()),
        ("[collect]", field_names::<RawCollect>()),
        ("[targets.<name>]", field_names::<RawTarget>()),
        ("[targets.<name>.tls]", field_names::<RawTls>()),
        ("[targets.<name>.intervals]", field_names::<RawIntervals>()),
        ("[targets.<name>.meta]", field_names::<RawMeta>()),
        ("[alerts]", field_names::<RawAlerts>()),
        ("[targets.<name>.alerts]", field_names::<RawTargetAlerts>()),
        ("[prometheus]", field_names::<RawPrometheus>()),
        ("[forwarding]", field_names::<RawForwarding>()),
    ];
    tables.iter().filter(|(_, keys)| keys.contains(&key)).map(|(table, _)| *table).collect()
}

/// The field names serde derived for `T`, read by asking `T` to deserialize itself
/// from a probe that only records them. Keeps the key lists in one place: the structs.
pub(crate) fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = serde::de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("probe"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(serde::de::Error::custom("probe"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
            ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_the_structs() {
        assert_eq!(field_names::<RawTls>(), &["mode", "ca_file"]);
        assert!(field_names::<RawTarget>().contains(&"db_host"));
        assert!(!field_names::<RawTarget>().contains(&"tls"));
    }

    #[test]
    fn misplaced_keys_point_to_their_table() {
        assert_eq!(tables_holding("connect_timeout"), ["[collect]"]);
        assert_eq!(tables_holding("low_frequency_interval"), ["[agent]", "[targets.<name>.intervals]"]);
        assert!(tables_holding("nope").is_empty());
    }
}
