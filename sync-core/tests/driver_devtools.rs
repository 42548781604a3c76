//! The embedder's DevTools-style API: listings with explanations, dispatch
//! now, per-worker offline emulation, and the registered notification.
mod driver_kit;
use driver_kit::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_core::driver::{Delegate, Driver, DriverError, TokioClock};
use sync_core::{Explanation, LogRecord, RegistrationKey, RegistrationState, SyncError};
use sync_policy::{Blocker, EventOutcome, SyncKind};

#[derive(Clone, Default)]
struct Registered(Arc<Mutex<Vec<RegistrationKey>>>);

impl Delegate for Registered {
    fn notify_registered(&self, key: &RegistrationKey, _record: &LogRecord) {
        self.0.lock().unwrap().push(key.clone());
    }
}

#[tokio::test(start_paused = true)]
async fn listing_dispatch_now_and_offline_emulation() {
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::After(Duration::ZERO, EventOutcome::Rejected)]);
    let registered = Registered::default();
    let driver = Driver::builder(SharedStore::new(), dispatcher)
        .clock(TokioClock::new(T0))
        .delegate(registered.clone())
        .spawn(engine());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();

    // Offline emulation for R1 only: its registration is held, R2's is not.
    sync.emulate_offline(R1, true).await.unwrap();
    sync.register(page(W1), R1, "held").await.unwrap();
    sync.register(page(W2), R2, "free").await.unwrap();
    assert_eq!(wait_dispatch(&mut seen, Duration::from_secs(1)).await.tag.as_ref(), "free");
    let list = sync.registrations(R1).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, RegistrationState::Pending);
    assert_eq!(list[0].explanation, Explanation::Blocked(Blocker::WorkerOffline));
    let key = RegistrationKey::new(R1, SyncKind::OneOff, "held");
    assert_eq!(sync.dispatch_now(key.clone()).await, Err(DriverError::Engine(SyncError::Offline)));

    // Back online: it fires, fails, and waits 5 minutes; dispatch now skips the wait.
    sync.emulate_offline(R1, false).await.unwrap();
    assert_eq!(wait_dispatch(&mut seen, Duration::from_secs(1)).await.attempt, 0);
    wait_log(&mut log, "sync event failed", Duration::from_secs(1)).await;
    assert!(matches!(sync.explain(key.clone()).await.unwrap(), Explanation::WaitingUntil { .. }));
    let event = sync.dispatch_now(key.clone()).await.unwrap();
    let now = wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    assert_eq!((now.event, now.attempt), (event, 1));

    assert_eq!(sync.workers().await.unwrap(), vec![R1, R2, R3]);
    assert_eq!(
        sync.dispatch_now(RegistrationKey::new(R3, SyncKind::OneOff, "none")).await,
        Err(DriverError::Engine(SyncError::UnknownRegistration))
    );
    let told = registered.0.lock().unwrap().clone();
    assert_eq!(told, vec![key, RegistrationKey::new(R2, SyncKind::OneOff, "free")]);
}
