//! Restart from a store snapshot (the in-memory store; the SQLite store has its own tests).
mod common;
use common::*;
use sync_core::Input;
use sync_core::store::Store;
use sync_core::{DispatchKind, Engine};
use sync_policy::{ConfigurablePolicy, EventOutcome, Profile, SyncKind};

fn restart(k: &mut Kit, profile: Profile) {
    let snapshot = k.store.load().unwrap();
    let mut engine = Engine::restore(ConfigurablePolicy::profile(profile), k.now, snapshot).unwrap();
    engine
        .handle(
            k.now,
            Input::ClientOpened { client: W1, origin: A.to_string(), frame: sync_policy::FrameType::TopLevel },
        )
        .unwrap();
    k.engine = engine;
}

#[test]
fn a_firing_registration_comes_back_pending_without_using_an_attempt() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    let d = k.advance(mins(5));
    assert_eq!(d.dispatches()[0].attempt, 1);
    // The process dies while attempt 2 is in flight.
    restart(&mut k, Profile::Chromium);
    let d = k.drain();
    assert_eq!(d.dispatches().len(), 1, "due and online: fires at start-up");
    assert_eq!(d.dispatches()[0].attempt, 1, "the interrupted attempt was not used up");
    assert_eq!(d.dispatches()[0].kind, DispatchKind::Sync { last_chance: false });
}

#[test]
fn back_off_survives_a_restart() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    k.advance(mins(2));
    restart(&mut k, Profile::Chromium);
    assert!(k.drain().dispatches().is_empty());
    assert_eq!(k.engine.poll_timeout().unwrap().at, T0.saturating_add(mins(5)));
    let d = k.advance(mins(3));
    assert_eq!(d.dispatches().len(), 1);
}

#[test]
fn registrations_and_order_survive_a_restart() {
    let mut k = Kit::spec();
    k.offline();
    for t in ["c", "a", "b"] {
        k.register(t);
    }
    restart(&mut k, Profile::Spec);
    k.offline();
    assert_eq!(k.tags(SyncKind::OneOff), vec!["c", "a", "b"]);
    let (r, d) = k.register("d");
    assert!(d.resolved(r));
    assert_eq!(k.tags(SyncKind::OneOff), vec!["c", "a", "b", "d"]);
}
