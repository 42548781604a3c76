//! A target reports what it cannot observe; the runner records NOTRUN with
//! the reason instead of failing the subtest.

mod stub_target;

use std::path::Path;
use wpt_harness::runner::{Status, run_subtest};
use wpt_harness::scenario::load_str;

#[test]
fn an_unobservable_step_makes_the_subtest_notrun() {
    let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n    expect: resolve\n  - explain: {reg: R1, tag: a}\n    expect: {reason: firing}\n";
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    let mut target = stub_target::Minimal::default();
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], &sync_policy::PolicyConfig::chromium());
    assert_eq!(out.status, Status::NotRun, "{:?}", out.message);
    let message = out.message.unwrap();
    assert!(message.contains("explain") && message.contains("not observable"), "{message}");
}

#[test]
fn the_same_steps_run_on_a_target_that_can_observe_them() {
    let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n  - events: [{type: sync, tag: a}]\n";
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    let mut target = stub_target::Minimal::default();
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], &sync_policy::PolicyConfig::chromium());
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
}
