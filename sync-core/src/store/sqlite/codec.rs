//! Encoding rows for SQLite (journal entries and origins) and decoding them
//! back (registrations, journal entries and origins), with every stored value
//! checked: a row that does not decode is a [`StoreError::BadRow`] saying what
//! was wrong, never a panic.
//!
//! Unsigned 64-bit values (ids, times, intervals, `seq`) are stored bit for
//! bit in SQLite's signed 64-bit integers, so every value round-trips.

use super::schema::REGISTRATION_COLUMNS as COLUMNS;
use crate::ids::{Origin, RegistrationKey, SwRegId, Tag};
use crate::store::{StoreError, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use hashbrown::HashMap;
use rusqlite::functions::Context;
use rusqlite::types::ValueRef;
use rusqlite::{Row, Statement, params};
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

/// Journal op codes (column `op`). This build appends puts only; deletes and
/// worker deletes erase rows at once (`erase.rs`), but journals written by
/// earlier builds may hold them.
pub(super) const OP_PUT: i64 = 0;
pub(super) const OP_DELETE: i64 = 1;
pub(super) const OP_DELETE_WORKER: i64 = 2;

/// Runs the prepared `APPEND` statement for a `Put`: every registration column set.
pub(super) fn append_put(stmt: &mut Statement<'_>, r: &StoredRegistration) -> rusqlite::Result<usize> {
    bind_put(stmt, 1, r)?;
    stmt.raw_execute()
}

/// Values a put binds (every journal column but `id` and `op`).
pub(super) const PUT_PARAMS: usize = 11;

/// Binds one put's values to the parameters `first .. first + PUT_PARAMS`
/// of an `APPEND` or `APPEND_MANY` statement, in the journal's column order.
pub(super) fn bind_put(stmt: &mut Statement<'_>, first: usize, r: &StoredRegistration) -> rusqlite::Result<()> {
    stmt.raw_bind_parameter(first, bits(r.key.sw.0))?;
    stmt.raw_bind_parameter(first + 1, kind_code(r.key.kind))?;
    stmt.raw_bind_parameter(first + 2, &*r.key.tag)?;
    stmt.raw_bind_parameter(first + 3, r.origin.as_str())?;
    stmt.raw_bind_parameter(first + 4, bits(r.seq))?;
    stmt.raw_bind_parameter(first + 5, phase_code(r.phase))?;
    stmt.raw_bind_parameter(first + 6, i64::from(r.attempts))?;
    stmt.raw_bind_parameter(first + 7, i64::from(r.max_attempts))?;
    stmt.raw_bind_parameter(first + 8, bits(r.due.0))?;
    stmt.raw_bind_parameter(first + 9, r.periodic.map(|p| bits(p.min_interval.0)))?;
    stmt.raw_bind_parameter(first + 10, r.periodic.map(|p| bits(p.anchor.0)))
}

/// Appends `rows` (exactly [`APPEND_MANY_ROWS`](super::schema::APPEND_MANY_ROWS))
/// with the prepared `APPEND_MANY` statement: one statement for all of them.
pub(super) fn append_puts(stmt: &mut Statement<'_>, rows: &[&StoredRegistration]) -> rusqlite::Result<usize> {
    for (i, r) in rows.iter().enumerate() {
        bind_put(stmt, 1 + i * PUT_PARAMS, r)?;
    }
    stmt.raw_execute()
}

/// Runs the prepared `PUT_ORIGIN` statement for one origin.
pub(super) fn put_origin(stmt: &mut Statement<'_>, o: &StoredOrigin) -> rusqlite::Result<usize> {
    stmt.execute(params![o.origin.as_str(), o.last_periodic.map(|t| bits(t.0))])
}

/// Where a [`Decoder`] reads a row's values by column index: a result row,
/// or the arguments of a SQL function called with the same columns.
pub(super) trait Values {
    /// The value at index `i`.
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>>;
}

impl Values for Row<'_> {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        self.get_ref(i)
    }
}

impl Values for Context<'_> {
    fn value(&self, i: usize) -> rusqlite::Result<ValueRef<'_>> {
        if i < self.len() { Ok(self.get_raw(i)) } else { Err(rusqlite::Error::InvalidColumnIndex(i)) }
    }
}

/// One journal row, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum JournalEntry {
    /// Op 0: insert or replace this registration.
    Put(StoredRegistration),
    /// Op 1: delete the registration with this key.
    Delete(RegistrationKey),
    /// Op 2: delete every registration of this service worker registration.
    DeleteWorker(SwRegId),
}

/// What was wrong with a row's registration columns: the message, and the
/// worker and kind when those decoded (messages name the worker, never the tag).
pub(super) struct FieldError {
    owner: Option<(SwRegId, SyncKind)>,
    message: String,
}

impl FieldError {
    fn new(message: String) -> FieldError {
        FieldError { owner: None, message }
    }

    /// The [`StoreError::BadRow`] for this problem in the row called `what`.
    pub(super) fn bad_row(self, what: &str) -> StoreError {
        StoreError::BadRow(match self.owner {
            Some((sw, kind)) => format!("{what} (service worker registration {}, {kind:?}): {}", sw.0, self.message),
            None => format!("{what}: {}", self.message),
        })
    }
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
    pub(super) fn registration<R: Values + ?Sized>(&mut self, row: &R) -> Result<StoredRegistration, StoreError> {
        self.rows += 1;
        let n = self.rows;
        self.registration_at(row, 0).map_err(|e| e.bad_row(&format!("registrations row {n}")))
    }

    /// Decodes one row of `SELECT_REGISTRATIONS` without numbering it: the
    /// caller names the row in the error ([`FieldError::bad_row`]).
    pub(super) fn registration_unnumbered<R: Values + ?Sized>(
        &mut self,
        row: &R,
    ) -> Result<StoredRegistration, FieldError> {
        self.registration_at(row, 0)
    }

    /// Decodes one row of `SELECT_JOURNAL` into its `id` and entry, with the same
    /// checks as a registration row; columns an op does not use must be NULL.
    pub(super) fn journal<R: Values + ?Sized>(&mut self, row: &R) -> Result<(i64, JournalEntry), StoreError> {
        // `id` is the table's INTEGER PRIMARY KEY: SQLite keeps it an integer.
        let id = int(row, 0, "id").map_err(|e| StoreError::BadRow(format!("journal row: {e}")))?;
        let decoded = match int(row, 1, "op").map_err(FieldError::new) {
            Ok(OP_PUT) => self.registration_at(row, 2).map(JournalEntry::Put),
            Ok(OP_DELETE) => self.key_at(row, 2).and_then(|key| {
                unused(row, 2, 3, "a delete")
                    .map_err(|message| FieldError { owner: Some((key.sw, key.kind)), message })?;
                Ok(JournalEntry::Delete(key))
            }),
            Ok(OP_DELETE_WORKER) => worker_at(row, 2)
                .and_then(|sw| unused(row, 2, 1, "a worker delete").map_err(FieldError::new).map(|()| sw))
                .map(JournalEntry::DeleteWorker),
            Ok(other) => Err(FieldError::new(format!(
                "column `op` holds {other}, expected 0 (put), 1 (delete) or 2 (delete worker)"
            ))),
            Err(e) => Err(e),
        };
        decoded.map(|entry| (id, entry)).map_err(|e| e.bad_row(&format!("journal row {id}")))
    }

    /// Decodes the registration columns starting at column `base`.
    fn registration_at<R: Values + ?Sized>(&mut self, row: &R, base: usize) -> Result<StoredRegistration, FieldError> {
        let (sw, kind) = owner_at(row, base)?;
        self.registration_fields(row, base, sw, kind).map_err(|message| FieldError { owner: Some((sw, kind)), message })
    }

    /// Decodes `sw`, `kind` and `tag` starting at column `base`.
    fn key_at<R: Values + ?Sized>(&mut self, row: &R, base: usize) -> Result<RegistrationKey, FieldError> {
        let (sw, kind) = owner_at(row, base)?;
        let tag = text(row, base + 2, COLUMNS[2]).map_err(|message| FieldError { owner: Some((sw, kind)), message })?;
        Ok(RegistrationKey { sw, kind, tag: Tag::new(tag) })
    }

    fn registration_fields<R: Values + ?Sized>(
        &mut self,
        row: &R,
        base: usize,
        sw: SwRegId,
        kind: SyncKind,
    ) -> Result<StoredRegistration, String> {
        let f = fields(row, base, kind)?;
        Ok(StoredRegistration {
            key: RegistrationKey { sw, kind, tag: Tag::new(f.tag) },
            origin: self.intern(f.origin),
            phase: f.phase,
            attempts: f.attempts,
            max_attempts: f.max_attempts,
            due: f.due,
            seq: f.seq,
            periodic: f.periodic,
        })
    }

    /// Decodes one row of `SELECT_ORIGINS`.
    pub(super) fn origin<R: Values + ?Sized>(&mut self, row: &R, n: u64) -> Result<StoredOrigin, StoreError> {
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

/// A registration's columns after its key, checked, borrowed from the row.
struct Fields<'r> {
    tag: &'r str,
    origin: &'r str,
    seq: u64,
    phase: StoredPhase,
    attempts: u32,
    max_attempts: u32,
    due: Timestamp,
    periodic: Option<StoredPeriodic>,
}

/// Checks the registration columns from `tag` on (column `base + 2`) of a
/// registration of `kind`: every check a decoded row passes, nothing allocated
/// unless a check fails.
fn fields<R: Values + ?Sized>(row: &R, base: usize, kind: SyncKind) -> Result<Fields<'_>, String> {
    let col = |i: usize| (base + i, COLUMNS[i]);
    let (i, name) = col(2);
    let tag = text(row, i, name)?;
    let (i, name) = col(3);
    let origin = text(row, i, name)?;
    let (i, name) = col(4);
    let seq = unbits(int(row, i, name)?);
    if seq == u64::MAX {
        return Err(format!("column `{name}` holds {seq} (u64::MAX), which leaves no registration order after it"));
    }
    let (i, name) = col(5);
    let phase = match int(row, i, name)? {
        0 => StoredPhase::Pending,
        1 => StoredPhase::Waiting,
        other => return Err(format!("column `phase` holds {other}, expected 0 (pending) or 1 (waiting)")),
    };
    let (i, name) = col(6);
    let attempts = count(int(row, i, name)?, name)?;
    let (i, name) = col(7);
    let max_attempts = count(int(row, i, name)?, name)?;
    let (i, name) = col(8);
    let due = Timestamp(unbits(int(row, i, name)?));
    let (i, name) = col(9);
    let min_interval = opt_int(row, i, name)?;
    let (i, name) = col(10);
    let anchor = opt_int(row, i, name)?;
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
    Ok(Fields { tag, origin, seq, phase, attempts, max_attempts, due, periodic })
}

/// Whether a row of `SELECT_JOURNAL` (its `id` unread) is a put that
/// [`Decoder::journal`] decodes: the same checks, run without building the
/// row. False for every other row, good or bad.
pub(super) fn is_put<R: Values + ?Sized>(row: &R) -> bool {
    matches!(int(row, 1, "op"), Ok(OP_PUT)) && owner_at(row, 2).is_ok_and(|(_, kind)| fields(row, 2, kind).is_ok())
}

/// Decodes `sw` and `kind` starting at column `base`.
fn owner_at<R: Values + ?Sized>(row: &R, base: usize) -> Result<(SwRegId, SyncKind), FieldError> {
    let sw = worker_at(row, base)?;
    let kind = match int(row, base + 1, COLUMNS[1]).map_err(FieldError::new)? {
        0 => SyncKind::OneOff,
        1 => SyncKind::Periodic,
        other => {
            return Err(FieldError::new(format!("column `kind` holds {other}, expected 0 (one-off) or 1 (periodic)")));
        }
    };
    Ok((sw, kind))
}

/// Decodes `sw` at column `base`.
fn worker_at<R: Values + ?Sized>(row: &R, base: usize) -> Result<SwRegId, FieldError> {
    int(row, base, COLUMNS[0]).map(|v| SwRegId(unbits(v))).map_err(FieldError::new)
}

/// Checks that the registration columns from the `used`-th on (counted from
/// column `base`) are NULL, as they are for an op (`what`) that does not use them.
fn unused<R: Values + ?Sized>(row: &R, base: usize, used: usize, what: &str) -> Result<(), String> {
    for (i, name) in COLUMNS.iter().enumerate().skip(used) {
        match row.value(base + i) {
            Ok(ValueRef::Null) => {}
            Ok(other) => return Err(format!("column `{name}` holds {} but {what} leaves it NULL", type_name(other))),
            Err(e) => return Err(format!("column `{name}` unreadable: {e}")),
        }
    }
    Ok(())
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

fn int<R: Values + ?Sized>(row: &R, i: usize, name: &str) -> Result<i64, String> {
    match row.value(i) {
        Ok(ValueRef::Integer(v)) => Ok(v),
        Ok(other) => Err(format!("column `{name}` holds {} instead of an integer", type_name(other))),
        Err(e) => Err(format!("column `{name}` unreadable: {e}")),
    }
}

fn opt_int<R: Values + ?Sized>(row: &R, i: usize, name: &str) -> Result<Option<i64>, String> {
    match row.value(i) {
        Ok(ValueRef::Null) => Ok(None),
        Ok(ValueRef::Integer(v)) => Ok(Some(v)),
        Ok(other) => Err(format!("column `{name}` holds {} instead of an integer or NULL", type_name(other))),
        Err(e) => Err(format!("column `{name}` unreadable: {e}")),
    }
}

fn text<'r, R: Values + ?Sized>(row: &'r R, i: usize, name: &str) -> Result<&'r str, String> {
    match row.value(i) {
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
