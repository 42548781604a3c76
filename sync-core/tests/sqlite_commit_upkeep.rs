//! `Store::commit_runs_upkeep` on the SQLite store: it says, before a commit,
//! whether that commit will also fold the journal, checkpoint the WAL, clear
//! erased rows out of it or build the erase index from a long journal, and
//! each prediction matches what the commit then does.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::SwRegId;
use sync_core::store::sqlite::CHECKPOINT_PAGES;
use sync_core::store::{Mutation, SqliteStore, Store};

fn store() -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    fresh_store("upkeep.db")
}

fn put(sw: u64, i: u64) -> Vec<Mutation> {
    vec![Mutation::Put(one_off(sw, &format!("t{i:05}"), i))]
}

#[test]
fn a_plain_put_runs_no_upkeep_and_the_put_that_reaches_the_fold_point_does() {
    let (_dir, _path, mut s) = store();
    s.set_fold_threshold(4);
    for i in 0..3 {
        assert!(!s.commit_runs_upkeep(&put(1, i)), "put {i}");
        s.apply(&put(1, i)).unwrap();
    }
    assert!(s.commit_runs_upkeep(&put(1, 3)), "the fourth row folds");
    s.apply(&put(1, 3)).unwrap();
    assert_eq!((s.folds(), s.journal_rows()), (1, 0), "and it did fold");
    assert!(!s.commit_runs_upkeep(&put(1, 4)));
}

#[test]
fn with_upkeep_put_off_the_fold_point_moves_out_and_is_still_predicted() {
    let (_dir, _path, mut s) = store();
    s.set_fold_threshold(2);
    s.defer_upkeep();
    let mut i = 0;
    while !s.commit_runs_upkeep(&put(1, i)) {
        s.apply(&put(1, i)).unwrap();
        i += 1;
    }
    // Four thresholds of rows (`DEFERRED_FACTOR`): the commit of the eighth row folds.
    assert_eq!(i, 7);
    assert_eq!(s.folds(), 0);
    s.apply(&put(1, i)).unwrap();
    assert_eq!(s.folds(), 1);
}

#[test]
fn clearing_a_worker_an_origin_or_everything_runs_upkeep_and_a_single_delete_does_not() {
    let (_dir, _path, mut s) = store();
    s.apply(&put(1, 0)).unwrap();
    let key = one_off(1, "t00000", 0).key;
    assert!(!s.commit_runs_upkeep(&[Mutation::Delete(key)]));
    assert!(s.commit_runs_upkeep(&[Mutation::DeleteWorker(SwRegId(1))]));
    assert!(s.commit_runs_upkeep(&[Mutation::DeleteOrigin(A.into())]));
    assert!(s.commit_runs_upkeep(&[Mutation::DeleteAll]));
    // Mixed into a batch of puts, a clear still counts.
    let mut batch = put(2, 1);
    batch.push(Mutation::DeleteWorker(SwRegId(1)));
    assert!(s.commit_runs_upkeep(&batch));
}

#[test]
fn the_commit_that_brings_the_wal_to_its_bound_is_predicted_to_checkpoint() {
    let (_dir, _path, mut s) = store();
    // A large threshold: no fold gets in the way of counting WAL frames.
    s.set_fold_threshold(1_000_000);
    let mut i = 0;
    while !s.commit_runs_upkeep(&put(1, i)) {
        s.apply(&put(1, i)).unwrap();
        i += 1;
        assert!(i < 2 * CHECKPOINT_PAGES, "no checkpoint predicted after {i} commits");
    }
    let before = s.timings().checkpoints;
    // The prediction leaves a margin of a few frames: the checkpoint comes within a few commits.
    let mut more = 0;
    while s.timings().checkpoints == before {
        s.apply(&put(1, i)).unwrap();
        i += 1;
        more += 1;
        assert!(more <= 4, "predicted a checkpoint {more} commits early");
    }
    assert!(!s.commit_runs_upkeep(&put(1, i)), "the WAL starts over after it");
}

#[test]
fn the_first_delete_after_an_open_with_a_long_journal_runs_upkeep_and_later_ones_do_not() {
    let (_dir, path, mut s) = store();
    s.set_fold_threshold(1_000_000);
    let rows: Vec<Mutation> = (0..2_000).map(|i| Mutation::Put(one_off(1, &format!("t{i:05}"), i))).collect();
    s.apply(&rows).unwrap();
    drop(s);
    let mut s = SqliteStore::open(&path).unwrap();
    s.set_fold_threshold(1_000_000);
    assert_eq!(s.journal_rows(), 2_000);
    let delete = |i: u64| vec![Mutation::Delete(one_off(1, &format!("t{i:05}"), i).key)];
    assert!(!s.commit_runs_upkeep(&put(2, 0)), "a put needs no index");
    assert!(s.commit_runs_upkeep(&delete(0)), "the first delete reads 2,000 journal keys");
    s.apply(&delete(0)).unwrap();
    assert!(!s.commit_runs_upkeep(&delete(1)), "the index is built now");
    s.apply(&delete(1)).unwrap();
    assert_eq!(s.journal_rows(), 1_998, "both deletes erased their journal rows");
}
