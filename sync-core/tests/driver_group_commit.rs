//! Group commit: concurrent registrations share commits, and inputs that
//! arrive while a commit is in flight go into the next one.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::ReplyValue;
use sync_core::store::Mutation;

#[tokio::test(start_paused = true)]
async fn sixty_four_concurrent_registrations_share_few_commits() {
    let store = SharedStore::new();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    all_registered(spawn_registrations(&driver.handle(), 64)).await;
    let commits = store.commits();
    assert!((1..=4).contains(&commits), "64 registrations took {commits} commits");
    assert_eq!(store.snapshot().registrations.len(), 64);
    // Nothing else was committed: the events (still running) persist nothing.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(store.commits(), commits);
}

#[tokio::test(start_paused = true)]
async fn inputs_during_a_commit_form_the_next_batch() {
    let store = SharedStore::new();
    let (release, mut waiting) = store.hold_commits();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();
    let first = {
        let sync = sync.clone();
        tokio::spawn(async move { sync.register(page(W1), R1, "first").await })
    };
    waiting.recv().await.expect("first commit starts");
    let rest = spawn_registrations(&sync, 63);
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    // The driver took all of them while the first commit was still held.
    assert_eq!(sync.registrations(R1).await.unwrap().len(), 64);
    assert!(rest.iter().all(|c| !c.is_finished()));
    release.send(()).unwrap();
    assert_eq!(first.await.unwrap(), Ok(ReplyValue::Registered));
    waiting.recv().await.expect("second commit starts");
    release.send(()).unwrap();
    all_registered(rest).await;
    let state = store.0.lock().unwrap();
    let sizes: Vec<usize> = state.batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![1, 63]);
    assert!(state.batches[1].iter().all(|m| matches!(m, Mutation::Put(_))));
}

/// A caller whose reply a commit released gets its next call into the commit
/// that follows, instead of that commit starting before it could send.
#[tokio::test(start_paused = true)]
async fn a_caller_released_by_a_commit_joins_the_next_one() {
    let store = SharedStore::new();
    let (release, mut waiting) = store.hold_commits();
    let (dispatcher, _seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();
    let first = {
        let sync = sync.clone();
        tokio::spawn(async move {
            assert_eq!(sync.register(page(W1), R1, "first").await, Ok(ReplyValue::Registered));
            // Sent as soon as the first commit released the reply.
            sync.register(page(W1), R1, "first-again").await
        })
    };
    waiting.recv().await.expect("the first commit starts");
    let rest = spawn_registrations(&sync, 63);
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    release.send(()).unwrap();
    waiting.recv().await.expect("the second commit starts");
    release.send(()).unwrap();
    // Later commits, if any, are not held.
    drop(release);
    assert_eq!(first.await.unwrap(), Ok(ReplyValue::Registered));
    all_registered(rest).await;
    let sizes: Vec<usize> = store.0.lock().unwrap().batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![1, 64], "the released caller's call joined the 63 waiting ones");
}
