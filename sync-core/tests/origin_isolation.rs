//! Origins are isolated: nothing one origin does reads, changes or starves
//! another's registrations.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, SwRegId};
use sync_policy::{EventOutcome, FrameType, Profile, SyncKind};

const RB: SwRegId = SwRegId(20);

fn two_origins(k: &mut Kit) {
    k.engine.handle(k.now, Input::AddWorker { sw: RB, origin: B.to_string(), active: true }).unwrap();
    k.engine
        .handle(k.now, Input::ClientOpened { client: W2, origin: B.to_string(), frame: FrameType::TopLevel })
        .unwrap();
}

#[test]
fn same_tag_in_two_origins_is_two_registrations() {
    let mut k = Kit::chromium();
    two_origins(&mut k);
    k.offline();
    k.register("x");
    k.engine.handle(k.now, Input::Register { caller: Caller::Client(W2), sw: RB, tag: "x".into() }).unwrap();
    k.drain();
    k.engine.handle(k.now, Input::WorkerUnregistered(R1)).unwrap();
    let r = k
        .engine
        .handle(k.now, Input::GetTags { caller: Caller::Client(W2), sw: RB, kind: SyncKind::OneOff })
        .unwrap()
        .request()
        .unwrap();
    assert_eq!(k.drain().tags(r), vec!["x"]);
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(d.dispatches()[0].sw, RB);
}

#[test]
fn a_busy_origin_does_not_delay_another_origins_event() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.limits.max_concurrent_total = Some(2);
        c.register.max_registrations_per_origin = None;
    }));
    two_origins(&mut k);
    k.offline();
    for i in 0..1000 {
        k.register(&format!("a{i}"));
    }
    k.engine.handle(k.now, Input::Register { caller: Caller::Client(W2), sw: RB, tag: "b".into() }).unwrap();
    k.drain();
    let d = k.online();
    let origins: Vec<String> = d.dispatches().iter().map(|e| e.origin.to_string()).collect();
    assert_eq!(origins.len(), 2, "the global cap allows two events");
    assert!(origins.iter().any(|o| o == B), "round-robin gives B a slot at once: {origins:?}");
}

#[test]
fn per_origin_cap_holds_an_origin_back_without_holding_others() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| c.limits.max_concurrent_per_origin = Some(1)));
    two_origins(&mut k);
    k.offline();
    k.register("a1");
    k.register("a2");
    k.engine.handle(k.now, Input::Register { caller: Caller::Client(W2), sw: RB, tag: "b".into() }).unwrap();
    k.drain();
    let d = k.online();
    let mut got: Vec<String> = d.dispatches().iter().map(|e| format!("{}:{}", e.origin, e.tag)).collect();
    got.sort();
    assert_eq!(got.len(), 2);
    assert!(got.iter().any(|g| g.starts_with(B)));
    let first_a = d.dispatches().into_iter().find(|e| e.origin.as_str() == A).unwrap();
    let d = k.settle(&first_a, EventOutcome::Fulfilled);
    assert_eq!(d.dispatches().len(), 1, "A's second event starts when its first settles");
}

#[test]
fn an_origin_with_a_hundred_thousand_pending_does_not_delay_another_origins_event() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.limits.max_concurrent_total = Some(8);
        c.register.max_registrations_per_origin = None;
    }));
    k.engine.set_log_recording(false);
    two_origins(&mut k);
    k.offline();
    for i in 0..100_000 {
        k.engine
            .handle(k.now, Input::Register { caller: Caller::Client(W1), sw: R1, tag: format!("a{i}").into() })
            .unwrap();
        while k.engine.poll_action().is_some() {}
    }
    k.engine.handle(k.now, Input::Register { caller: Caller::Client(W2), sw: RB, tag: "b".into() }).unwrap();
    k.drain();
    let d = k.online();
    assert_eq!(d.dispatches().len(), 8);
    assert!(d.dispatches().iter().any(|e| e.origin.as_str() == B), "B is served in the first round");
}
