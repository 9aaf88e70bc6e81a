//! A chart line's points packed into blocks: one row per series and stretch of time
//! instead of one row per point (a row costs ~26 bytes on disk; a point in a block 2–4).
//!
//! Rounds come at a steady pace and most figures move little between them, so each point
//! stores what changed: its instant as the change of the step between rounds (0 when the
//! pace holds: one byte), its value as the difference from the previous one when both are
//! whole numbers (counts of sessions, connections, bytes: one or two bytes), else as the
//! bytes of the XOR of the two floats that differ (a rate that moves only in its low
//! digits shares its sign, exponent and top of mantissa with the previous one).
//!
//! Layout: a version byte, the first instant (zigzag varint) and value (8 bytes LE), then
//! per point the instant's change of step (zigzag varint) and the value: an even varint
//! (`zigzag(whole difference) << 1`) or an odd control byte (`1 | lead << 1 | len << 4`:
//! `lead` zero bytes, then `len` bytes of the XOR, big-endian, then zero bytes).

use super::StoreError;

/// At most this many points a block: a block stays within a SQLite page (no overflow
/// page to read), and the writer rewrites at most this much a round.
pub const BLOCK_POINTS: usize = 120;
/// A block never spans this long or more, so a read of `[from, to]` only looks at blocks
/// that begin within `[from - BLOCK_SPAN_MS, to]`.
pub const BLOCK_SPAN_MS: i64 = 3_600_000;

const VERSION: u8 = 1;
/// Whole numbers this large and beyond are not exact as f64 steps: they take the XOR path.
const WHOLE_LIMIT: f64 = 9_007_199_254_740_992.0; // 2^53

/// A block being written: its bytes so far and what the next point is encoded against.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub first_at: i64,
    pub last_at: i64,
    pub count: usize,
    pub bytes: Vec<u8>,
    step: i64,
    value: f64,
}

impl Block {
    pub fn start(at: i64, value: f64) -> Block {
        let mut bytes = Vec::with_capacity(64);
        bytes.push(VERSION);
        put_varint(&mut bytes, zigzag(at));
        bytes.extend_from_slice(&value.to_le_bytes());
        Block { first_at: at, last_at: at, count: 1, bytes, step: 0, value }
    }

    /// Packs points already in time order (each instant once).
    pub fn from_points(points: &[(i64, f64)]) -> Option<Block> {
        let (&(at, value), rest) = points.split_first()?;
        let mut block = Block::start(at, value);
        for &(at, value) in rest {
            block.push(at, value);
        }
        Some(block)
    }

    /// Whether `at` can be appended: later than the last point, within the span, room left.
    pub fn takes(&self, at: i64) -> bool {
        at > self.last_at && at - self.first_at < BLOCK_SPAN_MS && self.count < BLOCK_POINTS
    }

    /// Appends a point later than the last (`takes` said so).
    pub fn push(&mut self, at: i64, value: f64) {
        let step = at.wrapping_sub(self.last_at);
        put_varint(&mut self.bytes, zigzag(step.wrapping_sub(self.step)));
        match whole_difference(self.value, value) {
            Some(difference) => put_varint(&mut self.bytes, zigzag(difference) << 1),
            None => {
                let xor = (self.value.to_bits() ^ value.to_bits()).to_be_bytes();
                let lead = xor.iter().take_while(|b| **b == 0).count().min(7);
                let trail = xor[lead..].iter().rev().take_while(|b| **b == 0).count();
                let len = 8 - lead - trail;
                self.bytes.push(1 | (lead as u8) << 1 | (len as u8) << 4);
                self.bytes.extend_from_slice(&xor[lead..lead + len]);
            }
        }
        (self.last_at, self.step, self.value) = (at, step, value);
        self.count += 1;
    }
}

/// `value - previous` when both are whole numbers an f64 holds exactly (and not -0).
fn whole_difference(previous: f64, value: f64) -> Option<i64> {
    let whole = |v: f64| v.fract() == 0.0 && v.abs() < WHOLE_LIMIT && !(v == 0.0 && v.is_sign_negative());
    (whole(previous) && whole(value)).then(|| value as i64 - previous as i64)
}

/// The points of a stored block, oldest first. Bytes from a file are outside input: a
/// damaged block is an error, never a panic.
pub fn decode(bytes: &[u8]) -> Result<Vec<(i64, f64)>, StoreError> {
    let corrupt = || StoreError::Sqlite("damaged chart block".into());
    let mut input = Input { bytes, at: 0 };
    if input.byte().ok_or_else(corrupt)? != VERSION {
        return Err(corrupt());
    }
    let mut at = unzigzag(input.varint().ok_or_else(corrupt)?);
    let mut value = f64::from_le_bytes(input.array().ok_or_else(corrupt)?);
    let mut step = 0i64;
    let mut points = Vec::with_capacity(bytes.len() / 2);
    points.push((at, value));
    while !input.done() {
        step = step.wrapping_add(unzigzag(input.varint().ok_or_else(corrupt)?));
        at = at.wrapping_add(step);
        let first = *input.bytes.get(input.at).ok_or_else(corrupt)?;
        if first & 1 == 0 {
            let difference = unzigzag(input.varint().ok_or_else(corrupt)? >> 1);
            value = (value as i64).wrapping_add(difference) as f64;
        } else {
            input.at += 1;
            let (lead, len) = (usize::from(first >> 1 & 7), usize::from(first >> 4));
            if lead + len > 8 {
                return Err(corrupt());
            }
            let mut xor = [0u8; 8];
            xor[lead..lead + len].copy_from_slice(input.take(len).ok_or_else(corrupt)?);
            value = f64::from_bits(value.to_bits() ^ u64::from_be_bytes(xor));
        }
        points.push((at, value));
    }
    Ok(points)
}

struct Input<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Input<'a> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.at..self.at.checked_add(n)?)?;
        self.at += n;
        Some(slice)
    }
    fn array(&mut self) -> Option<[u8; 8]> {
        self.take(8)?.try_into().ok()
    }
    fn varint(&mut self) -> Option<u64> {
        let mut out = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            out |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Some(out);
            }
        }
        None
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(points: &[(i64, f64)]) -> Block {
        let block = Block::from_points(points).unwrap();
        let back = decode(&block.bytes).unwrap();
        assert_eq!(back.len(), points.len());
        for (a, b) in back.iter().zip(points) {
            assert_eq!(a.0, b.0);
            assert_eq!(a.1.to_bits(), b.1.to_bits(), "{} against {}", a.1, b.1);
        }
        block
    }

    #[test]
    fn every_value_comes_back_bit_for_bit() {
        let odd = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            1e300,
            -1e-300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MAX,
            f64::MIN,
            f64::MIN_POSITIVE,
            4_503_599_627_370_496.0,
            9_007_199_254_740_992.0,
            -9_007_199_254_740_991.0,
            123_456.789,
            2.0,
            3.0,
            -0.0,
            0.0,
            5e-324,
        ];
        let points: Vec<(i64, f64)> = odd.iter().enumerate().map(|(i, v)| (1_000 * i as i64, *v)).collect();
        round_trip(&points);
    }

    #[test]
    fn irregular_instants_come_back() {
        let ats = [-5_000, 0, 1, 10_001, 10_002, 3_599_999, i64::MAX / 4];
        let points: Vec<(i64, f64)> = ats.iter().map(|a| (*a, 7.0)).collect();
        round_trip(&points);
    }

    #[test]
    fn steady_rounds_of_slow_counts_cost_two_bytes_a_point() {
        let points: Vec<(i64, f64)> =
            (0..120).map(|i| (1_700_000_000_000 + 10_000 * i, (40 + (i % 5)) as f64)).collect();
        let block = round_trip(&points);
        assert!(block.bytes.len() <= 2 * 120 + 16, "{} bytes", block.bytes.len());
    }

    #[test]
    fn appending_matches_packing_at_once() {
        let points: Vec<(i64, f64)> = (0..50).map(|i| (10_000 * i, (i as f64).sqrt())).collect();
        let mut block = Block::start(points[0].0, points[0].1);
        for &(at, v) in &points[1..] {
            assert!(block.takes(at));
            block.push(at, v);
        }
        assert_eq!(Some(block), Block::from_points(&points));
    }

    #[test]
    fn a_block_closes_when_full_or_an_hour_long() {
        let mut block = Block::start(0, 1.0);
        assert!(!block.takes(0), "an instant twice");
        assert!(!block.takes(BLOCK_SPAN_MS));
        for i in 1..BLOCK_POINTS as i64 {
            block.push(i, 1.0);
        }
        assert!(!block.takes(BLOCK_POINTS as i64));
    }

    #[test]
    fn damaged_blocks_are_errors() {
        let block = Block::from_points(&[(0, 1.5), (10, 2.25), (20, 3.0)]).unwrap();
        for cut in 0..block.bytes.len() {
            if let Ok(points) = decode(&block.bytes[..cut]) {
                assert!(points.len() < 3, "cut at {cut}");
            }
        }
        assert!(decode(&[]).is_err());
        assert!(decode(&[2, 0, 0, 0, 0, 0, 0, 0, 0, 0]).is_err(), "unknown version");
        let mut bad = Block::start(0, 1.5).bytes;
        bad.extend_from_slice(&[0, 0xF1]); // lead 0, len 15
        assert!(decode(&bad).is_err());
        let mut endless = Block::start(0, 1.5).bytes;
        endless.extend_from_slice(&[0xFF; 11]);
        assert!(decode(&endless).is_err());
    }
}
