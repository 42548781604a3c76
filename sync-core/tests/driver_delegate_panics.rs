//! F9: a panicking `Delegate` is contained like a panicking dispatcher: the
//! notification is lost, the driver keeps running, and `shutdown()` returns
//! the store.
mod driver_kit;
use driver_kit::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use sync_core::Input;
use sync_core::driver::{Delegate, Driver, TokioClock};
use sync_core::{LogRecord, RegistrationKey, ReplyValue};
use sync_policy::NetworkState;

#[derive(Clone, Default)]
struct Panicky(Arc<AtomicUsize>);

impl Delegate for Panicky {
    fn notify_registered(&self, _: &RegistrationKey, _: &LogRecord) {
        self.0.fetch_add(1, Ordering::SeqCst);
        panic!("delegate panics");
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_delegate_does_not_stop_the_driver() {
    let store = SharedStore::new();
    let (dispatcher, _seen) = Scripted::new();
    let delegate = Panicky::default();
    let mut e = engine();
    e.handle(T0, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    let driver =
        Driver::builder(store.clone(), dispatcher).clock(TokioClock::new(T0)).delegate(delegate.clone()).spawn(e);
    let sync = driver.handle();
    let mut log = sync.subscribe_log();

    assert_eq!(sync.register(page(W1), R1, "one").await, Ok(ReplyValue::Registered));
    assert_eq!(sync.register(page(W2), R2, "two").await, Ok(ReplyValue::Registered), "the next call still works");
    assert_eq!(delegate.0.load(Ordering::SeqCst), 2, "the delegate was called (and panicked) twice");
    assert!(sync.set_network(NetworkState { online: false, metered: false }).await.is_ok());
    // The log stream still carries both records after the panics.
    let first = wait_log(&mut log, "Registered sync", std::time::Duration::from_secs(1)).await;
    let second = wait_log(&mut log, "Registered sync", std::time::Duration::from_secs(1)).await;
    assert_eq!((&*first.tag, &*second.tag), ("one", "two"));

    let stopped = driver.shutdown().await.expect("shutdown returns the store");
    assert_eq!(stopped.store.snapshot().registrations.len(), 2);
}
