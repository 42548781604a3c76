//! A dispatcher that panics or never answers does not stop other origins' events.
mod driver_kit;
use driver_kit::*;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_core::EventId;
use sync_core::driver::{Delegate, Driver, TokioClock};
use sync_policy::{EventOutcome, Timestamp};

#[derive(Clone, Default)]
struct Panics(Arc<Mutex<Vec<EventId>>>);

impl Delegate for Panics {
    fn notify_dispatcher_panicked(&self, event: EventId) {
        self.0.lock().unwrap().push(event);
    }
}

#[tokio::test(start_paused = true)]
async fn panicking_and_stuck_dispatchers_do_not_block_other_origins() {
    let store = SharedStore::new();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::Panic, Script::After(Duration::ZERO, EventOutcome::Fulfilled)]);
    dispatcher.script(B, &[Script::Hang]);
    dispatcher.script(C, &[Script::After(Duration::from_secs(2), EventOutcome::Fulfilled)]);
    let panics = Panics::default();
    let driver =
        Driver::builder(store.clone(), dispatcher).clock(TokioClock::new(T0)).delegate(panics.clone()).spawn(engine());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W2), R2, "stuck").await.unwrap();
    sync.register(page(W1), R1, "panics").await.unwrap();
    sync.register(page(W3), R3, "fine").await.unwrap();

    // A's panic counts as a worker failure at once and is retried later.
    let failed = wait_log(&mut log, "sync event failed", Duration::from_secs(1)).await;
    assert_eq!(failed.origin.as_str(), A);
    assert_eq!(failed.meta("Failure Reason"), Some(EventOutcome::WorkerFailed.devtools_status()));
    assert_eq!(panics.0.lock().unwrap().len(), 1);

    // C completes after its own 2 s while B is still stuck.
    let done = wait_log(&mut log, "Sync completed", Duration::from_secs(5)).await;
    assert_eq!((done.origin.as_str(), done.time), (C, Timestamp(T0.0 + 2000)));

    // Another C registration still goes through while B hangs.
    sync.register(page(W3), R3, "fine-again").await.unwrap();
    let done = wait_log(&mut log, "Sync completed", Duration::from_secs(5)).await;
    assert_eq!(done.origin.as_str(), C);

    // A's retry (5 min back-off) succeeds; B times out at 3 min in between.
    let b_failed = wait_log(&mut log, "sync event failed", Duration::from_secs(4 * 60)).await;
    assert_eq!((b_failed.origin.as_str(), b_failed.meta("Failure Reason")), (B, Some("timeout")));
    let a_done = wait_log(&mut log, "Sync completed", Duration::from_secs(3 * 60)).await;
    assert_eq!(a_done.origin.as_str(), A);
    let tags: Vec<String> = std::iter::from_fn(|| seen.try_recv().ok()).map(|d| d.tag.to_string()).collect();
    assert_eq!(tags.iter().filter(|t| *t == "panics").count(), 2);
}
