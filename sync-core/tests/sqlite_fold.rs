//! The journal fold: registration mutations are appended to the journal; the
//! batch that brings it to the fold threshold folds it into `registrations`
//! in the same transaction; `compact()` folds at once; the journal length
//! survives a reopen; and a folding batch that fails leaves nothing of itself.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::SwRegId;
use sync_core::store::sqlite::DEFAULT_FOLD_THRESHOLD;
use sync_core::store::{Mutation, Snapshot, SqliteStore, Store, StoreError};

fn store(name: &str) -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    let store = SqliteStore::open(&path).unwrap();
    (dir, path, store)
}

fn puts(sw: u64, from: u64, n: u64) -> Vec<Mutation> {
    (from..from + n).map(|i| Mutation::Put(one_off(sw, &format!("t{i:04}"), i))).collect()
}

#[test]
fn mutations_go_to_the_journal_until_the_threshold_folds_them() {
    let (_dir, path, mut s) = store("fold.db");
    assert_eq!(s.journal_rows(), 0);
    s.set_fold_threshold(6);
    s.apply(&puts(1, 0, 3)).unwrap();
    s.apply(&[Mutation::PutOrigin(origin_row(A, Some(1)))]).unwrap();
    s.apply(&puts(2, 3, 2)).unwrap();
    assert_eq!(s.journal_rows(), 5, "origins are not journaled");
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (5, 0));
    assert_eq!(count_rows(&path, "origins"), 1, "origins are written directly");
    // The sixth row reaches the threshold: this batch folds everything.
    s.apply(&puts(1, 5, 1)).unwrap();
    assert_eq!(s.journal_rows(), 0);
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (0, 6));
    s.apply(&puts(3, 6, 1)).unwrap();
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (1, 6));
    assert_eq!(s.load().unwrap().registrations.len(), 7);
}

#[test]
fn the_fold_writes_the_net_effect() {
    let (_dir, path, mut s) = store("net.db");
    s.apply(&puts(2, 0, 3)).unwrap();
    s.compact().unwrap();
    let mut replaced = one_off(1, "a", 10);
    replaced.attempts = 2;
    s.apply(&[
        Mutation::Put(one_off(1, "a", 1)),
        Mutation::Put(one_off(1, "b", 2)),
        Mutation::Put(replaced.clone()),
        Mutation::Delete(one_off(1, "b", 0).key),
        // Wipes worker 2's three folded rows and its earlier journal entry, not the later one.
        Mutation::Put(one_off(2, "early", 3)),
        Mutation::DeleteWorker(SwRegId(2)),
        Mutation::Put(one_off(2, "late", 4)),
    ])
    .unwrap();
    let replayed = sorted(s.load().unwrap());
    let expected = sorted(Snapshot { registrations: vec![replaced, one_off(2, "late", 4)], origins: vec![] });
    assert_eq!(replayed, expected, "load replays the journal");
    // The delete and the worker delete erased their journal rows at once: 3 puts are left to fold.
    assert_eq!(s.compact().unwrap(), 3);
    assert_eq!(s.compact().unwrap(), 0, "nothing left to fold");
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (0, 2));
    assert_eq!(s.load().unwrap(), expected, "after a fold the table holds it, in key order");
}

#[test]
fn the_journal_length_is_counted_at_open() {
    let (_dir, path, mut s) = store("count.db");
    s.apply(&puts(1, 0, 3)).unwrap();
    drop(s);
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.journal_rows(), 3);
    // A threshold already reached folds with the next batch.
    s.set_fold_threshold(2);
    s.apply(&puts(1, 3, 1)).unwrap();
    assert_eq!((s.journal_rows(), count_rows(&path, "journal"), count_rows(&path, "registrations")), (0, 0, 4));
}

#[test]
fn the_default_threshold_is_a_few_thousand_rows() {
    let (_dir, path, mut s) = store("default.db");
    assert!((4_096..=65_536).contains(&DEFAULT_FOLD_THRESHOLD));
    s.apply(&puts(1, 0, DEFAULT_FOLD_THRESHOLD - 1)).unwrap();
    assert_eq!(count_rows(&path, "registrations"), 0);
    s.apply(&puts(1, DEFAULT_FOLD_THRESHOLD, 1)).unwrap();
    assert_eq!(count_rows(&path, "registrations") as u64, DEFAULT_FOLD_THRESHOLD);
}

#[test]
fn a_folding_batch_that_fails_leaves_the_journal_and_the_table_as_they_were() {
    let (_dir, path, mut s) = store("atomic.db");
    s.set_fold_threshold(3);
    s.apply(&puts(1, 0, 2)).unwrap();
    let before = sorted(s.load().unwrap());
    s.set_size_limit(0).unwrap();
    // Rows far larger than the cap allows: the append fails before the fold starts.
    let tag = "x".repeat(2000);
    let batch: Vec<_> = (0..50).map(|i| Mutation::Put(one_off(5, &format!("{tag}{i}"), 100 + i))).collect();
    let err = s.apply(&batch).unwrap_err();
    assert!(matches!(&err, StoreError::Io(m) if m.contains("disk full")), "{err}");
    assert_eq!(s.journal_rows(), 2);
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (2, 0));
    assert_eq!(sorted(s.load().unwrap()), before);
    // A small batch still fits and folds.
    s.apply(&puts(1, 2, 1)).unwrap();
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (0, 3));
}

#[test]
fn a_delete_shrinks_the_journal_without_a_fold() {
    let (_dir, path, mut s) = store("shrink.db");
    s.apply(&puts(1, 0, 3)).unwrap();
    s.apply(&[Mutation::Delete(one_off(1, "t0001", 0).key)]).unwrap();
    assert_eq!((s.journal_rows(), s.folds()), (2, 0), "the delete erased its put, nothing folded");
    assert_eq!(count_rows(&path, "journal"), 2);
    assert_eq!(s.compact().unwrap(), 2);
    assert_eq!(s.folds(), 1);
    assert_eq!(s.compact().unwrap(), 0);
    assert_eq!(s.folds(), 1, "nothing to fold is not a fold");
}
