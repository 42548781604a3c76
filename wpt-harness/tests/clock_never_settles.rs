//! A target that keeps asking to be woken makes the subtest fail with a clear
//! message instead of hanging the run.

mod stub_target;

use std::path::Path;
use wpt_harness::runner::{MAX_WAKEUPS, Status, run_subtest};
use wpt_harness::scenario::load_str;

#[test]
fn endless_wakeups_fail_the_subtest() {
    let text = "source: extension\nsteps:\n  - clock.advance: 1h\n";
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    let mut target = stub_target::Minimal { stuck: true, ..Default::default() };
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], &sync_policy::PolicyConfig::chromium());
    assert_eq!(out.status, Status::Fail);
    let message = out.message.unwrap();
    assert!(message.contains("never settles") && message.contains(&MAX_WAKEUPS.to_string()), "{message}");
}

#[test]
fn a_target_that_settles_advances_normally() {
    let text = "source: extension\nsteps:\n  - clock.advance: 1h\n";
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    let mut target = stub_target::Minimal::default();
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], &sync_policy::PolicyConfig::chromium());
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
    assert_eq!(out.end, sync_policy::Millis::from_hours(1));
}
