//! A failed commit disables Background Sync: waiting replies and later calls
//! reject with UnknownError, nothing more fires, and the delegate is told.
mod driver_kit;
use driver_kit::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_core::driver::{Delegate, Driver, TokioClock};
use sync_core::store::StoreError;
use sync_core::{DomErrorName, Explanation, RegistrationKey};
use sync_policy::SyncKind;

#[derive(Clone, Default)]
struct Failures(Arc<Mutex<Vec<StoreError>>>);

impl Delegate for Failures {
    fn notify_storage_failed(&self, error: &StoreError) {
        self.0.lock().unwrap().push(error.clone());
    }
}

#[tokio::test(start_paused = true)]
async fn a_failed_commit_rejects_waiting_replies_and_disables_sync() {
    let store = SharedStore::new();
    store.fail_commits();
    let (dispatcher, mut seen) = Scripted::new();
    let failures = Failures::default();
    let driver = Driver::builder(store.clone(), dispatcher)
        .clock(TokioClock::new(T0))
        .delegate(failures.clone())
        .spawn(engine());
    let sync = driver.handle();

    let first = sync.register(page(W1), R1, "lost").await.unwrap_err();
    assert_eq!(first.name, DomErrorName::UnknownError);
    assert_eq!(failures.0.lock().unwrap().len(), 1);
    let later = sync.register(page(W2), R2, "later").await.unwrap_err();
    assert_eq!(later.name, DomErrorName::UnknownError);
    let key = RegistrationKey::new(R1, SyncKind::OneOff, "lost");
    assert_eq!(sync.explain(key).await.unwrap(), Explanation::Disabled);
    assert_eq!(sync.wakeup_hint().await.unwrap(), None);

    tokio::time::sleep(Duration::from_secs(60)).await;
    assert!(seen.try_recv().is_err(), "nothing fired for a registration that never became durable");
    let stopped = driver.shutdown().await.expect("the store comes back");
    assert!(stopped.store.snapshot().registrations.is_empty());
}
