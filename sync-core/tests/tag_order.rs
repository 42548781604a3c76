//! getTags order (policy) and the separate one-off / periodic namespaces.
mod common;
use common::*;
use sync_core::Input;
use sync_policy::SyncKind;

#[test]
fn spec_lists_in_insertion_order_and_chromium_sorted() {
    for (mut k, expected) in
        [(Kit::spec(), vec!["zeta", "alpha", "mid"]), (Kit::chromium(), vec!["alpha", "mid", "zeta"])]
    {
        k.offline();
        for t in ["zeta", "alpha", "mid", "alpha"] {
            k.register(t);
        }
        assert_eq!(k.tags(SyncKind::OneOff), expected);
    }
}

#[test]
fn one_off_and_periodic_namespaces_are_separate() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.offline();
    k.register("x");
    let (r, d) = k.register_periodic("x", 0);
    assert!(d.resolved(r));
    assert_eq!(k.tags(SyncKind::OneOff), vec!["x"]);
    assert_eq!(k.tags(SyncKind::Periodic), vec!["x"]);
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: sync_core::Caller::Client(W1), sw: R1, tag: "x".into() })
        .unwrap()
        .request()
        .unwrap();
    assert!(k.drain().resolved(r));
    assert_eq!(k.tags(SyncKind::OneOff), vec!["x"]);
    assert!(k.tags(SyncKind::Periodic).is_empty());
}
