//! Periodic registrations across a restart.
mod common;
use common::*;
use sync_core::Engine;
use sync_core::Input;
use sync_core::store::Store;
use sync_policy::{ConfigurablePolicy, EventOutcome, PermissionName, PermissionState, Profile, SyncKind};

fn restart(k: &mut Kit, profile: Profile) {
    let snapshot = k.store.load().unwrap();
    let mut engine = Engine::restore(ConfigurablePolicy::profile(profile), k.now, snapshot).unwrap();
    engine
        .handle(
            k.now,
            Input::ClientOpened { client: W1, origin: A.to_string(), frame: sync_policy::FrameType::TopLevel },
        )
        .unwrap();
    engine
        .handle(
            k.now,
            Input::Permission {
                origin: A.to_string(),
                name: PermissionName::PeriodicBackgroundSync,
                state: PermissionState::Granted,
            },
        )
        .unwrap();
    k.engine = engine;
}

#[test]
fn a_long_sleep_yields_one_event_not_one_per_missed_interval() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.register_periodic("p", 0);
    k.now = k.now.saturating_add(hours(24 * 5));
    restart(&mut k, Profile::Chromium);
    let d = k.drain();
    assert_eq!(d.dispatches().len(), 1);
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert!(k.advance(sync_policy::Millis(hours(12).0 - 1)).dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1);
}

#[test]
fn the_spec_waits_the_across_origins_interval_after_start_and_chromium_does_not() {
    for (profile, fire_at) in [(Profile::Spec, 13), (Profile::Chromium, 12)] {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        k.grant_periodic();
        k.offline();
        k.register("a");
        k.register_periodic("p", 1000);
        k.advance(hours(1));
        restart(&mut k, profile);
        k.offline();
        assert_eq!(k.tags(SyncKind::OneOff), vec!["a"]);
        let d = k.online();
        assert_eq!(d.dispatches().len(), 1, "the one-off fires once online");
        let d = k.advance(sync_policy::Millis(hours(fire_at - 1).0 - 1));
        assert!(d.dispatches().iter().all(|e| &*e.tag != "p"), "{profile}");
        let d = k.advance(sync_policy::Millis(1));
        assert!(d.dispatches().iter().any(|e| &*e.tag == "p"), "{profile}: p at {fire_at}h");
    }
}

#[test]
fn the_origin_gap_survives_a_restart() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.register_periodic("p", 0);
    let d = k.advance(hours(12));
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    k.advance(hours(1));
    k.register_periodic("q", 0);
    restart(&mut k, Profile::Chromium);
    // q would be due at 25h by its interval; p at 24h. Nothing before 24h.
    assert!(k.advance(sync_policy::Millis(hours(11).0 - 1)).dispatches().is_empty());
}

/// The state-machine test's minimal case (F8): a periodic event interrupted by a
/// restart after a re-register changed its `minInterval` fires again at once (the
/// interrupted cycle is not used up); the new interval counts from that cycle.
#[test]
fn an_event_interrupted_after_a_reregister_with_a_new_interval_fires_again_then_waits_the_new_interval() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.register_periodic("a", 0);
    k.offline();
    k.advance(hours(12));
    let d = k.online();
    assert_eq!(d.dispatches().len(), 1, "due at 12h, fires when back online");
    k.register_periodic("a", 13 * 3_600_000);
    restart(&mut k, Profile::Chromium);
    let d = k.drain();
    assert_eq!(d.dispatches().len(), 1, "the interrupted event fires again at once");
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    // 13 h rounds up to 24 h under Chromium's 12 h floor.
    assert!(k.advance(sync_policy::Millis(hours(24).0 - 1)).dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1);
}
