//! Named knobs where the spec and Chromium disagree: each profile picks its side.

mod common;

use common::{policy, policy_with};
use sync_policy::{PeriodicReregisterWhileFiring, Policy, Profile, RevocationAction, TagOrder, WaitingReregister};

#[test]
fn each_profile_picks_its_side() {
    // (profile, getTags order, register() while waiting, periodic re-register while firing)
    let table = [
        (Profile::Spec, TagOrder::Insertion, WaitingReregister::Spec, PeriodicReregisterWhileFiring::Spec),
        (Profile::Chromium, TagOrder::Sorted, WaitingReregister::Chromium, PeriodicReregisterWhileFiring::FireAgain),
    ];
    for (profile, order, waiting, firing) in table {
        let p = policy(profile);
        assert_eq!(p.tag_order(), order, "{profile}");
        assert_eq!(p.waiting_reregister(), waiting, "{profile}");
        assert_eq!(p.periodic_reregister_while_firing(), firing, "{profile}");
        // The spec removes an origin's periodic registrations when the permission is
        // revoked; Chromium keeps them (only new registrations are refused).
        let revoked = if profile == Profile::Spec { RevocationAction::Remove } else { RevocationAction::Keep };
        assert_eq!(p.on_periodic_permission_revoked(), revoked, "{profile}");
        // Neither caps concurrent events (Chromium fires every ready registration in one batch).
        assert_eq!(p.max_concurrent_per_origin(), None, "{profile}");
        assert_eq!(p.max_concurrent_total(), None, "{profile}");
    }
}

#[test]
fn every_quirk_can_be_switched() {
    let p = policy_with(Profile::Chromium, |c| {
        c.register.tag_order = TagOrder::Insertion;
        c.oneshot.reregister_while_waiting = WaitingReregister::Spec;
        c.periodic.reregister_while_firing = PeriodicReregisterWhileFiring::Spec;
        c.periodic.on_permission_revoked = RevocationAction::Suspend;
        c.limits.max_concurrent_per_origin = Some(2);
        c.limits.max_concurrent_total = Some(8);
    });
    assert_eq!(p.tag_order(), TagOrder::Insertion);
    assert_eq!(p.waiting_reregister(), WaitingReregister::Spec);
    assert_eq!(p.periodic_reregister_while_firing(), PeriodicReregisterWhileFiring::Spec);
    assert_eq!(p.on_periodic_permission_revoked(), RevocationAction::Suspend);
    assert_eq!(p.max_concurrent_per_origin(), Some(2));
    assert_eq!(p.max_concurrent_total(), Some(8));
}
