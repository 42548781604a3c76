//! Bad input at the engine's boundary: every case answers with a typed error
//! (a DOMException for page calls, `SyncError` for embedder inputs), never a
//! panic, and loses nothing already accepted.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, ClientId, DomErrorName, EventId, RegistrationKey, SwRegId, SyncError};
use sync_policy::{EventOutcome, FrameType, Profile, SyncKind};

#[test]
fn tag_lengths_at_the_edges_under_both_profiles() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        k.offline();
        for len in [0usize, 1, 10_240] {
            let (r, d) = k.register(&"t".repeat(len));
            assert!(d.resolved(r), "{profile}: length {len}");
        }
        let (r, d) = k.register(&"t".repeat(10_241));
        match profile {
            Profile::Chromium => assert_eq!(d.rejected(r), DomErrorName::InvalidAccessError),
            Profile::Spec => assert!(d.resolved(r)),
        }
        let expected = if profile == Profile::Chromium { 3 } else { 4 };
        assert_eq!(k.tags(SyncKind::OneOff).len(), expected, "{profile}: nothing accepted was lost");
    }
}

#[test]
fn multi_byte_tags_are_measured_in_utf8_bytes() {
    // 2560 four-byte characters = 10240 bytes: accepted; one more byte is not.
    let mut k = Kit::chromium();
    k.offline();
    let astral = "𝄞".repeat(2560);
    let (r, d) = k.register(&astral);
    assert!(d.resolved(r));
    let (r, d) = k.register(&format!("{astral}a"));
    assert_eq!(d.rejected(r), DomErrorName::InvalidAccessError);
    assert_eq!(k.tags(SyncKind::OneOff), vec![astral]);
}

#[test]
fn min_interval_edges() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    let (r, d) = k.register_periodic("zero", 0);
    assert!(d.resolved(r));
    for bad in [1u64 << 53, u64::MAX] {
        let (r, d) = k.register_periodic("bad", bad);
        assert_eq!(d.rejected(r), DomErrorName::TypeError);
    }
    assert_eq!(k.tags(SyncKind::Periodic), vec!["zero"]);
}

#[test]
fn unknown_ids_are_typed_errors() {
    let mut k = Kit::chromium();
    let ghost = SwRegId(404);
    assert_eq!(k.engine.handle(k.now, Input::WorkerActivated(ghost)).map(drop), Err(SyncError::UnknownWorker(ghost)));
    assert_eq!(
        k.engine.handle(k.now, Input::EmulateOffline { sw: ghost, offline: true }).map(drop),
        Err(SyncError::UnknownWorker(ghost))
    );
    assert_eq!(
        k.engine.handle(k.now, Input::ClientClosed(ClientId(404))).map(drop),
        Err(SyncError::UnknownClient(ClientId(404)))
    );
    assert_eq!(
        k.engine
            .handle(k.now, Input::ClientOpened { client: W1, origin: A.to_string(), frame: FrameType::TopLevel })
            .map(drop),
        Err(SyncError::DuplicateClient(W1))
    );
    assert_eq!(
        k.engine.handle(k.now, Input::DispatchNow(RegistrationKey::new(R1, SyncKind::OneOff, "none"))),
        Err(SyncError::UnknownRegistration)
    );
    assert_eq!(
        k.engine.handle(k.now, Input::EventFinished { event: EventId(0), outcome: EventOutcome::Fulfilled }).map(drop),
        Err(SyncError::UnknownEvent(EventId(0)))
    );
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: ghost, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError);
    let r = k
        .engine
        .handle(k.now, Input::GetTags { caller: Caller::Client(W1), sw: ghost, kind: SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().tags(r).is_empty(), "getTags has no error conditions in the spec");
}

#[test]
fn calls_after_the_worker_registration_was_unregistered() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.offline();
    k.register("a");
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    k.drain();
    let (r, d) = k.register("b");
    assert_eq!(d.rejected(r), DomErrorName::InvalidStateError);
    let (r, d) = k.register_periodic("p", 0);
    assert_eq!(d.rejected(r), DomErrorName::InvalidStateError);
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: Caller::Client(W1), sw: R1, tag: "p".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r), "unregister succeeds silently");
    assert!(k.tags(SyncKind::OneOff).is_empty());
    assert_eq!(k.engine.handle(k.now, Input::WorkerUnregistered(R1)).map(drop), Err(SyncError::UnknownWorker(R1)));
}

#[test]
fn dispatch_now_refuses_firing_and_offline_registrations() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    let key = k.key(SyncKind::OneOff, "a");
    assert_eq!(k.engine.handle(k.now, Input::DispatchNow(key.clone())), Err(SyncError::AlreadyFiring));
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    k.offline();
    assert_eq!(k.engine.handle(k.now, Input::DispatchNow(key.clone())), Err(SyncError::Offline));
    k.online();
    let event = k.engine.handle(k.now, Input::DispatchNow(key)).unwrap().event().unwrap();
    let d = k.drain();
    assert_eq!(d.dispatches()[0].event, event, "manual dispatch ignores the back-off");
}

#[test]
fn storage_failure_disables_the_engine_and_rejects_later_calls() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R1, tag: "b".into() })
        .unwrap()
        .request()
        .unwrap();
    k.engine.handle(k.now, Input::StorageFailed { reason: "disk full".into() }).unwrap();
    let d = k.drain();
    assert_eq!(d.rejected(r), DomErrorName::UnknownError, "a reply queued before the failure is not acknowledged");
    assert!(d.persists().is_empty());
    let (r, d) = k.register("c");
    assert_eq!(d.rejected(r), DomErrorName::UnknownError);
    assert_eq!(
        k.engine.handle(k.now, Input::EventFinished { event: EventId(1), outcome: EventOutcome::Fulfilled }).map(drop),
        Err(SyncError::Disabled)
    );
    assert!(k.online().dispatches().is_empty(), "nothing is dispatched once disabled");
    assert_eq!(k.engine.poll_timeout(), None);
    assert_eq!(k.store.len(), 1, "what was acknowledged stays in the store");
}
