//! `restart-probe`: the scale report's restart figure alone, repeated, for
//! profiling (`valgrind --tool=callgrind`, `perf stat`) and for interleaving
//! before/after builds on a shared machine.
//!
//! ```text
//! cargo run --release -p sync-benches --bin restart-probe -- --n 1000000 --rounds 3 --dir /tmp/probe
//! ```
//!
//! Fills `<dir>/engine-<n>.db` the way the scale report does (unless it
//! exists), then opens, loads and restores it `--rounds` times, printing the
//! three parts of each round in seconds.

use clap::Parser;
use std::path::PathBuf;
use std::time::Instant;
use sync_benches::fixture::EngineScheduler;
use sync_benches::workload::policy_config;
use sync_core::Engine;
use sync_core::driver::{Clock, SystemClock};
use sync_core::store::{Mutation, SqliteStore, Store};
use sync_policy::ConfigurablePolicy;

/// Restart (open + load + restore) of a filled store file, repeated.
#[derive(Debug, Parser)]
#[command(name = "restart-probe", version)]
struct Args {
    /// Registrations in the file.
    #[arg(long, default_value_t = 100_000)]
    n: usize,
    /// Restarts to time.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// Directory for the file (kept, so later runs reuse it).
    #[arg(long)]
    dir: PathBuf,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.dir)?;
    let path = args.dir.join(format!("engine-{}.db", args.n));
    if !path.exists() {
        let mut store = SqliteStore::open(&path)?;
        let mut rows = EngineScheduler::rows(args.n, false);
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let rows: Vec<Mutation> = rows.into_iter().map(Mutation::Put).collect();
        for batch in rows.chunks(10_000) {
            store.apply(batch)?;
        }
    }
    let mut config = policy_config();
    config.register.max_registrations_per_origin = None;
    for round in 0..args.rounds {
        let start = Instant::now();
        let mut store = SqliteStore::open(&path)?;
        let opened = Instant::now();
        let full = store.checked_in_full();
        let snapshot = store.load()?;
        let loaded = Instant::now();
        let engine = Engine::restore(ConfigurablePolicy::new(config.clone()), SystemClock.now(), snapshot)?;
        let restored = Instant::now();
        assert_eq!(engine.len(), args.n);
        drop(engine);
        drop(store);
        println!(
            "round {round}: open {:.3} (quick_check: {full}) load {:.3} restore {:.3} total {:.3}",
            (opened - start).as_secs_f64(),
            (loaded - opened).as_secs_f64(),
            (restored - loaded).as_secs_f64(),
            (restored - start).as_secs_f64()
        );
    }
    Ok(())
}
