//! Graceful shutdown: later calls fail, commits finish, events in flight stay
//! pending in the store and fire again at the next start.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::driver::{Driver, DriverError, Environment, SHUT_DOWN, TokioClock, WakeupHint, WakeupReason};
use sync_core::store::StoredPhase;
use sync_core::{Caller, DispatchKind, ReplyValue, SwRegId};
use sync_policy::{ConfigurablePolicy, NetworkState, PolicyConfig, PowerState};

#[tokio::test(start_paused = true)]
async fn events_in_flight_stay_pending_and_fire_after_restart() {
    let store = SharedStore::new();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher.clone());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W1), R1, "in-flight").await.unwrap();
    let fired = wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_secs(10)).await;

    assert_eq!(dispatcher.unfinished(), 0);
    let stopped = driver.shutdown().await.expect("clean shutdown");
    assert_eq!(dispatcher.unfinished(), 1, "the event's dispatch future was dropped");
    assert_eq!(stopped.wakeup, Some(WakeupHint { at: fired.deadline, reason: WakeupReason::InterruptedEvent }));
    let rows = stopped.store.snapshot().registrations;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].phase, rows[0].attempts), (StoredPhase::Pending, 0), "the attempt is not used up");
    while let Ok(record) = log.try_recv() {
        assert_ne!(record.name(), "sync event failed", "no outcome reported for the cancelled event");
    }

    // Later calls fail.
    assert_eq!(sync.register(page(W1), R1, "after").await, Err(SHUT_DOWN));
    assert_eq!(sync.set_network(NetworkState::default()).await, Err(DriverError::Closed));
    assert_eq!(sync.workers().await, Err(DriverError::Closed));

    // The next start fires it again, as a first attempt.
    let (dispatcher, mut seen) = Scripted::new();
    let restarted = Driver::builder(stopped.store, dispatcher)
        .clock(TokioClock::new(T0))
        .restore(
            ConfigurablePolicy::new(PolicyConfig::chromium()),
            Environment { network: NetworkState::default(), power: PowerState::default() },
        )
        .await
        .expect("restore");
    let mut log = restarted.handle().subscribe_log();
    let again = wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    assert_eq!((&*again.tag, again.attempt), ("in-flight", 0));
    assert_eq!(again.kind, DispatchKind::Sync { last_chance: false });
    wait_log(&mut log, "Sync completed", Duration::from_secs(1)).await;
    let stopped = restarted.shutdown().await.unwrap();
    assert!(stopped.store.snapshot().registrations.is_empty());
    assert_eq!(stopped.wakeup, None);
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_the_commit_in_flight() {
    let store = SharedStore::new();
    let (release, mut waiting) = store.hold_commits();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();
    let call = {
        let sync = sync.clone();
        tokio::spawn(async move { sync.register(page(W1), R1, "durable").await })
    };
    waiting.recv().await.expect("commit starts");
    let stopping = tokio::spawn(driver.shutdown());
    for _ in 0..20 {
        tokio::task::yield_now().await;
    }
    assert!(!stopping.is_finished(), "shutdown waits for the commit");
    // New calls are refused while it stops.
    assert_eq!(sync.register(Caller::Embedder, SwRegId(1), "late").await, Err(SHUT_DOWN));
    release.send(()).unwrap();
    assert_eq!(call.await.unwrap(), Ok(ReplyValue::Registered), "the accepted call is answered");
    let stopped = stopping.await.unwrap().unwrap();
    let rows = stopped.store.snapshot().registrations;
    assert_eq!(rows.len(), 1);
    assert_eq!(&*rows[0].key.tag, "durable");
}

#[tokio::test(start_paused = true)]
async fn dropping_every_handle_stops_the_task() {
    let (dispatcher, mut seen) = Scripted::new();
    let driver = start(SharedStore::new(), dispatcher);
    let sync = driver.handle();
    sync.register(page(W1), R1, "x").await.unwrap();
    wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    drop(driver);
    // The task still runs for the remaining handle...
    assert!(sync.workers().await.is_ok());
    drop(sync);
    // ...and with none left it stops, dropping the dispatcher (which closes `seen`).
    let closed = tokio::time::timeout(Duration::from_secs(1), seen.recv()).await;
    assert!(matches!(closed, Ok(None)), "the driver task did not stop: {closed:?}");
}
