//! spec: register, step 8: an existing pending tag is not registered twice.
mod common;
use common::*;
use sync_policy::SyncKind;

#[test]
fn duplicate_pending_registration_fires_once() {
    let mut k = Kit::chromium();
    k.offline();
    for _ in 0..3 {
        let (r, d) = k.register("x");
        assert!(d.resolved(r));
    }
    assert_eq!(k.tags(SyncKind::OneOff), vec!["x"]);
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(&*d.dispatches()[0].tag, "x");
}

#[test]
fn duplicate_registration_persists_and_logs_nothing() {
    let mut k = Kit::chromium();
    k.offline();
    let (_, first) = k.register("x");
    assert_eq!(first.persists().len(), 1);
    assert_eq!(first.log_names(), vec!["Registered sync"]);
    let (r, again) = k.register("x");
    assert!(again.resolved(r));
    assert!(again.persists().is_empty());
    assert!(again.logs().is_empty());
}

#[test]
fn a_finished_tag_can_be_registered_again() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("t");
    k.settle(&d.dispatches()[0], sync_policy::EventOutcome::Fulfilled);
    let (_, d) = k.register("t");
    assert_eq!(d.dispatches().len(), 1, "a new registration fires again");
}
