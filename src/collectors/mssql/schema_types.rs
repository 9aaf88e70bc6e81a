//! Column types as SQL Server writes them, and how much of its range a sequence or an
//! IDENTITY column has used.

use super::rows::TextRow;
use crate::model::SequenceInfo;

/// `nvarchar(100)`, `varchar(max)`, `decimal(12,2)`, `datetime2(3)`, an alias type by
/// its own name. `max_length` is in bytes (two per character for nchar/nvarchar), -1 for max.
pub fn column_type(r: &TextRow) -> String {
    let name = r.text("type_name");
    if r.flag("is_user_defined") == Some(true) {
        return name;
    }
    let length = r.int("max_length").unwrap_or(0);
    let sized = |chars: i64| if length == -1 { "max".to_owned() } else { chars.to_string() };
    match name.as_str() {
        "varchar" | "char" | "varbinary" | "binary" => format!("{name}({})", sized(length)),
        "nvarchar" | "nchar" => format!("{name}({})", sized(length / 2)),
        "decimal" | "numeric" => {
            format!("{name}({},{})", r.int("precision").unwrap_or(0), r.int("scale").unwrap_or(0))
        }
        "datetime2" | "time" | "datetimeoffset" => format!("{name}({})", r.int("scale").unwrap_or(7)),
        _ => name,
    }
}

/// The range of an integer type that can be IDENTITY: (min, max). `decimal(p,0)` holds
/// ±(10^p − 1), capped to what an i64 holds.
pub fn integer_range(r: &TextRow) -> Option<(i64, i64)> {
    match r.text("type_name").as_str() {
        "tinyint" => Some((0, i64::from(u8::MAX))),
        "smallint" => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
        "int" => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        "bigint" => Some((i64::MIN, i64::MAX)),
        "decimal" | "numeric" if r.int("scale") == Some(0) => {
            let precision = u32::try_from(r.int("precision").unwrap_or(0)).ok()?;
            let max = 10_i64.checked_pow(precision).map_or(i64::MAX, |p| p - 1);
            Some((-max, max))
        }
        _ => None,
    }
}

/// An IDENTITY column as the sequence `table.column`: counting up from the seed to the
/// type's maximum (or down to its minimum). None for a column that is not IDENTITY or
/// of an alias type (its range is not known here).
pub fn identity_sequence(table: &str, column: &str, r: &TextRow) -> Option<SequenceInfo> {
    let increment = r.int("identity_increment")?;
    if r.flag("is_user_defined") == Some(true) {
        return None;
    }
    let (type_min, type_max) = integer_range(r)?;
    let seed = r.int("identity_seed").unwrap_or(1);
    let (min, max) = if increment >= 0 { (seed, type_max) } else { (type_min, seed) };
    let last = r.int("identity_last");
    Some(SequenceInfo {
        name: format!("{table}.{column}"),
        data_type: column_type(r),
        last_value: last,
        max_value: max,
        increment,
        pct_used: range_used_pct(last, min, max, increment),
    })
}

/// A sequence object (sys.sequences). One that cycles never runs out: no percentage.
pub fn sequence(name: &str, r: &TextRow) -> Option<SequenceInfo> {
    let (min, max) = (r.int("minimum_value")?, r.int("maximum_value")?);
    let increment = r.int("increment").unwrap_or(1);
    let last = r.int("current_value");
    let cycles = r.flag("is_cycling") == Some(true);
    Some(SequenceInfo {
        name: name.to_owned(),
        data_type: r.text("sequence_type"),
        last_value: last,
        max_value: max,
        increment,
        pct_used: if cycles { None } else { range_used_pct(last, min, max, increment) },
    })
}

/// Share of `min..=max` handed out, 0–100, counting from the end the values start at;
/// None before the first value.
pub fn range_used_pct(last: Option<i64>, min: i64, max: i64, increment: i64) -> Option<f64> {
    let last = last?;
    let available = max as f64 - min as f64 + 1.0;
    if available <= 1.0 {
        return None;
    }
    let used = if increment >= 0 { last as f64 - min as f64 + 1.0 } else { max as f64 - last as f64 + 1.0 };
    Some((used / available * 100.0).clamp(0.0, 100.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::collectors::mssql::rows::from_batch;

    fn row(line: &str) -> TextRow {
        let header = "type_name\tis_user_defined\tmax_length\tprecision\tscale\tidentity_seed\tidentity_increment\tidentity_last";
        from_batch(&format!("{header}\n{line}\n")).remove(0)
    }

    #[test]
    fn types_read_like_ssms_writes_them() {
        let cases = [
            ("nvarchar\t0\t200\t0\t0\tNULL\tNULL\tNULL", "nvarchar(100)"),
            ("varchar\t0\t-1\t0\t0\tNULL\tNULL\tNULL", "varchar(max)"),
            ("decimal\t0\t9\t12\t2\tNULL\tNULL\tNULL", "decimal(12,2)"),
            ("datetime2\t0\t7\t23\t3\tNULL\tNULL\tNULL", "datetime2(3)"),
            ("Phone\t1\t50\t0\t0\tNULL\tNULL\tNULL", "Phone"),
            ("int\t0\t4\t10\t0\tNULL\tNULL\tNULL", "int"),
        ];
        for (line, expected) in cases {
            assert_eq!(column_type(&row(line)), expected);
        }
    }

    #[test]
    fn identity_ranges_by_type_and_direction() {
        let near = identity_sequence("t", "id", &row("smallint\t0\t2\t5\t0\t1\t1\t32000"));
        let near = near.unwrap_or_else(|| unreachable!());
        assert_eq!((near.name.as_str(), near.max_value, near.last_value), ("t.id", 32_767, Some(32_000)));
        assert!(near.pct_used.is_some_and(|p| (p - 32_000.0 / 32_767.0 * 100.0).abs() < 1e-9));
        // Seeded at the type's minimum to double the range: half used at 0.
        let wide = identity_sequence("t", "id", &row("int\t0\t4\t10\t0\t-2147483648\t1\t-1"));
        assert!(wide.and_then(|s| s.pct_used).is_some_and(|p| (p - 50.0).abs() < 1e-6));
        let down = identity_sequence("t", "id", &row("int\t0\t4\t10\t0\t-1\t-1\t-1073741824"));
        assert!(down.and_then(|s| s.pct_used).is_some_and(|p| (p - 50.0).abs() < 1e-6));
        let unused = identity_sequence("t", "id", &row("bigint\t0\t8\t19\t0\t1\t1\tNULL"));
        assert_eq!(unused.map(|s| (s.last_value, s.pct_used)), Some((None, None)));
        let decimal = identity_sequence("t", "id", &row("numeric\t0\t5\t4\t0\t1\t1\t9000"));
        assert_eq!(decimal.map(|s| s.max_value), Some(9_999));
        assert!(identity_sequence("t", "id", &row("int\t0\t4\t10\t0\tNULL\tNULL\tNULL")).is_none());
        assert!(identity_sequence("t", "id", &row("MyId\t1\t4\t10\t0\t1\t1\t5")).is_none());
    }
}
