mod common;
use common::*;
use sync_core::DispatchKind;
use sync_policy::{EventOutcome, SyncKind};

#[test]
fn register_fires_and_retries_with_backoff() {
    let mut k = Kit::chromium();
    let (r, d) = k.register("a");
    assert!(d.resolved(r));
    let ev = d.dispatches();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].kind, DispatchKind::Sync { last_chance: false });
    let d = k.settle(&ev[0], EventOutcome::Rejected);
    assert!(d.dispatches().is_empty());
    assert_eq!(k.tags(SyncKind::OneOff), vec!["a"]);
    let d = k.advance(mins(5));
    assert_eq!(d.dispatches().len(), 1);
    let d2 = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(d2.dispatches().is_empty());
    let d = k.advance(mins(15));
    let ev = d.dispatches();
    assert_eq!(ev[0].kind, DispatchKind::Sync { last_chance: true });
    k.settle(&ev[0], EventOutcome::Rejected);
    assert!(k.tags(SyncKind::OneOff).is_empty());
}
