//! spec (periodic): register step 9.2 while firing, and unregister while firing.
mod common;
use common::*;
use sync_core::Caller;
use sync_core::Input;
use sync_policy::{EventOutcome, Profile, SyncKind};

#[test]
fn reregister_while_firing_does_not_refire_under_the_spec_but_does_in_chromium() {
    for (profile, refire) in [(Profile::Spec, false), (Profile::Chromium, true)] {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        k.grant_periodic();
        k.register_periodic("p", 1000);
        let d = k.advance(hours(12));
        let e = d.dispatches()[0].clone();
        let (r, d) = k.register_periodic("p", 1000);
        assert!(d.resolved(r));
        let d = k.settle(&e, EventOutcome::Fulfilled);
        assert_eq!(d.dispatches().len(), usize::from(refire), "{profile}");
        for e in d.dispatches() {
            k.settle(&e, EventOutcome::Fulfilled);
        }
        let d = k.advance(hours(12));
        assert_eq!(d.dispatches().len(), 1, "{profile}: the normal cadence continues");
    }
}

#[test]
fn unregister_while_firing_ignores_the_result_and_stops_the_cadence() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.register_periodic("p", 1000);
    let d = k.advance(hours(12));
    let e = d.dispatches()[0].clone();
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: Caller::Client(W1), sw: R1, tag: "p".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
    assert!(k.tags(SyncKind::Periodic).is_empty());
    let d = k.settle(&e, EventOutcome::Rejected);
    assert!(d.actions.is_empty());
    assert!(k.advance(hours(72)).dispatches().is_empty());
}

#[test]
fn unregister_succeeds_for_unknown_tags_and_unactivated_workers() {
    let mut k = Kit::chromium();
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: Caller::Client(W1), sw: R1, tag: "none".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
    k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: false }).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: Caller::Client(W1), sw: R2, tag: "x".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
}
