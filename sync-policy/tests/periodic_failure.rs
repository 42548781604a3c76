//! What follows a failed periodic event: the spec's retry loop (as intended
//! or read literally) or Chromium's reuse of the one-off back-off.

mod common;

use common::{policy, policy_with};
use sync_policy::config::PeriodicFailureMode;
use sync_policy::{Millis, PeriodicFailure, Policy, Profile};

use PeriodicFailure::{GiveUp, RetryAfter};

fn outcomes(p: &impl Policy, failures: u32) -> Vec<PeriodicFailure> {
    (1..=failures).map(|n| p.periodic_failure(n)).collect()
}

fn mode(profile: Profile, failure: PeriodicFailureMode, max_retries: u32) -> impl Policy {
    policy_with(profile, |c| {
        c.periodic.failure = failure;
        c.periodic.max_retries = max_retries;
    })
}

#[test]
fn profiles_default_modes() {
    // Spec default maximum number of retries is 0: the first failure ends the cycle.
    assert_eq!(outcomes(&policy(Profile::Spec), 2), [GiveUp, GiveUp]);
    // Chromium: 5 min, 15 min, then the count resets and the periodic delay applies.
    let five = RetryAfter(Millis::from_mins(5));
    let fifteen = RetryAfter(Millis::from_mins(15));
    assert_eq!(outcomes(&policy(Profile::Chromium), 3), [five, fifteen, GiveUp]);
}

#[test]
fn spec_intended_allows_max_retries_retries() {
    let backoff = RetryAfter(Millis::from_mins(5));
    for (max, want) in [(0, vec![GiveUp]), (1, vec![backoff, GiveUp]), (2, vec![backoff, backoff, GiveUp])] {
        let p = mode(Profile::Spec, PeriodicFailureMode::SpecIntended, max);
        assert_eq!(outcomes(&p, max + 1), want, "max_retries {max}");
    }
}

#[test]
fn spec_literal_allows_one_retry_more() {
    // fire a periodicsync event, step 6.7.4 tests `retryCount > max` before incrementing.
    let backoff = RetryAfter(Millis::from_mins(5));
    for (max, want) in
        [(0, vec![backoff, GiveUp]), (1, vec![backoff, backoff, GiveUp]), (2, vec![backoff, backoff, backoff, GiveUp])]
    {
        let p = mode(Profile::Spec, PeriodicFailureMode::SpecLiteral, max);
        assert_eq!(outcomes(&p, max + 2), want, "max_retries {max}");
    }
}

#[test]
fn chromium_follows_oneshot_max_attempts_and_delays() {
    // TwoFailedAttemptsForPeriodicSync: with max 2 it fails, retries after 5 min, fails, then waits.
    let p = policy_with(Profile::Chromium, |c| c.oneshot.max_attempts = 2);
    assert_eq!(outcomes(&p, 2), [RetryAfter(Millis::from_mins(5)), GiveUp]);
    let p = policy_with(Profile::Chromium, |c| {
        c.oneshot.max_attempts = 4;
        c.oneshot.initial_retry_delay = Millis::from_secs(3);
        c.oneshot.retry_delay_factor = 2;
    });
    assert_eq!(
        outcomes(&p, 4),
        [RetryAfter(Millis(3000)), RetryAfter(Millis(6000)), RetryAfter(Millis(12000)), GiveUp]
    );
}

#[test]
fn spec_back_off_is_configurable() {
    let p = policy_with(Profile::Spec, |c| {
        c.periodic.max_retries = 1;
        c.periodic.retry_backoff = Millis::from_secs(30);
    });
    assert_eq!(outcomes(&p, 2), [RetryAfter(Millis::from_secs(30)), GiveUp]);
}

#[test]
fn huge_failure_counts_give_up() {
    for failure in [PeriodicFailureMode::SpecIntended, PeriodicFailureMode::SpecLiteral, PeriodicFailureMode::Chromium]
    {
        let p = mode(Profile::Chromium, failure, 3);
        assert_eq!(p.periodic_failure(u32::MAX), GiveUp, "{failure:?}");
    }
    let p = mode(Profile::Spec, PeriodicFailureMode::SpecLiteral, u32::MAX);
    assert_eq!(p.periodic_failure(u32::MAX), RetryAfter(Millis::from_mins(5)));
}
