//! Times one journal fold: a file with `N` rows folded into `registrations`
//! (made once in `DIR` and copied for each run), then `J` more rows appended
//! to the journal in commits of 64, then one `SqliteStore::compact()`. The
//! workload's keys spread over many workers, so the fold's inserts land all
//! over the table. See `benches/README.md`, "Where a durable ack's time goes".
//!
//! ```text
//! cargo build --release -p sync-benches --example fold_probe
//! target/release/examples/fold_probe /dev/shm 1000000 65536
//! ```
use std::time::Instant;
use sync_benches::fixture::EngineScheduler;
use sync_core::store::{Mutation, SqliteStore, Store};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(&a[1]);
    let n: usize = a[2].parse().unwrap();
    let j: usize = a[3].parse().unwrap();
    let path = dir.join(format!("fold-{n}.db"));
    let mut rows = EngineScheduler::rows(n + j, false);
    let extra = rows.split_off(n);
    // A copy of the filled file, kept between runs (`fold-N.db.filled`), so a profile sees the fold only.
    let filled = dir.join(format!("fold-{n}.db.filled"));
    if !filled.exists() {
        let mut store = SqliteStore::open(&filled).unwrap();
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let rows: Vec<Mutation> = rows.into_iter().map(Mutation::Put).collect();
        for batch in rows.chunks(10_000) {
            store.apply(batch).unwrap();
        }
        store.compact().unwrap();
    }
    for suffix in ["", "-wal", "-shm", "-lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::copy(&filled, &path).unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    store.set_fold_threshold(u64::MAX);
    let extra: Vec<Mutation> = extra.into_iter().map(Mutation::Put).collect();
    let t = Instant::now();
    for batch in extra.chunks(64) {
        store.apply(batch).unwrap();
    }
    let appended = t.elapsed();
    let t = Instant::now();
    let folded = store.compact().unwrap();
    let fold = t.elapsed();
    println!(
        "appended {} rows in {:.1} ms; fold of {folded} rows: {:.1} ms ({:.2} us/row)",
        extra.len(),
        appended.as_secs_f64() * 1e3,
        fold.as_secs_f64() * 1e3,
        fold.as_secs_f64() * 1e6 / folded.max(1) as f64
    );
}
