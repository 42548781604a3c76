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
    let calls: Vec<_> = (0..64)
        .map(|i| {
            let sync = driver.handle();
            tokio::spawn(async move { sync.register(page(W1), R1, &format!("tag-{i}")).await })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(ReplyValue::Registered));
    }
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
    let rest: Vec<_> = (0..63)
        .map(|i| {
            let sync = sync.clone();
            tokio::spawn(async move { sync.register(page(W1), R1, &format!("tag-{i}")).await })
        })
        .collect();
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
    for call in rest {
        assert_eq!(call.await.unwrap(), Ok(ReplyValue::Registered));
    }
    let state = store.0.lock().unwrap();
    let sizes: Vec<usize> = state.batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, vec![1, 63]);
    assert!(state.batches[1].iter().all(|m| matches!(m, Mutation::Put(_))));
}
