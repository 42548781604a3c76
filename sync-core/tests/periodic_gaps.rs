//! The per-origin minimum gap between periodic events, and the spec's
//! across-origins round gate.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, SwRegId};
use sync_policy::{EventOutcome, FrameType, PermissionName, PermissionState, Profile};

fn kit(profile: Profile) -> Kit {
    let mut k = Kit::with_config(config_with(profile, |_| {}));
    k.grant_periodic();
    k
}

fn settle_all(k: &mut Kit, d: &Drained) {
    for e in d.dispatches() {
        k.settle(&e, EventOutcome::Fulfilled);
    }
}

#[test]
fn tags_of_one_origin_due_together_fire_in_one_round() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = kit(profile);
        k.register_periodic("p", 1000);
        k.register_periodic("q", 1000);
        let d = k.advance(hours(12));
        assert_eq!(d.dispatches().len(), 2, "{profile}");
        settle_all(&mut k, &d);
        assert!(k.advance(sync_policy::Millis(hours(12).0 - 60_000)).dispatches().is_empty());
    }
}

#[test]
fn the_origin_gap_holds_across_tags_and_workers() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = kit(profile);
        k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: true }).unwrap();
        k.register_periodic("p", 0);
        k.advance(hours(1));
        k.engine
            .handle(
                k.now,
                Input::RegisterPeriodic { caller: Caller::Client(W1), sw: R2, tag: "q".into(), min_interval: 0 },
            )
            .unwrap();
        k.drain();
        let d = k.advance(hours(11));
        assert_eq!(d.dispatches().len(), 1, "p at 12h");
        let fired_at = k.now;
        settle_all(&mut k, &d);
        // q is due at 13h by its own interval, but the origin fired at 12h.
        let d = k.advance(sync_policy::Millis(hours(12).0 - 1));
        assert!(d.dispatches().is_empty(), "{profile}: q held by the 12h origin gap");
        let d = k.advance(sync_policy::Millis(1));
        assert!(d.dispatches().iter().any(|e| &*e.tag == "q"), "{profile}");
        assert_eq!(k.now, fired_at.saturating_add(hours(12)));
    }
}

#[test]
fn other_origins_are_not_held_by_the_origin_gap_in_chromium_but_are_by_the_spec_round_gate() {
    for (profile, b_at) in [(Profile::Chromium, 13), (Profile::Spec, 24)] {
        let mut k = kit(profile);
        let rb = SwRegId(20);
        k.engine.handle(k.now, Input::AddWorker { sw: rb, origin: B.to_string(), active: true }).unwrap();
        k.engine
            .handle(k.now, Input::ClientOpened { client: W2, origin: B.to_string(), frame: FrameType::TopLevel })
            .unwrap();
        k.engine
            .handle(
                k.now,
                Input::Permission {
                    origin: B.to_string(),
                    name: PermissionName::PeriodicBackgroundSync,
                    state: PermissionState::Granted,
                },
            )
            .unwrap();
        k.register_periodic("a", 0);
        k.advance(hours(1));
        k.engine
            .handle(
                k.now,
                Input::RegisterPeriodic { caller: Caller::Client(W2), sw: rb, tag: "b".into(), min_interval: 0 },
            )
            .unwrap();
        k.drain();
        let d = k.advance(hours(11));
        assert_eq!(d.dispatches().len(), 1);
        settle_all(&mut k, &d);
        let d = k.advance(sync_policy::Millis(hours(b_at - 12).0 - 1));
        assert!(d.dispatches().iter().all(|e| e.origin.as_str() != B), "{profile}");
        let d = k.advance(sync_policy::Millis(1));
        assert!(d.dispatches().iter().any(|e| e.origin.as_str() == B), "{profile}: B at {b_at}h");
    }
}
