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
use crate::ids::{RegistrationKey, SwRegId, Tag};
use crate::store::{StoreError, StoredRegistration};
use hashbrown::{HashMap, HashSet};
use rusqlite::Connection;
use rusqlite::functions::FunctionFlags;
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
/// transaction back: the journal is then untouched. An empty journal writes
/// nothing.
///
/// Two paths, with the same result:
///
/// - **Puts only** (every journal this build writes: deletes erase at once):
///   one `INSERT OR REPLACE … SELECT` copies the journal into
///   `registrations` in `id` order, so per key the last put wins, which is
///   the net effect. When the puts come from more than [`FEW_WORKERS`]
///   workers (`workers`), they are sorted by worker first (still in `id`
///   order within one), so the inserts walk the table once instead of
///   jumping between more leaves than the page cache holds. Every row is
///   checked on the way by the SQL function [`schema::FOLD_CHECK`], which
///   runs the checks of the decoder `load()` uses; the first row that is
///   not a put that decodes fails the statement, which is rolled back to a
///   savepoint, and the general path below runs instead (and names a bad
///   row exactly as `load()` does). No row is decoded into a map, no
///   superseded row is dropped on its own, and, with few workers, SQLite
///   does not sort.
/// - **General** (a journal from an earlier build holding deletes or worker
///   deletes, or a bad row): every row is read and checked first and the net
///   effect computed from the decoded rows; the rows that a later op
///   overrides are dropped, the wipes and the net deletes are applied, and
///   the remaining puts (one per key) are copied with one `INSERT … SELECT`
///   sorted by key.
///
/// Either way the journal is then emptied with one `DELETE`, whose freed
/// pages `secure_delete` zeroes.
pub(super) fn fold(conn: &Connection, workers: &Workers) -> Result<u64, FoldError> {
    let has_rows: bool = conn.prepare_cached(schema::JOURNAL_HAS_ROWS)?.query_row([], |r| r.get(0))?;
    if !has_rows {
        return Ok(0);
    }
    match fold_puts(conn, workers)? {
        Some(rows) => Ok(rows),
        None => fold_net(conn),
    }
}

/// The path for a journal of puts only (see [`fold`]): `None` when a row is
/// not a put that decodes, with nothing changed.
fn fold_puts(conn: &Connection, workers: &Workers) -> Result<Option<u64>, FoldError> {
    let copy = if workers.few() { schema::FOLD_CHECKED_PUTS } else { schema::FOLD_CHECKED_PUTS_BY_WORKER };
    conn.prepare_cached(schema::SAVEPOINT_FOLD)?.execute([])?;
    match conn.prepare_cached(copy)?.execute([]) {
        Ok(_) => {
            conn.prepare_cached(schema::RELEASE_FOLD)?.execute([])?;
        }
        Err(e) if declined(&e) => {
            conn.prepare_cached(schema::ROLLBACK_FOLD)?.execute([])?;
            conn.prepare_cached(schema::RELEASE_FOLD)?.execute([])?;
            return Ok(None);
        }
        // The caller rolls the whole transaction back (savepoint included).
        Err(e) => return Err(e.into()),
    }
    let rows = conn.prepare_cached(schema::CLEAR_JOURNAL)?.execute([])?;
    Ok(Some(u64::try_from(rows).unwrap_or(u64::MAX)))
}

/// The general path (see [`fold`]).
fn fold_net(conn: &Connection) -> Result<u64, FoldError> {
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

/// Workers up to which a fold copies the journal in `id` order, unsorted: a
/// put goes to its worker's own range of `registrations`, so this bounds the
/// leaves the inserts move between (far below the default page cache of
/// ~500 pages). The scale report's 64 callers are 64 workers.
pub(super) const FEW_WORKERS: usize = 128;

/// The service workers the journal's puts belong to, counted up to
/// [`FEW_WORKERS`], for the fold to pick its order (see [`fold`]). It may
/// count workers whose rows are gone (erased, or rolled back): it only ever
/// errs towards sorting.
#[derive(Debug, Default)]
pub(super) struct Workers {
    /// The workers seen, while at most [`FEW_WORKERS`].
    seen: HashSet<u64>,
    /// More than [`FEW_WORKERS`], or not known (a journal found at open).
    many: bool,
}

impl Workers {
    /// For a journal whose rows this store did not write: counted as many.
    pub(super) fn unknown() -> Workers {
        Workers { seen: HashSet::new(), many: true }
    }

    /// Counts a put of worker `sw` appended to the journal.
    pub(super) fn add(&mut self, sw: SwRegId) {
        if !self.many && self.seen.insert(sw.0) && self.seen.len() > FEW_WORKERS {
            *self = Workers::unknown();
        }
    }

    /// Whether the journal's puts come from at most [`FEW_WORKERS`] workers.
    pub(super) fn few(&self) -> bool {
        !self.many
    }
}

/// What [`schema::FOLD_CHECK`] fails a row with: not a put that decodes.
#[derive(Debug)]
struct NotAPut;

impl std::fmt::Display for NotAPut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(NOT_A_PUT)
    }
}

impl std::error::Error for NotAPut {}

/// [`NotAPut`]'s message, as SQLite reports it back.
const NOT_A_PUT: &str = "bsync: a journal row that is not a put that decodes";

/// Whether `e` is [`schema::FOLD_CHECK`] failing a row.
fn declined(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, Some(message))
        if f.code == rusqlite::ErrorCode::Unknown && message == NOT_A_PUT)
}

/// Adds [`schema::FOLD_CHECK`] to `conn`: called with a journal row's
/// columns in the order of `SELECT_JOURNAL`, it checks the row as `load()`'s
/// decoder does (`codec::is_put`: the decoder's own checks, nothing built)
/// and returns true for a put, and fails otherwise. Usable only from this
/// connection's own statements (`DIRECTONLY`: not from the schema).
pub(super) fn install_check(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        schema::FOLD_CHECK,
        13,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY,
        |ctx| if codec::is_put(&*ctx) { Ok(true) } else { Err(rusqlite::Error::UserFunctionError(Box::new(NotAPut))) },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SwRegId;
    use crate::store::sqlite::SqliteStore;
    use crate::store::{Mutation, Store, StoredPeriodic};
    use rusqlite::types::Value;
    use sync_policy::{Millis, Timestamp};
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

    /// A store at `dir/name` that has applied `batches` and folded after the first one.
    fn store(dir: &std::path::Path, name: &str, batches: &[Vec<Mutation>]) -> SqliteStore {
        let mut s = SqliteStore::open(dir.join(name)).unwrap();
        s.set_fold_threshold(u64::MAX);
        for (i, batch) in batches.iter().enumerate() {
            s.apply(batch).unwrap();
            if i == 0 {
                s.compact().unwrap();
            }
        }
        s
    }

    fn dump(conn: &Connection, table: &str) -> Vec<Vec<Value>> {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3")).unwrap();
        let columns = stmt.column_count();
        stmt.query_map([], |r| (0..columns).map(|i| r.get::<_, Value>(i)).collect())
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// Puts over `workers` workers: rows folded first, then a journal that
    /// replaces some of them and puts some keys twice, periodic rows too.
    fn batches(workers: u64) -> Vec<Vec<Mutation>> {
        let folded =
            (0..workers * 3).map(|i| Mutation::Put(row(1 + i % workers, &format!("t{i:03}"), i + 1))).collect();
        let mut journal = Vec::new();
        for i in (0..workers * 3).step_by(2) {
            let mut r = row(1 + i % workers, &format!("t{i:03}"), 1000 + i);
            r.attempts = 2;
            journal.push(Mutation::Put(r));
        }
        for i in 0..workers * 2 {
            let sw = 1 + (i * 7) % workers;
            journal.push(Mutation::Put(row(sw, &format!("n{:03}", i % 5), 2000 + i)));
            let mut p = row(sw, "p", 3000 + i);
            p.key.kind = sync_policy::SyncKind::Periodic;
            p.periodic = Some(StoredPeriodic { min_interval: Millis(i + 1), anchor: Timestamp(i) });
            journal.push(Mutation::Put(p));
        }
        vec![folded, journal.chunks(7).flat_map(|c| c.iter().cloned()).collect()]
    }

    #[test]
    fn the_puts_path_leaves_what_the_general_path_and_the_replay_leave() {
        for (workers, count) in
            [(3, Workers::default()), (3, Workers::unknown()), (FEW_WORKERS as u64 + 5, Workers::unknown())]
        {
            let dir = tempfile::tempdir().unwrap();
            let mut puts = store(dir.path(), "puts.db", &batches(workers));
            let mut general = store(dir.path(), "general.db", &batches(workers));
            let replayed = puts.load().unwrap();
            let rows = count_rows(&puts.conn);
            let tx = puts.conn.transaction().unwrap();
            assert_eq!(fold_puts(&tx, &count).unwrap(), Some(rows));
            tx.commit().unwrap();
            let tx = general.conn.transaction().unwrap();
            assert_eq!(fold_net(&tx).unwrap(), rows);
            tx.commit().unwrap();
            assert_eq!(dump(&puts.conn, "registrations"), dump(&general.conn, "registrations"), "{workers} workers");
            assert!(dump(&puts.conn, "journal").is_empty());
            assert_eq!(puts.load().unwrap(), replayed, "the table holds what load() replayed, in key order");
        }
    }

    fn count_rows(conn: &Connection) -> u64 {
        count(conn).unwrap()
    }

    #[test]
    fn the_puts_path_declines_a_journal_with_a_delete_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = store(dir.path(), "declined.db", &batches(3));
        // A delete as earlier builds journaled it, after the puts: the check meets it last.
        s.conn.execute_batch("INSERT INTO journal (op, sw, kind, tag) VALUES (1, 1, 0, 't000')").unwrap();
        let before = (dump(&s.conn, "registrations"), dump(&s.conn, "journal"));
        let tx = s.conn.transaction().unwrap();
        assert_eq!(fold_puts(&tx, &Workers::default()).unwrap(), None);
        assert_eq!((dump(&tx, "registrations"), dump(&tx, "journal")), before, "rolled back to the savepoint");
        // The general path then folds it, in the same transaction.
        let rows = count_rows(&tx);
        assert_eq!(fold(&tx, &Workers::default()).unwrap(), rows);
        tx.commit().unwrap();
        assert!(dump(&s.conn, "journal").is_empty());
        let kept = dump(&s.conn, "registrations");
        assert!(!kept.iter().any(|r| r[0] == Value::Integer(1) && r[2] == Value::Text("t000".into())));
    }

    #[test]
    fn workers_are_counted_up_to_the_bound() {
        let mut w = Workers::default();
        assert!(w.few());
        for sw in (1..=FEW_WORKERS as u64).chain([1, 2, 3]) {
            w.add(SwRegId(sw));
        }
        assert!(w.few(), "{FEW_WORKERS} distinct workers are few");
        w.add(SwRegId(u64::MAX));
        assert!(!w.few());
        w.add(SwRegId(1));
        assert!(!w.few(), "many stays many until the fold starts over");
        assert!(!Workers::unknown().few());
    }
}
