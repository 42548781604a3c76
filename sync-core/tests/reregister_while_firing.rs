//! spec: register, step 8.2, and fire a sync event, steps 5.2.1 / 5.3.1.
mod common;
use common::*;
use sync_core::{DispatchKind, Explanation};
use sync_policy::{EventOutcome, SyncKind};

#[test]
fn fires_once_more_after_a_successful_event() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("s");
    let first = d.dispatches()[0].clone();
    let (r, d) = k.register("s");
    assert!(d.resolved(r));
    assert!(d.dispatches().is_empty(), "no second event while the first runs");
    assert!(matches!(k.engine.explain(&k.key(SyncKind::OneOff, "s")), Explanation::Firing { reregistered: true, .. }));
    let d = k.settle(&first, EventOutcome::Fulfilled);
    assert_eq!(d.log_names(), vec!["Sync event reregistered", "Dispatched sync event"]);
    assert_eq!(d.dispatches().len(), 1);
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert!(k.tags(SyncKind::OneOff).is_empty());
}

#[test]
fn fires_again_immediately_after_a_failed_event_without_back_off() {
    let mut k = Kit::spec();
    let (_, d) = k.register("s");
    let first = d.dispatches()[0].clone();
    k.register("s");
    let d = k.settle(&first, EventOutcome::Rejected);
    let again = d.dispatches();
    assert_eq!(again.len(), 1, "the re-register branch wins over waiting");
    assert_eq!(again[0].kind, DispatchKind::Sync { last_chance: false });
}

#[test]
fn last_chance_event_reregistered_is_not_dropped() {
    let mut k = Kit::with_config(config_with(sync_policy::Profile::Chromium, |c| c.oneshot.max_attempts = 1));
    let (_, d) = k.register("s");
    let first = d.dispatches()[0].clone();
    assert_eq!(first.kind, DispatchKind::Sync { last_chance: true });
    k.register("s");
    let d = k.settle(&first, EventOutcome::Rejected);
    assert_eq!(d.dispatches().len(), 1, "re-registered while firing: back to pending, not removed");
}
