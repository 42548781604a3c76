//! `may_fire` answers that wait for a point in time: the per-origin gap
//! between periodic events and the across-origins round gate (with the
//! spec's initial wait after the UA starts). `BackOff` and `PeriodicInterval`
//! waits are the registration's own due time, computed by the engine from
//! `retry_delay` and `periodic_interval`; by the time it asks `may_fire` they
//! have passed, which the last test pins down.

mod common;

use common::{HOUR, PROFILES, fire_facts, policy, policy_with};
use sync_policy::{Engagement, FireFacts, Millis, Policy, Profile, SyncKind, Timestamp, Verdict, WaitReason};

fn periodic(now: u64) -> FireFacts {
    FireFacts { now: Timestamp(now), ..fire_facts(SyncKind::Periodic) }
}

const NOW: u64 = 1000 * HOUR;

#[test]
fn origin_gap_is_twelve_hours_at_high_engagement() {
    for profile in PROFILES {
        let f = FireFacts { origin_last_periodic: Some(Timestamp(NOW - HOUR)), ..periodic(NOW) };
        let want = Verdict::WaitUntil(Timestamp(NOW + 11 * HOUR), WaitReason::OriginGap);
        assert_eq!(policy(profile).may_fire(&f), want, "{profile}");
        let f = FireFacts { origin_last_periodic: Some(Timestamp(NOW - 12 * HOUR)), ..periodic(NOW) };
        assert_eq!(policy(profile).may_fire(&f), Verdict::Fire, "{profile}: gap over");
    }
}

#[test]
fn origin_gap_scales_with_engagement_in_spec_only() {
    // spec: the origin's *effective* minimum interval; Chromium: min_periodic_sync_events_interval, unpenalised.
    for (profile, level, gap_hours) in [
        (Profile::Spec, Engagement::Low, 24),
        (Profile::Spec, Engagement::Minimal, 36),
        (Profile::Spec, Engagement::Max, 12),
        (Profile::Chromium, Engagement::Low, 12),
        (Profile::Chromium, Engagement::Minimal, 12),
    ] {
        let last = NOW - HOUR;
        // The spec profile's round gate would also hold this back; let a round have just happened.
        let f = FireFacts {
            origin_last_periodic: Some(Timestamp(last)),
            last_periodic_round: Some(Timestamp(NOW)),
            engagement: level,
            ..periodic(NOW)
        };
        let want = Verdict::WaitUntil(Timestamp(last + gap_hours * HOUR), WaitReason::OriginGap);
        assert_eq!(policy(profile).may_fire(&f), want, "{profile} {level:?}");
    }
}

#[test]
fn events_of_one_origin_in_the_same_round_are_not_held_apart() {
    for profile in PROFILES {
        let f = FireFacts {
            origin_last_periodic: Some(Timestamp(NOW)),
            last_periodic_round: Some(Timestamp(NOW)),
            ..periodic(NOW)
        };
        assert_eq!(policy(profile).may_fire(&f), Verdict::Fire, "{profile}");
    }
}

#[test]
fn across_origins_round_gate_is_spec_only() {
    let f = FireFacts { last_periodic_round: Some(Timestamp(NOW - HOUR)), ..periodic(NOW) };
    let want = Verdict::WaitUntil(Timestamp(NOW + 11 * HOUR), WaitReason::AcrossOriginsRound);
    assert_eq!(policy(Profile::Spec).may_fire(&f), want);
    // Chromium limits only OS wake-ups this way, not in-process timers.
    assert_eq!(policy(Profile::Chromium).may_fire(&f), Verdict::Fire);
    // A configured across-origins interval applies under the Chromium profile too.
    let p = policy_with(Profile::Chromium, |c| c.periodic.min_interval_across_origins = Millis::from_hours(24));
    assert_eq!(p.may_fire(&f), Verdict::WaitUntil(Timestamp(NOW + 23 * HOUR), WaitReason::AcrossOriginsRound));
}

#[test]
fn spec_waits_one_round_after_the_ua_starts() {
    // spec (periodic): process periodic sync registrations, step 1.1 runs before the first round.
    let started = NOW - 2 * HOUR;
    let f = FireFacts { started_at: Timestamp(started), ..periodic(NOW) };
    let want = Verdict::WaitUntil(Timestamp(started + 12 * HOUR), WaitReason::AcrossOriginsRound);
    assert_eq!(policy(Profile::Spec).may_fire(&f), want);
    assert_eq!(policy(Profile::Chromium).may_fire(&f), Verdict::Fire);
    let f = FireFacts { started_at: Timestamp(NOW - 12 * HOUR), ..periodic(NOW) };
    assert_eq!(policy(Profile::Spec).may_fire(&f), Verdict::Fire, "first round is due");
    let p = policy_with(Profile::Spec, |c| c.periodic.wait_after_start = false);
    let f = FireFacts { started_at: Timestamp(started), ..periodic(NOW) };
    assert_eq!(p.may_fire(&f), Verdict::Fire, "initial wait switched off");
}

#[test]
fn the_later_gate_wins_and_names_itself() {
    let p = policy(Profile::Spec);
    let f = FireFacts {
        origin_last_periodic: Some(Timestamp(NOW - HOUR)),
        last_periodic_round: Some(Timestamp(NOW - 6 * HOUR)),
        ..periodic(NOW)
    };
    assert_eq!(p.may_fire(&f), Verdict::WaitUntil(Timestamp(NOW + 11 * HOUR), WaitReason::OriginGap));
    let f = FireFacts {
        origin_last_periodic: Some(Timestamp(NOW - 6 * HOUR)),
        last_periodic_round: Some(Timestamp(NOW - HOUR)),
        ..periodic(NOW)
    };
    assert_eq!(p.may_fire(&f), Verdict::WaitUntil(Timestamp(NOW + 11 * HOUR), WaitReason::AcrossOriginsRound));
}

#[test]
fn a_periodic_retry_skips_both_gates() {
    for profile in PROFILES {
        let f = FireFacts {
            periodic_retry: true,
            attempts: 1,
            origin_last_periodic: Some(Timestamp(NOW - HOUR)),
            last_periodic_round: Some(Timestamp(NOW - HOUR)),
            started_at: Timestamp(NOW),
            ..periodic(NOW)
        };
        assert_eq!(policy(profile).may_fire(&f), Verdict::Fire, "{profile}");
    }
}

#[test]
fn gates_saturate_at_the_end_of_time() {
    let p = policy_with(Profile::Spec, |c| c.periodic.origin_gap = Millis::MAX);
    let f = FireFacts {
        origin_last_periodic: Some(Timestamp(NOW - 1)),
        last_periodic_round: Some(Timestamp(NOW)),
        ..periodic(NOW)
    };
    assert_eq!(p.may_fire(&f), Verdict::WaitUntil(Timestamp::MAX, WaitReason::OriginGap));
}

#[test]
fn one_off_ignores_periodic_gates_and_its_own_back_off() {
    for profile in PROFILES {
        let f = FireFacts {
            attempts: 2,
            origin_last_periodic: Some(Timestamp(NOW - HOUR)),
            last_periodic_round: Some(Timestamp(NOW - HOUR)),
            started_at: Timestamp(NOW),
            ..fire_facts(SyncKind::OneOff)
        };
        assert_eq!(policy(profile).may_fire(&f), Verdict::Fire, "{profile}");
    }
}
