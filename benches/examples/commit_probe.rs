//! One-put commits straight on a `SqliteStore` (no driver), after
//! `LAYOUT_AFTER` untimed ones: the median `apply` time, to set against the
//! disk's fsync (the other figures are means). `PREZERO=1` lays the
//! `-wal` out with zeros first, so the commits overwrite instead of append;
//! `IDLE=1` runs the store's idle upkeep first, which does the same
//! (`wal_layout.rs`).
//!
//! ```text
//! cargo build --release -p sync-benches --example commit_probe
//! target/release/examples/commit_probe /tmp/probe/c 900
//! IDLE=1 target/release/examples/commit_probe /tmp/probe/c 900
//! ```
use std::time::Instant;
use sync_benches::fixture::EngineScheduler;
use sync_core::store::{Mutation, SqliteStore, Store};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let path = std::path::PathBuf::from(&a[1]);
    let n: usize = a[2].parse().unwrap();
    let mut rows = EngineScheduler::rows(n, false);
    for f in [".db", ".db-wal", ".db-shm", ".db-lock"] {
        let _ = std::fs::remove_file(path.with_extension(&f[1..]));
    }
    let db = path.with_extension("db");
    // An existing file in WAL mode (a new one starts in rollback mode and drops a stale `-wal`).
    drop(SqliteStore::open(&db).unwrap());
    if std::env::var("PREZERO").is_ok() {
        use std::io::Write;
        let mut f = std::fs::File::create(path.with_extension("db-wal")).unwrap();
        f.write_all(&vec![0u8; 32 + 1100 * 4120]).unwrap();
        f.sync_all().unwrap();
    }
    let mut store = SqliteStore::open(&db).unwrap();
    store.defer_upkeep();
    // Untimed: the commits after which an idle store lays its WAL out.
    let warm = usize::try_from(sync_core::store::sqlite::LAYOUT_AFTER).unwrap();
    for r in rows.drain(..warm.min(rows.len())) {
        store.apply(&[Mutation::Put(r)]).unwrap();
    }
    let before = store.timings();
    if std::env::var("IDLE").is_ok() {
        // The store's own idle steps (a checkpoint, then the WAL layout).
        while store.idle().unwrap() {}
    }
    let mut s = Vec::new();
    for (i, r) in rows.drain(..).enumerate() {
        let t = Instant::now();
        store.apply(&[Mutation::Put(r)]).unwrap();
        if i >= 10 {
            s.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    s.sort_by(f64::total_cmp);
    let t = store.timings();
    let commits = (t.commits - before.commits) as f64;
    println!(
        "apply_us {:.1} commit_us {:.1} statements_us {:.1} frames/commit {:.2}",
        s[s.len() / 2],
        (t.commit - before.commit).as_secs_f64() * 1e6 / commits,
        (t.statements - before.statements).as_secs_f64() * 1e6 / commits,
        (t.wal_frames - before.wal_frames) as f64 / commits
    );
}
