//! spec: register, steps 8.4 / 9.6 (fire if online), and the online transition.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, Explanation};
use sync_policy::{Blocker, EventOutcome, SyncKind};

#[test]
fn online_registration_fires_at_once() {
    let mut k = Kit::chromium();
    let (r, d) = k.register("a");
    assert!(d.resolved(r));
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(k.tags(SyncKind::OneOff), vec!["a"], "still listed while firing");
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert!(k.tags(SyncKind::OneOff).is_empty());
}

#[test]
fn offline_defers_until_online_then_fires_every_pending_tag() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    k.register("b");
    let d = k.advance(hours(1));
    assert!(d.dispatches().is_empty());
    assert_eq!(k.engine.explain(&k.key(SyncKind::OneOff, "a")), Explanation::Blocked(Blocker::Offline));
    let d = k.online();
    let mut tags: Vec<_> = d.dispatches().iter().map(|e| e.tag.to_string()).collect();
    tags.sort();
    assert_eq!(tags, vec!["a", "b"]);
}

#[test]
fn pending_registration_fires_with_no_window_open() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    k.engine.handle(k.now, Input::ClientClosed(W1)).unwrap();
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1, "firing does not need a window");
}

#[test]
fn retry_waits_for_connectivity() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    k.offline();
    let d = k.advance(mins(30));
    assert!(d.dispatches().is_empty());
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(d.dispatches()[0].attempt, 1);
}

#[test]
fn going_offline_after_queueing_does_not_dispatch() {
    let mut k = Kit::chromium();
    k.offline();
    k.register("a");
    // Online then offline again before the actions are drained.
    k.engine.handle(k.now, Input::Network(sync_policy::NetworkState { online: true, metered: false })).unwrap();
    k.offline();
    assert!(k.drain().dispatches().is_empty());
    assert!(k.online().dispatches().len() == 1);
}

#[test]
fn emulated_offline_worker_is_deferred_and_reference_counted() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::EmulateOffline { sw: R1, offline: true }).unwrap();
    k.engine.handle(k.now, Input::EmulateOffline { sw: R1, offline: true }).unwrap();
    let (r, d) = k.register("a");
    assert!(d.resolved(r));
    assert!(d.dispatches().is_empty());
    assert_eq!(k.engine.explain(&k.key(SyncKind::OneOff, "a")), Explanation::Blocked(Blocker::WorkerOffline));
    k.engine.handle(k.now, Input::EmulateOffline { sw: R1, offline: false }).unwrap();
    assert!(k.drain().dispatches().is_empty(), "one DevTools session still emulates offline");
    k.engine.handle(k.now, Input::EmulateOffline { sw: R1, offline: false }).unwrap();
    assert_eq!(k.drain().dispatches().len(), 1);
}

#[test]
fn emulated_offline_affects_only_that_worker() {
    let mut k = Kit::chromium();
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: true }).unwrap();
    k.engine.handle(k.now, Input::EmulateOffline { sw: R1, offline: true }).unwrap();
    k.register("a");
    let r = k
        .engine
        .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R2, tag: "b".into() })
        .unwrap()
        .request()
        .unwrap();
    let d = k.drain();
    assert!(d.resolved(r));
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(d.dispatches()[0].sw, R2);
}
