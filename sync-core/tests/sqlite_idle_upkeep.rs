//! Upkeep off the commit path: once asked to put it off, the SQLite store
//! leaves folds and checkpoints to `Store::idle` up to a bound, and the tokio
//! driver runs them once it is quiet. What is stored never changes.
#![cfg(all(feature = "sqlite", feature = "tokio"))]

mod sqlite_kit;
use sqlite_kit::*;
use std::time::Duration;
use sync_core::driver::{Driver, TokioClock};
use sync_core::store::sqlite::DEFERRED_FACTOR;
use sync_core::store::{Mutation, SqliteStore, Store};
use sync_core::{Caller, ClientId, Dispatch, Engine, Input, SwRegId};
use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, NetworkState, PolicyConfig, Timestamp};

fn put(i: u64) -> Vec<Mutation> {
    vec![Mutation::Put(one_off(1, &format!("t{i:04}"), i))]
}

#[test]
fn put_off_upkeep_waits_for_idle_up_to_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idle.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.set_fold_threshold(4);
    s.defer_upkeep();
    // Creating the schema left WAL frames: a checkpoint may be due already.
    while s.idle().unwrap() {}
    assert!(!s.upkeep_due());
    let before = s.timings().upkeeps;
    for i in 0..5 {
        s.apply(&put(i)).unwrap();
    }
    assert_eq!((s.folds(), s.journal_rows()), (0, 5), "past the threshold, the commits did not fold");
    assert!(s.upkeep_due());
    assert!(s.idle().unwrap(), "the fold leaves a checkpoint due");
    assert_eq!((s.folds(), s.journal_rows()), (1, 0));
    assert_eq!(count_rows(&path, "registrations"), 5);
    assert!(!s.idle().unwrap(), "the checkpoint was the last step");
    assert!(!s.upkeep_due());
    let timings = s.timings();
    assert_eq!((timings.upkeeps - before, timings.folds), (2, 0), "both steps ran in idle, none in a commit");

    // Never idle: the commit that reaches the bound folds itself.
    for i in 5..5 + 4 * DEFERRED_FACTOR {
        s.apply(&put(i)).unwrap();
    }
    assert_eq!((s.folds(), s.journal_rows()), (2, 0));
    assert_eq!(s.load().unwrap().registrations.len(), 21);
}

#[tokio::test(start_paused = true)]
async fn the_driver_folds_while_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = SqliteStore::open(dir.path().join("driver.db")).unwrap();
    store.set_fold_threshold(4);
    let t0 = Timestamp(1_000_000);
    let mut engine = Engine::new(ConfigurablePolicy::new(PolicyConfig::chromium()), t0);
    engine.handle(t0, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    engine.handle(t0, Input::AddWorker { sw: SwRegId(1), origin: A.to_string(), active: true }).unwrap();
    let opened = Input::ClientOpened { client: ClientId(1), origin: A.to_string(), frame: FrameType::TopLevel };
    engine.handle(t0, opened).unwrap();
    let dispatcher = |_event: Dispatch| async { EventOutcome::Fulfilled };
    let driver = Driver::builder(store, dispatcher).clock(TokioClock::new(t0)).spawn(engine);
    let sync = driver.handle();
    for i in 0..6 {
        sync.register(Caller::Client(ClientId(1)), SwRegId(1), &format!("t{i}")).await.unwrap();
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopped = driver.shutdown().await.unwrap();
    let mut store = stopped.store;
    assert_eq!((store.folds(), store.journal_rows()), (1, 0), "folded while quiet");
    assert_eq!(store.timings().folds, 0, "no commit folded");
    assert_eq!(store.load().unwrap().registrations.len(), 6);
}
