//! Erasing deleted registrations from the file at once (cleared site data must not stay readable in the file).
//!
//! A `Delete` or `DeleteWorker` is not journaled: it removes the key's (or
//! the worker's) rows from `registrations` **and** every journal row that
//! names them, in the batch's own transaction. With `PRAGMA secure_delete`
//! on, SQLite overwrites the freed bytes with zeros, so an origin's tags do
//! not linger in the file after "clear site data", an unregistration or a
//! revoked permission. The net effect is the one a journaled delete would
//! have had (the key, or the worker, has no row anywhere).
//!
//! Finding a key's journal rows without scanning the journal takes
//! [`JournalIndex`]: the ids of the journal rows of each key, built from the
//! journal the first time a delete needs it and kept up to date by every
//! append. A worker delete is rare, so it scans the journal (at most one fold
//! threshold of rows) by `sw`.

use super::codec;
use super::schema;
use crate::ids::{RegistrationKey, Tag};
use hashbrown::HashMap;
use rusqlite::Connection;
use rusqlite::types::ValueRef;

/// A key as the tables store it: `sw` bits, kind code, tag.
type Key = (i64, i64, Tag);

fn key_of(key: &RegistrationKey) -> Key {
    (codec::bits(key.sw.0), codec::kind_code(key.kind), key.tag.clone())
}

/// Journal row ids per key (see the [module docs](self)).
#[derive(Debug, Default)]
pub(super) struct JournalIndex {
    ids: HashMap<Key, Vec<i64>>,
}

impl JournalIndex {
    /// Reads the journal's keyed rows. A row whose key does not decode is not
    /// indexed: it fails `load()` and the fold anyway.
    pub(super) fn build(conn: &Connection) -> rusqlite::Result<JournalIndex> {
        let mut index = JournalIndex::default();
        let mut stmt = conn.prepare_cached(schema::SELECT_JOURNAL_KEYS)?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            let (ValueRef::Integer(id), ValueRef::Integer(sw), ValueRef::Integer(kind), ValueRef::Text(tag)) =
                (row.get_ref(0)?, row.get_ref(1)?, row.get_ref(2)?, row.get_ref(3)?)
            else {
                continue;
            };
            let Ok(tag) = std::str::from_utf8(tag) else { continue };
            index.ids.entry((sw, kind, Tag::new(tag))).or_default().push(id);
        }
        Ok(index)
    }

    /// Records the journal row `id` just appended for `key`.
    pub(super) fn add(&mut self, key: &RegistrationKey, id: i64) {
        self.ids.entry(key_of(key)).or_default().push(id);
    }

    /// Forgets every row of worker `sw` (stored bits).
    fn drop_worker(&mut self, sw: i64) {
        self.ids.retain(|key, _| key.0 != sw);
    }
}

/// Erases `key` from `registrations` and the journal inside the caller's
/// transaction, building `index` first if it is unknown. Returns how many
/// journal rows it removed.
pub(super) fn erase_key(
    conn: &Connection,
    index: &mut Option<JournalIndex>,
    key: &RegistrationKey,
) -> rusqlite::Result<u64> {
    let index = match index {
        Some(index) => index,
        None => index.insert(JournalIndex::build(conn)?),
    };
    let (sw, kind, tag) = key_of(key);
    let mut erased = 0;
    if let Some(ids) = index.ids.remove(&(sw, kind, tag.clone())) {
        let mut stmt = conn.prepare_cached(schema::DROP_JOURNAL_ROW)?;
        for id in ids {
            erased += stmt.execute([id])? as u64;
        }
    }
    conn.prepare_cached(schema::DELETE)?.execute(rusqlite::params![sw, kind, &*tag])?;
    Ok(erased)
}

/// Erases every registration and origin row, and the whole journal, inside the
/// caller's transaction (a storage wipe). Returns how many journal rows it removed.
pub(super) fn erase_all(conn: &Connection, index: &mut Option<JournalIndex>) -> rusqlite::Result<u64> {
    let erased = conn.prepare_cached(schema::CLEAR_JOURNAL)?.execute([])?;
    conn.prepare_cached(schema::DELETE_ALL_REGISTRATIONS)?.execute([])?;
    conn.prepare_cached(schema::DELETE_ALL_ORIGINS)?.execute([])?;
    *index = Some(JournalIndex::default());
    Ok(erased as u64)
}

/// Erases every row of worker `sw` from `registrations` and the journal inside
/// the caller's transaction. Returns how many journal rows it removed.
pub(super) fn erase_worker(
    conn: &Connection,
    index: &mut Option<JournalIndex>,
    sw: crate::ids::SwRegId,
) -> rusqlite::Result<u64> {
    let sw = codec::bits(sw.0);
    let erased = conn.prepare_cached(schema::ERASE_WORKER_JOURNAL)?.execute([sw])?;
    conn.prepare_cached(schema::DELETE_WORKER)?.execute([sw])?;
    if let Some(index) = index {
        index.drop_worker(sw);
    }
    Ok(erased as u64)
}
