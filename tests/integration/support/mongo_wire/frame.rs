//! OP_MSG framing (MongoDB wire protocol, opcode 2013): a 16-byte header (length,
//! requestId, responseTo, opCode), u32 flagBits, then sections: kind 0 is the command
//! body, kind 1 a document sequence (identifier + documents) that belongs in the body
//! as an array under that identifier. With flag bit 0 a CRC-32C trails the sections;
//! it is skipped, not checked.

use mongodb::bson::{Bson, Document};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

pub const OP_MSG: i32 = 2013;
const CHECKSUM_PRESENT: u32 = 1;
/// What a real server accepts (`maxMessageSizeBytes`).
pub const MAX_MESSAGE_BYTES: i32 = 48_000_000;

/// One command as received: the body with the document sequences merged in.
pub struct Request {
    pub request_id: i32,
    pub body: Document,
}

/// Why a connection ends.
pub enum Broken {
    /// The client went away (EOF or a reset between messages).
    Gone,
    /// Not OP_MSG: a TLS ClientHello, OP_COMPRESSED, OP_QUERY or garbage.
    NotOpMsg,
    /// A length or section that does not add up.
    Malformed,
}

pub async fn read_request<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Request, Broken> {
    let mut header = [0u8; 16];
    if reader.read_exact(&mut header).await.is_err() {
        return Err(Broken::Gone);
    }
    let field = |i: usize| i32::from_le_bytes([header[i], header[i + 1], header[i + 2], header[i + 3]]);
    let (length, request_id, op_code) = (field(0), field(4), field(12));
    // The op code is checked before the length is trusted: a TLS record read as a header
    // has a plausible length but never opcode 2013.
    if op_code != OP_MSG {
        return Err(Broken::NotOpMsg);
    }
    if !(21..=MAX_MESSAGE_BYTES).contains(&length) {
        return Err(Broken::Malformed);
    }
    let mut rest = vec![0u8; length as usize - 16];
    if reader.read_exact(&mut rest).await.is_err() {
        return Err(Broken::Gone);
    }
    let body = parse_sections(&rest).map_err(|_| Broken::Malformed)?;
    Ok(Request { request_id, body })
}

fn parse_sections(bytes: &[u8]) -> Result<Document, String> {
    let flags = u32::from_le_bytes(bytes[..4].try_into().map_err(|_| "short flags")?);
    let end = if flags & CHECKSUM_PRESENT != 0 { bytes.len().saturating_sub(4) } else { bytes.len() };
    let mut at = 4;
    let mut body: Option<Document> = None;
    let mut sequences: Vec<(String, Vec<Bson>)> = Vec::new();
    while at < end {
        let kind = bytes[at];
        at += 1;
        match kind {
            0 => {
                let size = le_i32(bytes, at)?;
                let doc = Document::from_reader(&mut &bytes[at..at + size]).map_err(|e| e.to_string())?;
                body = Some(doc);
                at += size;
            }
            1 => {
                let size = le_i32(bytes, at)?;
                let section_end = at + size;
                let mut inner = at + 4;
                let name_end = bytes[inner..section_end]
                    .iter()
                    .position(|b| *b == 0)
                    .ok_or("unterminated sequence identifier")?;
                let identifier = String::from_utf8_lossy(&bytes[inner..inner + name_end]).into_owned();
                inner += name_end + 1;
                let mut documents = Vec::new();
                while inner < section_end {
                    let doc_size = le_i32(bytes, inner)?;
                    let doc = Document::from_reader(&mut &bytes[inner..inner + doc_size])
                        .map_err(|e| e.to_string())?;
                    documents.push(Bson::Document(doc));
                    inner += doc_size;
                }
                sequences.push((identifier, documents));
                at = section_end;
            }
            other => return Err(format!("section kind {other}")),
        }
    }
    let mut body = body.ok_or("no body section")?;
    for (identifier, documents) in sequences {
        body.insert(identifier, documents);
    }
    Ok(body)
}

fn le_i32(bytes: &[u8], at: usize) -> Result<usize, String> {
    let raw: [u8; 4] = bytes.get(at..at + 4).and_then(|b| b.try_into().ok()).ok_or("truncated section")?;
    let size = i32::from_le_bytes(raw);
    if size < 4 || at + size as usize > bytes.len() {
        return Err(format!("section size {size}"));
    }
    Ok(size as usize)
}

/// Sends `reply` as the answer to request `response_to` (one kind-0 section, no flags).
pub async fn write_reply<W: AsyncWrite + Unpin>(
    writer: &mut W,
    request_id: i32,
    response_to: i32,
    reply: &Document,
) -> std::io::Result<()> {
    let mut body = Vec::new();
    reply.to_writer(&mut body).map_err(std::io::Error::other)?;
    let length = 16 + 4 + 1 + body.len();
    let mut out = Vec::with_capacity(length);
    out.extend((length as i32).to_le_bytes());
    out.extend(request_id.to_le_bytes());
    out.extend(response_to.to_le_bytes());
    out.extend(OP_MSG.to_le_bytes());
    out.extend(0u32.to_le_bytes());
    out.push(0);
    out.extend(body);
    writer.write_all(&out).await?;
    writer.flush().await
}
