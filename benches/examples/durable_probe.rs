//! The durable register -> ack loop alone, without the scale report's
//! probes, slices and in-memory sections: `CALLERS` tasks register `OPS`
//! tags in all through the tokio driver on a `SqliteStore` holding `PREFILL`
//! rows (the file is made once in `DIR` and reused), and it prints acks/s.
//! Small enough to build unchanged on older trees (swap
//! `engine.handle(now, Input::Network(OFFLINE))` for `engine.set_network(now, OFFLINE)`
//! before the single input seam), so two versions' driver and commit paths
//! compare under the same harness. On tmpfs (`/dev/shm`) the fsync is free
//! and the figure is the CPU path alone. `YIELDS=n` sets
//! `DriverConfig::commit_yields`, `INLINE=n`
//! `DriverConfig::inline_commit_max`, `FOLD=rows` the store's fold
//! threshold (`SqliteStore::set_fold_threshold`); `WARM=n` registers `n` tags untimed
//! first; `FRESH=1` runs on a fresh copy of the filled file;
//! `SETTLE=ms` then leaves the driver quiet that long before the loop, so its idle upkeep (a checkpoint, the
//! WAL layout of `wal_layout.rs`) runs first. After the rate it prints the
//! store's own breakdown per commit (`SqliteStore::timings`). See `benches/README.md`, "Where a durable
//! ack's time goes".
//!
//! ```text
//! cargo build --release -p sync-benches --example durable_probe
//! target/release/examples/durable_probe /tmp/probe 100000 3000 1
//! ```
use std::time::Instant;
use sync_benches::fixture::EngineScheduler;
use sync_benches::workload::{OFFLINE, SCRATCH, client, origin_name, policy_config, sw};
use sync_core::driver::{Clock, Driver, DriverConfig, SystemClock};
use sync_core::store::{Mutation, SqliteStore, Store};
use sync_core::{Caller, Dispatch, Engine, Input};
use sync_policy::{ConfigurablePolicy, EventOutcome};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(&a[1]);
    let n: usize = a[2].parse().unwrap();
    let ops: u64 = a[3].parse().unwrap();
    let callers: u64 = a[4].parse().unwrap();
    let path = dir.join(format!("probe-{n}.db"));
    if !path.exists() {
        let mut store = SqliteStore::open(&path).unwrap();
        let mut rows = EngineScheduler::rows(n, false);
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let rows: Vec<Mutation> = rows.into_iter().map(Mutation::Put).collect();
        for batch in rows.chunks(10_000) {
            store.apply(batch).unwrap();
        }
    }
    let mut config = policy_config();
    config.register.max_registrations_per_origin = None;
    // `FRESH=1`: a fresh copy of the filled file each run, so runs start alike.
    let path = if std::env::var("FRESH").is_ok() {
        let fresh = dir.join("fresh.db");
        for f in ["fresh.db", "fresh.db-wal", "fresh.db-shm", "fresh.db-lock"] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        std::fs::copy(&path, &fresh).unwrap();
        fresh
    } else {
        path
    };
    let mut store = SqliteStore::open(&path).unwrap();
    if let Ok(rows) = std::env::var("FOLD") {
        store.set_fold_threshold(rows.parse().unwrap());
    }
    let snapshot = store.load().unwrap();
    let now = SystemClock.now();
    let mut engine = Engine::restore(ConfigurablePolicy::new(config), now, snapshot).unwrap();
    engine.set_log_recording(false);
    engine.handle(now, Input::Network(OFFLINE)).unwrap();
    while engine.poll_action().is_some() {}
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async move {
        let dispatcher = |_event: Dispatch| async { EventOutcome::Fulfilled };
        let mut config = DriverConfig::default();
        if let Ok(y) = std::env::var("YIELDS") {
            config.commit_yields = y.parse().unwrap();
        }
        if let Ok(n) = std::env::var("INLINE") {
            config.inline_commit_max = n.parse().unwrap();
        }
        let driver = Driver::builder(store, dispatcher).config(config).spawn(engine);
        let handle = driver.handle();
        for c in 0..callers {
            let o = SCRATCH + 1 + c;
            handle.add_worker(sw(o), &origin_name(o), true).await.unwrap();
            handle.client_opened(client(o), &origin_name(o), sync_policy::FrameType::TopLevel).await.unwrap();
        }
        if let Ok(warm) = std::env::var("WARM") {
            // Untimed registrations first (the WAL layout waits for 100 frames).
            let o = SCRATCH + 1;
            for i in 0..warm.parse::<u64>().unwrap() {
                handle.register(Caller::Client(client(o)), sw(o), &format!("w{i:06}")).await.unwrap();
            }
        }
        if let Ok(ms) = std::env::var("SETTLE") {
            // Quiet, so the driver runs its put-off upkeep (a checkpoint, the WAL layout).
            tokio::time::sleep(std::time::Duration::from_millis(ms.parse().unwrap())).await;
        }
        let stamp = std::process::id();
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for c in 0..callers {
            let handle = handle.clone();
            tasks.spawn(async move {
                let o = SCRATCH + 1 + c;
                for i in 0..ops / callers {
                    let tag = format!("p{stamp}{c:02}{i:09}");
                    handle.register(Caller::Client(client(o)), sw(o), &tag).await.unwrap();
                }
            });
        }
        while tasks.join_next().await.is_some() {}
        let secs = start.elapsed().as_secs_f64();
        println!("acks/s {:.0}  us/ack {:.1}", ops as f64 / secs, secs * 1e6 / ops as f64);
        let t = driver.shutdown().await.unwrap().store.timings();
        println!(
            "commits {}  acks/commit {:.1}  wal frames/commit {:.1}  us/commit: statements {:.0} commit {:.0} fold {:.0} checkpoint {:.0}",
            t.commits,
            ops as f64 / t.commits.max(1) as f64,
            t.wal_frames as f64 / t.commits.max(1) as f64,
            t.statements.as_secs_f64() * 1e6 / t.commits.max(1) as f64,
            t.commit.as_secs_f64() * 1e6 / t.commits.max(1) as f64,
            t.fold.as_secs_f64() * 1e6 / t.commits.max(1) as f64,
            t.checkpoint.as_secs_f64() * 1e6 / t.commits.max(1) as f64,
        );
    });
}
