//! Execution cap of one event, and what a timed-out event counts as.

mod common;

use common::{PROFILES, policy, policy_with};
use sync_policy::config::TimeoutCountsAs;
use sync_policy::{EventOutcome, Millis, Policy, SyncKind};

#[test]
fn three_minutes_for_both_kinds() {
    for profile in PROFILES {
        let p = policy(profile);
        for (kind, last_chance) in [
            (SyncKind::OneOff, false),
            (SyncKind::OneOff, true),
            (SyncKind::Periodic, false),
            (SyncKind::Periodic, true),
        ] {
            assert_eq!(p.event_time_limit(kind, last_chance), Millis::from_mins(3), "{profile} {kind} {last_chance}");
        }
    }
}

#[test]
fn a_shorter_last_chance_limit_applies_to_one_off_only() {
    for profile in PROFILES {
        let p = policy_with(profile, |c| {
            c.oneshot.last_chance_max_event_duration = Some(Millis::from_secs(30));
            c.periodic.max_event_duration = Millis::from_mins(1);
        });
        assert_eq!(p.event_time_limit(SyncKind::OneOff, false), Millis::from_mins(3), "{profile}");
        assert_eq!(p.event_time_limit(SyncKind::OneOff, true), Millis::from_secs(30), "{profile}");
        assert_eq!(p.event_time_limit(SyncKind::Periodic, true), Millis::from_mins(1), "{profile}");
    }
}

#[test]
fn a_timeout_is_an_ordinary_failure_unless_configured() {
    for profile in PROFILES {
        assert!(!policy(profile).timeout_is_final(), "{profile}");
        let p = policy_with(profile, |c| c.oneshot.timeout_counts_as = TimeoutCountsAs::FinalFailure);
        assert!(p.timeout_is_final(), "{profile}");
    }
}

#[test]
fn only_a_fulfilled_event_is_a_success() {
    let p = policy(sync_policy::Profile::Chromium);
    for (outcome, success, status) in [
        (EventOutcome::Fulfilled, true, "succeeded"),
        (EventOutcome::Rejected, false, "waitUntil rejected"),
        (EventOutcome::TimedOut, false, "timeout"),
        (EventOutcome::WorkerFailed, false, "failed"),
    ] {
        assert_eq!(p.is_success(outcome), success, "{outcome:?}");
        assert_eq!(outcome.devtools_status(), status);
    }
}
