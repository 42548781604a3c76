//! The in-memory figures, measured the same way on both schedulers through
//! the [`Scheduler`] interface: only the operation is inside the timed
//! region; building tags, recycling the scratch worker and undoing a flip are not.

use std::time::{Duration, Instant};
use sync_benches::fixture::Scheduler;
use sync_benches::workload::{PER_ORIGIN, picks, scratch_tag, tag};

/// How much work one figure may do: at most `ops` operations, and stop
/// early once `budget` of timed work is spent.
#[derive(Clone, Copy, Debug)]
pub struct Limit {
    /// Most operations.
    pub ops: u64,
    /// Most timed work.
    pub budget: Duration,
}

/// A per-operation cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cost {
    /// Median over three rounds of the round's mean, in ns.
    pub ns_per_op: f64,
    /// Operations done in all rounds.
    pub ops: u64,
}

impl Cost {
    /// Operations per second.
    pub fn per_sec(&self) -> f64 {
        if self.ns_per_op > 0.0 { 1e9 / self.ns_per_op } else { 0.0 }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Runs `step` in three rounds, each up to a third of the limit; `step(k)`
/// does up to `k` operations and returns (timed work, operations done). `k`
/// starts at 1 and doubles while a step takes under 2 ms, so a slow
/// scheduler does not overshoot its budget by a whole batch.
fn rounds(limit: Limit, mut step: impl FnMut(u64) -> (Duration, u64)) -> Cost {
    let per_round_ops = (limit.ops / 3).max(1);
    let per_round_time = limit.budget / 3;
    let mut means = Vec::new();
    let mut total_ops = 0;
    let mut k = 1u64;
    for _ in 0..3 {
        let (mut time, mut ops) = (Duration::ZERO, 0u64);
        while ops < per_round_ops && time < per_round_time {
            let (t, done) = step(k.min(per_round_ops - ops));
            time += t;
            ops += done;
            if t < Duration::from_millis(2) {
                k = k.saturating_mul(2);
            }
        }
        means.push(time.as_nanos() as f64 / ops.max(1) as f64);
        total_ops += ops;
    }
    Cost { ns_per_op: median(means), ops: total_ops }
}

/// `register()` of new tags: batches of up to [`PER_ORIGIN`] on the scratch
/// worker, which is recycled (untimed) after each batch.
pub fn register_new<S: Scheduler>(s: &mut S, limit: Limit) -> Cost {
    let mut counter = 0u64;
    rounds(limit, |max| {
        let k = max.min(PER_ORIGIN as u64);
        let tags: Vec<String> = (counter..counter + k).map(scratch_tag).collect();
        counter += k;
        let start = Instant::now();
        for t in &tags {
            s.register_new(t);
        }
        let time = start.elapsed();
        s.recycle_scratch();
        (time, k)
    })
}

/// `register()` of existing tags (coalesced), in a pseudo-random order over all registrations.
pub fn register_coalesced<S: Scheduler>(s: &mut S, n: usize, limit: Limit) -> Cost {
    let existing: Vec<(usize, sync_core::Tag)> =
        picks(n, 8192, 7).into_iter().map(|i| (i, tag(i as u64).into())).collect();
    let mut cursor = 0;
    rounds(limit, |max| {
        let k = max.min(256);
        let start = Instant::now();
        for _ in 0..k {
            let (i, t) = &existing[cursor % existing.len()];
            s.register_existing(*i, t);
            cursor += 1;
        }
        (start.elapsed(), k)
    })
}

/// Time from the device going online to the first dispatch, `reps` times
/// (each undone, untimed); returns the median in µs and the count.
pub fn flip<S: Scheduler>(s: &mut S, reps: usize) -> (f64, u64) {
    let mut times = Vec::new();
    for _ in 0..reps {
        let start = Instant::now();
        let first = s.flip_first_dispatch();
        let time = start.elapsed();
        match first {
            Some(first) => s.undo_flip(first),
            None => break,
        }
        times.push(time.as_secs_f64() * 1e6);
    }
    let count = times.len() as u64;
    (median(times), count)
}

/// The drain with every registration pending: the device goes online, every
/// registration is dispatched, and each event is then settled as fulfilled
/// (its registration removed).
#[derive(Clone, Copy, Debug, Default)]
pub struct Drain {
    /// Registrations per second over the whole drain (estimated when sampled).
    pub per_sec: f64,
    /// Events settled for real.
    pub settled: u64,
    /// Whether the settle phase stopped at its budget and was extrapolated.
    pub sampled: bool,
}

/// Drains `s`: the dispatch phase in full; the settle phase until done or
/// until `settle_budget` is spent. A stopped settle phase is extrapolated
/// assuming each remaining settle costs on average half of the measured mean
/// (each baseline settle scans what is left, which shrinks to nothing): in
/// the baseline's favour.
pub fn drain<S: Scheduler>(s: &mut S, settle_budget: Duration) -> Drain {
    let start = Instant::now();
    let events = s.dispatch_all();
    let dispatch_time = start.elapsed();
    let n = events.len() as u64;
    let start = Instant::now();
    let mut settled = 0u64;
    for e in events {
        s.settle(e);
        settled += 1;
        if start.elapsed() >= settle_budget {
            break;
        }
    }
    let settle_time = start.elapsed().as_secs_f64();
    let sampled = settled < n;
    let total = if sampled {
        let mean = settle_time / settled.max(1) as f64;
        dispatch_time.as_secs_f64() + settle_time + (n - settled) as f64 * mean * 0.5
    } else {
        dispatch_time.as_secs_f64() + settle_time
    };
    Drain { per_sec: if total > 0.0 { n as f64 / total } else { 0.0 }, settled, sampled }
}
