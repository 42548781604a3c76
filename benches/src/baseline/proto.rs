//! The per-worker blob, in protobuf wire format with the field numbers of
//! Chromium's `BackgroundSyncRegistrationsProto`:
//!
//! - group: `registration` = 1 (repeated message), `origin` = 3 (string);
//! - registration: `tag` = 2, `num_attempts` = 7, `delay_until` = 8 (0 is
//!   null, `i64::MAX` is suspended), `periodic_sync_options` = 9 (message with
//!   `min_interval` = 1), `max_attempts` = 10.
//!
//! Like Chromium, every change re-encodes the whole group and overwrites the
//! stored value.

use super::registration::{Group, KindKey, Registration, SyncState};
use sync_core::Origin;
use sync_policy::{Millis, Timestamp};

const VARINT: u64 = 0;
const LEN: u64 = 2;

/// A blob that does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad registrations blob: {0}")]
pub struct DecodeError(pub &'static str);

fn varint_len(mut v: u64) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

fn put_varint(buf: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        buf.push((v as u8) | 0x80);
        v >>= 7;
    }
    buf.push(v as u8);
}

fn put_key(buf: &mut Vec<u8>, field: u64, wire: u64) {
    put_varint(buf, (field << 3) | wire);
}

fn delay_code(d: Option<Timestamp>) -> u64 {
    match d {
        None => 0,
        Some(t) if t == Timestamp::MAX => i64::MAX as u64,
        Some(t) => t.0.min(i64::MAX as u64 - 1),
    }
}

fn periodic_len(min_interval: Millis) -> usize {
    1 + varint_len(min_interval.0)
}

fn registration_len(r: &Registration) -> usize {
    let mut n = 1 + varint_len(r.tag.len() as u64) + r.tag.len();
    n += 1 + varint_len(u64::from(r.num_attempts));
    n += 1 + varint_len(delay_code(r.delay_until));
    if let Some(m) = r.min_interval {
        let inner = periodic_len(m);
        n += 1 + varint_len(inner as u64) + inner;
    }
    n += 1 + varint_len(u64::from(r.max_attempts));
    n
}

/// Encodes a whole group into `buf` (cleared first).
pub fn encode_group(group: &Group, buf: &mut Vec<u8>) {
    buf.clear();
    for r in group.registrations.values() {
        put_key(buf, 1, LEN);
        put_varint(buf, registration_len(r) as u64);
        put_key(buf, 2, LEN);
        put_varint(buf, r.tag.len() as u64);
        buf.extend_from_slice(r.tag.as_bytes());
        put_key(buf, 7, VARINT);
        put_varint(buf, u64::from(r.num_attempts));
        put_key(buf, 8, VARINT);
        put_varint(buf, delay_code(r.delay_until));
        if let Some(m) = r.min_interval {
            put_key(buf, 9, LEN);
            put_varint(buf, periodic_len(m) as u64);
            put_key(buf, 1, VARINT);
            put_varint(buf, m.0);
        }
        put_key(buf, 10, VARINT);
        put_varint(buf, u64::from(r.max_attempts));
    }
    if let Some(origin) = &group.origin {
        put_key(buf, 3, LEN);
        put_varint(buf, origin.as_str().len() as u64);
        buf.extend_from_slice(origin.as_str().as_bytes());
    }
}

struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.buf.is_empty()
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let (&b, rest) = self.buf.split_first().ok_or(DecodeError("truncated varint"))?;
            self.buf = rest;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(DecodeError("varint too long"))
    }

    fn bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let len = usize::try_from(self.varint()?).map_err(|_| DecodeError("length overflow"))?;
        if len > self.buf.len() {
            return Err(DecodeError("truncated field"));
        }
        let (head, rest) = self.buf.split_at(len);
        self.buf = rest;
        Ok(head)
    }

    fn skip(&mut self, wire: u64) -> Result<(), DecodeError> {
        match wire {
            VARINT => self.varint().map(|_| ()),
            LEN => self.bytes().map(|_| ()),
            _ => Err(DecodeError("unsupported wire type")),
        }
    }
}

fn decode_registration(buf: &[u8], fallback_max_attempts: u32) -> Result<Registration, DecodeError> {
    let mut r = Reader { buf };
    let mut tag = None;
    let mut num_attempts = None;
    let mut delay = None;
    let mut min_interval = None;
    let mut max_attempts = None;
    while !r.done() {
        let key = r.varint()?;
        match (key >> 3, key & 7) {
            (2, LEN) => {
                let s = std::str::from_utf8(r.bytes()?).map_err(|_| DecodeError("tag is not UTF-8"))?;
                tag = Some(s.to_owned());
            }
            (7, VARINT) => num_attempts = Some(r.varint()?),
            (8, VARINT) => delay = Some(r.varint()?),
            (9, LEN) => {
                let mut inner = Reader { buf: r.bytes()? };
                let mut value = 0;
                while !inner.done() {
                    let k = inner.varint()?;
                    match (k >> 3, k & 7) {
                        (1, VARINT) => value = inner.varint()?,
                        (_, wire) => inner.skip(wire)?,
                    }
                }
                min_interval = Some(Millis(value));
            }
            (10, VARINT) => max_attempts = Some(r.varint()?),
            (_, wire) => r.skip(wire)?,
        }
    }
    let delay_until = match delay.ok_or(DecodeError("missing delay_until"))? {
        0 => None,
        v if v == i64::MAX as u64 => Some(Timestamp::MAX),
        v => Some(Timestamp(v)),
    };
    let num_attempts = u32::try_from(num_attempts.ok_or(DecodeError("missing num_attempts"))?)
        .map_err(|_| DecodeError("num_attempts out of range"))?;
    let max_attempts = match max_attempts {
        Some(v) => u32::try_from(v).map_err(|_| DecodeError("max_attempts out of range"))?,
        None => fallback_max_attempts,
    };
    Ok(Registration {
        tag: tag.ok_or(DecodeError("missing tag"))?,
        min_interval,
        // Chromium: state is never stored; it loads as PENDING, resolved = true.
        state: SyncState::Pending,
        num_attempts,
        max_attempts,
        delay_until,
        resolved: true,
        origin: Origin::new(""),
    })
}

/// Decodes a whole group (Chromium's `InitDidGetDataFromBackend` for one value).
pub fn decode_group(buf: &[u8], fallback_max_attempts: u32) -> Result<Group, DecodeError> {
    let mut r = Reader { buf };
    let mut regs = Vec::new();
    let mut origin = None;
    while !r.done() {
        let key = r.varint()?;
        match (key >> 3, key & 7) {
            (1, LEN) => regs.push(decode_registration(r.bytes()?, fallback_max_attempts)?),
            (3, LEN) => {
                let s = std::str::from_utf8(r.bytes()?).map_err(|_| DecodeError("origin is not UTF-8"))?;
                origin = Some(Origin::new(s));
            }
            (_, wire) => r.skip(wire)?,
        }
    }
    let origin = origin.ok_or(DecodeError("missing origin"))?;
    let mut group = Group { registrations: Default::default(), origin: Some(origin.clone()) };
    for mut reg in regs {
        reg.origin = origin.clone();
        let key = (reg.tag.clone(), KindKey::of(reg.kind()));
        group.registrations.insert(key, reg);
    }
    Ok(group)
}
