//! The `-wal` kept ahead of the commits: a busy session's commits grow it
//! with zeros a chunk at a time, and once per session an idle step lays it
//! out to its full size, so later commits overwrite it instead of appending.
//! What is stored never changes, a crash copy recovers every committed
//! batch, and a clean close still leaves no WAL behind.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::path::{Path, PathBuf};
use sync_core::SwRegId;
use sync_core::store::sqlite::{CHECKPOINT_PAGES, GROW_AFTER, GROW_CHUNK, LAYOUT_AFTER};
use sync_core::store::{Mutation, SqliteStore, Store};

/// The laid-out size: the WAL header and `CHECKPOINT_PAGES` frames of 4 KiB pages.
const LAID_OUT: u64 = 32 + CHECKPOINT_PAGES * (24 + 4096);

fn wal(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

fn wal_len(path: &Path) -> u64 {
    std::fs::metadata(wal(path)).map(|m| m.len()).unwrap_or(0)
}

fn put(sw: u64, i: u64) -> Vec<Mutation> {
    vec![Mutation::Put(one_off(sw, &format!("t{i:04}"), i))]
}

/// `s` holds `stored` registrations; closing it removes the WAL, and the
/// reopened file, vouched for by its clean-close mark, holds them all.
fn closes_cleanly_holding(mut s: SqliteStore, path: &Path, stored: usize) {
    assert_eq!(s.load().unwrap().registrations.len(), stored);
    drop(s);
    assert_eq!(wal_len(path), 0, "a clean close removes the WAL");
    let mut s = SqliteStore::open(path).unwrap();
    assert!(!s.checked_in_full(), "the clean-close mark still vouches for the file");
    assert_eq!(s.load().unwrap().registrations.len(), stored);
}

/// What a power cut leaves (the database and its WAL, frames then zeros, no
/// `-shm`), copied beside `path`, reopens to what `s` holds: `stored` rows.
fn crash_copy_recovers(s: &mut SqliteStore, path: &Path, stored: usize) {
    let copy = path.with_file_name("copy.db");
    std::fs::copy(path, &copy).unwrap();
    std::fs::copy(wal(path), wal(&copy)).unwrap();
    assert_eq!(reopen(&copy), sorted(s.load().unwrap()));
    assert_eq!(reopen(&copy).registrations.len(), stored);
}

/// Runs every idle step that is due.
fn settle(store: &mut SqliteStore) {
    while store.idle().unwrap() {}
    assert!(!store.upkeep_due());
}

/// A store at `path` with its upkeep put off to idle time.
fn deferred(path: &Path) -> SqliteStore {
    let mut s = SqliteStore::open(path).unwrap();
    s.defer_upkeep();
    s
}

/// A store with upkeep put off whose commits wrote `LAYOUT_AFTER` frames.
fn busy_store(path: &Path) -> SqliteStore {
    let mut s = deferred(path);
    for i in 0..LAYOUT_AFTER {
        s.apply(&put(1, i)).unwrap();
    }
    s
}

#[test]
fn an_idle_store_lays_the_wal_out_once_and_stores_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("layout.db");
    let mut s = busy_store(&path);
    assert!(wal_len(&path) < LAID_OUT);
    settle(&mut s);
    assert_eq!(wal_len(&path), LAID_OUT, "laid out to the checkpoint bound");
    let steps = s.timings().upkeeps;
    for i in 0..20 {
        s.apply(&put(2, i)).unwrap();
    }
    assert_eq!(wal_len(&path), LAID_OUT, "the commits overwrote the zeros");
    settle(&mut s);
    assert_eq!(s.timings().upkeeps - steps, 1, "a checkpoint; the layout is not done again");
    let stored = LAYOUT_AFTER as usize + 20;
    closes_cleanly_holding(s, &path, stored);
}

#[test]
fn a_store_that_commits_little_keeps_a_small_wal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("quiet.db");
    let mut s = deferred(&path);
    for i in 0..5 {
        s.apply(&put(1, i)).unwrap();
        settle(&mut s);
    }
    assert!(wal_len(&path) < 32 * 1024, "a few frames, not a laid-out WAL");
}

#[test]
fn a_crash_copy_of_a_laid_out_wal_recovers_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.db");
    let mut s = busy_store(&path);
    settle(&mut s);
    for i in 0..30 {
        s.apply(&put(2, i)).unwrap();
    }
    crash_copy_recovers(&mut s, &path, LAYOUT_AFTER as usize + 30);
}

#[test]
fn an_erase_that_truncates_the_wal_lays_it_out_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("erase.db");
    let mut s = busy_store(&path);
    s.apply(&put(2, 0)).unwrap();
    settle(&mut s);
    assert_eq!(wal_len(&path), LAID_OUT);
    s.apply(&[Mutation::DeleteWorker(SwRegId(1))]).unwrap();
    assert_eq!(wal_len(&path), 0, "the erase truncated the WAL");
    assert!(s.upkeep_due());
    settle(&mut s);
    assert_eq!(wal_len(&path), LAID_OUT);
    assert_eq!(s.load().unwrap().registrations.len(), 1);
}

/// The `-wal`'s length holding `frames` frames of 4 KiB pages.
fn frames_len(frames: u64) -> u64 {
    32 + frames * (24 + 4096)
}

#[test]
fn busy_commits_grow_the_wal_ahead_of_themselves_without_idle_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grow.db");
    let mut s = deferred(&path);
    // Until the session's commits have written `GROW_AFTER` frames, they append.
    let mut i = 0;
    let before = loop {
        let before = s.timings().wal_frames;
        s.apply(&put(1, i)).unwrap();
        i += 1;
        if before >= GROW_AFTER {
            break before;
        }
        let frames = s.timings().wal_frames;
        assert!(wal_len(&path) <= frames_len(frames), "no zeros yet: {} bytes, {frames} frames", wal_len(&path));
    };
    // The commit after that grew the file by a chunk past its frames first.
    let grown = wal_len(&path);
    assert!(grown >= frames_len(before + GROW_CHUNK), "grown by a chunk: {grown} bytes");
    // The next commits overwrite the zeros: the file keeps its length until they near its end.
    for i in 0..GROW_CHUNK / 2 {
        s.apply(&put(2, i)).unwrap();
    }
    assert_eq!(wal_len(&path), grown);
    // Never past the laid-out size, however long the session commits.
    for i in 0..2 * CHECKPOINT_PAGES {
        s.apply(&put(3, i)).unwrap();
        assert!(wal_len(&path) <= LAID_OUT.max(frames_len(s.timings().wal_frames.min(CHECKPOINT_PAGES) + 1)));
    }
    assert_eq!(wal_len(&path), LAID_OUT, "grown to the checkpoint bound, then rewritten from its start");
    let stored = (i + GROW_CHUNK / 2 + 2 * CHECKPOINT_PAGES) as usize;
    closes_cleanly_holding(s, &path, stored);
}

#[test]
fn a_crash_copy_of_a_grown_wal_recovers_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("grown-crash.db");
    let mut s = deferred(&path);
    for i in 0..GROW_AFTER + 40 {
        s.apply(&put(1, i)).unwrap();
    }
    assert!(wal_len(&path) > frames_len(s.timings().wal_frames), "zeros past the last frame");
    crash_copy_recovers(&mut s, &path, (GROW_AFTER + 40) as usize);
}
