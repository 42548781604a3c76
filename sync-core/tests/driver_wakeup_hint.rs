//! The wake-up hint: when a closed browser should be woken, and why.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::driver::{WakeupHint, WakeupReason};
use sync_policy::{EventOutcome, NetworkState, PermissionName, PermissionState, Timestamp, WaitReason};

const MIN: u64 = 60_000;

#[tokio::test(start_paused = true)]
async fn hint_follows_what_waits() {
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::After(Duration::ZERO, EventOutcome::Rejected), Script::Hang]);
    let driver = start(SharedStore::new(), dispatcher);
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    assert_eq!(sync.wakeup_hint().await.unwrap(), None, "nothing registered");

    // Offline with a pending registration: wake as soon as there is a network.
    sync.set_network(NetworkState { online: false, metered: false }).await.unwrap();
    sync.register(page(W1), R1, "a").await.unwrap();
    tokio::time::sleep(Duration::from_secs(30)).await;
    let now = Timestamp(T0.0 + 30_000);
    assert_eq!(sync.wakeup_hint().await.unwrap(), Some(WakeupHint { at: now, reason: WakeupReason::Ready }));

    // Online: it fires and fails; wake when the back-off ends.
    sync.set_network(NetworkState::default()).await.unwrap();
    wait_log(&mut log, "sync event failed", Duration::from_secs(1)).await;
    let retry_at = Timestamp(now.0 + 5 * MIN);
    let backoff = WakeupHint { at: retry_at, reason: WakeupReason::Due(WaitReason::BackOff) };
    assert_eq!(sync.wakeup_hint().await.unwrap(), Some(backoff));

    // A periodic registration due earlier than the retry would win; a later one does not.
    sync.set_permission(B, PermissionName::PeriodicBackgroundSync, PermissionState::Granted).await.unwrap();
    sync.register_periodic(page(W2), R2, "feed", 12 * 60 * MIN).await.unwrap();
    assert_eq!(sync.wakeup_hint().await.unwrap(), Some(backoff));

    // The retry is in flight (the dispatcher hangs): wake by its deadline.
    let retry = loop {
        let d = wait_dispatch(&mut seen, Duration::from_secs(6 * 60)).await;
        if d.attempt == 1 {
            break d;
        }
    };
    assert_eq!(
        sync.wakeup_hint().await.unwrap(),
        Some(WakeupHint { at: retry.deadline, reason: WakeupReason::InterruptedEvent })
    );
    let stopped = driver.shutdown().await.unwrap();
    assert_eq!(stopped.wakeup, Some(WakeupHint { at: retry.deadline, reason: WakeupReason::InterruptedEvent }));
}

#[tokio::test(start_paused = true)]
async fn periodic_registration_hints_its_interval() {
    let (dispatcher, _seen) = Scripted::new();
    let driver = start(SharedStore::new(), dispatcher);
    let sync = driver.handle();
    sync.set_permission(B, PermissionName::PeriodicBackgroundSync, PermissionState::Granted).await.unwrap();
    sync.register_periodic(page(W2), R2, "feed", 12 * 60 * MIN).await.unwrap();
    let hint = sync.wakeup_hint().await.unwrap();
    let due =
        WakeupHint { at: Timestamp(T0.0 + 12 * 60 * MIN), reason: WakeupReason::Due(WaitReason::PeriodicInterval) };
    assert_eq!(hint, Some(due));
}
