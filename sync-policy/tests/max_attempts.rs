//! Attempt cap of a one-off registration: `max_attempts`, or the separate
//! value when the origin has notification permission (Chromium reads it once,
//! at registration).

mod common;

use common::{PROFILES, policy, policy_with};
use sync_policy::{PermissionState, Policy};

#[test]
fn three_attempts_with_or_without_notifications() {
    for profile in PROFILES {
        let p = policy(profile);
        for n in [PermissionState::Granted, PermissionState::Denied, PermissionState::Prompt, PermissionState::Unset] {
            assert_eq!(p.max_attempts(n), 3, "{profile} {n:?}");
        }
    }
}

#[test]
fn only_granted_notifications_select_the_other_value() {
    // observed in Chromium 156 over CDP: max_sync_attempts=5 with max_sync_attempts_with_notification_permission=4.
    for profile in PROFILES {
        let p = policy_with(profile, |c| {
            c.oneshot.max_attempts = 5;
            c.oneshot.max_attempts_with_notification_permission = 4;
        });
        assert_eq!(p.max_attempts(PermissionState::Granted), 4, "{profile}");
        for n in [PermissionState::Denied, PermissionState::Prompt, PermissionState::Unset] {
            assert_eq!(p.max_attempts(n), 5, "{profile} {n:?}");
        }
    }
}

#[test]
fn never_fewer_than_one_attempt() {
    let p = policy_with(sync_policy::Profile::Chromium, |c| {
        c.oneshot.max_attempts = 0;
        c.oneshot.max_attempts_with_notification_permission = 0;
    });
    assert_eq!(p.max_attempts(PermissionState::Unset), 1);
    assert_eq!(p.max_attempts(PermissionState::Granted), 1);
}
