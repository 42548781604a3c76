//! The byte encoding of a [`Mutation`], for embedders that keep `Persist`
//! mutations in their own database and feed them back at restore.
//!
//! Version 1, all integers little-endian:
//!
//! ```text
//! mutation  = version:u8(=1) op:u8 body
//! op 1 Put          key origin:str phase:u8 attempts:u32 max_attempts:u32
//!                   due_ms:u64 seq:u64 periodic:u8 [min_interval_ms:u64 anchor_ms:u64]
//! op 2 Delete       key
//! op 3 DeleteWorker sw:u64
//! op 4 PutOrigin    origin:str has_last:u8 [last_periodic_ms:u64]
//! op 5 DeleteOrigin origin:str
//! op 6 DeleteAll    (no body: every registration and origin state)
//! key    = sw:u64 kind:u8 tag:str          kind: 0 one-off, 1 periodic
//! phase  = 0 pending, 1 waiting            flags (periodic, has_last): 0 or 1
//! str    = len:u32 bytes[len] (UTF-8)
//! ```
//!
//! The bracketed fields are present only when the flag before them is 1.
//! Decoding checks everything: an unknown version, op, kind, phase or flag,
//! bytes missing or left over, and strings that are not UTF-8 are each a
//! [`DecodeError`], never a panic.

#![forbid(unsafe_code)]

use sync_core::store::{Mutation, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use sync_core::{Origin, RegistrationKey, SwRegId};
use sync_policy::{Millis, SyncKind, Timestamp};

/// The encoding version this build writes (the first byte of every mutation).
pub const VERSION: u8 = 1;

const OP_PUT: u8 = 1;
const OP_DELETE: u8 = 2;
const OP_DELETE_WORKER: u8 = 3;
const OP_PUT_ORIGIN: u8 = 4;
const OP_DELETE_ORIGIN: u8 = 5;
const OP_DELETE_ALL: u8 = 6;

/// Why mutation bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// No bytes at all.
    #[error("mutation bytes are empty")]
    Empty,
    /// The first byte names a version this build does not read.
    #[error("mutation encoding version {0} is not supported (this build reads version {VERSION})")]
    UnknownVersion(u8),
    /// The operation byte is unknown.
    #[error("unknown mutation operation {0}")]
    UnknownOp(u8),
    /// A one-byte field holds a value it cannot have.
    #[error("field `{field}` has the invalid value {value}")]
    BadValue {
        /// The field.
        field: &'static str,
        /// What was found.
        value: u8,
    },
    /// The bytes end inside a field.
    #[error("mutation bytes end inside field `{0}`")]
    Truncated(&'static str),
    /// A string field is not UTF-8.
    #[error("field `{0}` is not UTF-8")]
    BadUtf8(&'static str),
    /// Bytes follow the end of the mutation.
    #[error("{0} bytes follow the end of the mutation")]
    Trailing(usize),
}

/// Encodes a mutation in the current version.
pub fn encode(m: &Mutation) -> Vec<u8> {
    let mut out = vec![VERSION];
    match m {
        Mutation::Put(r) => {
            out.push(OP_PUT);
            put_key(&mut out, &r.key);
            put_str(&mut out, r.origin.as_str());
            out.push(match r.phase {
                StoredPhase::Pending => 0,
                StoredPhase::Waiting => 1,
            });
            out.extend_from_slice(&r.attempts.to_le_bytes());
            out.extend_from_slice(&r.max_attempts.to_le_bytes());
            out.extend_from_slice(&r.due.0.to_le_bytes());
            out.extend_from_slice(&r.seq.to_le_bytes());
            match r.periodic {
                None => out.push(0),
                Some(p) => {
                    out.push(1);
                    out.extend_from_slice(&p.min_interval.0.to_le_bytes());
                    out.extend_from_slice(&p.anchor.0.to_le_bytes());
                }
            }
        }
        Mutation::Delete(key) => {
            out.push(OP_DELETE);
            put_key(&mut out, key);
        }
        Mutation::DeleteWorker(sw) => {
            out.push(OP_DELETE_WORKER);
            out.extend_from_slice(&sw.0.to_le_bytes());
        }
        Mutation::PutOrigin(o) => {
            out.push(OP_PUT_ORIGIN);
            put_str(&mut out, o.origin.as_str());
            match o.last_periodic {
                None => out.push(0),
                Some(t) => {
                    out.push(1);
                    out.extend_from_slice(&t.0.to_le_bytes());
                }
            }
        }
        Mutation::DeleteOrigin(origin) => {
            out.push(OP_DELETE_ORIGIN);
            put_str(&mut out, origin.as_str());
        }
        Mutation::DeleteAll => out.push(OP_DELETE_ALL),
    }
    out
}

/// Decodes one mutation written by [`encode`] (any supported version).
pub fn decode(bytes: &[u8]) -> Result<Mutation, DecodeError> {
    let mut r = Reader { rest: bytes };
    let version = r.u8("version").map_err(|_| DecodeError::Empty)?;
    if version != VERSION {
        return Err(DecodeError::UnknownVersion(version));
    }
    let m = match r.u8("op")? {
        OP_PUT => {
            let key = r.key()?;
            let origin = Origin::new(r.str("origin")?);
            let phase = match r.u8("phase")? {
                0 => StoredPhase::Pending,
                1 => StoredPhase::Waiting,
                value => return Err(DecodeError::BadValue { field: "phase", value }),
            };
            let attempts = r.u32("attempts")?;
            let max_attempts = r.u32("max_attempts")?;
            let due = Timestamp(r.u64("due_ms")?);
            let seq = r.u64("seq")?;
            let periodic = if r.flag("periodic")? {
                Some(StoredPeriodic {
                    min_interval: Millis(r.u64("min_interval_ms")?),
                    anchor: Timestamp(r.u64("anchor_ms")?),
                })
            } else {
                None
            };
            Mutation::Put(StoredRegistration { key, origin, phase, attempts, max_attempts, due, seq, periodic })
        }
        OP_DELETE => Mutation::Delete(r.key()?),
        OP_DELETE_WORKER => Mutation::DeleteWorker(SwRegId(r.u64("sw")?)),
        OP_PUT_ORIGIN => {
            let origin = Origin::new(r.str("origin")?);
            let last_periodic = if r.flag("has_last")? { Some(Timestamp(r.u64("last_periodic_ms")?)) } else { None };
            Mutation::PutOrigin(StoredOrigin { origin, last_periodic })
        }
        OP_DELETE_ORIGIN => Mutation::DeleteOrigin(Origin::new(r.str("origin")?)),
        OP_DELETE_ALL => Mutation::DeleteAll,
        op => return Err(DecodeError::UnknownOp(op)),
    };
    if !r.rest.is_empty() {
        return Err(DecodeError::Trailing(r.rest.len()));
    }
    Ok(m)
}

fn put_key(out: &mut Vec<u8>, key: &RegistrationKey) {
    out.extend_from_slice(&key.sw.0.to_le_bytes());
    out.push(match key.kind {
        SyncKind::OneOff => 0,
        SyncKind::Periodic => 1,
    });
    put_str(out, &key.tag);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // A string over 4 GiB cannot reach the engine (inputs are capped far below).
    let len = u32::try_from(s.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&s.as_bytes()[..len as usize]);
}

/// A cursor over the bytes left to decode.
struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &'static str) -> Result<&'a [u8], DecodeError> {
        if self.rest.len() < n {
            return Err(DecodeError::Truncated(field));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], DecodeError> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N, field)?);
        Ok(a)
    }

    fn u8(&mut self, field: &'static str) -> Result<u8, DecodeError> {
        Ok(self.array::<1>(field)?[0])
    }

    fn u32(&mut self, field: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_le_bytes(self.array(field)?))
    }

    fn u64(&mut self, field: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_le_bytes(self.array(field)?))
    }

    fn flag(&mut self, field: &'static str) -> Result<bool, DecodeError> {
        match self.u8(field)? {
            0 => Ok(false),
            1 => Ok(true),
            value => Err(DecodeError::BadValue { field, value }),
        }
    }

    fn str(&mut self, field: &'static str) -> Result<&'a str, DecodeError> {
        let len = self.u32(field)? as usize;
        std::str::from_utf8(self.take(len, field)?).map_err(|_| DecodeError::BadUtf8(field))
    }

    fn key(&mut self) -> Result<RegistrationKey, DecodeError> {
        let sw = SwRegId(self.u64("sw")?);
        let kind = match self.u8("kind")? {
            0 => SyncKind::OneOff,
            1 => SyncKind::Periodic,
            value => return Err(DecodeError::BadValue { field: "kind", value }),
        };
        Ok(RegistrationKey::new(sw, kind, self.str("tag")?))
    }
}
