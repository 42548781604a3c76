//! DevTools "Background Services" records with Chromium's names and metadata.
mod common;
use common::*;
use sync_policy::EventOutcome;

#[test]
fn records_for_two_failures_then_success() {
    let mut k = Kit::chromium();
    let (_, d) = k.register("f");
    assert_eq!(d.log_names(), vec!["Registered sync", "Dispatched sync event"]);
    assert_eq!(d.logs()[1].meta("Last Chance"), Some("No"));
    let f1 = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert_eq!(f1.log_names(), vec!["sync event failed"]);
    assert_eq!(f1.logs()[0].meta("Failure Reason"), Some("waitUntil rejected"));
    assert_eq!(f1.logs()[0].meta("Next Attempt Delay (ms)"), Some("300000"));
    let d = k.advance(mins(5));
    let f2 = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert_eq!(f2.logs()[0].meta("Next Attempt Delay (ms)"), Some("900000"));
    let d = k.advance(mins(15));
    assert_eq!(d.logs()[0].meta("Last Chance"), Some("Yes"));
    let done = k.settle(&d.dispatches()[0], EventOutcome::Fulfilled);
    assert_eq!(done.log_names(), vec!["Sync completed"]);
    assert_eq!(done.logs()[0].meta("Status"), Some("succeeded"));
    assert_eq!(done.logs()[0].origin.as_str(), A);
    assert_eq!(&*done.logs()[0].tag, "f");
}

#[test]
fn final_failure_is_logged_with_its_status() {
    let mut k = Kit::with_config(config_with(sync_policy::Profile::Chromium, |c| c.oneshot.max_attempts = 1));
    let (_, d) = k.register("f");
    let done = k.settle(&d.dispatches()[0], EventOutcome::Rejected);
    assert_eq!(done.log_names(), vec!["Sync completed"]);
    assert_eq!(done.logs()[0].meta("Status"), Some("waitUntil rejected"));
}

#[test]
fn recording_can_be_turned_off() {
    let mut k = Kit::chromium();
    k.engine.set_log_recording(false);
    let (_, d) = k.register("f");
    assert!(d.logs().is_empty());
    assert_eq!(d.dispatches().len(), 1);
}
