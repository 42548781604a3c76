//! Throughput of the SQLite store and of group commit on this machine's disk.
//! Measurements for reports, not timed tests: they are `#[ignore]`d and print
//! their figures. Run with
//! `cargo test --release -p sync-core --test sqlite_throughput -- --ignored --nocapture --test-threads 1`.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::time::Instant;
use sync_core::Input;
use sync_core::commit::{Effect, drain_committed};
use sync_core::store::{Mutation, SqliteStore, Store};
use sync_core::{Caller, ClientId, Engine, ReplyValue, SwRegId};
use sync_policy::{ConfigurablePolicy, FrameType, NetworkState, PolicyConfig};

const ROWS: u64 = 1_000_000;

/// Rows spread over 1000 workers, interleaved (each batch touches every worker).
fn rows(from: u64, n: u64) -> Vec<Mutation> {
    (from..from + n).map(|i| Mutation::Put(one_off(1 + i % 1000, &format!("tag-{i:08}"), i + 1))).collect()
}

/// Rows in key order: worker by worker.
fn sequential_rows(from: u64, n: u64) -> Vec<Mutation> {
    (from..from + n).map(|i| Mutation::Put(one_off(1 + i / 1000, &format!("tag-{i:08}"), i + 1))).collect()
}

#[test]
#[ignore = "measurement"]
fn bulk_insert_patterns() {
    for (name, make) in [("sequential", sequential_rows as fn(u64, u64) -> Vec<Mutation>), ("interleaved", rows)] {
        for per_tx in [1000u64, ROWS] {
            let dir = tempfile::tempdir().unwrap();
            let mut s = SqliteStore::open(dir.path().join("bulk.db")).unwrap();
            let batches: Vec<_> = (0..ROWS / per_tx).map(|b| make(b * per_tx, per_tx)).collect();
            let start = Instant::now();
            for b in &batches {
                s.apply(b).unwrap();
            }
            let secs = start.elapsed().as_secs_f64();
            println!("{name}: {ROWS} rows, {per_tx} rows/tx: {secs:.3} s = {:.0} rows/s", ROWS as f64 / secs);
        }
    }
}

#[test]
#[ignore = "measurement"]
fn restart_load_of_a_million_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("load.db");
    let mut s = SqliteStore::open(&path).unwrap();
    for b in 0..ROWS / 1000 {
        s.apply(&rows(b * 1000, 1000)).unwrap();
    }
    drop(s);
    let size = std::fs::metadata(&path).unwrap().len();
    for run in 1..=3 {
        let start = Instant::now();
        let mut s = SqliteStore::open(&path).unwrap();
        let opened = start.elapsed().as_secs_f64();
        let snapshot = s.load().unwrap();
        let loaded = start.elapsed().as_secs_f64();
        assert_eq!(snapshot.registrations.len() as u64, ROWS);
        let engine = Engine::restore(ConfigurablePolicy::default(), T0, snapshot).unwrap();
        let restored = start.elapsed().as_secs_f64();
        assert_eq!(engine.len() as u64, ROWS);
        println!(
            "run {run}: restart with {ROWS} rows ({:.0} MB): open with checks {opened:.3} s, load {:.3} s \
             (store total {loaded:.3} s), Engine::restore {:.3} s (total {restored:.3} s)",
            size as f64 / 1e6,
            loaded - opened,
            restored - loaded
        );
    }
}

/// Durable registrations per second through group commit, with `callers`
/// register calls queued before each drain (one fsync per drain).
fn durable_rate(callers: u64, total: u64) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path().join("rate.db")).unwrap();
    let mut config = PolicyConfig::chromium();
    config.register.max_registrations_per_origin = None;
    let mut engine = Engine::new(ConfigurablePolicy::new(config), T0);
    engine.set_log_recording(false);
    engine.handle(T0, Input::AddWorker { sw: SwRegId(1), origin: A.to_string(), active: true }).unwrap();
    engine
        .handle(T0, Input::ClientOpened { client: ClientId(1), origin: A.to_string(), frame: FrameType::TopLevel })
        .unwrap();
    // Offline: registrations stay pending, so every reply is one durable insert.
    engine.handle(T0, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    let mut acknowledged = 0u64;
    let start = Instant::now();
    let mut n = 0u64;
    while n < total {
        for _ in 0..callers {
            engine
                .handle(
                    T0,
                    Input::Register {
                        caller: Caller::Client(ClientId(1)),
                        sw: SwRegId(1),
                        tag: format!("t{n}").into(),
                    },
                )
                .unwrap();
            n += 1;
        }
        for effect in drain_committed(&mut engine, &mut store).unwrap() {
            if let Effect::Reply { result: Ok(ReplyValue::Registered), .. } = effect {
                acknowledged += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    assert_eq!(acknowledged, total);
    assert_eq!(store.load().unwrap().registrations.len() as u64, total);
    total as f64 / secs
}

#[test]
#[ignore = "measurement"]
fn durable_registrations_per_second_with_1_and_64_callers() {
    for run in 1..=3 {
        let one = durable_rate(1, 20_000);
        let many = durable_rate(64, 640_000);
        println!("run {run}: 1 caller: {one:.0} registrations/s; 64 callers: {many:.0} registrations/s");
    }
}

/// Batches of 64 registrations, one on each of 64 workers (as 64 concurrent
/// callers of different sites give): per fold threshold, the time of an
/// ordinary commit, of a commit that also folds, and the rows per second over
/// both, on a file that already holds `existing` rows.
fn fold_cost(existing: u64, threshold: u64, batches: u64) -> (f64, f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = SqliteStore::open(dir.path().join("fold.db")).unwrap();
    for b in 0..existing / 10_000 {
        s.apply(&sequential_rows(b * 10_000, 10_000)).unwrap();
    }
    s.compact().unwrap();
    s.set_fold_threshold(threshold);
    let (mut plain, mut plain_n, mut folding, mut folding_n) = (0.0, 0u64, 0.0, 0u64);
    let start = Instant::now();
    for b in 0..batches {
        let batch: Vec<_> = (0..64)
            .map(|w| Mutation::Put(one_off(1_000_000 + w, &format!("t{b:08}"), 10_000_000 + b * 64 + w)))
            .collect();
        let before = s.journal_rows();
        let t = Instant::now();
        s.apply(&batch).unwrap();
        let secs = t.elapsed().as_secs_f64();
        if s.journal_rows() < before {
            folding += secs;
            folding_n += 1;
        } else {
            plain += secs;
            plain_n += 1;
        }
    }
    let rate = (batches * 64) as f64 / start.elapsed().as_secs_f64();
    (plain / plain_n.max(1) as f64, folding / folding_n.max(1) as f64, rate)
}

#[test]
#[ignore = "measurement"]
fn journal_fold_cost_by_threshold() {
    for existing in [10_000, ROWS] {
        for threshold in [4_096, 8_192, 16_384, 32_768, 65_536] {
            let batches = (4 * threshold / 64).max(2_000);
            let (plain, folding, rate) = fold_cost(existing, threshold, batches);
            println!(
                "{existing} rows, threshold {threshold}: commit {:.0} us, folding commit {:.1} ms ({:.2} us per folded row), \
                 {rate:.0} rows/s over {batches} commits of 64",
                plain * 1e6,
                folding * 1e3,
                folding * 1e6 / threshold as f64
            );
        }
    }
}
