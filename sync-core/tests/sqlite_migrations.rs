//! Schema versioning: a new file is created at the current version, an empty
//! database is migrated, reopening changes nothing, and the version history
//! is what `user_version` says.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::store::sqlite::SCHEMA_VERSION;
use sync_core::store::{Mutation, SqliteStore, Store, StoreError};

fn pragma(path: &std::path::Path, name: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_query_value(None, name, |r| r.get(0)).unwrap()
}

#[test]
fn a_new_file_is_at_the_current_version_and_marked_as_ours() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    drop(SqliteStore::open(&path).unwrap());
    assert_eq!(pragma(&path, "user_version"), i64::from(SCHEMA_VERSION));
    assert_eq!(pragma(&path, "application_id"), 0x4253_594E);
}

#[test]
fn an_empty_database_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.db");
    // A SQLite file with a page but no tables and version 0 (as after a crash before migration 1).
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "page_size", 4096).unwrap();
    conn.execute_batch("VACUUM").unwrap();
    drop(conn);
    assert!(std::fs::metadata(&path).unwrap().len() > 0);
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[Mutation::Put(one_off(1, "a", 1))]).unwrap();
    drop(s);
    assert_eq!(pragma(&path, "user_version"), i64::from(SCHEMA_VERSION));
    assert_eq!(reopen(&path).registrations.len(), 1);
}

#[test]
fn a_zero_byte_file_is_an_empty_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zero.db");
    std::fs::write(&path, b"").unwrap();
    let mut s = SqliteStore::open(&path).unwrap();
    assert!(s.load().unwrap().registrations.is_empty());
}

#[test]
fn reopening_at_the_current_version_runs_no_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[Mutation::Put(one_off(1, "a", 1))]).unwrap();
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let schema_before: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    drop(conn);
    for _ in 0..3 {
        drop(SqliteStore::open(&path).unwrap());
    }
    let conn = rusqlite::Connection::open(&path).unwrap();
    let schema_after: Vec<String> = conn
        .prepare("SELECT sql FROM sqlite_schema")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(schema_before, schema_after);
    assert_eq!(pragma(&path, "user_version"), i64::from(SCHEMA_VERSION));
    assert_eq!(reopen(&path).registrations, vec![one_off(1, "a", 1)]);
}

#[test]
fn a_file_from_a_newer_schema_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("newer.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[Mutation::Put(one_off(1, "a", 1))]).unwrap();
    drop(s);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1).unwrap();
    conn.execute_batch("CREATE TABLE added_later (x INTEGER)").unwrap();
    drop(conn);
    let before = bytes(&path);
    match SqliteStore::open(&path) {
        Err(StoreError::TooNew { path: p, found, supported }) => {
            assert_eq!((found, supported), (SCHEMA_VERSION + 1, SCHEMA_VERSION));
            assert!(p.ends_with("newer.db"), "{p}");
        }
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(bytes(&path), before, "the newer file is left exactly as it was");
    let e = SqliteStore::open(&path).unwrap_err();
    let shown = format!("schema version {}", SCHEMA_VERSION + 1);
    assert!(e.to_string().contains("newer.db") && e.to_string().contains(&shown), "{e}");
}
