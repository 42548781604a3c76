//! `DriverConfig::inline_commit_max`: small batches commit on the driver
//! task's own thread once the store's plain commits are known to be quick,
//! with the same guarantees as on the blocking pool (durable before
//! acknowledged, group commit, a failing or panicking store disables
//! Background Sync and the driver goes on); the first commit, commits over
//! the budget and commits the store says run upkeep go to the pool.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::DomErrorName;
use sync_core::ReplyValue;
use sync_core::driver::{Driver, DriverConfig, TokioClock};
use sync_core::store::{Mutation, Snapshot, Store, StoreError};

/// Inline commits of up to `max` mutations, with a budget no commit of the
/// test stores can exceed: the placement must not hang on how fast the test
/// machine is (a preempted commit could otherwise outlast the default 500 µs).
fn inline(max: usize) -> DriverConfig {
    DriverConfig { inline_commit_max: max, inline_commit_budget: Duration::MAX, ..DriverConfig::default() }
}

fn start_with(store: SharedStore, config: DriverConfig) -> Driver<SharedStore> {
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    Driver::builder(store, dispatcher).clock(TokioClock::new(T0)).config(config).spawn(engine())
}

#[tokio::test(start_paused = true)]
async fn a_small_batch_commits_inline_before_its_reply() {
    let store = SharedStore::new();
    let driver = start_with(store.clone(), inline(4));
    let sync = driver.handle();
    for i in 0..3 {
        assert_eq!(sync.register(page(W1), R1, &format!("t{i}")).await, Ok(ReplyValue::Registered));
        // Acknowledged only once durable: the commit is in the store when the reply arrives.
        assert_eq!(store.commits(), i + 1);
        assert_eq!(store.snapshot().registrations.len(), i + 1);
    }
    let stopped = driver.shutdown().await.unwrap();
    assert_eq!(stopped.store.snapshot().registrations.len(), 3);
}

#[tokio::test(start_paused = true)]
async fn concurrent_callers_still_share_commits() {
    let store = SharedStore::new();
    let driver = start_with(store.clone(), inline(4));
    all_registered(spawn_registrations(&driver.handle(), 64)).await;
    let commits = store.commits();
    assert!((1..=4).contains(&commits), "64 registrations took {commits} commits");
    assert_eq!(store.snapshot().registrations.len(), 64);
}

#[tokio::test(start_paused = true)]
async fn a_failed_inline_commit_disables_background_sync() {
    let store = SharedStore::new();
    let driver = start_with(store.clone(), inline(4));
    let sync = driver.handle();
    assert_eq!(sync.register(page(W1), R1, "kept").await, Ok(ReplyValue::Registered));
    store.fail_commits();
    let refused = sync.register(page(W1), R1, "lost").await.unwrap_err();
    assert_eq!(refused.name, DomErrorName::UnknownError);
    assert_eq!(store.snapshot().registrations.len(), 1, "nothing of the failed batch landed");
    // The driver is still there and answers, with the disabled engine's refusal.
    assert_eq!(sync.register(page(W2), R2, "later").await.unwrap_err().name, DomErrorName::UnknownError);
}

/// A store that panics on its second commit (the first, on the pool, measures it).
#[derive(Default)]
struct Panicking {
    commits: usize,
}

impl Store for Panicking {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot::default())
    }

    fn apply(&mut self, _batch: &[Mutation]) -> Result<(), StoreError> {
        self.commits += 1;
        if self.commits > 1 {
            panic!("store bug (test)");
        }
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_an_inline_commit_is_contained() {
    let (dispatcher, _seen) = Scripted::new();
    let driver =
        Driver::builder(Panicking::default(), dispatcher).clock(TokioClock::new(T0)).config(inline(4)).spawn(engine());
    let sync = driver.handle();
    assert_eq!(sync.register(page(W1), R1, "first").await, Ok(ReplyValue::Registered));
    let refused = sync.register(page(W1), R1, "t").await.unwrap_err();
    assert_eq!(refused.name, DomErrorName::UnknownError);
    // The task survived the panic and hands the store back at shutdown.
    assert!(driver.shutdown().await.is_ok());
}

/// A store that notes the thread and size of each commit, and may say its commits run upkeep.
#[derive(Clone, Default)]
struct ThreadNoting {
    threads: std::sync::Arc<std::sync::Mutex<Vec<std::thread::ThreadId>>>,
    sizes: std::sync::Arc<std::sync::Mutex<Vec<usize>>>,
    upkeep: bool,
}

impl Store for ThreadNoting {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot::default())
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        self.threads.lock().unwrap().push(std::thread::current().id());
        self.sizes.lock().unwrap().push(batch.len());
        Ok(())
    }

    fn commit_runs_upkeep(&self, _batch: &[Mutation]) -> bool {
        self.upkeep
    }
}

/// Where each of four one-registration commits ran: here (the test's
/// current-thread runtime runs the driver task) or elsewhere (the pool).
async fn commits_here(store: ThreadNoting, config: DriverConfig) -> Vec<bool> {
    let here = std::thread::current().id();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = Driver::builder(store.clone(), dispatcher).clock(TokioClock::new(T0)).config(config).spawn(engine());
    let sync = driver.handle();
    for i in 0..4 {
        assert_eq!(sync.register(page(W1), R1, &format!("t{i}")).await, Ok(ReplyValue::Registered));
    }
    driver.shutdown().await.unwrap();
    let threads = store.threads.lock().unwrap().clone();
    threads.into_iter().map(|t| t == here).collect()
}

#[tokio::test(start_paused = true)]
async fn after_one_measured_pool_commit_small_batches_commit_on_the_drivers_thread() {
    assert_eq!(commits_here(ThreadNoting::default(), inline(1)).await, [false, true, true, true]);
    // The default batch bound does the same.
    let default_bound = DriverConfig { inline_commit_budget: Duration::MAX, ..DriverConfig::default() };
    assert_eq!(commits_here(ThreadNoting::default(), default_bound).await, [false, true, true, true]);
}

#[tokio::test(start_paused = true)]
async fn the_pool_takes_every_commit_when_inline_is_off_over_budget_or_running_upkeep() {
    assert_eq!(commits_here(ThreadNoting::default(), inline(0)).await, [false; 4], "inline_commit_max 0");
    let no_budget = DriverConfig { inline_commit_budget: Duration::ZERO, ..DriverConfig::default() };
    assert_eq!(commits_here(ThreadNoting::default(), no_budget).await, [false; 4], "no commit takes no time");
    let upkeep = ThreadNoting { upkeep: true, ..ThreadNoting::default() };
    assert_eq!(commits_here(upkeep, inline(4)).await, [false; 4], "the store says upkeep runs");
}

#[tokio::test(start_paused = true)]
async fn a_larger_batch_commits_on_the_drivers_thread_when_no_input_waits_behind_it() {
    let here = std::thread::current().id();
    let store = ThreadNoting::default();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver =
        Driver::builder(store.clone(), dispatcher).clock(TokioClock::new(T0)).config(inline(1)).spawn(engine());
    let sync = driver.handle();
    // The first commit goes to the pool and measures the store.
    assert_eq!(sync.register(page(W2), R2, "first").await, Ok(ReplyValue::Registered));
    // Eight callers at once: every batch after the first is complete when it commits, with no input behind it.
    all_registered(spawn_registrations(&sync, 8)).await;
    driver.shutdown().await.unwrap();
    let threads = store.threads.lock().unwrap().clone();
    let sizes = store.sizes.lock().unwrap().clone();
    assert_ne!(threads[0], here, "the first commit ran on the pool");
    let larger: Vec<usize> = (1..sizes.len()).filter(|&i| sizes[i] > 1).collect();
    assert!(!larger.is_empty(), "some batch holds more than inline_commit_max (1): {sizes:?}");
    assert!(larger.iter().all(|&i| threads[i] == here), "batches {sizes:?}: the larger ones inline");
}
