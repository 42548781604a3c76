//! `DriverConfig::inline_commit_max`: small batches commit on the driver
//! task's own thread, with the same guarantees as on the blocking pool
//! (durable before acknowledged, group commit, a failing or panicking store
//! disables Background Sync and the driver goes on).
mod driver_kit;
use driver_kit::*;
use sync_core::DomErrorName;
use sync_core::ReplyValue;
use sync_core::driver::{Driver, DriverConfig, TokioClock};
use sync_core::store::{Mutation, Snapshot, Store, StoreError};

fn inline(max: usize) -> DriverConfig {
    DriverConfig { inline_commit_max: max, ..DriverConfig::default() }
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

/// A store that panics on its first commit.
struct Panicking;

impl Store for Panicking {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot::default())
    }

    fn apply(&mut self, _batch: &[Mutation]) -> Result<(), StoreError> {
        panic!("store bug (test)");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panic_in_an_inline_commit_is_contained() {
    let (dispatcher, _seen) = Scripted::new();
    let driver = Driver::builder(Panicking, dispatcher).clock(TokioClock::new(T0)).config(inline(4)).spawn(engine());
    let sync = driver.handle();
    let refused = sync.register(page(W1), R1, "t").await.unwrap_err();
    assert_eq!(refused.name, DomErrorName::UnknownError);
    // The task survived the panic and hands the store back at shutdown.
    assert!(driver.shutdown().await.is_ok());
}

/// A store that notes the thread each commit runs on.
#[derive(Clone, Default)]
struct ThreadNoting(std::sync::Arc<std::sync::Mutex<Vec<std::thread::ThreadId>>>);

impl Store for ThreadNoting {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        Ok(Snapshot::default())
    }

    fn apply(&mut self, _batch: &[Mutation]) -> Result<(), StoreError> {
        self.0.lock().unwrap().push(std::thread::current().id());
        Ok(())
    }
}

async fn commit_threads(config: DriverConfig) -> Vec<std::thread::ThreadId> {
    let store = ThreadNoting::default();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = Driver::builder(store.clone(), dispatcher).clock(TokioClock::new(T0)).config(config).spawn(engine());
    let sync = driver.handle();
    for i in 0..3 {
        assert_eq!(sync.register(page(W1), R1, &format!("t{i}")).await, Ok(ReplyValue::Registered));
    }
    driver.shutdown().await.unwrap();
    store.0.lock().unwrap().clone()
}

#[tokio::test(start_paused = true)]
async fn inline_commits_run_on_the_drivers_thread_and_pool_commits_do_not() {
    // A current-thread runtime: the driver task runs on this test's thread.
    let here = std::thread::current().id();
    let inline_threads = commit_threads(inline(1)).await;
    assert_eq!(inline_threads, vec![here; 3]);
    let pool_threads = commit_threads(inline(0)).await;
    assert_eq!(pool_threads.len(), 3);
    assert!(pool_threads.iter().all(|t| *t != here), "the default commits on the blocking pool");
}
