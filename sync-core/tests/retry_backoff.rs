//! spec: fire a sync event, step 5.3 with the policy's back-off and lastChance.
mod common;
use common::*;
use sync_core::DispatchKind;
use sync_policy::{EventOutcome, PermissionName, PermissionState, Profile, SyncKind};

fn fail_all(k: &mut Kit, times: &[u64]) -> Vec<bool> {
    let (_, d) = k.register("f");
    let mut last = Vec::new();
    let mut ev = d.dispatches()[0].clone();
    let mut elapsed = 0;
    for (i, &at) in times.iter().enumerate() {
        assert_eq!(elapsed, at, "attempt {i} at {at} min");
        let DispatchKind::Sync { last_chance } = ev.kind else { panic!() };
        last.push(last_chance);
        k.settle(&ev, EventOutcome::Rejected);
        if i + 1 == times.len() {
            break;
        }
        let wait = times[i + 1] - at;
        let before = k.advance(mins(wait - 1).saturating_add(sync_policy::Millis(59_999)));
        assert!(before.dispatches().is_empty(), "nothing before the delay ends");
        let d = k.advance(sync_policy::Millis(1));
        ev = d.dispatches()[0].clone();
        elapsed = times[i + 1];
    }
    last
}

#[test]
fn chromium_defaults_retry_after_5_and_15_minutes_with_last_chance_on_the_third() {
    let mut k = Kit::chromium();
    assert_eq!(fail_all(&mut k, &[0, 5, 20]), vec![false, false, true]);
    assert!(k.tags(SyncKind::OneOff).is_empty(), "dropped after the last chance");
    assert!(k.advance(hours(24 * 7)).dispatches().is_empty());
}

#[test]
fn max_attempts_is_a_policy_knob() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| c.oneshot.max_attempts = 5));
    assert_eq!(fail_all(&mut k, &[0, 5, 20, 65, 200]), vec![false, false, false, false, true]);
}

#[test]
fn notification_permission_selects_its_own_attempt_cap() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.oneshot.max_attempts = 5;
        c.oneshot.max_attempts_with_notification_permission = 2;
    }));
    k.set_permission(PermissionName::Notifications, PermissionState::Granted);
    assert_eq!(fail_all(&mut k, &[0, 5]), vec![false, true]);
}

#[test]
fn success_on_a_retry_removes_the_registration() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("f");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    let d = k.advance(mins(5));
    let d = k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert_eq!(d.log_names(), vec!["Sync completed"]);
    assert!(k.tags(SyncKind::OneOff).is_empty());
    assert!(k.advance(hours(24)).dispatches().is_empty());
}

#[test]
fn one_attempt_means_the_first_is_the_last_chance() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| c.oneshot.max_attempts = 1));
    let (_, d) = k.register("f");
    assert_eq!(d.dispatches()[0].kind, DispatchKind::Sync { last_chance: true });
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(k.tags(SyncKind::OneOff).is_empty());
}
