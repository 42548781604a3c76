//! `Handle::send` takes any `Input`: page calls answer with the reply once it
//! is durable, other inputs with what the engine handled or its typed refusal,
//! and an embedder-reported `EventFinished` settles the event and drops the
//! dispatcher future.
mod driver_kit;
use driver_kit::*;
use std::time::Duration;
use sync_core::driver::{Answer, DriverError};
use sync_core::{Handled, Input, RegistrationKey, ReplyValue, SwRegId, SyncError};
use sync_policy::{EventOutcome, NetworkState, SyncKind};

#[tokio::test(start_paused = true)]
async fn send_answers_each_kind_of_input() {
    let store = SharedStore::new();
    let (dispatcher, mut seen) = Scripted::new();
    dispatcher.script(A, &[Script::After(Duration::ZERO, EventOutcome::Rejected), Script::Hang]);
    let driver = start(store.clone(), dispatcher.clone());
    let sync = driver.handle();

    let offline = Input::Network(NetworkState { online: false, metered: false });
    assert_eq!(sync.send(offline).await, Ok(Answer::Handled(Handled::Applied)));
    let register = Input::Register { caller: page(W1), sw: R1, tag: "t".into() };
    assert_eq!(sync.send(register).await, Ok(Answer::Reply(Ok(ReplyValue::Registered))));
    assert_eq!(store.commits(), 1, "the reply came after its commit");
    assert_eq!(
        sync.send(Input::WorkerActivated(SwRegId(99))).await,
        Err(DriverError::Engine(SyncError::UnknownWorker(SwRegId(99))))
    );
    // Online: the event fires and is rejected; the registration waits out its back-off.
    let online = Input::Network(NetworkState { online: true, metered: false });
    assert_eq!(sync.send(online).await, Ok(Answer::Handled(Handled::Applied)));
    wait_dispatch(&mut seen, Duration::from_secs(1)).await;
    tokio::time::sleep(Duration::from_millis(10)).await;
    let key = RegistrationKey::new(R1, SyncKind::OneOff, "t");
    let Ok(Answer::Handled(Handled::Dispatched(event))) = sync.send(Input::DispatchNow(key)).await else {
        panic!("dispatch_now answers with its event")
    };
    assert_eq!(wait_dispatch(&mut seen, Duration::from_secs(1)).await.event, event);

    // The embedder reports the outcome itself: the hanging future is dropped.
    let finished = Input::EventFinished { event, outcome: EventOutcome::Fulfilled };
    assert_eq!(sync.send(finished).await, Ok(Answer::Handled(Handled::Applied)));
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(dispatcher.unfinished(), 1, "the dispatcher future was dropped");
    let stopped = driver.shutdown().await.unwrap();
    assert!(stopped.store.snapshot().registrations.is_empty(), "the fulfilled registration is gone");
}
