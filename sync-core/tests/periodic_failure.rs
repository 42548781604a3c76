//! What follows a failed periodic event: spec (no retry), the spec's literal
//! reading, and Chromium's back-off. A periodic registration is never dropped for failing.
mod common;
use common::*;
use sync_policy::config::PeriodicFailureMode;
use sync_policy::{EventOutcome, Profile, SyncKind};

fn kit(profile: Profile, mode: Option<PeriodicFailureMode>) -> Kit {
    let mut k = Kit::with_config(config_with(profile, |c| {
        if let Some(m) = mode {
            c.periodic.failure = m;
        }
    }));
    k.grant_periodic();
    k.register_periodic("p", 1000);
    k
}

#[test]
fn spec_gives_up_at_once_and_keeps_the_registration() {
    let mut k = kit(Profile::Spec, None);
    let d = k.advance(hours(12));
    let d = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(d.dispatches().is_empty());
    assert_eq!(d.log_names(), vec!["periodicsync event failed"]);
    assert_eq!(k.tags(SyncKind::Periodic), vec!["p"]);
    assert!(k.advance(sync_policy::Millis(hours(12).0 - 1)).dispatches().is_empty());
    assert_eq!(k.advance(sync_policy::Millis(1)).dispatches().len(), 1, "next cycle, anchored at the failure");
}

#[test]
fn literal_spec_reading_retries_once_more() {
    let mut k = kit(Profile::Spec, Some(PeriodicFailureMode::SpecLiteral));
    let d = k.advance(hours(12));
    let d = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(d.dispatches().is_empty(), "the retry waits the small back-off");
    let d = k.advance(mins(5));
    assert_eq!(d.dispatches().len(), 1, "retryCount 0 > 0 is false: one retry");
    let d = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(d.dispatches().is_empty());
    assert!(k.advance(mins(30)).dispatches().is_empty(), "then back to the normal cadence");
}

#[test]
fn chromium_backs_off_like_one_off_then_resets() {
    let mut k = kit(Profile::Chromium, None);
    let d = k.advance(hours(12));
    let f = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert_eq!(f.logs()[0].meta("Next Attempt Delay (ms)"), Some("300000"));
    let d = k.advance(mins(5));
    assert_eq!(d.dispatches().len(), 1, "retry at 12h05m, not held by the origin gap");
    k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    let d = k.advance(mins(15));
    assert_eq!(d.dispatches().len(), 1, "retry at 12h20m");
    let f = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert!(f.dispatches().is_empty());
    assert_eq!(k.tags(SyncKind::Periodic), vec!["p"], "never dropped for failing");
    assert_eq!(f.logs()[0].meta("Next Attempt Delay (ms)"), Some("43200000"), "back to the normal cadence");
}
