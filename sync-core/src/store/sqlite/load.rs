//! `load()`: reading `registrations`, the journal and `origins` in one read
//! transaction, and replaying the journal's net effect in memory (see
//! `journal.rs`).
//!
//! **Two readers for a large table.** Reading and checking `registrations`
//! is most of a restart's load time, and it is work SQLite and the decoder
//! do one row at a time. For a table of at least [`SPLIT_MIN_PAGES`] pages
//! the key range is cut in two at the middle of its `sw` range: a second,
//! read-only connection on a scoped thread reads and decodes the upper half
//! while this connection does the lower half, and the halves are joined in
//! key order (lower, then upper). The result is the same rows, checked the
//! same way, in the same order as one reader would give:
//!
//! - both readers see the same commit: the store owns the file (no other
//!   writer, see `clean_close.rs`), and `load` holds `&mut` on the store;
//! - a row that does not decode is named by its position in the whole
//!   table (`registrations row N`), the first in key order winning, exactly
//!   as one reader would name it;
//! - a store that cannot open the second connection (or spawn the thread)
//!   reads the upper half itself.
//!
//! The cut is at the middle of the `sw` range, found from the primary key's
//! two ends (two B-tree descents), not at the median row: an uneven cut
//! costs speed, never correctness.

use super::codec::{Decoder, FieldError};
use super::error_map::store_error;
use super::journal::{self, Net};
use super::{fold_error, schema};
use crate::store::{Snapshot, StoreError, StoredRegistration};
use rusqlite::{Connection, OpenFlags, Statement, TransactionBehavior};
use std::path::Path;

/// Tables of fewer pages than this are read by one connection: below it a
/// second reader's start-up (a connection, a thread) is not repaid.
pub(super) const SPLIT_MIN_PAGES: i64 = 1024;

/// The registrations with `sw` below the cut, in key order.
const SELECT_LOWER: &str = "SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, \
     min_interval, anchor FROM registrations WHERE sw < ?1 ORDER BY sw, kind, tag";
/// The registrations with `sw` at or above the cut, in key order.
const SELECT_UPPER: &str = "SELECT sw, kind, tag, origin, seq, phase, attempts, max_attempts, due, \
     min_interval, anchor FROM registrations WHERE sw >= ?1 ORDER BY sw, kind, tag";
/// The ends of the key range (the primary key's first column). Two
/// statements: SQLite answers a lone `min()` or `max()` with one B-tree
/// descent, but both in one statement with a scan of the whole table.
const SW_MIN: &str = "SELECT min(sw) FROM registrations";
const SW_MAX: &str = "SELECT max(sw) FROM registrations";

/// Loads the whole store (see [`Store::load`](crate::store::Store::load)),
/// splitting `registrations` between two readers from `min_split_pages` pages on.
pub(super) fn load(
    conn: &mut Connection,
    path: &Path,
    shown: &str,
    min_split_pages: i64,
) -> Result<Snapshot, StoreError> {
    let fail = |e: rusqlite::Error| store_error(shown, "loading", &e);
    // One read transaction: both tables and the journal from the same commit.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).map_err(fail)?;
    let mut decoder = Decoder::default();
    let mut snapshot = Snapshot::default();
    {
        let net = journal::read(&tx, &mut decoder, true).map_err(|e| fold_error(shown, "loading", e))?;
        let pages: i64 = tx.pragma_query_value(None, "page_count", |r| r.get(0)).map_err(fail)?;
        let cut = if pages >= min_split_pages { middle_sw(&tx).map_err(fail)? } else { None };
        snapshot.registrations = match cut {
            Some(cut) => split(&tx, &mut decoder, net, path, shown, cut)?,
            None => {
                let mut stmt = tx.prepare(schema::SELECT_REGISTRATIONS).map_err(fail)?;
                whole(&mut stmt, &mut decoder, net, shown)?
            }
        };
        let mut stmt = tx.prepare(schema::SELECT_ORIGINS).map_err(fail)?;
        let mut rows = stmt.query([]).map_err(fail)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(fail)? {
            n += 1;
            snapshot.origins.push(decoder.origin(row, n)?);
        }
    }
    tx.commit().map_err(fail)?;
    Ok(snapshot)
}

/// Every row of `registrations` through one statement, with the journal replayed.
fn whole(
    stmt: &mut Statement<'_>,
    decoder: &mut Decoder,
    net: Net,
    shown: &str,
) -> Result<Vec<StoredRegistration>, StoreError> {
    let fail = |e: rusqlite::Error| store_error(shown, "loading", &e);
    let mut rows = stmt.query([]).map_err(fail)?;
    let base = std::iter::from_fn(|| match rows.next() {
        Ok(Some(row)) => Some(decoder.registration(row)),
        Ok(None) => None,
        Err(e) => Some(Err(fail(e))),
    });
    net.replay(base)
}

/// The middle of the stored `sw` range (as stored, signed), if the table has
/// two distinct workers to cut between.
fn middle_sw(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let min: Option<i64> = conn.query_row(SW_MIN, [], |r| r.get(0))?;
    let max: Option<i64> = conn.query_row(SW_MAX, [], |r| r.get(0))?;
    Ok(match (min, max) {
        (Some(min), Some(max)) if min < max => {
            let middle = (i128::from(min) + i128::from(max) + 1) / 2;
            i64::try_from(middle).ok()
        }
        _ => None,
    })
}

/// What went wrong in the upper half.
enum HalfError {
    /// SQLite failed.
    Sqlite(rusqlite::Error),
    /// The `n`-th row of the half does not decode.
    Row(u64, FieldError),
}

/// The upper half's rows, decoded, then its first error (if any).
type Half = (Vec<StoredRegistration>, Option<HalfError>);

/// Reads the rows from `cut` on through a second, read-only connection.
/// `None` when that connection cannot be opened (the caller reads them itself).
fn read_upper(path: &Path, cut: i64) -> Option<Half> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).ok()?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred).ok()?;
    let mut decoder = Decoder::default();
    let mut out = Vec::new();
    let result = (|| -> Result<(), HalfError> {
        let mut stmt = tx.prepare(SELECT_UPPER).map_err(HalfError::Sqlite)?;
        let mut rows = stmt.query([cut]).map_err(HalfError::Sqlite)?;
        let mut n = 0;
        while let Some(row) = rows.next().map_err(HalfError::Sqlite)? {
            n += 1;
            out.push(decoder.registration_unnumbered(row).map_err(|e| HalfError::Row(n, e))?);
        }
        Ok(())
    })();
    Some((out, result.err()))
}

/// The rows below `cut` here and from `cut` on in a second reader, joined
/// in key order, with the journal replayed.
fn split(
    conn: &Connection,
    decoder: &mut Decoder,
    net: Net,
    path: &Path,
    shown: &str,
    cut: i64,
) -> Result<Vec<StoredRegistration>, StoreError> {
    let fail = |e: rusqlite::Error| store_error(shown, "loading", &e);
    std::thread::scope(|scope| {
        let upper = std::thread::Builder::new()
            .name("sync-store-load".into())
            .spawn_scoped(scope, || read_upper(path, cut))
            .ok();
        let mut lower = conn.prepare(SELECT_LOWER).map_err(fail)?;
        let mut rows = lower.query([cut]).map_err(fail)?;
        let mut seen = 0;
        let mut upper_rows = None;
        let mut upper = upper;
        let base = std::iter::from_fn(|| {
            if upper_rows.is_none() {
                match rows.next() {
                    Ok(Some(row)) => {
                        seen += 1;
                        return Some(decoder.registration(row));
                    }
                    Ok(None) => {}
                    Err(e) => return Some(Err(fail(e))),
                }
                // The lower half is done: take the upper one (read here if the second reader failed).
                let half = upper.take().and_then(|h| h.join().ok()).flatten();
                let half = match half {
                    Some(half) => half,
                    None => match read_upper_here(conn, decoder, cut) {
                        Ok(half) => half,
                        Err(e) => return Some(Err(fail(e))),
                    },
                };
                upper_rows = Some((half.0.into_iter(), half.1));
            }
            let (rows, error) = upper_rows.as_mut()?;
            match rows.next() {
                Some(row) => Some(Ok(row)),
                None => error.take().map(|e| {
                    Err(match e {
                        HalfError::Sqlite(e) => fail(e),
                        HalfError::Row(n, e) => e.bad_row(&format!("registrations row {}", seen + n)),
                    })
                }),
            }
        });
        net.replay(base)
    })
}

/// The upper half read through this connection (when no second reader could).
fn read_upper_here(conn: &Connection, decoder: &mut Decoder, cut: i64) -> rusqlite::Result<Half> {
    let mut stmt = conn.prepare(SELECT_UPPER)?;
    let mut rows = stmt.query([cut])?;
    let (mut out, mut n) = (Vec::new(), 0);
    while let Some(row) = rows.next()? {
        n += 1;
        match decoder.registration_unnumbered(row) {
            Ok(reg) => out.push(reg),
            Err(e) => return Ok((out, Some(HalfError::Row(n, e)))),
        }
    }
    Ok((out, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{Origin, RegistrationKey, SwRegId};
    use crate::store::sqlite::SqliteStore;
    use crate::store::{Mutation, Store, StoredPhase};
    use sync_policy::{SyncKind, Timestamp};

    fn row(sw: u64, tag: &str, seq: u64) -> StoredRegistration {
        StoredRegistration {
            key: RegistrationKey::new(SwRegId(sw), SyncKind::OneOff, tag),
            origin: Origin::new(&format!("https://{sw}.test")),
            phase: StoredPhase::Pending,
            attempts: 0,
            max_attempts: 3,
            due: Timestamp(seq),
            seq,
            periodic: None,
        }
    }

    /// A store with rows of workers 1..=8 in `registrations`, and a journal
    /// that replaces, deletes and wipes rows on both sides of the cut (4).
    fn store(dir: &Path) -> SqliteStore {
        let mut store = SqliteStore::open(dir.join("s.db")).unwrap();
        let rows: Vec<Mutation> = (1..=8u64)
            .flat_map(|sw| (0..5u64).map(move |t| Mutation::Put(row(sw, &format!("t{t}"), sw * 10 + t))))
            .collect();
        store.apply(&rows).unwrap();
        store.compact().unwrap();
        let key = |sw: u64, tag: &str| RegistrationKey::new(SwRegId(sw), SyncKind::OneOff, tag);
        store
            .apply(&[
                Mutation::Put(row(2, "t1", 100)),
                Mutation::Put(row(6, "new", 101)),
                Mutation::Delete(key(7, "t3")),
                Mutation::DeleteWorker(SwRegId(3)),
                Mutation::Put(row(3, "back", 102)),
                Mutation::DeleteWorker(SwRegId(8)),
            ])
            .unwrap();
        store
    }

    fn load_with(store: &mut SqliteStore, min_split_pages: i64) -> Result<Snapshot, StoreError> {
        load(&mut store.conn, &store.path, &store.shown, min_split_pages)
    }

    #[test]
    fn two_readers_load_what_one_reader_loads() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(dir.path());
        assert_eq!(middle_sw(&store.conn).unwrap(), Some(4), "workers 1..=7 (8 erased)");
        let one = load_with(&mut store, i64::MAX).unwrap();
        let two = load_with(&mut store, 0).unwrap();
        assert_eq!(one.registrations, two.registrations);
        assert_eq!(one.origins, two.origins);
        let keys: Vec<(u64, &str)> = two.registrations.iter().map(|r| (r.key.sw.0, &*r.key.tag)).collect();
        assert!(keys.is_sorted(), "key order across the cut");
        assert!(keys.contains(&(6, "new")) && keys.contains(&(3, "back")) && !keys.contains(&(7, "t3")));
        assert!(!keys.iter().any(|&(sw, _)| sw == 8), "a wiped worker above the cut");
        assert_eq!(two.registrations.iter().find(|r| r.key.sw.0 == 2 && &*r.key.tag == "t1").map(|r| r.seq), Some(100));
    }

    #[test]
    fn a_bad_row_is_named_by_its_place_in_the_whole_table() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = store(dir.path());
        store.compact().unwrap();
        // Key order: workers 1, 2 (5 rows each), 3 ("back"), 4 (5), then 5's rows: row 17 is 5's "t0".
        store.conn.execute("UPDATE registrations SET phase = 7 WHERE sw = 5 AND tag = 't0'", []).unwrap();
        store.conn.execute("UPDATE registrations SET phase = 9 WHERE sw = 6 AND tag = 't2'", []).unwrap();
        for min_split_pages in [i64::MAX, 0] {
            let err = load_with(&mut store, min_split_pages).unwrap_err();
            assert!(
                matches!(&err, StoreError::BadRow(m) if m.contains("registrations row 17") && m.contains("`phase`")),
                "{min_split_pages}: {err}"
            );
        }
        store.conn.execute("UPDATE registrations SET phase = 0 WHERE sw = 5 AND tag = 't0'", []).unwrap();
        for min_split_pages in [i64::MAX, 0] {
            let err = load_with(&mut store, min_split_pages).unwrap_err();
            assert!(matches!(&err, StoreError::BadRow(m) if m.contains("registrations row 25")), "{err}");
        }
    }
}
