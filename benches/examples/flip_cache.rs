//! A driver for the flip alone (device offline -> online with `n` one-off
//! registrations pending, until the first dispatch), for cache-miss counts
//! and a quick wall-time median. The measured flip runs inside
//! `#[inline(never)] fn op_flip`; building the fixture and undoing each flip
//! (which re-blocks all `n`, so every flip starts cold, as in the scale
//! report) and one warm-up flip stay outside it. See `benches/README.md`, "The cost of the single
//! input seam".
//!
//! ```text
//! cargo build --release -p sync-benches --example flip_cache
//! valgrind --tool=callgrind --cache-sim=yes --toggle-collect='*op_flip*' \
//!     --callgrind-out-file=flip.out target/release/examples/flip_cache 1000000 3
//! callgrind_annotate --inclusive=yes flip.out | grep -E 'Ir|op_flip'
//! ```
//!
//! Prints the median wall time of the flips (meaningful only outside valgrind).

use std::time::Instant;
use sync_benches::fixture::{EngineScheduler, Scheduler};

#[inline(never)]
fn op_flip(s: &mut EngineScheduler) -> Option<<EngineScheduler as Scheduler>::FirstDispatch> {
    s.flip_first_dispatch()
}

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().ok());
    let n = args.next().flatten().unwrap_or(1_000_000);
    let flips = args.next().flatten().unwrap_or(5);

    let mut s = EngineScheduler::offline_pending(n).expect("the fixture builds");
    // One flip outside `op_flip` first: the first release of each origin
    // allocates its queues, which later flips (and the scale report's median) reuse.
    let first = s.flip_first_dispatch().expect("a flip dispatches");
    s.undo_flip(first);
    let mut times = Vec::with_capacity(flips);
    let mut faults = 0;
    for _ in 0..flips {
        let faults_before = minor_faults();
        let start = Instant::now();
        let first = op_flip(&mut s).expect("a flip dispatches");
        times.push(start.elapsed().as_secs_f64() * 1e6);
        faults += minor_faults() - faults_before;
        s.undo_flip(first);
    }
    assert_eq!(s.rejections(), 0, "no call was refused");
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    println!(
        "n={n} op_flip={flips} median_us={median:.1} min_us={:.1} minor_faults_per_flip={}",
        times.first().copied().unwrap_or(0.0),
        faults / flips.max(1) as u64
    );
}

/// The process's minor page faults so far (Linux `/proc/self/stat`, field 10; 0 elsewhere).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    after_name.split_whitespace().nth(7).and_then(|f| f.parse().ok()).unwrap_or(0)
}
