//! Per-origin registration quota: new tags are refused once the origin holds
//! the cap; re-registering an existing tag is never refused by it.

mod common;

use common::{PROFILES, policy, policy_with, register_ctx};
use sync_policy::config::DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN;
use sync_policy::{Policy, Refusal, RegisterContext, SyncKind};

#[test]
fn new_tags_stop_at_the_cap() {
    for profile in PROFILES {
        let p = policy(profile);
        for kind in [SyncKind::OneOff, SyncKind::Periodic] {
            let below = RegisterContext {
                origin_registrations: DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN - 1,
                ..register_ctx(kind)
            };
            assert_eq!(p.check_register(&below), Ok(()), "{profile} {kind}");
            let at =
                RegisterContext { origin_registrations: DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN, ..register_ctx(kind) };
            assert_eq!(p.check_register(&at), Err(Refusal::QuotaExceeded), "{profile} {kind}");
        }
    }
}

#[test]
fn re_registration_does_not_count() {
    for profile in PROFILES {
        let ctx = RegisterContext {
            tag_exists: true,
            origin_registrations: DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN + 5,
            ..register_ctx(SyncKind::OneOff)
        };
        assert_eq!(policy(profile).check_register(&ctx), Ok(()), "{profile}");
    }
}

#[test]
fn cap_is_configurable_and_can_be_lifted() {
    for profile in PROFILES {
        let small = policy_with(profile, |c| c.register.max_registrations_per_origin = Some(2));
        let ctx = |n| RegisterContext { origin_registrations: n, ..register_ctx(SyncKind::Periodic) };
        assert_eq!(small.check_register(&ctx(1)), Ok(()));
        assert_eq!(small.check_register(&ctx(2)), Err(Refusal::QuotaExceeded));
        let none = policy_with(profile, |c| c.register.max_registrations_per_origin = None);
        assert_eq!(none.check_register(&ctx(usize::MAX)), Ok(()));
    }
}

#[test]
fn quota_is_quota_exceeded_error() {
    assert_eq!(Refusal::QuotaExceeded.dom_exception().as_str(), "QuotaExceededError");
}

#[test]
fn new_tags_stop_at_the_byte_budget() {
    use sync_policy::config::DEFAULT_MAX_TAG_BYTES_PER_ORIGIN as BUDGET;
    for profile in PROFILES {
        let p = policy(profile);
        for kind in [SyncKind::OneOff, SyncKind::Periodic] {
            let ctx = |held, tag_len| RegisterContext { origin_tag_bytes: held, tag_len, ..register_ctx(kind) };
            assert_eq!(p.check_register(&ctx(BUDGET - 4, 4)), Ok(()), "{profile} {kind}: exactly the budget");
            assert_eq!(p.check_register(&ctx(BUDGET - 3, 4)), Err(Refusal::TagBytesExceeded), "{profile} {kind}");
            let existing = RegisterContext { tag_exists: true, ..ctx(BUDGET, 4) };
            assert_eq!(p.check_register(&existing), Ok(()), "{profile} {kind}: re-registration adds nothing");
        }
    }
    assert_eq!(Refusal::TagBytesExceeded.dom_exception().as_str(), "QuotaExceededError");
    let none = policy_with(sync_policy::Profile::Spec, |c| c.register.max_tag_bytes_per_origin = None);
    let ctx = RegisterContext { origin_tag_bytes: usize::MAX, tag_len: 4, ..register_ctx(SyncKind::OneOff) };
    assert_eq!(none.check_register(&ctx), Ok(()), "\"none\" lifts the budget");
}
