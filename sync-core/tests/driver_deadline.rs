//! The driver enforces event deadlines: an event still running at its
//! deadline counts as timed out, its late result is dropped, and it is
//! retried after the back-off.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::{Explanation, RegistrationKey};
use sync_policy::{EventOutcome, SyncKind, Timestamp, WaitReason};

const MIN: u64 = 60_000;

#[tokio::test(start_paused = true)]
async fn an_overrun_times_out_and_is_retried_after_the_back_off() {
    let store = SharedStore::new();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang, Script::After(Duration::ZERO, EventOutcome::Fulfilled)]);
    let driver = start(store.clone(), dispatcher.clone());
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W1), R1, "slow").await.unwrap();

    let first = wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    assert_eq!(first.attempt, 0);
    assert_eq!(first.deadline, Timestamp(T0.0 + 3 * MIN), "Chromium: 3 minutes per sync event");
    let failed = wait_log(&mut log, "sync event failed", Duration::from_secs(4 * 60)).await;
    assert_eq!(failed.time, first.deadline, "counted at the deadline, not later");
    assert_eq!(failed.meta("Failure Reason"), Some("timeout"));
    assert_eq!(failed.meta("Next Attempt Delay (ms)"), Some("300000"));
    tokio::task::yield_now().await;
    assert_eq!(dispatcher.unfinished(), 1, "the overrunning dispatch future was dropped at the deadline");

    let retry = wait_dispatch(&mut seen, Duration::from_secs(6 * 60)).await;
    assert_eq!(retry.attempt, 1);
    let done = wait_log(&mut log, "Sync completed", Duration::from_secs(1)).await;
    assert_eq!(done.time, Timestamp(T0.0 + 8 * MIN), "retried 5 minutes after the timeout");
    assert_eq!(done.meta("Status"), Some("succeeded"));
    assert!(store.snapshot().registrations.is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_result_after_the_deadline_is_dropped() {
    let store = SharedStore::new();
    let (dispatcher, mut seen) = Scripted::new();
    // Answers "fulfilled" a minute after the deadline, then hangs.
    dispatcher.script(A, &[Script::After(Duration::from_secs(4 * 60), EventOutcome::Fulfilled), Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();
    let mut log = sync.subscribe_log();
    sync.register(page(W1), R1, "late").await.unwrap();
    wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    wait_log(&mut log, "sync event failed", Duration::from_secs(4 * 60)).await;
    // Past the moment the late answer would have come: still waiting for the retry.
    tokio::time::sleep(Duration::from_secs(2 * 60)).await;
    let key = RegistrationKey::new(R1, SyncKind::OneOff, "late");
    assert_eq!(
        sync.explain(key.clone()).await.unwrap(),
        Explanation::WaitingUntil { at: Timestamp(T0.0 + 8 * MIN), reason: WaitReason::BackOff }
    );
    let row = store.snapshot().registrations.into_iter().find(|r| r.key == key).expect("still stored");
    assert_eq!(row.attempts, 1, "the timeout counted, the late success did not");
    assert!(log.try_recv().is_err(), "no record for the late result");
}
