//! `memory-report`: the scale report's bytes/registration (and, with
//! `--speed`, its in-memory register and coalesced-register figures) for the
//! engine alone, without the rest of the report.
//!
//! ```text
//! cargo run --release -p sync-benches --bin memory-report -- [--sizes 1000,10000,100000,1000000] [--speed]
//! ```
//!
//! The figures are measured exactly as the scale report measures them (the
//! same counting allocator, fixture and timed loops), so a change to the
//! table layout can be checked in seconds. `benches/README.md` explains the
//! breakdown.

// The counting allocator is the one `unsafe` outside the C ABI: it forwards to `System`.
#[allow(unsafe_code)]
#[path = "../scale-report/alloc.rs"]
mod alloc;
#[path = "../scale-report/in_memory.rs"]
#[allow(dead_code)]
mod in_memory;

use clap::Parser;
use in_memory::Limit;
use std::time::Duration;
use sync_benches::fixture::EngineScheduler;

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// The engine's bytes per registration at each size.
#[derive(Debug, Parser)]
#[command(name = "memory-report", version)]
struct Args {
    /// Sizes in registrations, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000,1000000")]
    sizes: Vec<usize>,
    /// Also measure register/s and coalesced/s at each size (as the scale report does).
    #[arg(long)]
    speed: bool,
}

fn main() -> Result<(), sync_benches::fixture::FixtureError> {
    let args = Args::parse();
    println!("| registrations | bytes/reg | register/s | coalesced/s |");
    println!("|---|---|---|---|");
    for &n in &args.sizes {
        let (built, bytes) = alloc::measure(|| EngineScheduler::build_offline(n));
        let mut s = built?;
        let per_reg = bytes as f64 / n as f64;
        let (mut register, mut coalesced) = (String::from("-"), String::from("-"));
        if args.speed {
            let limit = Limit { ops: 300_000, budget: Duration::from_millis(1500) };
            register = format!("{:.0}", in_memory::register_new(&mut s, limit).per_sec());
            coalesced = format!("{:.0}", in_memory::register_coalesced(&mut s, n, limit).per_sec());
        }
        println!("| {n} | {per_reg:.1} | {register} | {coalesced} |");
        drop(s);
    }
    Ok(())
}
