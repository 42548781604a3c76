//! Registration order numbers (`seq`) never repeat, even at the end of the
//! `u64` range: an order of `u64::MAX` leaves nothing to hand out after it,
//! so the store refuses to write one and refuses to load one, restore
//! refuses one, and an engine whose numbers are used up refuses new
//! registrations instead of wrapping to a number in use. Nothing is
//! acknowledged that the next start could not restore (`spec-notes/durability.md` §9, F11).
#![cfg(feature = "sqlite")]

mod sqlite_kit;

use sqlite_kit::{Rig, T0, one_off, policy, reopen, v1_file};
use sync_core::Input;
use sync_core::store::{MemoryStore, Mutation, Snapshot, SqliteStore, Store, StoreError};
use sync_core::{DomErrorName, Engine, SyncError};

#[test]
fn the_store_refuses_to_write_an_order_of_u64_max() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut store = SqliteStore::open(&path).unwrap();
    store.apply(&[Mutation::Put(one_off(1, "fine", 1))]).unwrap();
    let batch = [Mutation::Put(one_off(1, "also-in-batch", 2)), Mutation::Put(one_off(1, "old", u64::MAX))];
    match store.apply(&batch) {
        Err(StoreError::BadRow(m)) => assert!(m.contains("seq") && m.contains("18446744073709551615"), "{m}"),
        other => panic!("expected BadRow, got {other:?}"),
    }
    drop(store);
    // Nothing of the refused batch landed; the file restores.
    let snapshot = reopen(&path);
    assert_eq!(snapshot.registrations, [one_off(1, "fine", 1)]);
    Engine::restore(policy(), T0, snapshot).expect("restorable");
}

#[test]
fn a_stored_order_of_u64_max_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    // A file as a damaged (or foreign) writer left it.
    v1_file(&path, &[one_off(1, "a", 1), one_off(1, "secret-tag", u64::MAX)], &[]);
    let mut store = SqliteStore::open(&path).unwrap();
    match store.load() {
        Err(StoreError::BadRow(m)) => {
            assert!(m.contains("registrations row 2") && m.contains("`seq`"), "{m}");
            assert!(!m.contains("secret-tag"), "messages never quote tags: {m}");
        }
        other => panic!("expected BadRow, got {other:?}"),
    }
}

#[test]
fn restore_refuses_an_order_of_u64_max() {
    let snapshot = Snapshot { registrations: vec![one_off(1, "old", u64::MAX)], origins: vec![] };
    match Engine::restore(policy(), T0, snapshot) {
        Err(SyncError::BadSnapshot(m)) => assert!(m.contains("18446744073709551615"), "{m}"),
        other => panic!("expected BadSnapshot, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn used_up_order_numbers_refuse_registration_instead_of_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut store = SqliteStore::open(&path).unwrap();
    // The highest order a file may hold leaves exactly one number to hand out.
    store.apply(&[Mutation::Put(one_off(1, "old", u64::MAX - 2))]).unwrap();
    let mut rig = Rig::restore(store, T0);
    rig.engine.handle(T0, Input::Network(sync_policy::NetworkState { online: false, metered: false })).unwrap();
    let first = rig.register(1, "new1");
    rig.drain();
    assert!(rig.reply(first).is_some_and(|r| r.is_ok()), "the last number is handed out");
    let second = rig.register(1, "new2");
    let third = rig.register(1, "new3");
    rig.drain();
    for request in [second, third] {
        match rig.reply(request) {
            Some(Err(e)) => assert_eq!(e.name, DomErrorName::UnknownError, "{e:?}"),
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    assert!(rig.failed.is_none(), "nothing failed to commit");
    // Re-registering an existing tag needs no new number: still fine.
    let again = rig.register(1, "new1");
    rig.drain();
    assert!(rig.reply(again).is_some_and(|r| r.is_ok()));
    drop(rig);
    // Everything acknowledged restores.
    let snapshot = reopen(&path);
    let mut seqs: Vec<u64> = snapshot.registrations.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, [u64::MAX - 2, u64::MAX - 1]);
    Engine::restore(policy(), T0, snapshot).expect("restorable after the refusals");
}

#[test]
fn the_memory_store_path_refuses_too() {
    // Restore is the one check every store shares.
    let mut store = MemoryStore::default();
    store.apply(&[Mutation::Put(one_off(1, "old", u64::MAX))]).unwrap();
    assert!(matches!(Engine::restore(policy(), T0, store.load().unwrap()), Err(SyncError::BadSnapshot(_))));
}
