//! Register-time window gate: top-level and auxiliary clients of the origin
//! count as "a window"; nested frames and workers do not (both specs'
//! register step 5, and Chromium's main-frame check).

mod common;

use common::{PROFILES, policy, policy_with, register_ctx, with_frames};
use sync_policy::{FrameType, Policy, Refusal, SyncKind};

#[test]
fn top_level_and_auxiliary_count_nested_and_none_do_not() {
    let table: [(&[FrameType], bool); 7] = [
        (&[FrameType::TopLevel], true),
        (&[FrameType::Auxiliary], true),
        (&[FrameType::Nested], false),
        (&[FrameType::None], false),
        (&[FrameType::Nested, FrameType::None], false),
        (&[FrameType::Nested, FrameType::Auxiliary], true),
        (&[], false),
    ];
    for profile in PROFILES {
        for kind in [SyncKind::OneOff, SyncKind::Periodic] {
            for (frames, allowed) in table {
                let ctx = with_frames(register_ctx(kind), frames);
                let want = if allowed { Ok(()) } else { Err(Refusal::NoWindow) };
                assert_eq!(policy(profile).check_register(&ctx), want, "{profile} {kind} {frames:?}");
            }
        }
    }
}

#[test]
fn the_counted_frame_types_are_configurable() {
    // The periodic spec's "in the background" also counts nested frames (open PR #166 would do
    // the same for one-off); a config can choose that reading.
    let p = policy_with(sync_policy::Profile::Spec, |c| c.register.window_frames.push(FrameType::Nested));
    let ctx = with_frames(register_ctx(SyncKind::OneOff), &[FrameType::Nested]);
    assert_eq!(p.check_register(&ctx), Ok(()));
    let ctx = with_frames(register_ctx(SyncKind::OneOff), &[FrameType::None]);
    assert_eq!(p.check_register(&ctx), Err(Refusal::NoWindow));
}

#[test]
fn no_window_is_invalid_access_error_with_chromium_message() {
    assert_eq!(Refusal::NoWindow.dom_exception().as_str(), "InvalidAccessError");
    assert_eq!(
        Refusal::NoWindow.message(),
        "Attempted to register a sync event without a window or registration tag too long."
    );
}
