//! `SqliteStore` round-trips every mutation, keeps it across a reopen, and
//! applies a batch whole or not at all.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::store::{Mutation, SqliteStore, Store, StoreError, StoredPhase};
use sync_core::{Origin, RegistrationKey, SwRegId};
use sync_policy::{SyncKind, Timestamp};

fn store() -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    fresh_store("sync.db")
}

#[test]
fn every_mutation_round_trips_and_survives_a_reopen() {
    let (_dir, path, mut s) = store();
    assert_eq!(s.load().unwrap(), Default::default());
    let mut waiting = one_off(1, "a", 1);
    waiting.phase = StoredPhase::Waiting;
    waiting.attempts = 2;
    waiting.due = Timestamp(u64::MAX);
    // The highest order a store accepts (u64::MAX would leave none to hand out).
    let mut other = one_off(u64::MAX, "b", u64::MAX - 1);
    other.origin = Origin::new(B);
    let p = periodic(1, "a", 3, 12 * 3_600_000);
    s.apply(&[
        Mutation::Put(waiting.clone()),
        Mutation::Put(other.clone()),
        Mutation::Put(p.clone()),
        Mutation::Put(one_off(2, "gone", 4)),
        Mutation::PutOrigin(origin_row(A, Some(42))),
        Mutation::PutOrigin(origin_row(B, None)),
    ])
    .unwrap();
    // Same key, other kind: one-off "a" and periodic "a" are separate rows.
    let loaded = sorted(s.load().unwrap());
    assert_eq!(loaded.registrations.len(), 4);
    assert!(loaded.registrations.contains(&waiting) && loaded.registrations.contains(&p));
    assert!(loaded.registrations.contains(&other), "u64::MAX ids and seq round-trip");
    s.apply(&[
        Mutation::Delete(RegistrationKey::new(SwRegId(1), SyncKind::OneOff, "a")),
        Mutation::DeleteWorker(SwRegId(2)),
        Mutation::DeleteOrigin(Origin::new(B)),
        Mutation::Delete(RegistrationKey::new(SwRegId(9), SyncKind::OneOff, "absent")),
    ])
    .unwrap();
    drop(s);
    let after = reopen(&path);
    assert_eq!(
        after.registrations,
        sorted(sync_core::store::Snapshot { registrations: vec![other, p], origins: vec![] }).registrations
    );
    assert_eq!(after.origins, vec![origin_row(A, Some(42))]);
}

#[test]
fn put_replaces_the_row_with_the_same_key() {
    let (_dir, path, mut s) = store();
    s.apply(&[Mutation::Put(one_off(1, "a", 1))]).unwrap();
    let mut newer = one_off(1, "a", 1);
    newer.attempts = 1;
    newer.phase = StoredPhase::Waiting;
    newer.due = Timestamp(77);
    s.apply(&[Mutation::Put(newer.clone())]).unwrap();
    drop(s);
    assert_eq!(reopen(&path).registrations, vec![newer]);
}

#[test]
fn a_batch_that_fails_midway_leaves_nothing_of_itself() {
    let (_dir, path, mut s) = store();
    s.apply(&[Mutation::Put(one_off(1, "kept", 1))]).unwrap();
    let before = sorted(s.load().unwrap());
    let cap = s.set_size_limit(0).unwrap();
    assert!(cap > 0, "the cap cannot go below the current size");
    // Rows that need far more pages than the cap allows: the write fails partway.
    let tag = "x".repeat(2000);
    let batch: Vec<_> = (0..200).map(|i| Mutation::Put(one_off(1, &format!("{tag}{i}"), 10 + i))).collect();
    let err = s.apply(&batch).unwrap_err();
    assert!(matches!(&err, StoreError::Io(m) if m.contains("disk full")), "{err}");
    assert!(err.to_string().contains("sync.db"), "names the file: {err}");
    // The store still works for a batch that fits, and the failed one left no trace.
    s.apply(&[Mutation::Delete(RegistrationKey::new(SwRegId(1), SyncKind::OneOff, "kept"))]).unwrap();
    drop(s);
    let after = reopen(&path);
    assert_eq!(before.registrations.len(), 1);
    assert!(after.registrations.is_empty(), "{:?}", after.registrations.len());
}

#[test]
fn the_file_is_in_wal_mode() {
    let (_dir, path, s) = store();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(s);
}

/// Puts in runs longer than one multi-row statement land in order, each with
/// its own journal id, so a later delete in the same session (which keeps the
/// erase index up to date) removes exactly its rows, from the file too.
#[test]
fn long_runs_of_puts_are_appended_in_order_and_erased_by_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("runs.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.set_fold_threshold(u64::MAX);
    // A delete first, so the session keeps the erase index from here on.
    s.apply(&[Mutation::Put(one_off(1, "first", 1))]).unwrap();
    s.apply(&[Mutation::Delete(one_off(1, "first", 1).key)]).unwrap();
    // 40 puts: two statements of 16 and 8 one at a time, around an origin row.
    let mut batch: Vec<Mutation> = (0..20).map(|i| Mutation::Put(one_off(2, &format!("run-{i:02}"), 10 + i))).collect();
    batch.push(Mutation::PutOrigin(origin_row("https://a.test", Some(5))));
    batch.extend((20..40).map(|i| Mutation::Put(one_off(2, &format!("run-{i:02}"), 10 + i))));
    s.apply(&batch).unwrap();
    assert_eq!(s.journal_rows(), 40);
    let gone: Vec<String> = [0, 15, 16, 19, 20, 35, 36, 39].iter().map(|i| format!("run-{i:02}")).collect();
    let deletes: Vec<Mutation> = gone.iter().map(|t| Mutation::Delete(one_off(2, t, 0).key)).collect();
    s.apply(&deletes).unwrap();
    assert_eq!(s.journal_rows(), 32, "each delete erased its own journal row");
    let kept: Vec<String> = sorted(s.load().unwrap()).registrations.iter().map(|r| r.key.tag.to_string()).collect();
    let expected: Vec<String> = (0..40).map(|i| format!("run-{i:02}")).filter(|t| !gone.contains(t)).collect();
    assert_eq!(kept, expected);
    drop(s);
    let file = bytes(&path);
    for tag in &gone {
        assert!(!file.windows(tag.len()).any(|w| w == tag.as_bytes()), "{tag} lingers in the file");
    }
    assert_eq!(reopen(&path).registrations.len(), 32);
}
