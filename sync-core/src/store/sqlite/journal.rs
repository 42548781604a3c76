//! The registration journal (schema version 2): its net effect, the fold that
//! writes that effect to `registrations`, and the replay that `load()` does
//! in memory instead.
//!
//! Every `Put`, `Delete` and `DeleteWorker` is appended to `journal` (a rowid
//! table, so a commit dirties its last page or two however many workers the
//! batch touches). The journal's **net effect** is what applying its rows in
//! `id` order to `registrations` would leave:
//!
//! - for each key, the last `Put` (a row) or `Delete` (no row) wins;
//! - `DeleteWorker(sw)` wipes the rows of `sw` already in `registrations`
//!   and every earlier journal entry of `sw`; later entries of `sw` survive.

use super::codec::{self, Decoder, JournalEntry};
use super::schema;
use crate::ids::{RegistrationKey, Tag};
use crate::store::{StoreError, StoredRegistration};
use hashbrown::HashMap;
use rusqlite::Connection;
use std::cmp::Ordering;

/// A registration key in `registrations`' own order: `sw` as the stored
/// (signed) integer, the kind code, then the tag's bytes (SQLite's BINARY
/// collation), so walking these in order walks the table's B-tree in order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct TableKey {
    sw: i64,
    kind: i64,
    tag: Tag,
}

impl TableKey {
    fn of(key: &RegistrationKey) -> TableKey {
        TableKey { sw: codec::bits(key.sw.0), kind: codec::kind_code(key.kind), tag: key.tag.clone() }
    }

    /// This key against a registration's key, in the table's order.
    fn cmp_key(&self, key: &RegistrationKey) -> Ordering {
        self.sw
            .cmp(&codec::bits(key.sw.0))
            .then(self.kind.cmp(&codec::kind_code(key.kind)))
            .then_with(|| self.tag.as_bytes().cmp(key.tag.as_bytes()))
    }
}

/// The last op on one key.
#[derive(Debug)]
struct Last {
    /// Its journal `id`.
    id: i64,
    /// Whether it is a put (else a delete).
    put: bool,
    /// A put's row, when kept (for `load()`; a fold copies rows inside SQLite).
    /// Boxed, so a fold of a large journal holds little per key.
    row: Option<Box<StoredRegistration>>,
}

/// The net effect of a journal (see the [module docs](self)).
#[derive(Debug, Default)]
pub(super) struct Net {
    /// Per wiped worker (stored `sw`), the journal `id` of its last `DeleteWorker`.
    wipes: HashMap<i64, i64>,
    /// Per key, the last op on it. Ops older than their worker's last wipe
    /// are dropped by [`Net::settle`].
    keys: HashMap<TableKey, Last>,
    /// Journal ids of puts and deletes that a later op overrides.
    superseded: Vec<i64>,
    /// Whether puts keep their rows.
    keep_rows: bool,
    /// Journal rows read.
    rows: u64,
}

impl Net {
    /// Adds the next journal entry (in `id` order).
    fn push(&mut self, id: i64, entry: JournalEntry) {
        self.rows += 1;
        let (key, last) = match entry {
            JournalEntry::Put(row) => {
                (TableKey::of(&row.key), Last { id, put: true, row: self.keep_rows.then(|| Box::new(row)) })
            }
            JournalEntry::Delete(key) => (TableKey::of(&key), Last { id, put: false, row: None }),
            JournalEntry::DeleteWorker(sw) => {
                // Entries of `sw` older than this are dropped once every row is read.
                self.wipes.insert(codec::bits(sw.0), id);
                return;
            }
        };
        if let Some(earlier) = self.keys.insert(key, last) {
            self.superseded.push(earlier.id);
        }
    }

    /// Drops the ops that a later wipe of their worker overrides.
    fn settle(&mut self) {
        if self.wipes.is_empty() {
            return;
        }
        let Net { wipes, keys, superseded, .. } = self;
        keys.retain(|key, last| match wipes.get(&key.sw) {
            Some(&wipe) if wipe > last.id => {
                superseded.push(last.id);
                false
            }
            _ => true,
        });
    }

    /// Applies the net effect to `base`, the rows of `registrations` in the
    /// table's key order, as `load()` sees them: wiped and replaced rows are
    /// skipped, puts are merged in at their place, so the result is in key
    /// order too (exactly what a fold would leave in the table).
    pub(super) fn replay(
        self,
        base: impl Iterator<Item = Result<StoredRegistration, StoreError>>,
    ) -> Result<Vec<StoredRegistration>, StoreError> {
        let mut out = Vec::with_capacity(base.size_hint().0);
        let mut keys: Vec<(TableKey, Last)> = self.keys.into_iter().collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut net = keys.into_iter().peekable();
        let wipes = self.wipes;
        for row in base {
            let row = row?;
            let mut replaced = false;
            while let Some((key, _)) = net.peek() {
                match key.cmp_key(&row.key) {
                    Ordering::Greater => break,
                    order => {
                        replaced = order == Ordering::Equal;
                        if let Some((_, Last { row: Some(put), .. })) = net.next() {
                            out.push(*put);
                        }
                    }
                }
            }
            if !replaced && (wipes.is_empty() || !wipes.contains_key(&codec::bits(row.key.sw.0))) {
                out.push(row);
            }
        }
        out.extend(net.filter_map(|(_, last)| last.row.map(|put| *put)));
        Ok(out)
    }
}

/// Why a fold failed.
#[derive(Debug)]
pub(super) enum FoldError {
    /// SQLite failed (I/O, full disk, ...).
    Sqlite(rusqlite::Error),
    /// A journal row does not decode.
    Row(StoreError),
}

impl From<rusqlite::Error> for FoldError {
    fn from(e: rusqlite::Error) -> FoldError {
        FoldError::Sqlite(e)
    }
}

/// Reads the whole journal in `id` order and computes its net effect, with
/// the rows of puts when `keep_rows`; a row that does not decode is a
/// `BadRow` naming it.
pub(super) fn read(conn: &Connection, decoder: &mut Decoder, keep_rows: bool) -> Result<Net, FoldError> {
    let mut net = Net { keep_rows, ..Net::default() };
    let mut stmt = conn.prepare_cached(schema::SELECT_JOURNAL)?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let (id, entry) = decoder.journal(row).map_err(FoldError::Row)?;
        net.push(id, entry);
    }
    net.settle();
    Ok(net)
}

/// Counts the journal's rows.
pub(super) fn count(conn: &Connection) -> rusqlite::Result<u64> {
    let n: i64 = conn.query_row(schema::COUNT_JOURNAL, [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Folds the journal into `registrations` inside the caller's transaction and
/// returns how many journal rows it folded. On error the caller rolls the
/// transaction back: the journal is then untouched.
///
/// Every row is read and checked first (the net effect is computed from the
/// decoded rows). Then the journal rows that a later op overrides are
/// dropped, the wipes and the net deletes are applied, and the remaining puts
/// (one per key) are copied inside SQLite with one `INSERT ... SELECT`
/// sorted by key, which costs far less per row than a statement per row;
/// last, the journal is emptied.
pub(super) fn fold(conn: &Connection) -> Result<u64, FoldError> {
    let net = read(conn, &mut Decoder::default(), false)?;
    if net.rows == 0 {
        return Ok(0);
    }
    if !net.superseded.is_empty() {
        let mut stmt = conn.prepare_cached(schema::DROP_JOURNAL_ROW)?;
        for id in &net.superseded {
            stmt.execute([id])?;
        }
    }
    if !net.wipes.is_empty() {
        let mut stmt = conn.prepare_cached(schema::DELETE_WORKER)?;
        for sw in net.wipes.keys() {
            stmt.execute([sw])?;
        }
    }
    // Net deletes in key order, for page locality.
    let mut deletes: Vec<&TableKey> = net.keys.iter().filter(|(_, last)| !last.put).map(|(key, _)| key).collect();
    deletes.sort_unstable();
    let deletes_len = deletes.len();
    if !deletes.is_empty() {
        let mut stmt = conn.prepare_cached(schema::DELETE)?;
        for key in deletes {
            stmt.execute(rusqlite::params![key.sw, key.kind, &*key.tag])?;
        }
    }
    if net.keys.len() > deletes_len {
        conn.prepare_cached(schema::FOLD_PUTS)?.execute([])?;
    }
    conn.prepare_cached(schema::CLEAR_JOURNAL)?.execute([])?;
    Ok(net.rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SwRegId;
    fn row(sw: u64, tag: &str, seq: u64) -> StoredRegistration {
        StoredRegistration::pending_one_off(sw, "https://a.test", tag, seq)
    }

    fn net(entries: Vec<JournalEntry>) -> Net {
        let mut net = Net { keep_rows: true, ..Net::default() };
        for (id, e) in (1..).zip(entries) {
            net.push(id, e);
        }
        net.settle();
        net
    }

    fn tags(rows: &[StoredRegistration]) -> Vec<(u64, &str, u64)> {
        rows.iter().map(|r| (r.key.sw.0, &*r.key.tag, r.seq)).collect()
    }

    #[test]
    fn the_last_op_per_key_wins() {
        let n = net(vec![
            JournalEntry::Put(row(1, "a", 1)),
            JournalEntry::Put(row(1, "a", 2)),
            JournalEntry::Put(row(1, "b", 3)),
            JournalEntry::Delete(row(1, "b", 0).key),
        ]);
        assert_eq!(n.rows, 4);
        assert_eq!(n.superseded, [1, 3], "the first put of `a` and the put of `b`");
        let out = n.replay([Ok(row(1, "b", 9)), Ok(row(1, "c", 8))].into_iter()).unwrap();
        assert_eq!(tags(&out), [(1, "a", 2), (1, "c", 8)]);
    }

    #[test]
    fn a_worker_delete_wipes_stored_and_earlier_rows_but_not_later_ones() {
        let n = net(vec![
            JournalEntry::Put(row(2, "early", 1)),
            JournalEntry::DeleteWorker(SwRegId(2)),
            JournalEntry::Put(row(2, "late", 2)),
            JournalEntry::Put(row(3, "other", 3)),
        ]);
        assert_eq!(n.superseded, [1]);
        let base = [Ok(row(1, "keep", 4)), Ok(row(2, "stored", 5)), Ok(row(4, "keep", 6))];
        let out = n.replay(base.into_iter()).unwrap();
        assert_eq!(tags(&out), [(1, "keep", 4), (2, "late", 2), (3, "other", 3), (4, "keep", 6)]);
    }

    #[test]
    fn replay_keeps_the_tables_order_for_ids_above_i64_max() {
        // Stored bit for bit, u64::MAX is -1: it sorts first in the table.
        let n = net(vec![JournalEntry::Put(row(u64::MAX, "x", 1)), JournalEntry::Put(row(5, "y", 2))]);
        let out = n.replay([Ok(row(u64::MAX, "w", 3)), Ok(row(1, "z", 4))].into_iter()).unwrap();
        assert_eq!(tags(&out), [(u64::MAX, "w", 3), (u64::MAX, "x", 1), (1, "z", 4), (5, "y", 2)]);
    }

    #[test]
    fn a_bad_base_row_stops_the_replay() {
        let n = net(vec![]);
        let out = n.replay([Ok(row(1, "a", 1)), Err(StoreError::BadRow("registrations row 2".into()))].into_iter());
        assert!(matches!(out, Err(StoreError::BadRow(m)) if m.contains("row 2")));
    }
}
