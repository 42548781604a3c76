//! The differential report: recorded traces of two targets are compared
//! input by input, and the first difference is named. One test runs a real
//! Chromium against the engine (skipped when Chromium is not installed).

mod chromium_common;

use std::path::Path;
use sync_policy::PolicyConfig;
use wpt_harness::runner::{EPOCH, Status, run_subtest};
use wpt_harness::scenario::load_str;
use wpt_harness::suite::SuiteFile;
use wpt_harness::targets::EngineTarget;
use wpt_harness::targets::chromium::diff::{Recorder, Segment, compare};
use wpt_harness::targets::chromium::suite_run::{Verdict, counts, run_diff};

const BACKOFF: &str = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: f}\n  - events: [{id: e1, type: sync, tag: f}]\n  - settle: {event: e1, outcome: reject}\n  - clock.advance: 4m\n  - clock.advance: 1m\n  - events: [{type: sync, tag: f, at: 5m}]\n";

fn engine_trace(text: &str, policy: &PolicyConfig) -> Vec<Segment> {
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    let mut target = Recorder::new(EngineTarget::new(), EPOCH);
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], policy);
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
    target.trace
}

#[test]
fn consecutive_advances_are_one_segment_and_observations_land_in_it() {
    let trace = engine_trace(BACKOFF, &PolicyConfig::chromium());
    let advance: Vec<&Segment> = trace.iter().filter(|s| s.label.starts_with("advance")).collect();
    assert_eq!(advance.len(), 1, "{trace:#?}");
    assert_eq!(advance[0].label, "advance to 5m");
    assert_eq!(advance[0].dispatches, vec!["sync \"f\" lastChance=false at 5m on sw1".to_string()]);
}

#[test]
fn identical_runs_agree() {
    let a = engine_trace(BACKOFF, &PolicyConfig::chromium());
    let b = engine_trace(BACKOFF, &PolicyConfig::chromium());
    assert_eq!(compare(&a, &b), None);
}

#[test]
fn the_first_difference_is_named_with_both_sides() {
    let chromium = engine_trace(BACKOFF, &PolicyConfig::chromium());
    let mut policy = PolicyConfig::chromium();
    policy.oneshot.initial_retry_delay = sync_policy::Millis::from_mins(4);
    let text = BACKOFF.replace("at: 5m", "at: 4m");
    let engine = engine_trace(&text, &policy);
    let d = compare(&chromium, &engine).expect("the retry delays differ");
    assert!(d.label.starts_with("settle"), "{d:?}");
    assert!(d.chromium.contains("300000") && d.engine.contains("240000"), "{d:?}");
}

#[test]
fn log_records_of_one_input_compare_as_a_set() {
    let a = vec![Segment { label: "x".into(), logs: vec!["a".into(), "b".into()], ..Segment::default() }];
    let mut b = a.clone();
    assert_eq!(compare(&a, &b), None);
    b[0].logs.push("c".into());
    let d = compare(&a, &b).unwrap();
    assert!(d.engine.contains("\"c\""), "{d:?}");
}

#[test]
fn a_scenario_runs_the_same_on_chromium_and_the_engine() {
    let _guard = chromium_common::one_browser();
    let Some(target) = chromium_common::chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("offline.yaml");
    let text = "source: extension\ninitial: {network: offline}\nsteps:\n  - sync.register: {reg: R1, tag: zeta}\n  - sync.register: {reg: R1, tag: alpha}\n  - explain: {reg: R1, tag: alpha}\n    expect: {reason: offline}\n  - sync.getTags: {reg: R1}\n    expect: {tags: [alpha, zeta], order: sorted}\n  - clock.advance: 1h\n  - events: []\n  - network: online\n  - events: [{type: sync, tag: alpha, at: 1h}, {type: sync, tag: zeta, at: 1h}]\n    order: strict\n";
    std::fs::write(&path, text).unwrap();
    let files = vec![SuiteFile { path, default_test: "/offline".into() }];
    let (entries, _) = run_diff(&files, None, target, &mut |_, _, _| {});
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].verdict, Verdict::Agree, "{:?}", entries[0].traces);
    assert_eq!(entries[0].dropped.len(), 1, "explain is dropped from both runs");
    let c = counts(&entries);
    assert_eq!((c.observable, c.agree, c.differ), (1, 1, 0));
}
