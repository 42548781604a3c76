//! Effective periodic interval: the UA floor (12 h) times the engagement
//! multiplier, and Chromium's snapping of `minInterval` up to a multiple of it.

mod common;

use common::{HOUR, PROFILES, policy, policy_with};
use proptest::prelude::*;
use sync_policy::{Engagement, Millis, PeriodicFacts, Policy, Profile};

fn interval(p: &impl Policy, min_interval_hours: u64, engagement: Engagement) -> Option<u64> {
    p.periodic_interval(&PeriodicFacts { min_interval: Millis(min_interval_hours * HOUR), engagement })
        .map(|m| m.0 / HOUR)
}

#[test]
fn chromium_snaps_to_a_multiple_of_twelve_hours() {
    // background_sync_controller_impl_unittest.cc, HIGH engagement: 11h->12h, 13h->24h, 48h->48h, 0->12h.
    let p = policy(Profile::Chromium);
    for (asked, got) in [(11, 12), (13, 24), (48, 48), (0, 12), (12, 12), (24, 24), (25, 36)] {
        assert_eq!(interval(&p, asked, Engagement::High), Some(got), "{asked}h");
    }
}

#[test]
fn spec_keeps_min_interval_above_the_floor() {
    let p = policy(Profile::Spec);
    for (asked, got) in [(11, 12), (13, 13), (48, 48), (0, 12), (25, 25)] {
        assert_eq!(interval(&p, asked, Engagement::High), Some(got), "{asked}h");
    }
}

#[test]
fn engagement_multiplies_the_floor() {
    // (level, effective floor in hours; None = suspended)
    let table = [
        (Engagement::None, None),
        (Engagement::Minimal, Some(36)),
        (Engagement::Low, Some(24)),
        (Engagement::Medium, Some(24)),
        (Engagement::High, Some(12)),
        (Engagement::Max, Some(12)),
    ];
    for profile in PROFILES {
        for (level, floor) in table {
            assert_eq!(interval(&policy(profile), 0, level), floor, "{profile} {level:?}");
            assert_eq!(interval(&policy(profile), 1, level), floor, "{profile} {level:?}");
        }
    }
}

#[test]
fn chromium_snaps_to_the_penalised_floor() {
    let p = policy(Profile::Chromium);
    assert_eq!(interval(&p, 13, Engagement::Medium), Some(24));
    assert_eq!(interval(&p, 25, Engagement::Medium), Some(48));
    assert_eq!(interval(&p, 37, Engagement::Minimal), Some(72));
    assert_eq!(interval(&policy(Profile::Spec), 25, Engagement::Medium), Some(25));
}

#[test]
fn oracle_short_interval_parameters() {
    // observed over CDP in Chromium 156: min_periodic_sync_events_interval_sec=2 with a x2 engagement factor:
    // minInterval 1000 -> 4000 ms, 5000 -> 8000 ms.
    let p = policy_with(Profile::Chromium, |c| c.periodic.min_interval = Millis::from_secs(2));
    for (asked, got) in [(1000, 4000), (5000, 8000), (8000, 8000)] {
        let facts = PeriodicFacts { min_interval: Millis(asked), engagement: Engagement::Low };
        assert_eq!(p.periodic_interval(&facts), Some(Millis(got)), "{asked}");
    }
}

#[test]
fn multipliers_are_configurable() {
    let p = policy_with(Profile::Spec, |c| {
        c.periodic.engagement.none = Some(10);
        c.periodic.engagement.max = None;
    });
    assert_eq!(interval(&p, 0, Engagement::None), Some(120));
    assert_eq!(interval(&p, 0, Engagement::Max), None);
}

#[test]
fn huge_values_saturate() {
    for profile in PROFILES {
        let p = policy(profile);
        let facts = PeriodicFacts { min_interval: Millis(u64::MAX - 1), engagement: Engagement::Minimal };
        let got = p.periodic_interval(&facts);
        assert!(got >= Some(Millis(u64::MAX - 1)), "{profile}: {got:?}");
    }
    let p = policy_with(Profile::Chromium, |c| c.periodic.min_interval = Millis::MAX);
    let facts = PeriodicFacts { min_interval: Millis(5), engagement: Engagement::Minimal };
    assert_eq!(p.periodic_interval(&facts), Some(Millis::MAX));
}

proptest! {
    #[test]
    fn never_below_the_request_or_the_floor(min in any::<u64>(), spec in any::<bool>(), level in 1usize..6) {
        let levels = [Engagement::None, Engagement::Minimal, Engagement::Low, Engagement::Medium, Engagement::High, Engagement::Max];
        let profile = if spec { Profile::Spec } else { Profile::Chromium };
        let p = policy(profile);
        let got = p.periodic_interval(&PeriodicFacts { min_interval: Millis(min), engagement: levels[level] });
        let got = got.expect("only engagement none suspends");
        prop_assert!(got.0 >= min);
        prop_assert!(got.0 >= 12 * HOUR);
        if !spec && got != Millis::MAX {
            prop_assert_eq!(got.0 % (12 * HOUR), 0, "Chromium snaps to a multiple of the floor");
        }
    }
}
