//! A damaged store is still refused, and `salvage` copies every registration
//! that decodes and restores into a new file, listing each row it left out
//! and why: a file with one corrupt row, and a file two owners wrote (repeated
//! order numbers, a worker under two origins).
#![cfg(feature = "sqlite")]

mod sqlite_kit;

use sqlite_kit::{A, B, T0, one_off, periodic, policy, reopen};
use std::path::Path;
use sync_core::store::sqlite::salvage::{check, salvage};
use sync_core::store::{Mutation, SqliteStore, Store, StoreError, StoredRegistration};
use sync_core::{Engine, Origin, SyncError};

fn under(origin: &str, mut row: StoredRegistration) -> StoredRegistration {
    row.origin = Origin::new(origin);
    row
}

/// 50 folded rows and 10 in the journal, all of worker 1 (origin A).
fn healthy(path: &Path) {
    let mut s = SqliteStore::open(path).unwrap();
    let rows: Vec<_> = (1..=50).map(|i| Mutation::Put(one_off(1, &format!("t{i:03}"), i))).collect();
    s.apply(&rows).unwrap();
    s.compact().unwrap();
    let rows: Vec<_> = (51..=60).map(|i| Mutation::Put(periodic(1, &format!("p{i:03}"), i, 43_200_000))).collect();
    s.apply(&rows).unwrap();
    s.apply(&[Mutation::PutOrigin(sqlite_kit::origin_row(A, Some(7)))]).unwrap();
}

fn sql(path: &Path, sql: &str) {
    rusqlite::Connection::open(path).unwrap().execute_batch(sql).unwrap();
}

fn restores(path: &Path, rows: usize) {
    let snapshot = reopen(path);
    assert_eq!(snapshot.registrations.len(), rows);
    Engine::restore(policy(), T0, snapshot).expect("the salvaged file restores");
    assert!(check(path).unwrap().healthy(), "{:?}", check(path).unwrap().problems);
}

#[test]
fn a_file_with_one_corrupt_row_is_refused_and_salvaged() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("damaged.db"), dir.path().join("salvaged.db"));
    healthy(&src);
    assert!(check(&src).unwrap().healthy());
    sql(&src, "UPDATE registrations SET phase = 7 WHERE tag = 't017'");
    let before = std::fs::read(&src).unwrap();
    // Still refused: load names the row.
    let err = SqliteStore::open(&src).unwrap().load().unwrap_err();
    assert!(matches!(&err, StoreError::BadRow(m) if m.contains("registrations row 17")), "{err}");
    let report = check(&src).unwrap();
    assert!(!report.healthy());
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains("registrations row 17") && report.problems[0].contains("`phase`"));

    let report = salvage(&src, &dst).unwrap();
    assert_eq!((report.recovered, report.skipped.len(), report.renumbered), (59, 1, 0), "{report:?}");
    assert_eq!(report.origins_recovered, 1);
    assert_eq!(report.skipped[0].row, "registrations row 17");
    assert!(report.skipped[0].reason.contains("`phase` holds 7"), "{:?}", report.skipped);
    assert_eq!(std::fs::read(&src).unwrap(), before, "the damaged file is only read");
    restores(&dst, 59);
}

#[test]
fn a_file_two_owners_wrote_is_salvaged_keeping_every_acknowledged_row() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("two.db"), dir.path().join("salvaged.db"));
    // Owner 1: worker 1 of origin A, orders 1..=20.
    let mut first = SqliteStore::open(&src).unwrap();
    first.apply(&(1..=20).map(|i| Mutation::Put(one_off(1, &format!("a{i:02}"), i))).collect::<Vec<_>>()).unwrap();
    drop(first);
    // Owner 2, as if it had written at the same time without the lock: its own
    // orders 1..=10 for worker 2 (origin B), and worker 1 under origin B.
    let mut second = SqliteStore::open(&src).unwrap();
    let mut batch: Vec<_> = (1..=10).map(|i| Mutation::Put(under(B, one_off(2, &format!("b{i:02}"), i)))).collect();
    batch.push(Mutation::Put(under(B, one_off(1, "stray", 11))));
    second.apply(&batch).unwrap();
    drop(second);
    match Engine::restore(policy(), T0, reopen(&src)) {
        Err(SyncError::BadSnapshot(_)) => {}
        other => panic!("expected the restore to refuse the file, got {:?}", other.map(|_| ())),
    }
    let problems = check(&src).unwrap().problems;
    assert!(problems.iter().any(|p| p.contains("two origins")), "{problems:?}");
    assert!(problems.iter().any(|p| p.contains("share their registration order")), "{problems:?}");

    let report = salvage(&src, &dst).unwrap();
    assert_eq!((report.recovered, report.skipped.len()), (30, 1), "{report:?}");
    assert!(report.skipped[0].reason.contains("two origins"), "{:?}", report.skipped);
    assert_eq!(report.renumbered, 29, "all but the first row change number");
    restores(&dst, 30);
    let snapshot = reopen(&dst);
    let mut seqs: Vec<u64> = snapshot.registrations.iter().map(|r| r.seq).collect();
    seqs.sort_unstable();
    assert_eq!(seqs, (1..=30).collect::<Vec<_>>(), "renumbered 1..=30");
    // Worker 1 kept origin A (20 rows against 1); the order within each worker is kept.
    let a: Vec<_> = {
        let mut rows: Vec<_> = snapshot.registrations.iter().filter(|r| r.key.sw.0 == 1).collect();
        rows.sort_by_key(|r| r.seq);
        rows.iter().map(|r| (r.origin.as_str().to_string(), r.key.tag.to_string())).collect()
    };
    assert_eq!(a.len(), 20);
    assert!(a.iter().all(|(o, _)| o == A));
    assert!(a.windows(2).all(|w| w[0].1 < w[1].1), "registration order kept: {a:?}");
}

#[test]
fn salvage_refuses_an_open_file_and_an_existing_target() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("src.db"), dir.path().join("dst.db"));
    healthy(&src);
    let owner = SqliteStore::open(&src).unwrap();
    assert!(matches!(salvage(&src, &dst), Err(StoreError::Locked { .. })));
    assert!(!dst.exists());
    // Checking needs no ownership.
    assert!(check(&src).unwrap().healthy());
    drop(owner);
    std::fs::write(&dst, b"keep me").unwrap();
    assert!(matches!(salvage(&src, &dst), Err(StoreError::Io(m)) if m.contains("already exists")));
    assert_eq!(std::fs::read(&dst).unwrap(), b"keep me");
}

#[test]
fn a_damaged_page_is_reported_and_the_rest_salvaged() {
    let dir = tempfile::tempdir().unwrap();
    let (src, dst) = (dir.path().join("pages.db"), dir.path().join("salvaged.db"));
    healthy(&src);
    // Garbage over the last page: open refuses the file, check names the damage.
    let mut bytes = std::fs::read(&src).unwrap();
    let len = bytes.len();
    bytes[len - 4096..].fill(0xA5);
    std::fs::write(&src, &bytes).unwrap();
    assert!(matches!(SqliteStore::open(&src), Err(StoreError::Corrupt { .. })));
    let report = check(&src).unwrap();
    assert!(!report.healthy());
    // Whatever still reads comes out in a file that restores.
    if let Ok(report) = salvage(&src, &dst) {
        restores(&dst, report.recovered as usize);
    }
}
