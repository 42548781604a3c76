//! spec (periodic): register steps 2-3, minInterval conversion, and
//! "respond to permission revocation" (or the policy's suspension).
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Caller, DomErrorName, Explanation, MAX_SAFE_INTEGER_MS};
use sync_policy::{Blocker, EventOutcome, PermissionName, PermissionState, Profile, RevocationAction, SyncKind};

#[test]
fn periodic_needs_granted_permission_after_the_activation_check() {
    for profile in [Profile::Chromium, Profile::Spec] {
        let mut k = Kit::with_config(config_with(profile, |_| {}));
        let (r, d) = k.register_periodic("p", 0);
        assert_eq!(d.rejected(r), DomErrorName::NotAllowedError, "{profile}: unset is not granted");
        k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Prompt);
        let (r, d) = k.register_periodic("p", 0);
        match profile {
            Profile::Spec => assert_eq!(d.rejected(r), DomErrorName::NotAllowedError, "spec: prompt is not granted"),
            // Chromium refuses only a denied permission.
            Profile::Chromium => assert!(d.resolved(r), "chromium: prompt is not a denial"),
        }
        k.engine.handle(k.now, Input::AddWorker { sw: R2, origin: A.to_string(), active: false }).unwrap();
        let r = k
            .engine
            .handle(
                k.now,
                Input::RegisterPeriodic { caller: Caller::Client(W1), sw: R2, tag: "p".into(), min_interval: 0 },
            )
            .unwrap()
            .request()
            .unwrap();
        assert_eq!(k.drain().rejected(r), DomErrorName::InvalidStateError, "{profile}");
    }
}

#[test]
fn min_interval_outside_enforce_range_is_a_type_error() {
    let mut k = Kit::chromium();
    k.grant_periodic();
    for bad in [1u64 << 53, u64::MAX] {
        let (r, d) = k.register_periodic("p", bad);
        assert_eq!(d.rejected(r), DomErrorName::TypeError);
    }
    let (r, d) = k.register_periodic("p", MAX_SAFE_INTEGER_MS);
    assert!(d.resolved(r));
    let (r, d) = k.register_periodic("q", 0);
    assert!(d.resolved(r));
    assert_eq!(k.tags(SyncKind::Periodic), vec!["p", "q"]);
}

#[test]
fn revocation_removes_periodic_registrations_and_leaves_one_off_ones() {
    let mut k = Kit::spec();
    k.grant_periodic();
    k.offline();
    k.register("a");
    k.register_periodic("p", 0);
    let d = k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Denied);
    assert!(d.persists().iter().any(|m| matches!(m, sync_core::store::Mutation::Delete(key) if &*key.tag == "p")));
    assert!(k.tags(SyncKind::Periodic).is_empty());
    assert_eq!(k.tags(SyncKind::OneOff), vec!["a"]);
    k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Granted);
    assert!(k.tags(SyncKind::Periodic).is_empty(), "removed registrations do not come back");
}

#[test]
fn the_suspend_policy_keeps_them_and_explain_says_why() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.periodic.on_permission_revoked = RevocationAction::Suspend;
    }));
    k.grant_periodic();
    k.register_periodic("p", 0);
    k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Denied);
    assert!(k.advance(hours(13)).dispatches().is_empty());
    assert_eq!(k.tags(SyncKind::Periodic), vec!["p"]);
    assert_eq!(k.engine.explain(&k.key(SyncKind::Periodic, "p")), Explanation::Blocked(Blocker::PermissionDenied));
    let d = k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Granted);
    assert_eq!(d.dispatches().len(), 1);
    k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
}

#[test]
fn chromium_keeps_and_fires_periodic_registrations_after_a_denial() {
    // observed over CDP in Chromium 156: after a deny, getTags still lists the tag and only new registrations fail.
    let mut k = Kit::chromium();
    k.grant_periodic();
    k.register_periodic("q", 0);
    k.set_permission(PermissionName::PeriodicBackgroundSync, PermissionState::Denied);
    assert_eq!(k.tags(SyncKind::Periodic), vec!["q"]);
    let (r, d) = k.register_periodic("r", 0);
    assert_eq!(d.rejected(r), DomErrorName::NotAllowedError);
    assert_eq!(k.advance(hours(12)).dispatches().len(), 1, "not re-checked at fire time");
}
