//! A driver for instruction counts (`valgrind --tool=callgrind`), not wall
//! time: each measured operation runs inside its own `#[inline(never)]`
//! function named `op_*`, so `callgrind_annotate --inclusive=yes` gives the
//! instructions of exactly the work the scale report times (the same
//! [`Scheduler`] calls), and the untimed cleanup (recycling the scratch
//! worker, undoing a flip) stays outside them. See `benches/README.md`,
//! "The cost of the single input seam".
//!
//! ```text
//! cargo build --release -p sync-benches --example op_counts
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/examples/op_counts 10000
//! callgrind_annotate --inclusive=yes cg.out | grep op_
//! ```
//!
//! Prints how many operations each `op_*` function ran, to divide by.

use sync_benches::fixture::{EngineScheduler, Scheduler};
use sync_benches::workload::{PER_ORIGIN, T0, picks, scratch_tag, tag};
use sync_core::store::Snapshot;
use sync_core::{Engine, Tag};
use sync_policy::ConfigurablePolicy;

/// New-tag registrations measured (in batches of [`PER_ORIGIN`]).
const REGISTERS: u64 = 2000;
/// Coalesced registrations measured.
const COALESCED: usize = 4096;
/// Flips measured (each undone outside the measured function).
const FLIPS: usize = 3;
/// Fire-and-settle rounds measured.
const FIRES: u64 = 500;

#[inline(never)]
fn op_register_new(s: &mut EngineScheduler, tags: &[String]) {
    for t in tags {
        s.register_new(t);
    }
}

#[inline(never)]
fn op_register_coalesced(s: &mut EngineScheduler, existing: &[(usize, Tag)]) {
    for (i, t) in existing {
        s.register_existing(*i, t);
    }
}

#[inline(never)]
fn op_flip(s: &mut EngineScheduler) -> Option<<EngineScheduler as Scheduler>::FirstDispatch> {
    s.flip_first_dispatch()
}

#[inline(never)]
fn op_drain(s: &mut EngineScheduler) -> usize {
    let events = s.dispatch_all();
    let n = events.len();
    for e in events {
        s.settle(e);
    }
    n
}

#[inline(never)]
fn op_fire_and_settle(s: &mut EngineScheduler, tags: &[String]) -> usize {
    tags.iter().filter(|t| s.fire_and_settle(t)).count()
}

#[inline(never)]
fn op_restore(snapshot: Snapshot) -> usize {
    let engine = Engine::restore(ConfigurablePolicy::new(sync_benches::workload::policy_config()), T0, snapshot)
        .expect("the rows restore");
    engine.len()
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);

    let mut s = EngineScheduler::offline_pending(n).expect("the fixture builds");
    let mut counter = 0;
    while counter < REGISTERS {
        let tags: Vec<String> = (counter..counter + PER_ORIGIN as u64).map(scratch_tag).collect();
        counter += PER_ORIGIN as u64;
        op_register_new(&mut s, &tags);
        s.recycle_scratch();
    }
    let existing: Vec<(usize, Tag)> = picks(n, COALESCED, 7).into_iter().map(|i| (i, tag(i as u64).into())).collect();
    op_register_coalesced(&mut s, &existing);
    let mut flips = 0;
    for _ in 0..FLIPS {
        let Some(first) = op_flip(&mut s) else { break };
        s.undo_flip(first);
        flips += 1;
    }
    let drained = op_drain(&mut s);

    let mut w = EngineScheduler::waiting_online(n).expect("the fixture builds");
    let tags: Vec<String> = (0..FIRES).map(scratch_tag).collect();
    let fired = op_fire_and_settle(&mut w, &tags);

    let restored = op_restore(Snapshot { registrations: EngineScheduler::rows(n, false), origins: Vec::new() });

    assert_eq!(s.rejections() + w.rejections(), 0, "no call was refused");
    println!(
        "n={n} op_register_new={REGISTERS} op_register_coalesced={COALESCED} op_flip={flips} \
         op_drain={drained} op_fire_and_settle={fired} op_restore={restored}"
    );
}
