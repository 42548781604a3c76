//! The clean-close mark (`spec-notes/durability.md` §5): a file its last
//! owner closed cleanly, unchanged since, opens without `quick_check`; a file
//! changed in any way after the close, a missing or garbled mark, or an owner
//! that never closed gets the full check, and damage is still refused.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::path::{Path, PathBuf};
use sync_core::store::sqlite::lock_path;
use sync_core::store::{Mutation, SqliteStore, Store, StoreError};

/// A store file with `n` rows, closed cleanly.
fn filled(dir: &Path, n: u64) -> PathBuf {
    let path = dir.join("sync.db");
    let mut s = SqliteStore::open(&path).unwrap();
    assert!(!s.checked_in_full(), "a new file has nothing to check");
    let batch: Vec<_> = (0..n).map(|i| Mutation::Put(one_off(1 + i % 7, &format!("tag-{i:06}"), i + 1))).collect();
    s.apply(&batch).unwrap();
    drop(s);
    path
}

#[test]
fn a_clean_close_lets_the_next_open_skip_quick_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 500);
    for _ in 0..3 {
        let mut s = SqliteStore::open(&path).unwrap();
        assert!(!s.checked_in_full(), "closed cleanly and unchanged");
        assert_eq!(s.load().unwrap().registrations.len(), 500);
        s.apply(&[Mutation::Put(one_off(9, "more", 10_000))]).unwrap();
        s.apply(&[Mutation::Delete(one_off(9, "more", 10_000).key)]).unwrap();
    }
}

#[test]
fn the_mark_is_taken_at_open_so_an_owner_that_dies_leaves_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 50);
    assert!(!std::fs::read(lock_path(&path)).unwrap().is_empty(), "the close left a mark");
    let s = SqliteStore::open(&path).unwrap();
    // Were the process killed now, the next open would find no mark.
    assert!(std::fs::read(lock_path(&path)).unwrap().is_empty(), "the open took the mark");
    drop(s);
    assert!(!SqliteStore::open(&path).unwrap().checked_in_full());
}

#[test]
fn a_missing_or_garbled_mark_means_a_full_check() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 50);
    std::fs::write(lock_path(&path), b"").unwrap();
    assert!(SqliteStore::open(&path).unwrap().checked_in_full(), "no mark");
    let mark = std::fs::read_to_string(lock_path(&path)).unwrap();
    std::fs::write(lock_path(&path), mark.replace(' ', "  x")).unwrap();
    assert!(SqliteStore::open(&path).unwrap().checked_in_full(), "garbled mark");
    std::fs::remove_file(lock_path(&path)).unwrap();
    assert!(SqliteStore::open(&path).unwrap().checked_in_full(), "no lock file at all (a copied store)");
}

#[test]
fn a_file_changed_after_a_clean_close_is_checked_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 50);
    // A valid change by someone else: the file is not what the mark vouches for.
    let conn = rusqlite::Connection::open(&path).unwrap();
    // (The rows are still in the journal: 50 rows are below the fold threshold.)
    let changed = conn.execute("UPDATE journal SET attempts = 1 WHERE tag = 'tag-000003'", []).unwrap();
    assert_eq!(changed, 1);
    drop(conn);
    let s = SqliteStore::open(&path).unwrap();
    assert!(s.checked_in_full());
}

#[test]
fn damage_after_a_clean_close_is_still_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path(), 5000);
    assert!(!std::fs::read(lock_path(&path)).unwrap().is_empty(), "the close left a mark");
    // Same length, same header: only quick_check can see this damage.
    let mut data = bytes(&path);
    let page = usize::from(u16::from_be_bytes([data[16], data[17]]));
    for p in 2..5 {
        data[p * page..p * page + 12].fill(0xEE);
    }
    std::fs::write(&path, &data).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt { reason, .. }) => assert!(reason.contains("damaged"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(bytes(&path), data, "the refused file is not modified");
}
