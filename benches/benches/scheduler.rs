//! Criterion benchmarks: the engine and the Chromium-style baseline through
//! the same operations, at 1e3, 1e4, 1e5 and 1e6 existing registrations (100
//! per origin). Each fixture is built once per size and scheduler, outside
//! any timed region, and reused by every benchmark of that size.
//!
//! `SYNC_BENCH_MAX=100000 cargo bench -p sync-benches` stops at that size;
//! the usual criterion filter (`cargo bench -p sync-benches -- flip`) picks
//! benchmarks (fixtures are still built). Benchmark ids are
//! `<operation>/<scheduler>/<size>`.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};
use sync_benches::fixture::{BaselineScheduler, EngineScheduler, Scheduler};
use sync_benches::workload::{Layout, PER_ORIGIN, picks, scratch_tag, tag};

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn sizes() -> Vec<usize> {
    let max = std::env::var("SYNC_BENCH_MAX").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    SIZES.into_iter().filter(|&n| n <= max).collect()
}

/// Sample sizes and times per group: operations that scan a large baseline
/// take milliseconds each, so they get the minimum sample count and flat sampling.
fn group<'a>(c: &'a mut Criterion, name: &str, slow: bool) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(1));
    if slow {
        g.sample_size(10).sampling_mode(SamplingMode::Flat);
        g.warm_up_time(Duration::from_millis(200)).measurement_time(Duration::from_secs(2));
    } else {
        g.sample_size(20).warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(1));
    }
    g
}

/// Whether `S` at size `n` takes milliseconds per operation (the baseline's scans).
fn slow<S: Scheduler>(n: usize) -> bool {
    S::NAME == "baseline" && n >= 100_000
}

/// Register, coalesced register, getTags, flip and decisions, on `n` pending offline.
fn offline_benches<S: Scheduler>(c: &mut Criterion, n: usize) {
    let mut s = S::offline_pending(n).expect("fixture builds");
    let id = BenchmarkId::new(S::NAME, n);
    let layout = Layout::new(n);

    let mut counter = 0u64;
    group(c, "register_new", slow::<S>(n)).bench_function(id.clone(), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let k = left.min(PER_ORIGIN as u64);
                let tags: Vec<String> = (counter..counter + k).map(scratch_tag).collect();
                counter += k;
                let start = Instant::now();
                for t in &tags {
                    s.register_new(t);
                }
                total += start.elapsed();
                s.recycle_scratch();
                left -= k;
            }
            total
        })
    });

    let existing: Vec<(usize, sync_core::Tag)> =
        picks(n, 4096, 7).into_iter().map(|i| (i, tag(i as u64).into())).collect();
    let mut cursor = 0;
    group(c, "register_coalesced", slow::<S>(n)).bench_function(id.clone(), |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let (i, t) = &existing[cursor % existing.len()];
                s.register_existing(*i, t);
                cursor += 1;
            }
            start.elapsed()
        })
    });

    let origins: Vec<u64> = picks(layout.origins, 1024, 11).into_iter().map(|o| o as u64).collect();
    let mut cursor = 0;
    group(c, "get_tags", false).bench_function(id.clone(), |b| {
        b.iter(|| {
            cursor += 1;
            black_box(s.get_tags(origins[cursor % origins.len()]))
        })
    });

    let mut flip = group(c, "flip_to_first_dispatch", true);
    if n >= 1_000_000 {
        // Each undo re-blocks every registration: give the ten samples their time.
        flip.measurement_time(Duration::from_secs(6));
    }
    flip.bench_function(id.clone(), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let first = s.flip_first_dispatch();
                total += start.elapsed();
                s.undo_flip(first.expect("a pending registration fires"));
            }
            total
        })
    });
    flip.finish();

    let keys: Vec<S::Key> = picks(n, 256, 13).into_iter().map(|i| s.key(i)).collect();
    let mut cursor = 0;
    group(c, "policy_may_fire", slow::<S>(n)).bench_function(id.clone(), |b| {
        b.iter(|| {
            cursor += 1;
            black_box(s.decide_may_fire(&keys[cursor % keys.len()]))
        })
    });
    let mut cursor = 0;
    group(c, "policy_periodic_interval", slow::<S>(n)).bench_function(id.clone(), |b| {
        b.iter(|| {
            cursor += 1;
            black_box(s.decide_periodic_interval(&keys[cursor % keys.len()]))
        })
    });
    let mut cursor = 0;
    group(c, "policy_retry_delay", slow::<S>(n)).bench_function(id, |b| {
        b.iter(|| {
            cursor += 1;
            black_box(s.decide_retry_delay(&keys[cursor % keys.len()]))
        })
    });
    assert_eq!(s.len(), n, "the size stays put");
    assert_eq!(s.rejections(), 0, "no call was refused");
}

/// Fire-and-settle of a new registration while `n` wait for their retry, online.
fn online_benches<S: Scheduler>(c: &mut Criterion, n: usize) {
    let mut s = S::waiting_online(n).expect("fixture builds");
    let mut counter = 0u64;
    group(c, "fire_and_settle", slow::<S>(n)).bench_function(BenchmarkId::new(S::NAME, n), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let k = left.min(1024);
                let tags: Vec<String> = (counter..counter + k).map(scratch_tag).collect();
                counter += k;
                let start = Instant::now();
                for t in &tags {
                    assert!(s.fire_and_settle(t));
                }
                total += start.elapsed();
                left -= k;
            }
            total
        })
    });
    assert_eq!(s.len(), n, "the size stays put");
    assert_eq!(s.rejections(), 0, "no call was refused");
}

fn scheduler(c: &mut Criterion) {
    for n in sizes() {
        offline_benches::<EngineScheduler>(c, n);
        offline_benches::<BaselineScheduler>(c, n);
        online_benches::<EngineScheduler>(c, n);
        online_benches::<BaselineScheduler>(c, n);
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = scheduler
}
criterion_main!(benches);
