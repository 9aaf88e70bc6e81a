//! SQL Server replies as `TextRow`s (the shared, by-name row of the SQL engines): each
//! TDS value is written the way SQL Server itself would print it, so parsers and
//! fixtures see one shape whatever the column's wire type.

pub use crate::collectors::text_rows::{TextRow, from_batch};
use std::sync::Arc;
use tiberius::{ColumnData, Row};

/// Converts a driver row; invalid values never panic (they print as the driver gives them).
pub fn from_driver(columns: &Arc<[String]>, row: Row) -> TextRow {
    let values = row.into_iter().map(|v| text(&v)).collect();
    TextRow::new(columns.clone(), values)
}

/// The column names of a result set.
pub fn column_names(row: &Row) -> Arc<[String]> {
    row.columns().iter().map(|c| c.name().to_owned()).collect()
}

pub fn text(value: &ColumnData<'_>) -> Option<String> {
    match value {
        ColumnData::U8(v) => v.map(|v| v.to_string()),
        ColumnData::I16(v) => v.map(|v| v.to_string()),
        ColumnData::I32(v) => v.map(|v| v.to_string()),
        ColumnData::I64(v) => v.map(|v| v.to_string()),
        ColumnData::F32(v) => v.map(|v| v.to_string()),
        ColumnData::F64(v) => v.map(|v| v.to_string()),
        ColumnData::Bit(v) => v.map(|v| if v { "1" } else { "0" }.to_owned()),
        ColumnData::String(v) => v.as_ref().map(|s| s.to_string()),
        ColumnData::Guid(v) => v.map(|g| g.to_string().to_uppercase()),
        // query_hash, plan_handle, sql_handle: 0x-prefixed hex, as SSMS shows them.
        ColumnData::Binary(v) => v.as_ref().map(|b| {
            let mut s = String::with_capacity(2 + b.len() * 2);
            s.push_str("0x");
            for byte in b.iter() {
                s.push_str(&format!("{byte:02X}"));
            }
            s
        }),
        ColumnData::Numeric(v) => v.map(|n| n.to_string()),
        ColumnData::Xml(v) => v.as_ref().map(|x| x.to_string()),
        ColumnData::DateTime(v) => v.map(|d| {
            // Days since 1900-01-01 and 1/300 s ticks.
            let ms = i64::from(d.seconds_fragments()) * 10 / 3;
            datetime_text(i64::from(d.days()) - DAYS_0001_TO_1900, ms * 1_000)
        }),
        ColumnData::SmallDateTime(v) => v.map(|d| {
            datetime_text(
                i64::from(d.days()) - DAYS_0001_TO_1900,
                i64::from(d.seconds_fragments()) * 60_000_000,
            )
        }),
        ColumnData::Time(v) => v.map(|t| time_text(scaled_micros(t.increments(), t.scale()))),
        ColumnData::Date(v) => v.map(|d| date_text(i64::from(d.days()))),
        ColumnData::DateTime2(v) => v.map(|d| {
            datetime_text(i64::from(d.date().days()), scaled_micros(d.time().increments(), d.time().scale()))
        }),
        ColumnData::DateTimeOffset(v) => v.map(|d| {
            let d2 = d.datetime2();
            // Stored in UTC; the offset is left out, the value is UTC.
            datetime_text(
                i64::from(d2.date().days()),
                scaled_micros(d2.time().increments(), d2.time().scale()),
            )
        }),
    }
}

/// Days from 0001-01-01 to 1900-01-01 (DATETIME counts from 1900, DATE from year 1).
const DAYS_0001_TO_1900: i64 = -693_595;

fn scaled_micros(increments: u64, scale: u8) -> i64 {
    let increments = increments as i64;
    match scale {
        0..=6 => increments * 10_i64.pow(u32::from(6 - scale)),
        _ => increments / 10_i64.pow(u32::from(scale.min(12) - 6)),
    }
}

/// `days` since 0001-01-01 (proleptic Gregorian) as `YYYY-MM-DD`.
fn date_text(days: i64) -> String {
    // Civil-from-days (H. Hinnant), shifted from 1970-01-01 to 0001-01-01.
    let z = days - 719_162 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn time_text(micros: i64) -> String {
    let secs = micros / 1_000_000;
    format!("{:02}:{:02}:{:02}.{:06}", secs / 3600, secs / 60 % 60, secs % 60, micros % 1_000_000)
}

fn datetime_text(days: i64, micros: i64) -> String {
    format!("{} {}", date_text(days), time_text(micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_like_sql_server() {
        assert_eq!(date_text(0), "0001-01-01");
        assert_eq!(date_text(738_885), "2024-01-01");
        assert_eq!(datetime_text(-DAYS_0001_TO_1900, 1_500_000), "1900-01-01 00:00:01.500000");
        assert_eq!(scaled_micros(12_345_678, 7), 1_234_567);
        assert_eq!(scaled_micros(5, 0), 5_000_000);
        assert_eq!(text(&ColumnData::Binary(Some(vec![0x0a, 0xff].into()))).as_deref(), Some("0x0AFF"));
        assert_eq!(text(&ColumnData::I32(None)), None);
        assert_eq!(text(&ColumnData::Bit(Some(true))).as_deref(), Some("1"));
    }
}
