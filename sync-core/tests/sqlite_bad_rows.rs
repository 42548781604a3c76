//! A stored row that does not decode makes `load` fail with `BadRow` saying
//! which row and what was wrong; it never panics.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::store::{Mutation, SqliteStore, Store, StoreError};

/// A store holding two good rows (folded into `registrations`), then `sql`
/// run on the file behind its back. Bad journal rows: `sqlite_bad_journal_rows.rs`.
fn load_after(sql: &str) -> Result<sync_core::store::Snapshot, StoreError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[
        Mutation::Put(one_off(1, "a", 1)),
        Mutation::Put(periodic(1, "p", 2, 43_200_000)),
        Mutation::PutOrigin(origin_row(A, Some(5))),
    ])
    .unwrap();
    assert_eq!(s.compact().unwrap(), 2, "both rows folded into `registrations`");
    drop(s);
    assert_eq!(count_rows(&path, "registrations"), 2);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(sql).unwrap();
    drop(conn);
    SqliteStore::open(&path).unwrap().load()
}

fn bad_row(sql: &str, expected: &[&str]) {
    match load_after(sql) {
        Err(StoreError::BadRow(message)) => {
            for part in expected {
                assert!(message.contains(part), "{message:?} should mention {part:?}");
            }
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
}

#[test]
fn good_rows_load() {
    let snapshot = load_after("SELECT 1").unwrap();
    assert_eq!(snapshot.registrations.len(), 2);
    assert_eq!(snapshot.origins, vec![origin_row(A, Some(5))]);
}

#[test]
fn an_unknown_phase() {
    bad_row("UPDATE registrations SET phase = 7 WHERE tag = 'a'", &["`phase`", "holds 7", "registration 1"]);
}

#[test]
fn an_unknown_kind() {
    bad_row("UPDATE registrations SET kind = 5 WHERE tag = 'a'", &["`kind`", "holds 5"]);
}

#[test]
fn a_negative_or_oversized_attempt_count() {
    bad_row("UPDATE registrations SET attempts = -1 WHERE tag = 'a'", &["`attempts`", "-1"]);
    bad_row("UPDATE registrations SET max_attempts = 1 << 40 WHERE tag = 'a'", &["`max_attempts`"]);
}

#[test]
fn periodic_fields_on_the_wrong_kind() {
    bad_row("UPDATE registrations SET min_interval = 5, anchor = 5 WHERE tag = 'a'", &["one-off", "periodic fields"]);
    bad_row("UPDATE registrations SET anchor = NULL WHERE tag = 'p'", &["periodic", "lacks"]);
}

#[test]
fn text_that_is_not_utf8() {
    bad_row("UPDATE registrations SET tag = CAST(x'61ff62' AS TEXT) WHERE tag = 'a'", &["`tag`", "UTF-8"]);
    bad_row("UPDATE origins SET origin = CAST(x'ff' AS TEXT)", &["origins row 1", "`origin`", "UTF-8"]);
}

#[test]
fn a_null_where_a_value_is_required() {
    // The schema forbids it; a file edited without the constraints could still hold one.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.db");
    drop(SqliteStore::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_schema SET sql = replace(sql, 'due INTEGER NOT NULL', 'due INTEGER') WHERE name = 'registrations';",
    )
    .unwrap();
    drop(conn);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("INSERT INTO registrations VALUES (1, 0, 'a', 'https://a.test', 1, 0, 0, 3, NULL, NULL, NULL)")
        .unwrap();
    drop(conn);
    match SqliteStore::open(&path).and_then(|mut s| s.load()) {
        Err(StoreError::BadRow(m)) => assert!(m.contains("`due`") && m.contains("NULL"), "{m}"),
        other => panic!("expected BadRow, got {other:?}"),
    }
}
