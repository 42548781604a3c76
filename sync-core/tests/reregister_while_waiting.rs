//! spec: register, step 8.1 (waiting -> pending), against Chromium's behaviour.
mod common;
use common::*;
use sync_core::DispatchKind;
use sync_policy::EventOutcome;

#[test]
fn spec_profile_fires_at_once_and_keeps_the_attempt_count() {
    let mut k = Kit::spec();
    let (_, d) = k.register("f");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    k.advance(mins(1));
    let (r, d) = k.register("f");
    assert!(d.resolved(r));
    let e2 = d.dispatches();
    assert_eq!(e2.len(), 1);
    assert_eq!(e2[0].attempt, 1, "the attempt count is kept");
    k.settle(&e2[0], EventOutcome::Rejected);
    let d = k.advance(mins(15));
    assert_eq!(d.dispatches()[0].kind, DispatchKind::Sync { last_chance: true });
}

#[test]
fn chromium_profile_keeps_the_scheduled_retry() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("f");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    k.advance(mins(1));
    let (r, d) = k.register("f");
    assert!(d.resolved(r));
    assert!(d.dispatches().is_empty());
    let d = k.advance(mins(3));
    assert!(d.dispatches().is_empty());
    let d = k.advance(mins(1));
    assert_eq!(d.dispatches().len(), 1, "the retry keeps its time (5m after the failure)");
}
