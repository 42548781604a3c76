//! A registration is acknowledged only after it is durable: every reply that
//! depends on a mutation is queued after its Persist.
mod common;
use common::*;
use sync_core::Action;
use sync_core::store::Mutation;

#[test]
fn new_registration_persists_before_replying_and_replies_before_dispatching() {
    let mut k = Kit::chromium();
    let (r, d) = k.register("a");
    let kinds: Vec<&str> = d
        .actions
        .iter()
        .map(|a| match a {
            Action::Persist(_) => "persist",
            Action::Reply { .. } => "reply",
            Action::Dispatch(_) => "dispatch",
            Action::Log(_) => "log",
            other => panic!("an action this test does not order yet: {other:?}"),
        })
        .collect();
    assert_eq!(kinds, vec!["persist", "reply", "log", "log", "dispatch"]);
    assert!(d.resolved(r));
    assert!(matches!(&d.persists()[0], Mutation::Put(row) if &*row.key.tag == "a"));
}

#[test]
fn waiting_to_pending_reregistration_persists_before_replying() {
    let mut k = Kit::spec();
    let (_, d) = k.register("a");
    k.settle(&d.dispatches()[0], sync_policy::EventOutcome::Rejected);
    let (r, d) = k.register("a");
    let persist_at = d.actions.iter().position(|a| matches!(a, Action::Persist(_))).unwrap();
    let reply_at = d.actions.iter().position(|a| matches!(a, Action::Reply { request, .. } if *request == r)).unwrap();
    assert!(persist_at < reply_at);
}
