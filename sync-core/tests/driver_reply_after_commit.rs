//! The driver releases replies (and dispatches) only after the commit holding
//! the mutations queued before them has landed.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::ReplyValue;
use sync_policy::SyncKind;

#[tokio::test(start_paused = true)]
async fn reply_and_dispatch_wait_for_the_commit() {
    let store = SharedStore::new();
    let (release, mut waiting) = store.hold_commits();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::Hang]);
    let driver = start(store.clone(), dispatcher);
    let sync = driver.handle();

    let (s, st) = (sync.clone(), store.clone());
    let register = tokio::spawn(async move {
        let r = s.register(page(W1), R1, "outbox").await;
        st.note(Entry::Reply("register".into()));
        r
    });
    waiting.recv().await.expect("a commit starts");
    // getTags after the register depends on the same commit.
    let (s, st) = (sync.clone(), store.clone());
    let tags = tokio::spawn(async move {
        let r = s.get_tags(page(W1), R1, SyncKind::OneOff).await;
        st.note(Entry::Reply("getTags".into()));
        r
    });
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    assert!(!register.is_finished() && !tags.is_finished(), "no reply before its commit");
    assert!(seen.try_recv().is_err(), "no event fired for a registration that is not durable");
    assert_eq!(store.commits(), 0);

    release.send(()).unwrap();
    assert_eq!(register.await.unwrap(), Ok(ReplyValue::Registered));
    assert_eq!(tags.await.unwrap(), Ok(ReplyValue::Tags(vec!["outbox".into()])));
    let journal = store.journal();
    assert_eq!(journal[0], Entry::Commit(1), "the commit landed first: {journal:?}");
    assert_eq!(&journal[1..], &[Entry::Reply("register".into()), Entry::Reply("getTags".into())]);
    let d = wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    assert_eq!(&*d.tag, "outbox");
}

#[tokio::test(start_paused = true)]
async fn a_reply_with_nothing_to_commit_is_immediate() {
    let store = SharedStore::new();
    let (release, _waiting) = store.hold_commits();
    let (dispatcher, _seen) = Scripted::new();
    let driver = start(store.clone(), dispatcher);
    // getTags persists nothing: it resolves although commits are held.
    let tags = driver.handle().get_tags(page(W1), R1, SyncKind::OneOff).await;
    assert_eq!(tags, Ok(ReplyValue::Tags(vec![])));
    assert_eq!(store.commits(), 0);
    drop(release);
}
