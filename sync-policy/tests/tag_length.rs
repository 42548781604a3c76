//! Tag length cap: Chromium refuses tags over 10240 bytes; the specs set no cap.

mod common;

use common::{policy, policy_with, register_ctx};
use sync_policy::{Policy, Profile, Refusal, RegisterContext, SyncKind};

fn check(p: &impl Policy, kind: SyncKind, tag_len: usize) -> Result<(), Refusal> {
    p.check_register(&RegisterContext { tag_len, ..register_ctx(kind) })
}

#[test]
fn chromium_accepts_10240_and_refuses_10241() {
    let p = policy(Profile::Chromium);
    for kind in [SyncKind::OneOff, SyncKind::Periodic] {
        assert_eq!(check(&p, kind, 0), Ok(()), "{kind}: empty tag");
        assert_eq!(check(&p, kind, 10240), Ok(()), "{kind}");
        assert_eq!(check(&p, kind, 10241), Err(Refusal::TagTooLong), "{kind}");
    }
}

#[test]
fn spec_has_no_cap() {
    let p = policy(Profile::Spec);
    // Only the per-origin tag-byte budget (tests/quota.rs) bounds a single tag.
    let unbudgeted = policy_with(Profile::Spec, |c| c.register.max_tag_bytes_per_origin = None);
    for kind in [SyncKind::OneOff, SyncKind::Periodic] {
        for len in [10241, 1 << 20] {
            assert_eq!(check(&p, kind, len), Ok(()), "{kind} {len}");
        }
        assert_eq!(check(&unbudgeted, kind, usize::MAX), Ok(()), "{kind}");
    }
}

#[test]
fn cap_is_configurable_both_ways() {
    let capped = policy_with(Profile::Spec, |c| c.register.tag_max_length = Some(8));
    assert_eq!(check(&capped, SyncKind::OneOff, 8), Ok(()));
    assert_eq!(check(&capped, SyncKind::OneOff, 9), Err(Refusal::TagTooLong));
    let uncapped = policy_with(Profile::Chromium, |c| c.register.tag_max_length = None);
    assert_eq!(check(&uncapped, SyncKind::OneOff, 10241), Ok(()));
}

#[test]
fn too_long_shares_chromium_error_with_no_window() {
    assert_eq!(Refusal::TagTooLong.dom_exception().as_str(), "InvalidAccessError");
    assert_eq!(Refusal::TagTooLong.message(), Refusal::NoWindow.message());
}
