//! F1: a restored driver does not fire anything before it knows the device's
//! environment. `Builder::restore` takes the initial network and power state,
//! so offline restarts keep every registration and its attempt count, and the
//! first online start fires each registration once.
mod driver_kit;
use driver_kit::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use sync_core::Input;
use sync_core::driver::{Clock, Driver, Environment};
use sync_core::store::StoredPhase;
use sync_policy::{ConfigurablePolicy, EventOutcome, NetworkState, PolicyConfig, PowerState, Timestamp};

/// A wall clock the test sets by hand.
#[derive(Clone)]
struct Manual(Arc<AtomicU64>);

impl Clock for Manual {
    fn now(&self) -> Timestamp {
        Timestamp(self.0.load(Ordering::SeqCst))
    }
}

const OFFLINE: NetworkState = NetworkState { online: false, metered: false };
const ONLINE: NetworkState = NetworkState { online: true, metered: false };
const HOUR_MS: u64 = 3_600_000;

fn env(network: NetworkState) -> Environment {
    Environment { network, power: PowerState { battery_saver: false, charging: true, battery_percent: Some(80) } }
}

#[tokio::test(start_paused = true)]
async fn offline_restarts_keep_every_registration_and_going_online_fires_each_once() {
    let clock = Manual(Arc::new(AtomicU64::new(T0.0)));
    let store = SharedStore::new();
    // Run 0: five registrations made offline.
    let mut first = engine();
    first.handle(T0, Input::Network(OFFLINE)).unwrap();
    let (dispatcher, _seen) = Scripted::new();
    let driver = Driver::builder(store.clone(), dispatcher).clock(clock.clone()).spawn(first);
    let sync = driver.handle();
    for i in 0..5 {
        sync.register(page(W1), R1, &format!("t{i}")).await.unwrap();
    }
    driver.shutdown().await.unwrap();

    // Three offline restarts an hour apart: every event would be rejected if it fired.
    for restart in 1..=3 {
        clock.0.fetch_add(HOUR_MS, Ordering::SeqCst);
        let (dispatcher, mut seen) = Scripted::new();
        dispatcher.script(A, &[Script::After(Duration::ZERO, EventOutcome::Rejected)]);
        let driver = Driver::builder(store.clone(), dispatcher)
            .clock(clock.clone())
            .restore(ConfigurablePolicy::new(PolicyConfig::chromium()), env(OFFLINE))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        driver.shutdown().await.unwrap();
        assert!(seen.try_recv().is_err(), "restart {restart}: nothing fires while offline");
        let rows = store.snapshot().registrations;
        assert_eq!(rows.len(), 5, "restart {restart}: every acknowledged registration is kept");
        assert!(
            rows.iter().all(|r| r.attempts == 0 && r.phase == StoredPhase::Pending),
            "restart {restart}: no attempt used: {rows:?}"
        );
    }

    // Online at last: each registration fires once and completes.
    clock.0.fetch_add(HOUR_MS, Ordering::SeqCst);
    let (dispatcher, mut seen) = Scripted::new();
    let driver = Driver::builder(store.clone(), dispatcher)
        .clock(clock.clone())
        .restore(ConfigurablePolicy::new(PolicyConfig::chromium()), env(ONLINE))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let stopped = driver.shutdown().await.unwrap();
    let mut tags: Vec<String> = std::iter::from_fn(|| seen.try_recv().ok()).map(|d| d.tag.to_string()).collect();
    tags.sort();
    assert_eq!(tags, ["t0", "t1", "t2", "t3", "t4"], "each fires exactly once");
    assert!(stopped.store.snapshot().registrations.is_empty(), "all completed");
}
