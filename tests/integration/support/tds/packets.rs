//! TDS packets and client messages (MS-TDS 2.2.3, 2.2.6): framing, PRELOGIN, LOGIN7,
//! SQL_BATCH and the sp_executesql RPC that tiberius' `query`/`execute` send.

use std::io;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub const SQL_BATCH: u8 = 0x01;
pub const RPC: u8 = 0x03;
pub const REPLY: u8 = 0x04;
pub const ATTENTION: u8 = 0x06;
pub const TRANSACTION_MANAGER: u8 = 0x0E;
pub const LOGIN7: u8 = 0x10;
pub const PRELOGIN: u8 = 0x12;

/// ENCRYPT_NOT_SUP in PRELOGIN's ENCRYPTION option.
pub const ENCRYPT_NOT_SUP: u8 = 2;

const HEADER: usize = 8;
/// Server process id put in reply headers (what @@SPID would say).
const SPID: u16 = 51;

/// A whole client message: the packets up to the one with END_OF_MESSAGE, joined.
#[derive(Debug)]
pub struct Message {
    pub ty: u8,
    pub payload: Vec<u8>,
}

/// Reads one message; `None` on a clean end of stream before it started. Anything that
/// is not a TDS packet (a TLS ClientHello of TDS 8 strict mode starts with 0x16) is an
/// error, so the caller closes instead of waiting for a length that never comes.
pub async fn read_message<R: AsyncRead + Unpin>(r: &mut R) -> io::Result<Option<Message>> {
    let mut message: Option<Message> = None;
    loop {
        let mut header = [0u8; HEADER];
        match r.read_exact(&mut header).await {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof && message.is_none() => return Ok(None),
            other => other?,
        };
        let [ty, status, len_hi, len_lo, ..] = header;
        if ![SQL_BATCH, RPC, ATTENTION, TRANSACTION_MANAGER, LOGIN7, PRELOGIN].contains(&ty) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("not a TDS packet: {header:02x?}"),
            ));
        }
        let length = usize::from(u16::from_be_bytes([len_hi, len_lo]));
        let body = length.checked_sub(HEADER).ok_or_else(|| io::Error::other("packet length < 8"))?;
        let mut payload = vec![0u8; body];
        r.read_exact(&mut payload).await?;
        let m = message.get_or_insert(Message { ty, payload: Vec::new() });
        m.payload.extend(payload);
        if status & 0x01 != 0 {
            return Ok(message);
        }
    }
}

/// Writes `payload` as a tabular result message split into `packet_size` packets.
pub async fn write_message<W: AsyncWrite + Unpin>(
    w: &mut W,
    payload: &[u8],
    packet_size: usize,
) -> io::Result<()> {
    let chunks: Vec<&[u8]> =
        if payload.is_empty() { vec![&[]] } else { payload.chunks(packet_size - HEADER).collect() };
    let mut wire = Vec::with_capacity(payload.len() + chunks.len() * HEADER);
    for (i, chunk) in chunks.iter().enumerate() {
        let status = u8::from(i + 1 == chunks.len()); // END_OF_MESSAGE on the last
        wire.extend([REPLY, status]);
        wire.extend(((chunk.len() + HEADER) as u16).to_be_bytes());
        wire.extend(SPID.to_be_bytes());
        wire.extend([(i + 1) as u8, 0]); // packet id, window
        wire.extend(*chunk);
    }
    w.write_all(&wire).await?;
    w.flush().await
}

/// The client's ENCRYPTION option of a PRELOGIN message.
pub fn prelogin_encryption(payload: &[u8]) -> Option<u8> {
    let mut at = 0;
    while let Some(&token) = payload.get(at) {
        if token == 0xFF {
            return None;
        }
        let offset = usize::from(u16::from_be_bytes([*payload.get(at + 1)?, *payload.get(at + 2)?]));
        if token == 0x01 {
            return payload.get(offset).copied();
        }
        at += 5;
    }
    None
}

/// PRELOGIN answer: version 16.0.4135, ENCRYPT_NOT_SUP, instance valid, no thread id, no MARS.
pub fn prelogin_reply() -> Vec<u8> {
    let options: [(u8, &[u8]); 5] = [
        (0x00, &[16, 0, 0x10, 0x27, 0, 0]),
        (0x01, &[ENCRYPT_NOT_SUP]),
        (0x02, &[0]),
        (0x03, &[]),
        (0x04, &[0]),
    ];
    let mut table = Vec::new();
    let mut data: Vec<u8> = Vec::new();
    let mut offset = options.len() * 5 + 1;
    for (token, value) in options {
        table.push(token);
        table.extend((offset as u16).to_be_bytes());
        table.extend((value.len() as u16).to_be_bytes());
        data.extend(value);
        offset += value.len();
    }
    table.push(0xFF);
    table.extend(data);
    table
}

/// The parts of LOGIN7 the mock looks at.
#[derive(Debug, Clone)]
pub struct Login7 {
    pub user: String,
    pub password: String,
    pub app_name: String,
    pub server_name: String,
    pub database: String,
    pub read_only_intent: bool,
    pub packet_size: u32,
}

fn u16_at(p: &[u8], at: usize) -> usize {
    usize::from(u16::from_le_bytes([p[at], p[at + 1]]))
}

fn utf16_text(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16(&units).unwrap_or_else(|e| panic!("tds mock: client sent bad UTF-16: {e}"))
}

/// LOGIN7 (MS-TDS 2.2.6.4): fixed fields, then (offset, length in characters) pairs from
/// byte 36: host, user, password, app, server, extension, client interface, language,
/// database.
pub fn parse_login7(p: &[u8]) -> Login7 {
    assert!(p.len() >= 94, "tds mock: LOGIN7 of {} bytes is too short", p.len());
    let field = |slot: usize| -> &[u8] {
        let at = 36 + slot * 4;
        let (offset, chars) = (u16_at(p, at), u16_at(p, at + 2));
        &p[offset..offset + chars * 2]
    };
    // The password is obfuscated per byte: nibbles swapped, then XOR 0xA5.
    let password: Vec<u8> = field(2).iter().map(|b| (b ^ 0xA5).rotate_left(4)).collect();
    Login7 {
        user: utf16_text(field(1)),
        password: utf16_text(&password),
        app_name: utf16_text(field(3)),
        server_name: utf16_text(field(4)),
        database: utf16_text(field(8)),
        read_only_intent: p[26] & 0x20 != 0, // TypeFlags fReadOnlyIntent
        packet_size: u32::from_le_bytes([p[8], p[9], p[10], p[11]]),
    }
}

/// Skips ALL_HEADERS (2.2.5.3), whose first u32 is its own total length.
fn after_all_headers(p: &[u8]) -> &[u8] {
    let total = u32::from_le_bytes([p[0], p[1], p[2], p[3]]) as usize;
    &p[total..]
}

/// The text of a SQL_BATCH: UTF-16LE after ALL_HEADERS.
pub fn batch_text(p: &[u8]) -> String {
    utf16_text(after_all_headers(p))
}

/// The statement of an RPC request: sp_executesql (proc id 10) with its first parameter
/// an nvarchar, sized or PLP, as tiberius encodes it. Anything else: a description.
pub fn rpc_statement(p: &[u8]) -> Result<String, String> {
    let p = after_all_headers(p);
    if u16_at(p, 0) != 0xFFFF || u16_at(p, 2) != 10 {
        return Err(format!("RPC other than sp_executesql: {:02x?}", &p[..4]));
    }
    // Option flags (2), then the parameter: B_VARCHAR name, status byte, TYPE_INFO.
    let mut at = 6;
    at += 1 + usize::from(p[at]) * 2 + 1;
    if p[at] != 0xE7 {
        return Err(format!("sp_executesql statement of type {:#04x}", p[at]));
    }
    let max_len = u16_at(p, at + 1);
    at += 1 + 2 + 5; // type, max length, collation
    if max_len != 0xFFFF {
        let len = u16_at(p, at);
        return Ok(utf16_text(&p[at + 2..at + 2 + len]));
    }
    at += 8; // PLP total length (tiberius sends "unknown")
    let mut bytes = Vec::new();
    loop {
        let chunk = u32::from_le_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]) as usize;
        at += 4;
        if chunk == 0 {
            return Ok(utf16_text(&bytes));
        }
        bytes.extend(&p[at..at + chunk]);
        at += chunk;
    }
}
