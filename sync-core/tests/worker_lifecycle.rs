//! Service worker registration unregistered, origin data cleared, activation.
mod common;
use common::*;
use sync_core::Input;
use sync_core::store::Mutation;
use sync_core::{Caller, DomErrorName, SyncError};
use sync_policy::{EventOutcome, SyncKind};

#[test]
fn unregistering_the_worker_drops_its_registrations() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.offline();
    k.register("a");
    k.register_periodic("p", 1000);
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    let d = k.drain();
    assert!(d.persists().contains(&Mutation::DeleteWorker(R1)));
    assert!(k.store.is_empty());
    assert!(k.online().dispatches().is_empty());
    assert!(k.advance(hours(48)).dispatches().is_empty());
    let r = k
        .engine
        .handle(k.now, Input::GetTags { caller: Caller::Embedder, sw: R1, kind: SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().tags(r).is_empty());
}

#[test]
fn result_of_an_event_in_flight_for_an_unregistered_worker_is_ignored() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    let e = d.dispatches()[0].clone();
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    k.drain();
    k.settle(&e, EventOutcome::Rejected);
    assert!(k.advance(hours(24)).dispatches().is_empty(), "no retry for a registration that is gone");
}

#[test]
fn a_new_worker_at_the_same_scope_starts_empty() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: true }).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::GetTags { caller: Caller::Client(W1), sw: R2, kind: SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().tags(r).is_empty());
}

#[test]
fn clearing_origin_data_drops_every_worker_of_the_origin_only() {
    let mut k = Kit::chromium();
    k.offline();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: true }).unwrap();
    k.engine
        .handle(k.now, Input::AddWorker { sw: sync_core::SwRegId(3), origin: B.to_string(), active: true })
        .unwrap();
    k.engine
        .handle(
            k.now,
            Input::ClientOpened { client: W2, origin: B.to_string(), frame: sync_policy::FrameType::TopLevel },
        )
        .unwrap();
    k.register("a");
    k.engine.handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "a2".into() }).unwrap();
    k.engine
        .handle(k.now, Input::Register { caller: Caller::Client(W2), sw: sync_core::SwRegId(3), tag: "b".into() })
        .unwrap();
    k.drain();
    k.engine.handle(k.now, Input::OriginCleared(A.to_string())).unwrap();
    k.drain();
    assert_eq!(k.store.len(), 1);
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(d.dispatches()[0].origin.as_str(), B);
}

#[test]
fn activation_enables_registration_and_a_second_activation_is_an_error() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: false }).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError);
    k.engine.handle(k.now, Input::WorkerActivated(R2)).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "a".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
    assert_eq!(k.engine.handle(k.now, Input::WorkerActivated(R2)).map(drop), Err(SyncError::WorkerAlreadyActive(R2)));
    assert_eq!(
        k.engine.handle(k.now, Input::WorkerUnregistered(sync_core::SwRegId(77))).map(drop),
        Err(SyncError::UnknownWorker(sync_core::SwRegId(77)))
    );
}

#[test]
fn a_worker_cannot_change_origin() {
    let mut k = Kit::chromium();
    assert_eq!(
        k.engine.handle(k.now, Input::AddWorker { sw: R1, origin: B.to_string(), active: true }).map(drop),
        Err(SyncError::WorkerOriginMismatch(R1))
    );
}
