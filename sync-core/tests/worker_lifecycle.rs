//! Service worker registration unregistered, origin data cleared, activation.
mod common;
use common::*;
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
    k.engine.worker_unregistered(k.now, R1).unwrap();
    let d = k.drain();
    assert!(d.persists().contains(&Mutation::DeleteWorker(R1)));
    assert!(k.store.is_empty());
    assert!(k.online().dispatches().is_empty());
    assert!(k.advance(hours(48)).dispatches().is_empty());
    let r = k.engine.get_tags(k.now, Caller::Embedder, R1, SyncKind::OneOff);
    assert!(k.drain().tags(r).is_empty());
}

#[test]
fn result_of_an_event_in_flight_for_an_unregistered_worker_is_ignored() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    let e = d.dispatches()[0].clone();
    k.engine.worker_unregistered(k.now, R1).unwrap();
    k.drain();
    k.settle(&e, EventOutcome::Rejected);
    assert!(k.advance(hours(24)).dispatches().is_empty(), "no retry for a registration that is gone");
}

#[test]
fn a_new_worker_at_the_same_scope_starts_empty() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    k.engine.worker_unregistered(k.now, R1).unwrap();
    k.engine.add_worker(k.now, R2, A, true).unwrap();
    let r = k.engine.get_tags(k.now, Caller::Client(W1), R2, SyncKind::OneOff);
    assert!(k.drain().tags(r).is_empty());
}

#[test]
fn clearing_origin_data_drops_every_worker_of_the_origin_only() {
    let mut k = Kit::chromium();
    k.offline();
    k.engine.add_worker(k.now, R2, A, true).unwrap();
    k.engine.add_worker(k.now, sync_core::SwRegId(3), B, true).unwrap();
    k.engine.client_opened(k.now, W2, B, sync_policy::FrameType::TopLevel).unwrap();
    k.register("a");
    k.engine.register(k.now, Caller::Client(W1), R2, "a2");
    k.engine.register(k.now, Caller::Client(W2), sync_core::SwRegId(3), "b");
    k.drain();
    k.engine.origin_cleared(k.now, A);
    k.drain();
    assert_eq!(k.store.len(), 1);
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(d.dispatches()[0].origin.as_str(), B);
}

#[test]
fn activation_enables_registration_and_a_second_activation_is_an_error() {
    let mut k = Kit::chromium();
    k.engine.add_worker(k.now, R2, A, false).unwrap();
    let r = k.engine.register(k.now, Caller::Client(W1), R2, "a");
    assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError);
    k.engine.worker_activated(k.now, R2).unwrap();
    let r = k.engine.register(k.now, Caller::Client(W1), R2, "a");
    assert!(k.drain().resolved(r));
    assert_eq!(k.engine.worker_activated(k.now, R2), Err(SyncError::WorkerAlreadyActive(R2)));
    assert_eq!(
        k.engine.worker_unregistered(k.now, sync_core::SwRegId(77)),
        Err(SyncError::UnknownWorker(sync_core::SwRegId(77)))
    );
}

#[test]
fn a_worker_cannot_change_origin() {
    let mut k = Kit::chromium();
    assert_eq!(k.engine.add_worker(k.now, R1, B, true), Err(SyncError::WorkerOriginMismatch(R1)));
}
