//! Results for events that are unknown or already settled are typed errors
//! that change nothing.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{EventId, SyncError};
use sync_policy::{EventOutcome, SyncKind};

#[test]
fn unknown_event_is_refused() {
    let mut k = Kit::chromium();
    assert_eq!(
        k.engine.handle(k.now, Input::EventFinished { event: EventId(42), outcome: EventOutcome::Fulfilled }).map(drop),
        Err(SyncError::UnknownEvent(EventId(42)))
    );
}

#[test]
fn a_second_result_is_refused_and_changes_nothing() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    let e = d.dispatches()[0].clone();
    k.settle(&e, EventOutcome::Rejected);
    assert_eq!(
        k.engine.handle(k.now, Input::EventFinished { event: e.event, outcome: EventOutcome::Fulfilled }).map(drop),
        Err(SyncError::EventAlreadySettled(e.event))
    );
    assert!(k.drain().actions.is_empty());
    assert_eq!(k.tags(SyncKind::OneOff), vec!["a"], "still waiting for its retry");
}
