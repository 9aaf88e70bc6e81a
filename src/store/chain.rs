//! Snapshot bodies as chains: a keyframe (the whole body, deflated: encoding 1), then
//! delta frames (encoding 2) that hold only what changed since the previous body of the
//! same target and kind.
//!
//! A delta frame is zstd with the previous body's stored JSON as its dictionary, so whatever
//! repeats (idle sessions, unchanged settings, statement texts still running) costs a few
//! bytes of reference; `ages.rs` makes idle sessions repeat exactly. Measured on the
//! storage bench's day (`cargo bench --bench time_travel`): an Activity round of 100
//! sessions takes about a quarter of its deflated size. Layout of a delta frame: the
//! previous body's `at` as 8 little-endian bytes, the CRC-32 of its stored JSON as 4, then
//! the zstd frame. Reading an instant
//! decodes from the newest keyframe at or before it, at most `KEYFRAME_EVERY` frames.
//!
//! A chain is only ever continued by the writer that began it, from what it holds in
//! memory; after a restart, a rolled-back round or an out-of-order instant the next body
//! is a keyframe. A frame whose base is not the row before it is a broken chain: an
//! error, never a wrong picture.

use super::StoreError;
use super::ages::{self, Starts};
use super::codec::deflate;
use super::codec::{DEFLATE_JSON, inflate};
use super::columns;
use super::derived;
use crate::model::SampleBody;
use std::collections::HashMap;
use zstd::zstd_safe::{CCtx, DCtx};

/// Value of `snapshots.encoding` for a delta frame.
pub const ZSTD_DELTA: i64 = 2;

/// A keyframe at least every this many bodies (15 minutes of 10 s rounds): bounds the
/// frames one read decodes. On the bench's day (10 targets) every 30 minutes saved 8 MB of
/// keyframes a day, for up to twice the frames decoded by each read.
pub const KEYFRAME_EVERY: u32 = 90;

/// And at least this often: bounds what pruning a keyframe takes with it (its deltas, which
/// retention deletes) for kinds read every 10 minutes as for those read every second.
pub const KEYFRAME_SPAN_MS: i64 = 15 * 60_000;

/// Kinds always written whole: retention keeps the newest schema inventory however old
/// (`retention.rs`), and it must stay readable without the rows before it.
const KEYFRAMES_ONLY: [&str; 1] = ["schema"];

/// Measured on the bench's day, per Activity round of 100 sessions: level 3 gave 1.97 KB
/// for 2.4 ms of writing, level 9 0.83 KB for 3.0 ms (its match finder searches the
/// previous body, the dictionary, much further); level 12 took seconds.
const LEVEL: i32 = 9;

/// No stored body comes near this; a frame that claims more is corrupt or hostile.
const MAX_BODY: u64 = 256 << 20;

/// The previous body of one target and kind, as the next delta frame's prefix.
struct Link {
    at: i64,
    keyframe_at: i64,
    stored: Vec<u8>,
    starts: Starts,
    since_keyframe: u32,
}

/// The writer's side: the last body written per (target, kind).
#[derive(Default)]
pub struct Chains {
    links: HashMap<(String, &'static str), Link>,
    cctx: Option<CCtx<'static>>,
    out: Vec<u8>,
    frame: Vec<u8>,
}

impl Chains {
    /// Forgets every chain: the next body of each is a keyframe.
    pub fn clear(&mut self) {
        self.links.clear();
    }

    /// Keeps the chains for which `exists(target, kind, at of their last body)`.
    pub fn retain(&mut self, mut exists: impl FnMut(&str, &str, i64) -> bool) {
        self.links.retain(|(target, kind), link| exists(target, kind, link.at));
    }

    /// Encodes `body` taken at `at` and hands (encoding, bytes) to `use_bytes`.
    pub fn encode<T>(
        &mut self,
        target: &str,
        at: i64,
        body: &SampleBody,
        use_bytes: impl FnOnce(i64, &[u8]) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let kind = body.kind();
        let key = (target.to_owned(), kind);
        let previous = self.links.remove(&key);
        // An instant before the chain's end is written whole and leaves the chain as it
        // was. The chain's own end again replaces that row: the chain restarts from it.
        let (previous, keep) = match previous {
            Some(link) if link.at > at => (None, Some(link)),
            Some(link) if link.at == at || KEYFRAMES_ONLY.contains(&kind) => (None, None),
            other => (other, None),
        };
        let mut value = serde_json::to_value(body).map_err(|e| encode_error(&e))?;
        let clock = ages::clock_for(&value, at, previous.as_ref().map_or(&Starts::new(), |l| &l.starts));
        let starts = ages::to_instants(&mut value, clock);
        derived::leave_out(&mut value);
        columns::to_columns(&mut value);
        let stored = serde_json::to_vec(&value).map_err(|e| encode_error(&e))?;
        let (encoding, since_keyframe, keyframe_at) = match previous {
            Some(link)
                if link.since_keyframe + 1 < KEYFRAME_EVERY
                    && at.saturating_sub(link.keyframe_at) < KEYFRAME_SPAN_MS =>
            {
                self.delta(&link, &stored)?;
                (ZSTD_DELTA, link.since_keyframe + 1, link.keyframe_at)
            }
            _ => {
                self.out.clear();
                deflate(&stored, &mut self.out)?;
                (DEFLATE_JSON, 0, at)
            }
        };
        let result = use_bytes(encoding, &self.out);
        match keep {
            Some(link) => {
                self.links.insert(key, link);
            }
            None if result.is_ok() => {
                self.links.insert(key, Link { at, keyframe_at, stored, starts, since_keyframe });
            }
            None => {}
        }
        result
    }

    fn delta(&mut self, base: &Link, stored: &[u8]) -> Result<(), StoreError> {
        let cctx = self.cctx.get_or_insert_with(CCtx::create);
        self.out.clear();
        self.out.extend_from_slice(&base.at.to_le_bytes());
        self.out.extend_from_slice(&crc32fast::hash(&base.stored).to_le_bytes());
        self.frame.clear();
        self.frame.reserve(zstd::zstd_safe::compress_bound(stored.len()));
        // The previous body as a raw-content dictionary: zstd's "patch from" mode.
        if let Err(code) = cctx.compress_using_dict(&mut self.frame, stored, &base.stored, LEVEL) {
            // A failed frame may leave the context in an undefined state: a fresh one next time.
            self.cctx = None;
            return Err(zstd_error(code));
        }
        self.out.extend_from_slice(&self.frame);
        Ok(())
    }
}

fn encode_error(e: &serde_json::Error) -> StoreError {
    StoreError::Sqlite(format!("cannot encode snapshot: {e}"))
}

fn zstd_error(code: usize) -> StoreError {
    StoreError::Sqlite(format!("zstd: {}", zstd::zstd_safe::get_error_name(code)))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Sqlite(format!("corrupt snapshot chain: {what}"))
}

/// One stored row of a chain, oldest first.
pub struct Frame {
    pub at: i64,
    pub encoding: i64,
    pub bytes: Vec<u8>,
}

/// The body the last of `frames` stands for. The first must be a keyframe and each
/// delta's base the frame before it.
pub fn decode(frames: &[Frame]) -> Result<SampleBody, StoreError> {
    let last = frames.last().map_or(i64::MAX, |f| f.at);
    let mut body = None;
    decode_each(frames, last, |_, b| body = Some(b))?;
    body.ok_or_else(|| corrupt("no frames"))
}

/// Calls `each` with every body of `frames` taken at `from` or later, oldest first
/// (the frames before `from` are decoded only as the bases of the later ones).
pub fn decode_each(
    frames: &[Frame],
    from: i64,
    mut each: impl FnMut(i64, SampleBody),
) -> Result<(), StoreError> {
    let (first, deltas) = frames.split_first().ok_or_else(|| corrupt("no frames"))?;
    if first.encoding == ZSTD_DELTA {
        return Err(corrupt("the chain's keyframe is gone"));
    }
    let mut stored = inflate(first.encoding, &first.bytes)?;
    if first.at >= from {
        each(first.at, parse(&stored)?);
    }
    let mut previous_at = first.at;
    let mut dctx = DCtx::create();
    for frame in deltas {
        if frame.encoding != ZSTD_DELTA {
            // A new chain begins: its keyframe stands alone.
            stored = inflate(frame.encoding, &frame.bytes)?;
        } else {
            stored = apply(&mut dctx, &stored, previous_at, &frame.bytes)?;
        }
        previous_at = frame.at;
        if frame.at >= from {
            each(frame.at, parse(&stored)?);
        }
    }
    Ok(())
}

fn apply(dctx: &mut DCtx<'_>, stored: &[u8], previous_at: i64, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    let (base, rest) = bytes.split_first_chunk::<8>().ok_or_else(|| corrupt("short frame"))?;
    let (fingerprint, zstd_frame) = rest.split_first_chunk::<4>().ok_or_else(|| corrupt("short frame"))?;
    if i64::from_le_bytes(*base) != previous_at || u32::from_le_bytes(*fingerprint) != crc32fast::hash(stored)
    {
        return Err(corrupt("a frame's base is not the body before it"));
    }
    let size = zstd::zstd_safe::get_frame_content_size(zstd_frame)
        .ok()
        .flatten()
        .filter(|&n| n <= MAX_BODY)
        .ok_or_else(|| corrupt("frame size unknown or too large"))?;
    let mut next = Vec::with_capacity(usize::try_from(size).map_err(|_| corrupt("frame too large"))?);
    dctx.decompress_using_dict(&mut next, zstd_frame, stored).map_err(zstd_error)?;
    Ok(next)
}

fn parse(stored: &[u8]) -> Result<SampleBody, StoreError> {
    let mut value: serde_json::Value = serde_json::from_slice(stored)
        .map_err(|e| StoreError::Sqlite(format!("undecodable snapshot body: {e}")))?;
    ages::to_ages(&mut value).map_err(|e| corrupt(&e))?;
    columns::to_rows(&mut value).map_err(|e| corrupt(&e))?;
    derived::restore(&mut value);
    serde_json::from_value(value).map_err(|e| StoreError::Sqlite(format!("undecodable snapshot body: {e}")))
}

#[cfg(test)]
#[path = "chain_tests.rs"]
mod tests;
