//! `SyncEvent.lastChance`: true on the attempt after which no retry follows.

mod common;

use common::{PROFILES, policy};
use sync_policy::{PermissionState, Policy};

#[test]
fn third_of_three_attempts_is_the_last_chance() {
    // observed in Chromium 156 over CDP: lastChance false, false, true with the defaults.
    for profile in PROFILES {
        let p = policy(profile);
        let max = p.max_attempts(PermissionState::Unset);
        let flags: Vec<bool> = (0..max).map(|made| p.is_last_chance(made, max)).collect();
        assert_eq!(flags, [false, false, true], "{profile}");
    }
}

#[test]
fn table_of_attempts_made_and_caps() {
    let p = policy(sync_policy::Profile::Chromium);
    // (failed attempts so far, cap, last chance)
    for (made, max, want) in [
        (0, 1, true),
        (0, 5, false),
        (3, 5, false),
        (4, 5, true),
        (7, 5, true),
        (u32::MAX, u32::MAX, true),
        (u32::MAX - 1, u32::MAX, true),
        (u32::MAX - 2, u32::MAX, false),
    ] {
        assert_eq!(p.is_last_chance(made, max), want, "{made} of {max}");
    }
}
