//! Column types and values of the TDS mock: TYPE_INFO (MS-TDS 2.2.5.4/2.2.5.5) and the
//! TYPE_VARBYTE value encodings (2.2.5.2.3) of the types SQL Server's DMVs return, plus the
//! basic string encodings (B_VARCHAR, US_VARCHAR; 2.2.5.1). Every type is sent as its
//! nullable ("N") variant, as SQL Server does for expressions and most DMV columns.

/// `SQL_Latin1_General_CP1_CI_AS` (LCID 0x0409, flags 0xD0, sort id 52 = code page 1252):
/// the default collation of a fresh install, sent in ENVCHANGE and every character column.
pub const COLLATION: [u8; 5] = [0x09, 0x04, 0xD0, 0x00, 0x34];

/// Chunk size for PLP values (`nvarchar(max)`, `xml`): small, so a few-KB value takes
/// several chunks and crosses packet boundaries.
const PLP_CHUNK: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlType {
    Bit,
    TinyInt,
    SmallInt,
    Int,
    BigInt,
    /// `real` (float(24)).
    Real,
    /// `float` (float(53)).
    Float,
    /// `decimal(precision, scale)`.
    Decimal(u8, u8),
    /// `numeric(precision, scale)`.
    Numeric(u8, u8),
    /// `nvarchar(4000)`.
    NVarChar,
    /// `nvarchar(max)`: sent as PLP in chunks.
    NVarCharMax,
    /// `varchar(8000)` in code page 1252.
    VarChar,
    /// `xml` (no schema): PLP of UTF-16, sent with "unknown total length".
    Xml,
    /// `binary(n)`, e.g. `query_hash binary(8)`.
    Binary(u16),
    /// `varbinary(n)`, e.g. `plan_handle varbinary(64)`.
    VarBinary(u16),
    UniqueIdentifier,
    /// `datetime`: days since 1900-01-01 and 1/300 s ticks.
    DateTime,
    /// `datetime2(7)`.
    DateTime2,
    /// `datetimeoffset(7)`: sent as UTC plus the offset in minutes.
    DateTimeOffset,
}

/// One cell. Integers go into any integer column they fit, floats into `real`/`float`;
/// text fills `nvarchar`/`varchar`/`xml`; timestamps are written as text and encoded as
/// the column's type needs.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    U8(u8),
    I16(i16),
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
    /// Decimal text such as `"-1234.5600"`, rescaled to the column's scale.
    Decimal(&'static str),
    Str(&'static str),
    String(String),
    Bytes(Vec<u8>),
    /// `"6F9619FF-8B86-D011-B42D-00C04FC964FF"`.
    Guid(&'static str),
    /// `"2024-05-01 12:34:56.123"`; rounded to 1/300 s in a `datetime` column.
    DateTime(&'static str),
    /// `"2024-05-01 12:34:56.1234567"`.
    DateTime2(&'static str),
    /// `"2024-05-01 12:34:56.1234567 +02:00"`.
    DateTimeOffset(&'static str),
}

pub fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// B_VARCHAR: a u8 count of UTF-16 code units, then the units.
pub fn put_b_varchar(out: &mut Vec<u8>, s: &str) {
    let units = s.encode_utf16().count();
    out.push(u8::try_from(units).unwrap_or_else(|_| panic!("B_VARCHAR too long: {s:?}")));
    out.extend(utf16(s));
}

/// US_VARCHAR: a u16 count of UTF-16 code units, then the units.
pub fn put_us_varchar(out: &mut Vec<u8>, s: &str) {
    let units = s.encode_utf16().count();
    out.extend(u16::try_from(units).unwrap_or_else(|_| panic!("US_VARCHAR too long")).to_le_bytes());
    out.extend(utf16(s));
}

/// Byte length of a decimal value (and its TYPE_INFO max length) by precision.
fn decimal_len(precision: u8) -> u8 {
    match precision {
        1..=9 => 5,
        10..=19 => 9,
        20..=28 => 13,
        29..=38 => 17,
        _ => panic!("decimal precision {precision} is outside 1..=38"),
    }
}

pub fn put_type_info(out: &mut Vec<u8>, ty: SqlType) {
    use SqlType::*;
    match ty {
        Bit => out.extend([0x68, 1]),
        TinyInt => out.extend([0x26, 1]),
        SmallInt => out.extend([0x26, 2]),
        Int => out.extend([0x26, 4]),
        BigInt => out.extend([0x26, 8]),
        Real => out.extend([0x6D, 4]),
        Float => out.extend([0x6D, 8]),
        Decimal(p, s) | Numeric(p, s) => {
            assert!(s <= p, "decimal scale {s} exceeds precision {p}");
            out.extend([if matches!(ty, Decimal(..)) { 0x6A } else { 0x6C }, decimal_len(p), p, s]);
        }
        NVarChar | NVarCharMax | VarChar => {
            out.push(if ty == VarChar { 0xA7 } else { 0xE7 });
            out.extend(if ty == NVarCharMax { 0xFFFFu16 } else { 8000u16 }.to_le_bytes());
            out.extend(COLLATION);
        }
        Xml => out.extend([0xF1, 0]), // no schema
        Binary(n) | VarBinary(n) => {
            out.push(if matches!(ty, Binary(_)) { 0xAD } else { 0xA5 });
            out.extend(n.to_le_bytes());
        }
        UniqueIdentifier => out.extend([0x24, 16]),
        DateTime => out.extend([0x6F, 8]),
        DateTime2 => out.extend([0x2A, 7]),
        DateTimeOffset => out.extend([0x2B, 7]),
    }
}

/// The value as an integer, for any integer column.
fn integer(v: &Value) -> Option<i128> {
    Some(match v {
        Value::U8(n) => (*n).into(),
        Value::I16(n) => (*n).into(),
        Value::I32(n) => (*n).into(),
        Value::I64(n) => (*n).into(),
        _ => return None,
    })
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        Value::String(s) => Some(s),
        _ => None,
    }
}

fn timestamp(v: &Value) -> Option<&'static str> {
    match v {
        Value::DateTime(s) | Value::DateTime2(s) | Value::DateTimeOffset(s) => Some(s),
        _ => None,
    }
}

/// Appends one cell of a ROW token; `column` names the column in panic messages.
pub fn put_value(out: &mut Vec<u8>, ty: SqlType, value: &Value, column: &str) {
    use SqlType::*;
    let wrong = || -> ! { panic!("tds mock: column {column} ({ty:?}) cannot hold {value:?}") };
    if *value == Value::Null {
        match ty {
            NVarCharMax | Xml => out.extend(u64::MAX.to_le_bytes()), // PLP_NULL
            NVarChar | VarChar | Binary(_) | VarBinary(_) => out.extend([0xFF, 0xFF]), // CHARBIN_NULL
            _ => out.push(0),                                        // zero-length TYPE_VARBYTE
        }
        return;
    }
    match ty {
        Bit => match value {
            Value::Bool(b) => out.extend([1, u8::from(*b)]),
            _ => wrong(),
        },
        TinyInt | SmallInt | Int | BigInt => {
            let n = integer(value).unwrap_or_else(|| wrong());
            let size = match ty {
                TinyInt => 1,
                SmallInt => 2,
                Int => 4,
                _ => 8,
            };
            let fits = match ty {
                TinyInt => u8::try_from(n).is_ok(),
                SmallInt => i16::try_from(n).is_ok(),
                Int => i32::try_from(n).is_ok(),
                _ => i64::try_from(n).is_ok(),
            };
            assert!(fits, "tds mock: {n} does not fit column {column} ({ty:?})");
            out.push(size as u8);
            out.extend(&n.to_le_bytes()[..size]);
        }
        Real | Float => {
            let f = match value {
                Value::F32(f) => f64::from(*f),
                Value::F64(f) => *f,
                _ => wrong(),
            };
            if ty == Real {
                out.push(4);
                out.extend((f as f32).to_le_bytes());
            } else {
                out.push(8);
                out.extend(f.to_le_bytes());
            }
        }
        Decimal(p, s) | Numeric(p, s) => {
            let Value::Decimal(t) = value else { wrong() };
            let unscaled = parse_decimal(t, s);
            let len = decimal_len(p);
            assert!(unscaled.unsigned_abs() < 10u128.pow(u32::from(p)), "{t} overflows {column} ({ty:?})");
            out.extend([len, u8::from(unscaled >= 0)]);
            out.extend(&unscaled.unsigned_abs().to_le_bytes()[..usize::from(len) - 1]);
        }
        NVarChar | VarChar => {
            let s = text(value).unwrap_or_else(|| wrong());
            let bytes = if ty == VarChar { cp1252(s) } else { utf16(s) };
            assert!(bytes.len() <= 8000, "{column}: {} bytes; use NVarCharMax", bytes.len());
            out.extend((bytes.len() as u16).to_le_bytes());
            out.extend(bytes);
        }
        NVarCharMax | Xml => put_plp(out, &utf16(text(value).unwrap_or_else(|| wrong())), ty == NVarCharMax),
        Binary(n) | VarBinary(n) => {
            let Value::Bytes(b) = value else { wrong() };
            assert!(b.len() <= usize::from(n), "{column}: {} bytes exceed {ty:?}", b.len());
            assert!(
                matches!(ty, VarBinary(_)) || b.len() == usize::from(n),
                "{column}: binary({n}) is fixed"
            );
            out.extend((b.len() as u16).to_le_bytes());
            out.extend(b);
        }
        UniqueIdentifier => {
            let Value::Guid(g) = value else { wrong() };
            out.push(16);
            out.extend(guid_wire(g));
        }
        DateTime => {
            let (days, ticks, _) = parse_timestamp(timestamp(value).unwrap_or_else(|| wrong()));
            // 1/300 s since midnight, rounded as SQL Server does.
            let fraction = (ticks * 3 + 50_000) / 100_000;
            out.push(8);
            out.extend(((days - DAYS_1900) as i32).to_le_bytes());
            out.extend((fraction as u32).to_le_bytes());
        }
        DateTime2 | DateTimeOffset => {
            let (mut days, mut ticks, offset) = parse_timestamp(timestamp(value).unwrap_or_else(|| wrong()));
            if ty == DateTimeOffset {
                // The wire carries UTC.
                let utc = days * TICKS_PER_DAY + ticks - i64::from(offset) * 600_000_000;
                (days, ticks) = (utc.div_euclid(TICKS_PER_DAY), utc.rem_euclid(TICKS_PER_DAY));
            }
            out.push(if ty == DateTime2 { 8 } else { 10 }); // 5 bytes time(7) + 3 date (+ 2 offset)
            out.extend(&ticks.to_le_bytes()[..5]);
            out.extend(&((days - DAYS_0001) as u32).to_le_bytes()[..3]);
            if ty == DateTimeOffset {
                out.extend(offset.to_le_bytes());
            }
        }
    }
}

/// PLP_BODY: total length (or "unknown"), chunks, terminator.
fn put_plp(out: &mut Vec<u8>, bytes: &[u8], known_length: bool) {
    let total = if known_length { bytes.len() as u64 } else { 0xFFFF_FFFF_FFFF_FFFE };
    out.extend(total.to_le_bytes());
    for chunk in bytes.chunks(PLP_CHUNK) {
        out.extend((chunk.len() as u32).to_le_bytes());
        out.extend(chunk);
    }
    out.extend(0u32.to_le_bytes());
}

fn cp1252(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match u32::from(c) {
            n @ (0..=0x7F | 0xA0..=0xFF) => n as u8,
            _ => panic!("tds mock: {c:?} in {s:?} is not encodable in the mock's varchar"),
        })
        .collect()
}

/// Unscaled value of decimal text at `scale`.
fn parse_decimal(t: &str, scale: u8) -> i128 {
    let (negative, digits) = t.strip_prefix('-').map_or((false, t), |d| (true, d));
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    assert!(frac.len() <= usize::from(scale), "{t} has more than {scale} decimals");
    let padded = format!("{int}{frac:0<width$}", width = usize::from(scale));
    let n: i128 = padded.parse().unwrap_or_else(|_| panic!("not a decimal: {t}"));
    if negative { -n } else { n }
}

/// GUID text to the wire: the first three groups little-endian, the rest as written.
fn guid_wire(g: &str) -> [u8; 16] {
    let hex: String = g.chars().filter(|c| *c != '-').collect();
    assert_eq!(hex.len(), 32, "not a GUID: {g}");
    let mut b = [0u8; 16];
    for (i, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap_or_else(|_| panic!("not a GUID: {g}"));
    }
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    b
}

const TICKS_PER_DAY: i64 = 864_000_000_000; // 100 ns
/// Days from 1970-01-01 back to 0001-01-01 and to 1900-01-01.
const DAYS_0001: i64 = -719_162;
const DAYS_1900: i64 = -25_567;

/// `"YYYY-MM-DD HH:MM:SS[.fffffff][ +HH:MM]"` → (days since 1970-01-01, 100 ns ticks since
/// midnight, offset minutes).
fn parse_timestamp(t: &str) -> (i64, i64, i16) {
    let bad = || -> ! { panic!("tds mock: bad timestamp {t:?} (want YYYY-MM-DD HH:MM:SS[.f][ +HH:MM])") };
    let num = |s: &str| s.parse::<i64>().unwrap_or_else(|_| bad());
    let mut parts = t.split(' ');
    let (Some(date), Some(time)) = (parts.next(), parts.next()) else { bad() };
    let ymd: Vec<i64> = date.split('-').map(num).collect();
    let [y, m, d] = ymd[..] else { bad() };
    let (hms, frac) = time.split_once('.').unwrap_or((time, ""));
    let hms: Vec<i64> = hms.split(':').map(num).collect();
    let [h, mi, s] = hms[..] else { bad() };
    assert!(frac.len() <= 7, "more than 7 fractional digits in {t}");
    let frac = if frac.is_empty() { 0 } else { num(&format!("{frac:0<7}")) };
    let offset = match parts.next() {
        None => 0,
        Some(o) => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':').unwrap_or_else(|| bad());
            sign * (num(oh) * 60 + num(om))
        }
    };
    let ticks = ((h * 60 + mi) * 60 + s) * 10_000_000 + frac;
    (days_from_civil(y, m, d), ticks, offset as i16)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
