//! Order of the register checks when several fail: the spec checks the
//! permission (step 3) before the window (step 6); Chromium checks the
//! window, then the tag length, then the permission. The quota comes last.

mod common;

use common::{policy, policy_with, register_ctx, with_frames};
use sync_policy::CheckOrder;
use sync_policy::{PermissionState, Policy, Profile, Refusal, RegisterContext, SyncKind};

/// Every check fails at once.
fn all_wrong(kind: SyncKind) -> RegisterContext {
    RegisterContext {
        permission: PermissionState::Denied,
        tag_len: 20_000,
        origin_registrations: usize::MAX,
        ..with_frames(register_ctx(kind), &[])
    }
}

#[test]
fn first_refusal_per_profile() {
    // (profile, with everything wrong, then with permission fixed, then window fixed as well)
    let table = [
        (Profile::Spec, Refusal::PermissionDenied, Refusal::NoWindow, Refusal::QuotaExceeded),
        (Profile::Chromium, Refusal::NoWindow, Refusal::NoWindow, Refusal::TagTooLong),
    ];
    for (profile, first, second, third) in table {
        let p = policy(profile);
        for kind in [SyncKind::OneOff, SyncKind::Periodic] {
            let ctx = all_wrong(kind);
            assert_eq!(p.check_register(&ctx), Err(first), "{profile} {kind}");
            let ctx = RegisterContext { permission: PermissionState::Granted, ..ctx };
            assert_eq!(p.check_register(&ctx), Err(second), "{profile} {kind}");
            let ctx = RegisterContext { clients_by_frame: register_ctx(kind).clients_by_frame, ..ctx };
            assert_eq!(p.check_register(&ctx), Err(third), "{profile} {kind}");
        }
    }
}

#[test]
fn chromium_checks_tag_length_before_permission() {
    let ctx = RegisterContext { permission: PermissionState::Denied, tag_len: 10241, ..register_ctx(SyncKind::OneOff) };
    assert_eq!(policy(Profile::Chromium).check_register(&ctx), Err(Refusal::TagTooLong));
    // Spec order with Chromium's cap: the permission wins.
    let p = policy_with(Profile::Chromium, |c| c.register.check_order = CheckOrder::Spec);
    assert_eq!(p.check_register(&ctx), Err(Refusal::PermissionDenied));
}

#[test]
fn quota_is_checked_last_in_both_orders() {
    for profile in [Profile::Spec, Profile::Chromium] {
        let ctx =
            RegisterContext { tag_len: 20_000, origin_registrations: usize::MAX, ..register_ctx(SyncKind::OneOff) };
        let p = policy_with(profile, |c| c.register.tag_max_length = Some(10240));
        assert_eq!(p.check_register(&ctx), Err(Refusal::TagTooLong), "{profile}");
    }
}
