//! Encoding rows for SQLite and decoding them back, with every stored value
//! checked: a row that does not decode is a [`StoreError::BadRow`] saying what
//! was wrong, never a panic.
//!
//! Unsigned 64-bit values (ids, times, intervals, `seq`) are stored bit for
//! bit in SQLite's signed 64-bit integers, so every value round-trips.

use crate::ids::{Origin, RegistrationKey, SwRegId};
use crate::store::{StoreError, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use rusqlite::types::ValueRef;
use rusqlite::{Row, Statement, params};
use std::collections::HashMap;
use std::sync::Arc;
use sync_policy::{Millis, SyncKind, Timestamp};

/// `u64` to SQLite's `i64`, bit for bit.
pub(super) fn bits(v: u64) -> i64 {
    i64::from_ne_bytes(v.to_ne_bytes())
}

/// SQLite's `i64` back to the `u64` it was stored from.
fn unbits(v: i64) -> u64 {
    u64::from_ne_bytes(v.to_ne_bytes())
}

/// The stored code of a kind.
pub(super) fn kind_code(kind: SyncKind) -> i64 {
    match kind {
        SyncKind::OneOff => 0,
        SyncKind::Periodic => 1,
    }
}

/// The stored code of a phase.
fn phase_code(phase: StoredPhase) -> i64 {
    match phase {
        StoredPhase::Pending => 0,
        StoredPhase::Waiting => 1,
    }
}

/// Runs the prepared `PUT` statement for one registration.
pub(super) fn put(stmt: &mut Statement<'_>, r: &StoredRegistration) -> rusqlite::Result<usize> {
    stmt.execute(params![
        bits(r.key.sw.0),
        kind_code(r.key.kind),
        &*r.key.tag,
        r.origin.as_str(),
        bits(r.seq),
        phase_code(r.phase),
        i64::from(r.attempts),
        i64::from(r.max_attempts),
        bits(r.due.0),
        r.periodic.map(|p| bits(p.min_interval.0)),
        r.periodic.map(|p| bits(p.anchor.0)),
    ])
}

/// Runs the prepared `PUT_ORIGIN` statement for one origin.
pub(super) fn put_origin(stmt: &mut Statement<'_>, o: &StoredOrigin) -> rusqlite::Result<usize> {
    stmt.execute(params![o.origin.as_str(), o.last_periodic.map(|t| bits(t.0))])
}

/// Decodes rows, sharing one [`Origin`] per distinct origin string.
#[derive(Default)]
pub(super) struct Decoder {
    origins: HashMap<Box<str>, Origin>,
    last: Option<Origin>,
    rows: u64,
}

impl Decoder {
    /// Decodes one row of `SELECT_REGISTRATIONS`.
    pub(super) fn registration(&mut self, row: &Row<'_>) -> Result<StoredRegistration, StoreError> {
        self.rows += 1;
        let n = self.rows;
        let sw = int(row, 0, "sw").map(|v| SwRegId(unbits(v)));
        let kind = int(row, 1, "kind").and_then(|v| match v {
            0 => Ok(SyncKind::OneOff),
            1 => Ok(SyncKind::Periodic),
            other => Err(format!("column `kind` holds {other}, expected 0 (one-off) or 1 (periodic)")),
        });
        let (sw, kind) = match (sw, kind) {
            (Ok(sw), Ok(kind)) => (sw, kind),
            (Err(e), _) | (_, Err(e)) => return Err(StoreError::BadRow(format!("registrations row {n}: {e}"))),
        };
        self.registration_fields(row, sw, kind).map_err(|e| {
            StoreError::BadRow(format!("registrations row {n} (service worker registration {}, {kind:?}): {e}", sw.0))
        })
    }

    fn registration_fields(
        &mut self,
        row: &Row<'_>,
        sw: SwRegId,
        kind: SyncKind,
    ) -> Result<StoredRegistration, String> {
        let tag: Arc<str> = Arc::from(text(row, 2, "tag")?);
        let origin = self.intern(text(row, 3, "origin")?);
        let seq = unbits(int(row, 4, "seq")?);
        let phase = match int(row, 5, "phase")? {
            0 => StoredPhase::Pending,
            1 => StoredPhase::Waiting,
            other => return Err(format!("column `phase` holds {other}, expected 0 (pending) or 1 (waiting)")),
        };
        let attempts = count(int(row, 6, "attempts")?, "attempts")?;
        let max_attempts = count(int(row, 7, "max_attempts")?, "max_attempts")?;
        let due = Timestamp(unbits(int(row, 8, "due")?));
        let min_interval = opt_int(row, 9, "min_interval")?;
        let anchor = opt_int(row, 10, "anchor")?;
        let periodic = match (kind, min_interval, anchor) {
            (SyncKind::OneOff, None, None) => None,
            (SyncKind::Periodic, Some(min), Some(anchor)) => {
                Some(StoredPeriodic { min_interval: Millis(unbits(min)), anchor: Timestamp(unbits(anchor)) })
            }
            (SyncKind::OneOff, _, _) => {
                return Err("a one-off registration has periodic fields (min_interval, anchor)".to_string());
            }
            (SyncKind::Periodic, _, _) => {
                return Err("a periodic registration lacks min_interval or anchor".to_string());
            }
        };
        Ok(StoredRegistration {
            key: RegistrationKey { sw, kind, tag },
            origin,
            phase,
            attempts,
            max_attempts,
            due,
            seq,
            periodic,
        })
    }

    /// Decodes one row of `SELECT_ORIGINS`.
    pub(super) fn origin(&mut self, row: &Row<'_>, n: u64) -> Result<StoredOrigin, StoreError> {
        let decoded = text(row, 0, "origin").map(|o| self.intern(o)).and_then(|origin| {
            let last_periodic = opt_int(row, 1, "last_periodic")?.map(|v| Timestamp(unbits(v)));
            Ok(StoredOrigin { origin, last_periodic })
        });
        decoded.map_err(|e| StoreError::BadRow(format!("origins row {n}: {e}")))
    }

    /// One shared [`Origin`] per distinct string (rows of one worker repeat it).
    fn intern(&mut self, s: &str) -> Origin {
        if let Some(last) = &self.last
            && last.as_str() == s
        {
            return last.clone();
        }
        let origin = match self.origins.get(s) {
            Some(o) => o.clone(),
            None => {
                let o = Origin::new(s);
                self.origins.insert(Box::from(s), o.clone());
                o
            }
        };
        self.last = Some(origin.clone());
        origin
    }
}

/// What a stored value is, for messages.
fn type_name(v: ValueRef<'_>) -> &'static str {
    match v {
        ValueRef::Null => "NULL",
        ValueRef::Integer(_) => "an integer",
        ValueRef::Real(_) => "a real number",
        ValueRef::Text(_) => "text",
        ValueRef::Blob(_) => "a blob",
    }
}

fn int(row: &Row<'_>, i: usize, name: &str) -> Result<i64, String> {
    match row.get_ref(i) {
        Ok(ValueRef::Integer(v)) => Ok(v),
        Ok(other) => Err(format!("column `{name}` holds {} instead of an integer", type_name(other))),
        Err(e) => Err(format!("column `{name}` unreadable: {e}")),
    }
}

fn opt_int(row: &Row<'_>, i: usize, name: &str) -> Result<Option<i64>, String> {
    match row.get_ref(i) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(v)) => Ok(Some(v)),
        Ok(other) => Err(format!("column `{name}` holds {} instead of an integer or NULL", type_name(other))),
        Err(e) => Err(format!("column `{name}` unreadable: {e}")),
    }
}

fn text<'r>(row: &'r Row<'_>, i: usize, name: &str) -> Result<&'r str, String> {
    match row.get_ref(i) {
        Ok(ValueRef::Text(bytes)) => std::str::from_utf8(bytes)
            .map_err(|e| format!("column `{name}` is not valid UTF-8 (at byte {})", e.valid_up_to())),
        Ok(other) => Err(format!("column `{name}` holds {} instead of text", type_name(other))),
        Err(e) => Err(format!("column `{name}` unreadable: {e}")),
    }
}

/// A stored attempt count: an integer in `0..=u32::MAX`.
fn count(v: i64, name: &str) -> Result<u32, String> {
    u32::try_from(v).map_err(|_| format!("column `{name}` holds {v}, outside 0..={}", u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_round_trip_every_u64() {
        for v in [0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
            assert_eq!(unbits(bits(v)), v);
        }
        assert_eq!(bits(u64::MAX), -1);
    }

    #[test]
    fn counts_outside_u32_are_refused() {
        assert_eq!(count(3, "attempts"), Ok(3));
        assert!(count(-1, "attempts").unwrap_err().contains("-1"));
        assert!(count(1 << 40, "attempts").is_err());
    }
}
