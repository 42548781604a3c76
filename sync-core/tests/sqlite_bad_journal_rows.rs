//! A journal row that does not decode makes `load` and the fold fail with
//! `BadRow` naming `journal row N` (its id) and the column; never a panic.
//! A fold that meets one rolls back: the journal keeps every row, and the
//! batch that triggered it does not land.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::path::{Path, PathBuf};
use sync_core::store::{Mutation, Snapshot, SqliteStore, Store, StoreError};

/// Journal ids: 1 put one-off "a" (worker 1), 2 put periodic "p" (worker 1),
/// 3 delete (worker 2), 4 worker delete (worker 3).
fn journaled(dir: &Path) -> PathBuf {
    let path = dir.join("journal.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[
        Mutation::Put(one_off(1, "a", 1)),
        Mutation::Put(periodic(1, "p", 2, 43_200_000)),
        Mutation::PutOrigin(origin_row(A, Some(5))),
    ])
    .unwrap();
    assert_eq!(s.journal_rows(), 2);
    drop(s);
    // A delete and a worker delete, as earlier builds journaled them (this one erases at once).
    run_sql(
        &path,
        "INSERT INTO journal (id, op, sw, kind, tag) VALUES (3, 1, 2, 0, 'gone'); \
         INSERT INTO journal (id, op, sw) VALUES (4, 2, 3);",
    );
    assert_eq!(SqliteStore::open(&path).unwrap().journal_rows(), 4);
    path
}

fn run_sql(path: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(sql).unwrap();
}

fn expect_bad_row(result: Result<impl std::fmt::Debug, StoreError>, expected: &[&str]) {
    match result {
        Err(StoreError::BadRow(message)) => {
            for part in expected {
                assert!(message.contains(part), "{message:?} should mention {part:?}");
            }
            assert!(!message.contains("\"a\"") && !message.contains("`p`"), "no tags in messages: {message}");
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
}

/// Corrupts the journal with `sql`; `load` and `compact` must both refuse with
/// the `expected` parts, and the journal must keep its 4 rows.
fn bad_journal_row(sql: &str, expected: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = journaled(dir.path());
    run_sql(&path, sql);
    let mut s = SqliteStore::open(&path).unwrap();
    expect_bad_row(s.load(), expected);
    expect_bad_row(s.compact(), expected);
    assert_eq!(s.journal_rows(), 4);
    drop(s);
    assert_eq!(count_rows(&path, "journal"), 4, "the failed fold rolled back");
    assert_eq!(count_rows(&path, "registrations"), 0);
}

#[test]
fn good_journal_rows_load_and_fold() {
    let dir = tempfile::tempdir().unwrap();
    let path = journaled(dir.path());
    let expected = Snapshot {
        registrations: vec![one_off(1, "a", 1), periodic(1, "p", 2, 43_200_000)],
        origins: vec![origin_row(A, Some(5))],
    };
    assert_eq!(reopen(&path), sorted(expected.clone()));
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.compact().unwrap(), 4);
    assert_eq!(sorted(s.load().unwrap()), sorted(expected));
}

#[test]
fn an_unknown_op() {
    bad_journal_row("UPDATE journal SET op = 9 WHERE id = 2", &["journal row 2", "`op`", "holds 9"]);
}

#[test]
fn an_unknown_phase_or_kind_in_a_put() {
    bad_journal_row(
        "UPDATE journal SET phase = 7 WHERE id = 1",
        &["journal row 1", "service worker registration 1", "`phase`", "holds 7"],
    );
    bad_journal_row("UPDATE journal SET kind = 5 WHERE id = 1", &["journal row 1", "`kind`", "holds 5"]);
}

#[test]
fn a_put_with_a_missing_or_out_of_range_value() {
    bad_journal_row("UPDATE journal SET origin = NULL WHERE id = 1", &["journal row 1", "`origin`", "NULL"]);
    bad_journal_row("UPDATE journal SET attempts = -1 WHERE id = 1", &["journal row 1", "`attempts`", "-1"]);
    bad_journal_row("UPDATE journal SET max_attempts = 1 << 40 WHERE id = 1", &["journal row 1", "`max_attempts`"]);
    bad_journal_row("UPDATE journal SET due = NULL WHERE id = 2", &["journal row 2", "`due`", "NULL"]);
}

#[test]
fn periodic_fields_on_the_wrong_kind() {
    bad_journal_row(
        "UPDATE journal SET min_interval = 5, anchor = 5 WHERE id = 1",
        &["journal row 1", "one-off", "periodic fields"],
    );
    bad_journal_row("UPDATE journal SET anchor = NULL WHERE id = 2", &["journal row 2", "periodic", "lacks"]);
}

#[test]
fn text_that_is_not_utf8() {
    bad_journal_row(
        "UPDATE journal SET tag = CAST(x'61ff62' AS TEXT) WHERE id = 1",
        &["journal row 1", "`tag`", "UTF-8"],
    );
    bad_journal_row("UPDATE journal SET tag = CAST(x'ff' AS TEXT) WHERE id = 3", &["journal row 3", "`tag`", "UTF-8"]);
}

#[test]
fn a_delete_without_its_key_or_with_values_it_does_not_use() {
    bad_journal_row("UPDATE journal SET tag = NULL WHERE id = 3", &["journal row 3", "`tag`", "NULL"]);
    bad_journal_row("UPDATE journal SET kind = NULL WHERE id = 3", &["journal row 3", "`kind`", "NULL"]);
    bad_journal_row(
        "UPDATE journal SET origin = 'https://x.test' WHERE id = 3",
        &["journal row 3", "`origin`", "a delete leaves it NULL"],
    );
    bad_journal_row("UPDATE journal SET kind = 0 WHERE id = 4", &["journal row 4", "`kind`", "a worker delete"]);
}

#[test]
fn a_folding_batch_that_meets_a_bad_row_does_not_land() {
    let dir = tempfile::tempdir().unwrap();
    let path = journaled(dir.path());
    run_sql(&path, "UPDATE journal SET phase = 7 WHERE id = 1");
    let mut s = SqliteStore::open(&path).unwrap();
    s.set_fold_threshold(5);
    // The fifth row reaches the threshold: the fold reads row 1 and fails, the batch with it.
    let err = s.apply(&[Mutation::Put(one_off(7, "new", 9)), Mutation::PutOrigin(origin_row(B, None))]).unwrap_err();
    assert!(matches!(&err, StoreError::BadRow(m) if m.contains("journal row 1")), "{err}");
    assert_eq!(s.journal_rows(), 4);
    drop(s);
    assert_eq!(count_rows(&path, "journal"), 4, "neither the batch nor the fold landed");
    assert_eq!(count_rows(&path, "origins"), 1);
    // Repaired, the file holds exactly what it held before the failed batch.
    run_sql(&path, "UPDATE journal SET phase = 0 WHERE id = 1");
    let after = reopen(&path);
    assert_eq!(after.registrations, vec![one_off(1, "a", 1), periodic(1, "p", 2, 43_200_000)]);
    assert_eq!(after.origins, vec![origin_row(A, Some(5))]);
}

#[test]
fn a_bad_put_after_good_ones_fails_the_fold_and_changes_nothing() {
    // A journal of puts only: the fold copies rows until it meets the bad one, then
    // rolls that back and names the row as `load()` does.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("puts.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.apply(&[Mutation::Put(one_off(1, "a", 1)), Mutation::Put(one_off(2, "b", 2)), Mutation::Put(one_off(3, "c", 3))])
        .unwrap();
    drop(s);
    run_sql(&path, "UPDATE journal SET attempts = -1 WHERE id = 3");
    let mut s = SqliteStore::open(&path).unwrap();
    expect_bad_row(s.load(), &["journal row 3", "`attempts`"]);
    expect_bad_row(s.compact(), &["journal row 3", "`attempts`"]);
    drop(s);
    assert_eq!((count_rows(&path, "journal"), count_rows(&path, "registrations")), (3, 0));
    run_sql(&path, "UPDATE journal SET attempts = 0 WHERE id = 3");
    let mut s = SqliteStore::open(&path).unwrap();
    assert_eq!(s.compact().unwrap(), 3);
    assert_eq!(s.load().unwrap().registrations, vec![one_off(1, "a", 1), one_off(2, "b", 2), one_off(3, "c", 3)]);
}
