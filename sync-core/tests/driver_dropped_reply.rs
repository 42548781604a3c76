//! A caller that stops waiting, or a log subscriber that goes away, does not
//! disturb the driver.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::ReplyValue;
use sync_core::store::StoredPhase;
use sync_policy::SyncKind;

#[tokio::test(start_paused = true)]
async fn a_dropped_reply_receiver_does_not_kill_the_driver() {
    let store = SharedStore::new();
    let (release, mut waiting) = store.hold_commits();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();
    let gone_log = sync.subscribe_log();

    let abandoned = {
        let sync = sync.clone();
        tokio::spawn(async move { sync.register(page(W1), R1, "abandoned").await })
    };
    waiting.recv().await.expect("commit starts");
    abandoned.abort();
    assert!(abandoned.await.unwrap_err().is_cancelled());
    drop(gone_log);
    release.send(()).unwrap();

    // The driver answers the next caller, and the abandoned registration was made.
    let next = {
        let sync = sync.clone();
        tokio::spawn(async move { sync.register(page(W1), R1, "next").await })
    };
    waiting.recv().await.expect("second commit starts");
    release.send(()).unwrap();
    assert_eq!(next.await.unwrap(), Ok(ReplyValue::Registered));
    let tags = sync.get_tags(page(W1), R1, SyncKind::OneOff).await;
    assert_eq!(tags, Ok(ReplyValue::Tags(vec!["abandoned".into(), "next".into()])));
    let rows = store.snapshot().registrations;
    assert!(rows.iter().all(|r| r.phase == StoredPhase::Pending) && rows.len() == 2);
    assert_eq!(wait_dispatch(&mut seen, Duration::from_secs(1)).await.tag.as_ref(), "abandoned");
}

#[tokio::test(start_paused = true)]
async fn a_lagging_log_subscriber_loses_records_not_the_driver() {
    let (dispatcher, _seen) = Scripted::new();
    let config = sync_core::driver::DriverConfig { log_capacity: 2, ..Default::default() };
    let driver = sync_core::driver::Driver::builder(SharedStore::new(), dispatcher)
        .clock(sync_core::driver::TokioClock::new(T0))
        .config(config)
        .spawn(engine());
    let sync = driver.handle();
    let mut slow = sync.subscribe_log();
    for i in 0..5 {
        sync.register(page(W1), R1, &format!("t{i}")).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert!(matches!(slow.try_recv(), Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_))));
    assert!(sync.workers().await.is_ok());
}
