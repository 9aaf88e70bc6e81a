//! Snapshot bodies: serde_json, raw deflate. An Activity read of 100 sessions is tens of
//! kilobytes of repetitive JSON, which deflate shrinks several times over.

use super::StoreError;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::io::{Read, Write};

/// Value of `snapshots.encoding` for what `Encoder` writes.
pub const DEFLATE_JSON: i64 = 1;

/// Speed matters more than ratio here: the body is written every high-tier tick.
const LEVEL: u32 = 3;

/// Keeps one compressor and its buffers alive so a steady stream of snapshots does not
/// allocate the compressor's ~300 KB of tables each time.
pub struct Encoder {
    enc: DeflateEncoder<Vec<u8>>,
    spare: Vec<u8>,
    /// The JSON goes here first: serde_json writes in tiny pieces, and feeding those to
    /// the compressor one by one costs ~80x more CPU than one large write.
    json: Vec<u8>,
}

/// Buffers grown past this by an unusually large body are given back afterwards.
const KEEP_BYTES: usize = 1 << 20;

impl Encoder {
    pub fn new() -> Self {
        Self {
            enc: DeflateEncoder::new(Vec::new(), Compression::new(LEVEL)),
            spare: Vec::new(),
            json: Vec::new(),
        }
    }

    /// Compresses `body` and hands the bytes to `use_bytes` (which binds them into SQL).
    pub fn encode<T>(
        &mut self,
        body: &impl Serialize,
        use_bytes: impl FnOnce(&[u8]) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.json.clear();
        serde_json::to_writer(&mut self.json, body)
            .map_err(|e| StoreError::Sqlite(format!("cannot encode snapshot: {e}")))?;
        let written = self.enc.write_all(&self.json);
        let mut spare = std::mem::take(&mut self.spare);
        spare.clear();
        // reset() finishes the stream into the old buffer, so a failed write is discarded too.
        let out = self.enc.reset(spare);
        let out =
            written.and(out).map_err(|e| StoreError::Sqlite(format!("cannot compress snapshot: {e}")))?;
        let result = use_bytes(&out);
        self.spare = out;
        for buf in [&mut self.json, &mut self.spare] {
            if buf.capacity() > KEEP_BYTES {
                *buf = Vec::new();
            }
        }
        result
    }
}

/// Raw deflate of bytes already encoded (a keyframe of `chain.rs`), appended to `out`.
pub fn deflate(json: &[u8], out: &mut Vec<u8>) -> Result<(), StoreError> {
    let mut enc = DeflateEncoder::new(std::mem::take(out), Compression::new(LEVEL));
    enc.write_all(json).map_err(|e| StoreError::Sqlite(format!("cannot compress snapshot: {e}")))?;
    *out = enc.finish().map_err(|e| StoreError::Sqlite(format!("cannot compress snapshot: {e}")))?;
    Ok(())
}

/// The bytes `deflate` compressed.
pub fn inflate(encoding: i64, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    if encoding != DEFLATE_JSON {
        return Err(StoreError::Sqlite(format!("unknown snapshot encoding {encoding}")));
    }
    let mut json = Vec::with_capacity(bytes.len() * 4);
    DeflateDecoder::new(bytes)
        .read_to_end(&mut json)
        .map_err(|e| StoreError::Sqlite(format!("corrupt snapshot body: {e}")))?;
    Ok(json)
}

/// `decode` for any type `Encoder` wrote (the outbox keeps whole samples).
pub fn decode_as<T: DeserializeOwned>(encoding: i64, bytes: &[u8]) -> Result<T, StoreError> {
    let json = inflate(encoding, bytes)?;
    serde_json::from_slice(&json).map_err(|e| StoreError::Sqlite(format!("undecodable snapshot body: {e}")))
}

/// JSON size and compressed size of one body, for cost reports.
pub fn sizes(body: &crate::model::SampleBody) -> Result<(usize, usize), StoreError> {
    let json = serde_json::to_vec(body).map_err(|e| StoreError::Sqlite(e.to_string()))?;
    let mut enc = DeflateEncoder::new(Vec::new(), Compression::new(LEVEL));
    enc.write_all(&json).map_err(|e| StoreError::Sqlite(e.to_string()))?;
    let packed = enc.finish().map_err(|e| StoreError::Sqlite(e.to_string()))?;
    Ok((json.len(), packed.len()))
}
