//! Register-time permission gate: one-off blocks only on "denied"; periodic
//! blocks unless "granted"; "unset" maps through the profile's default.

mod common;

use common::{PROFILES, policy, policy_with, register_ctx};
use sync_policy::{PermissionName, PermissionState, Policy, Profile, Refusal, SyncKind};

use PermissionState::{Denied, Granted, Prompt, Unset};

fn check(profile: Profile, kind: SyncKind, permission: PermissionState) -> Result<(), Refusal> {
    let ctx = sync_policy::RegisterContext { permission, ..register_ctx(kind) };
    policy(profile).check_register(&ctx)
}

#[test]
fn one_off_blocks_only_when_denied() {
    for profile in PROFILES {
        for (state, allowed) in [(Granted, true), (Prompt, true), (Unset, true), (Denied, false)] {
            let got = check(profile, SyncKind::OneOff, state);
            let want = if allowed { Ok(()) } else { Err(Refusal::PermissionDenied) };
            assert_eq!(got, want, "{profile} one-off with {state:?}");
        }
    }
}

#[test]
fn periodic_blocks_unless_granted_in_spec_and_when_denied_in_chromium() {
    for profile in PROFILES {
        // Unset maps to the profile default: prompt (spec), denied (Chromium).
        let prompt_allowed = profile == Profile::Chromium;
        for (state, allowed) in [(Granted, true), (Prompt, prompt_allowed), (Unset, false), (Denied, false)] {
            let got = check(profile, SyncKind::Periodic, state);
            let want = if allowed { Ok(()) } else { Err(Refusal::PermissionDenied) };
            assert_eq!(got, want, "{profile} periodic with {state:?}");
        }
    }
}

#[test]
fn unset_maps_to_the_profile_default() {
    // (profile, background-sync, periodic-background-sync, notifications)
    let table = [(Profile::Chromium, Granted, Denied, Prompt), (Profile::Spec, Granted, Prompt, Prompt)];
    for (profile, one_off, periodic, notifications) in table {
        let p = policy(profile);
        assert_eq!(p.default_permission(PermissionName::BackgroundSync), one_off, "{profile}");
        assert_eq!(p.default_permission(PermissionName::PeriodicBackgroundSync), periodic, "{profile}");
        assert_eq!(p.default_permission(PermissionName::Notifications), notifications, "{profile}");
    }
}

#[test]
fn configured_defaults_change_what_unset_means() {
    for profile in PROFILES {
        let p = policy_with(profile, |c| {
            c.register.background_sync_default = Denied;
            c.register.periodic_sync_default = Granted;
        });
        let one_off = sync_policy::RegisterContext { permission: Unset, ..register_ctx(SyncKind::OneOff) };
        let periodic = sync_policy::RegisterContext { permission: Unset, ..register_ctx(SyncKind::Periodic) };
        assert_eq!(p.check_register(&one_off), Err(Refusal::PermissionDenied), "{profile}");
        assert_eq!(p.check_register(&periodic), Ok(()), "{profile}");
    }
}

#[test]
fn permission_refusal_is_not_allowed_error() {
    assert_eq!(Refusal::PermissionDenied.dom_exception().as_str(), "NotAllowedError");
    assert_eq!(Refusal::PermissionDenied.message(), "Permission denied.");
}
