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

/// The file's schema, as the `CREATE` statements SQLite keeps.
fn schema_sql(path: &std::path::Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(path).unwrap();
    let mut stmt = conn.prepare("SELECT sql FROM sqlite_schema").unwrap();
    stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

#[test]
fn reopening_at_the_current_version_runs_no_migration() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("again.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[Mutation::Put(one_off(1, "a", 1))]).unwrap();
    drop(s);
    let schema_before = schema_sql(&path);
    for _ in 0..3 {
        drop(SqliteStore::open(&path).unwrap());
    }
    let schema_after = schema_sql(&path);
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

/// Rows of every shape: one-off and periodic, pending and waiting, extreme values.
fn v1_rows() -> Vec<sync_core::store::StoredRegistration> {
    let mut rows: Vec<_> = (0..500u64)
        .map(|i| {
            if i % 5 == 0 {
                periodic(1 + i % 7, &format!("p-{i:04}"), i + 1, 43_200_000 + i)
            } else {
                one_off(1 + i % 7, &format!("tag-{i:04}"), i + 1)
            }
        })
        .collect();
    let mut waiting = one_off(u64::MAX, "waiting", u64::MAX - 1);
    waiting.phase = sync_core::store::StoredPhase::Waiting;
    waiting.attempts = 2;
    waiting.due = sync_policy::Timestamp(u64::MAX);
    rows.push(waiting);
    rows
}

#[test]
fn a_version_1_file_migrates_to_version_2_keeping_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    let rows = v1_rows();
    let origins = vec![origin_row(A, Some(5)), origin_row(B, None)];
    v1_file(&path, &rows, &origins);
    assert_eq!(pragma(&path, "user_version"), 1);
    let expected = sorted(sync_core::store::Snapshot { registrations: rows.clone(), origins });

    let mut s = SqliteStore::open(&path).expect("a version-1 file passes the inspection and migrates");
    assert_eq!(pragma(&path, "user_version"), 2);
    assert_eq!(count_rows(&path, "registrations"), rows.len() as i64, "rows stay where they were");
    assert_eq!((s.journal_rows(), count_rows(&path, "journal")), (0, 0));
    assert_eq!(sorted(s.load().unwrap()), expected);

    // The migrated file takes new writes through its journal, and keeps them.
    s.apply(&[Mutation::Put(one_off(9, "new", 10_000)), Mutation::Delete(rows[1].key.clone())]).unwrap();
    // The put is journaled; the delete erased its row from `registrations` at once.
    assert_eq!(count_rows(&path, "journal"), 1);
    assert_eq!(count_rows(&path, "registrations"), rows.len() as i64 - 1);
    drop(s);
    let mut expected = expected;
    expected.registrations.retain(|r| r.key != rows[1].key);
    expected.registrations.push(one_off(9, "new", 10_000));
    let expected = sorted(expected);
    assert_eq!(reopen(&path), expected);
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.compact().unwrap(), 1);
    assert_eq!(sorted(s.load().unwrap()), expected);
}

#[test]
fn a_version_1_file_is_checked_against_the_version_1_shape() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    v1_file(&path, &[one_off(1, "a", 1)], &[]);
    // A journal table does not belong in a version-1 file.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("CREATE TABLE journal (id INTEGER PRIMARY KEY)").unwrap();
    drop(conn);
    let before = bytes(&path);
    match SqliteStore::open(&path) {
        Err(StoreError::Corrupt { reason, .. }) => assert!(reason.contains("damaged schema"), "{reason}"),
        other => panic!("expected Corrupt, got {other:?}"),
    }
    assert_eq!(bytes(&path), before, "not migrated, not modified");
    assert_eq!(pragma(&path, "user_version"), 1);
}
