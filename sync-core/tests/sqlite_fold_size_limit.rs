//! A fold that does not fit under the size limit (a full disk): `compact()`
//! fails cleanly and changes nothing; a batch that reaches the threshold
//! still lands, with its fold put off; once the limit is raised (or the store
//! reopened) the fold goes through, and nothing was lost.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::path::Path;
use sync_core::store::{MemoryStore, Mutation, SqliteStore, Store, StoreError};

/// A store with 20 small rows folded into `registrations` and one large row
/// (a 2500-byte tag) in the journal. The journal keeps it inline on its root
/// page, which a fold empties but never frees; `registrations` (a `WITHOUT
/// ROWID` B-tree keeps less of a row on its page) needs overflow pages for
/// it. So folding needs new pages, and emptying the journal frees none.
fn overflowing(path: &Path, model: &mut MemoryStore) -> SqliteStore {
    let mut s = SqliteStore::open(path).unwrap();
    let small: Vec<_> = (0..20).map(|i| Mutation::Put(one_off(1, &format!("k{i:02}"), i + 1))).collect();
    s.apply(&small).unwrap();
    s.compact().unwrap();
    let large = [Mutation::Put(one_off(2, &"x".repeat(2500), 100))];
    s.apply(&large).unwrap();
    model.apply(&small).unwrap();
    model.apply(&large).unwrap();
    let conn = rusqlite::Connection::open(path).unwrap();
    let free: i64 = conn.pragma_query_value(None, "freelist_count", |r| r.get(0)).unwrap();
    assert_eq!(free, 0, "no free pages a fold could reuse");
    s
}

fn pages(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, "page_count", |r| r.get(0)).unwrap()
}

fn is_disk_full(e: &StoreError) -> bool {
    matches!(e, StoreError::Io(m) if m.contains("disk full"))
}

#[test]
fn compact_under_the_limit_fails_cleanly_and_works_once_raised() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cap.db");
    let mut model = MemoryStore::new();
    let mut s = overflowing(&path, &mut model);
    let expected = sorted(model.load().unwrap());
    let cap = s.set_size_limit(0).unwrap();
    let before = pages(&path);
    let err = s.compact().unwrap_err();
    assert!(is_disk_full(&err), "{err}");
    assert!(err.to_string().contains("cap.db"), "names the file: {err}");
    assert_eq!(s.journal_rows(), 1, "the journal is intact");
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (1, 20));
    assert_eq!(sorted(s.load().unwrap()), expected);
    assert_eq!(pages(&path), before);
    // Raised, the same fold goes through.
    s.set_size_limit(cap * 4).unwrap();
    assert_eq!(s.compact().unwrap(), 1);
    assert_eq!(count_rows(&path, "journal"), 0);
    assert_eq!(sorted(s.load().unwrap()), expected);
}

#[test]
fn a_batch_whose_fold_does_not_fit_lands_and_the_fold_waits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("putoff.db");
    let mut model = MemoryStore::new();
    let mut s = overflowing(&path, &mut model);
    s.set_fold_threshold(2);
    // Room for a small row on the journal's page, not for the fold's overflow pages.
    s.set_size_limit(0).unwrap();
    let batch = [Mutation::Put(one_off(2, "small", 20_000)), Mutation::PutOrigin(origin_row(A, Some(3)))];
    s.apply(&batch).expect("the batch fits; only its fold does not");
    model.apply(&batch).unwrap();
    assert_eq!(s.journal_rows(), 2, "the fold was put off: the journal kept the batch");
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (2, 20));
    assert_eq!(sorted(s.load().unwrap()), sorted(model.load().unwrap()));
    // Not retried on every batch: the next one appends without trying to fold.
    let next = [Mutation::Put(one_off(2, "small2", 20_001))];
    s.apply(&next).unwrap();
    model.apply(&next).unwrap();
    assert_eq!(s.journal_rows(), 3);
    assert_eq!(count_rows(&path, "registrations"), 20);
    drop(s);

    // Reopened, the limit is gone: the next batch past the threshold folds.
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.journal_rows(), 3);
    s.set_fold_threshold(4);
    let last = [Mutation::Put(one_off(3, "after", 30_000))];
    s.apply(&last).unwrap();
    model.apply(&last).unwrap();
    assert_eq!((s.journal_rows(), count_rows(&path, "journal")), (0, 0));
    assert_eq!(sorted(s.load().unwrap()), sorted(model.load().unwrap()));
    drop(s);
    assert_eq!(reopen(&path), sorted(model.load().unwrap()));
}

#[test]
fn a_batch_that_does_not_fit_fails_whole_and_later_batches_work() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.db");
    let mut model = MemoryStore::new();
    let mut s = overflowing(&path, &mut model);
    s.set_fold_threshold(10);
    let cap = s.set_size_limit(0).unwrap();
    let big = "x".repeat(3000);
    let batch: Vec<_> = (0..10).map(|i| Mutation::Put(one_off(4, &format!("{big}{i}"), 40_000 + i))).collect();
    let err = s.apply(&batch).unwrap_err();
    assert!(is_disk_full(&err), "{err}");
    assert_eq!(s.journal_rows(), 1);
    assert_eq!(sorted(s.load().unwrap()), sorted(model.load().unwrap()));
    s.set_size_limit(cap * 40).unwrap();
    s.apply(&batch).unwrap();
    model.apply(&batch).unwrap();
    assert_eq!(s.journal_rows(), 0, "the batch reached the threshold and folded");
    drop(s);
    assert_eq!(reopen(&path), sorted(model.load().unwrap()));
}
