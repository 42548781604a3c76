//! The policy's event time limit: an event that outlives it counts as failed,
//! and its late result is ignored.
mod common;
use common::*;
use sync_core::Input;
use sync_core::{Explanation, SyncError, WakeReason};
use sync_policy::{EventOutcome, Profile, SyncKind};

#[test]
fn hung_event_times_out_and_is_retried_after_the_back_off() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("h");
    let e1 = d.dispatches()[0].clone();
    assert_eq!(e1.deadline, k.now.saturating_add(mins(3)));
    let w = k.engine.poll_timeout().unwrap();
    assert_eq!((w.at, w.reason), (e1.deadline, WakeReason::EventDeadline));
    let d = k.advance(mins(3));
    assert_eq!(d.log_names(), vec!["sync event failed"]);
    assert_eq!(d.logs()[0].meta("Failure Reason"), Some("timeout"));
    let d = k.advance(mins(5));
    assert_eq!(d.dispatches().len(), 1);
    assert_eq!(
        k.engine.handle(k.now, Input::EventFinished { event: e1.event, outcome: EventOutcome::Fulfilled }).map(drop),
        Err(SyncError::EventExpired(e1.event))
    );
    assert!(matches!(k.engine.explain(&k.key(SyncKind::OneOff, "h")), Explanation::Firing { .. }));
}

#[test]
fn worker_failure_counts_as_a_failed_attempt() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("w");
    let d = k.settle(&d.dispatches()[0], EventOutcome::WorkerFailed);
    assert_eq!(d.log_names(), vec!["sync event failed"]);
    assert_eq!(d.logs()[0].meta("Next Attempt Delay (ms)"), Some("300000"));
}

#[test]
fn a_final_timeout_policy_drops_the_registration_at_once() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.oneshot.timeout_counts_as = sync_policy::config::TimeoutCountsAs::FinalFailure
    }));
    k.register("h");
    let d = k.advance(mins(3));
    assert_eq!(d.log_names(), vec!["Sync completed"]);
    assert!(k.tags(SyncKind::OneOff).is_empty());
}

#[test]
fn last_chance_events_may_get_a_shorter_limit() {
    let mut k = Kit::with_config(config_with(Profile::Chromium, |c| {
        c.oneshot.max_attempts = 1;
        c.oneshot.last_chance_max_event_duration = Some(mins(1));
    }));
    let (_, d) = k.register("h");
    assert_eq!(d.dispatches()[0].deadline, k.now.saturating_add(mins(1)));
}
