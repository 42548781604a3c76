//! `explain()`: why a registration has not fired yet.
mod common;
use common::*;
use sync_core::{Explanation, RegistrationState};
use sync_policy::{Blocker, EventOutcome, PermissionName, PermissionState, SyncKind, WaitReason};

#[test]
fn explains_each_reason() {
    let mut k = Kit::spec();
    assert_eq!(k.engine.explain(&k.key(SyncKind::OneOff, "nope")), Explanation::NotRegistered);
    k.offline();
    k.register("a");
    assert_eq!(k.engine.explain(&k.key(SyncKind::OneOff, "a")), Explanation::Blocked(Blocker::Offline));
    let d = k.online();
    let e = d.dispatches()[0].clone();
    assert_eq!(
        k.engine.explain(&k.key(SyncKind::OneOff, "a")),
        Explanation::Firing { event: e.event, deadline: e.deadline, reregistered: false }
    );
    k.settle(&e, EventOutcome::Rejected);
    assert_eq!(
        k.engine.explain(&k.key(SyncKind::OneOff, "a")),
        Explanation::WaitingUntil { at: k.now.saturating_add(mins(5)), reason: WaitReason::BackOff }
    );
    // Spec profile: a one-off whose permission was denied after registering does not fire.
    k.set_permission(PermissionName::BackgroundSync, PermissionState::Denied);
    k.advance(mins(5));
    assert_eq!(k.engine.explain(&k.key(SyncKind::OneOff, "a")), Explanation::Blocked(Blocker::PermissionDenied));
    let d = k.set_permission(PermissionName::BackgroundSync, PermissionState::Granted);
    assert_eq!(d.dispatches().len(), 1);
}

#[test]
fn listing_shows_state_attempts_and_reason() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    let list = k.engine.registrations(R1);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].state, RegistrationState::Waiting);
    assert_eq!((list[0].attempts, list[0].max_attempts), (1, 3));
    assert!(matches!(list[0].explanation, Explanation::WaitingUntil { reason: WaitReason::BackOff, .. }));
}
