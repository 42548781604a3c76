//! Periodic timing: the UA minimum interval, minInterval above it, Chromium's
//! snapping, and engagement scaling.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, DispatchKind, Explanation};
use sync_policy::{Blocker, Engagement, EventOutcome, Profile, SyncKind};

fn kit(profile: Profile) -> Kit {
    let mut k = Kit::with_config(config_with(profile, |_| {}));
    k.grant_periodic();
    k
}

#[test]
fn never_fires_before_the_ua_minimum_interval() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = kit(profile);
        let (r, d) = k.register_periodic("p", 1000);
        assert!(d.resolved(r));
        assert!(d.dispatches().is_empty(), "periodic never fires at registration");
        let d = k.advance(hours(12).saturating_add(sync_policy::Millis(0)).saturating_add(sync_policy::Millis(0)));
        let fired = d.dispatches();
        assert_eq!(fired.len(), 1, "{profile}");
        assert_eq!(fired[0].kind, DispatchKind::PeriodicSync);
        assert_eq!(fired[0].deadline, k.now.saturating_add(mins(3)));
        k.settle(&fired[0], EventOutcome::Fulfilled);
        assert_eq!(k.tags(SyncKind::Periodic), vec!["p"], "periodic registrations stay");
    }
}

#[test]
fn nothing_fires_one_second_early() {
    let mut k = kit(Profile::Spec);
    k.register_periodic("p", 1000);
    let d = k.advance(sync_policy::Millis(hours(12).0 - 1000));
    assert!(d.dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1000)).dispatches().len(), 1);
}

#[test]
fn a_min_interval_above_the_floor_is_respected_and_snapped_in_chromium() {
    for (profile, min, expect) in [
        (Profile::Spec, hours(13).0, hours(13)),
        (Profile::Chromium, hours(13).0, hours(24)),
        (Profile::Chromium, hours(48).0, hours(48)),
        (Profile::Spec, hours(24).0, hours(24)),
    ] {
        let mut k = kit(profile);
        k.register_periodic("p", min);
        let d = k.advance(sync_policy::Millis(expect.0 - 1));
        assert!(d.dispatches().is_empty(), "{profile} {min}");
        assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1, "{profile} {min}");
    }
}

#[test]
fn the_next_event_is_measured_from_the_last_one() {
    let mut k = kit(Profile::Chromium);
    k.register_periodic("p", 0);
    let d = k.advance(hours(12));
    k.advance(mins(2));
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    let d = k.advance(sync_policy::Millis(hours(12).0 - 1));
    assert!(d.dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1, "12h after the event settled");
}

#[test]
fn engagement_scales_the_interval_and_none_suspends() {
    for (level, expect) in
        [(Engagement::Medium, 24), (Engagement::Low, 24), (Engagement::Minimal, 36), (Engagement::Max, 12)]
    {
        let mut k = kit(Profile::Chromium);
        k.engine.handle(k.now, Input::Engagement { origin: A.to_string(), level }).unwrap();
        k.register_periodic("p", 0);
        assert!(k.advance(sync_policy::Millis(hours(expect).0 - 1)).dispatches().is_empty(), "{level:?}");
        assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1, "{level:?}");
    }
    let mut k = kit(Profile::Chromium);
    k.engine.handle(k.now, Input::Engagement { origin: A.to_string(), level: Engagement::None }).unwrap();
    let (_, d) = k.register_periodic("p", 0);
    let delay = d
        .logs()
        .iter()
        .find(|l| l.name() == "Got next event delay")
        .unwrap()
        .meta("Next Attempt Delay (ms)")
        .map(str::to_string);
    assert_eq!(delay.as_deref(), Some("infinite"));
    assert!(k.advance(hours(100)).dispatches().is_empty());
    assert_eq!(k.engine.explain(&k.key(SyncKind::Periodic, "p")), Explanation::Blocked(Blocker::NoEngagement));
    k.engine.handle(k.now, Input::Engagement { origin: A.to_string(), level: Engagement::High }).unwrap();
    // Chromium's RevivePeriodicSyncRegistrations: the next cycle counts from the revival
    // (periodic.revival_restarts_cycle; the spec profile fires the overdue event at once).
    assert!(k.drain().dispatches().is_empty(), "revived: the next cycle counts from now");
    assert!(k.advance(sync_policy::Millis(hours(12).0 - 1)).dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1, "revival + the effective interval");
}

#[test]
fn raising_engagement_brings_the_next_event_forward() {
    let mut k = kit(Profile::Chromium);
    k.engine.handle(k.now, Input::Engagement { origin: A.to_string(), level: Engagement::Minimal }).unwrap();
    k.register_periodic("p", 0);
    k.advance(hours(13));
    k.engine.handle(k.now, Input::Engagement { origin: A.to_string(), level: Engagement::High }).unwrap();
    assert_eq!(k.drain().dispatches().len(), 1, "due at 12h under high engagement");
}

#[test]
fn reregistering_with_a_new_min_interval_updates_it() {
    let mut k = kit(Profile::Spec);
    k.register_periodic("p", 1000);
    let (r, d) = k.register_periodic("p", hours(24).0);
    assert!(d.resolved(r));
    assert_eq!(d.log_names(), vec!["Got next event delay", "Registered periodicsync"]);
    assert_eq!(d.logs()[0].meta("Next Attempt Delay (ms)"), Some("86400000"));
    assert_eq!(k.tags(SyncKind::Periodic), vec!["p"]);
    assert!(k.advance(hours(23)).dispatches().is_empty());
    assert_eq!(k.advance(hours(1)).dispatches().len(), 1);
}

#[test]
fn registration_logs_chromium_records() {
    let mut k = kit(Profile::Chromium);
    let (_, d) = k.register_periodic("p", 1000);
    // Chromium logs the delay it computed before the registration it stored.
    assert_eq!(d.log_names(), vec!["Got next event delay", "Registered periodicsync"]);
    assert_eq!(d.logs()[0].meta("Next Attempt Delay (ms)"), Some("43200000"));
    assert_eq!(d.logs()[1].meta("minInterval"), Some("1000"));
    let d = k.advance(hours(12));
    assert_eq!(d.log_names(), vec!["Dispatched periodicsync event"]);
    let done = k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert_eq!(done.log_names(), vec!["periodicsync event completed"]);
    assert_eq!(done.logs()[0].meta("Next Attempt Delay (ms)"), Some("43200000"));
    let r = k
        .engine
        .handle(k.now, Input::UnregisterPeriodic { caller: Caller::Client(W1), sw: R1, tag: "p".into() })
        .unwrap()
        .request()
        .unwrap();
    let d = k.drain();
    assert!(d.resolved(r));
    assert_eq!(d.log_names(), vec!["Unregistered periodicsync"]);
}
