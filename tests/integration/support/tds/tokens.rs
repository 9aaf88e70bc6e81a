//! Token encoders of the TDS mock (MS-TDS 2.2.7): the login answer, result sets, errors
//! and the DONE family. Layouts as tiberius 0.13 decodes them (src/tds/codec/token).

use super::types::{COLLATION, SqlType, Value, put_b_varchar, put_type_info, put_us_varchar, put_value};

pub const DONE: u8 = 0xFD;
pub const DONE_PROC: u8 = 0xFE;
pub const DONE_IN_PROC: u8 = 0xFF;

pub const DONE_MORE: u16 = 0x01;
pub const DONE_ERROR: u16 = 0x02;
pub const DONE_COUNT: u16 = 0x10;
pub const DONE_ATTN: u16 = 0x20;

/// CurCmd of a SELECT in DONE tokens.
pub const CMD_SELECT: u16 = 0xC1;

pub const SERVER_NAME: &str = "TDSMOCK";

/// TDS 7.4 in LOGINACK (big-endian on the wire).
const TDS_74: u32 = 0x7400_0004;

/// A token with a u16 length prefix over its body.
fn with_length(out: &mut Vec<u8>, token: u8, body: &[u8]) {
    out.push(token);
    out.extend(u16::try_from(body.len()).expect("token body over 64 KiB").to_le_bytes());
    out.extend(body);
}

/// DONE, DONEPROC or DONEINPROC: status, current command, u64 row count (TDS 7.2+).
pub fn done(out: &mut Vec<u8>, token: u8, status: u16, cur_cmd: u16, rows: u64) {
    out.push(token);
    out.extend(status.to_le_bytes());
    out.extend(cur_cmd.to_le_bytes());
    out.extend(rows.to_le_bytes());
}

/// ERROR (0xAA) or INFO (0xAB): number, state, class, message, server, procedure, line.
pub fn message(out: &mut Vec<u8>, token: u8, number: u32, class: u8, text: &str) {
    let mut body = Vec::new();
    body.extend(number.to_le_bytes());
    body.push(1); // state
    body.push(class);
    put_us_varchar(&mut body, text);
    put_b_varchar(&mut body, SERVER_NAME);
    put_b_varchar(&mut body, ""); // procedure
    body.extend(1u32.to_le_bytes()); // line
    with_length(out, token, &body);
}

pub fn error(out: &mut Vec<u8>, number: u32, class: u8, text: &str) {
    message(out, 0xAA, number, class, text);
}

/// ENVCHANGE with B_VARCHAR new and old values (database, language, packet size).
fn env_change(out: &mut Vec<u8>, ty: u8, new: &str, old: &str) {
    let mut body = vec![ty];
    put_b_varchar(&mut body, new);
    put_b_varchar(&mut body, old);
    with_length(out, 0xE3, &body);
}

/// What a SQL Server answers to a successful LOGIN7, in its order: database change, its
/// INFO, collation, language, LOGINACK, the packet size, DONE.
pub fn login_reply(database: &str, packet_size: u32) -> Vec<u8> {
    let mut out = Vec::new();
    env_change(&mut out, 1, database, "master");
    message(&mut out, 0xAB, 5701, 0, &format!("Changed database context to '{database}'."));
    // SQL collation: B_VARBYTE new (5 bytes), B_VARBYTE old (empty).
    let mut body = vec![7, COLLATION.len() as u8];
    body.extend(COLLATION);
    body.push(0);
    with_length(&mut out, 0xE3, &body);
    env_change(&mut out, 2, "us_english", "");
    message(&mut out, 0xAB, 5703, 0, "Changed language setting to us_english.");

    let mut ack = vec![1]; // interface: T-SQL
    ack.extend(TDS_74.to_be_bytes());
    put_b_varchar(&mut ack, "Microsoft SQL Server");
    ack.extend([16, 0, 0x10, 0x27]); // 16.0.4135
    with_length(&mut out, 0xAD, &ack);

    // Both values must parse as numbers: tiberius parses the old one too.
    env_change(&mut out, 4, &packet_size.to_string(), &packet_size.to_string());
    done(&mut out, DONE, 0, 0, 0);
    out
}

/// COLMETADATA: per column user type, flags (nullable), TYPE_INFO, name.
pub fn col_metadata(out: &mut Vec<u8>, columns: &[(String, SqlType)]) {
    out.push(0x81);
    out.extend(u16::try_from(columns.len()).expect("too many columns").to_le_bytes());
    for (name, ty) in columns {
        out.extend(0u32.to_le_bytes()); // user type
        out.extend(0x0001u16.to_le_bytes()); // flags: nullable
        put_type_info(out, *ty);
        put_b_varchar(out, name);
    }
}

/// ROW (0xD1), or NBCROW (0xD2) with a null bitmap and the NULL cells left out.
pub fn row(out: &mut Vec<u8>, columns: &[(String, SqlType)], values: &[Value], nbc: bool) {
    assert_eq!(values.len(), columns.len(), "tds mock: row {values:?} does not match {columns:?}");
    if nbc {
        out.push(0xD2);
        let mut bitmap = vec![0u8; columns.len().div_ceil(8)];
        for (i, v) in values.iter().enumerate() {
            if *v == Value::Null {
                bitmap[i / 8] |= 1 << (i % 8);
            }
        }
        out.extend(bitmap);
    } else {
        out.push(0xD1);
    }
    for ((name, ty), value) in columns.iter().zip(values) {
        if !(nbc && *value == Value::Null) {
            put_value(out, *ty, value, name);
        }
    }
}

/// RETURNSTATUS of a procedure (sent after an RPC's results).
pub fn return_status(out: &mut Vec<u8>, status: i32) {
    out.push(0x79);
    out.extend(status.to_le_bytes());
}
