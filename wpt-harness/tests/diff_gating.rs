//! `--diff` can gate CI: differences between Chromium and the engine become
//! FAIL results, and a difference triaged in the expectations (`if diff:
//! FAIL`) keeps the run green; any other difference, or a triaged one that
//! went away, fails it. NOTRUN (not observable in Chromium) is never a failure.

use wpt_harness::expectations::{Expectations, RunKeys};
use wpt_harness::suite::judge;
use wpt_harness::targets::chromium::diff::Difference;
use wpt_harness::targets::chromium::suite_run::{DiffEntry, Verdict, diff_results};

fn entry(test: &str, subtest: &str, verdict: Verdict) -> DiffEntry {
    DiffEntry {
        test: test.into(),
        subtest: subtest.into(),
        verdict,
        dropped: vec![],
        scale: None,
        real_ms: 5,
        traces: None,
        file: format!("scenarios{test}.yaml").into(),
        outcome: None,
    }
}

fn differ() -> Verdict {
    Verdict::Differ(Difference { index: 3, label: "advance to 5m".into(), chromium: "[]".into(), engine: "[x]".into() })
}

fn keys() -> RunKeys {
    RunKeys::for_run("chromium", "chromium", "chromium", true)
}

const TRIAGE: &str = "[/a]\n  [one]\n    expected:\n      if diff: FAIL\n      PASS\n";

#[test]
fn only_triaged_differences_keep_the_run_green() {
    let expectations = Expectations::parse_ini(TRIAGE).unwrap().for_run(keys());
    let entries = vec![
        entry("/a", "one", differ()),
        entry("/a", "two", Verdict::Agree),
        entry("/b", "three", Verdict::NotObservable("power".into())),
    ];
    let verdict = judge(&diff_results(&entries), &expectations);
    assert!(verdict.ok(), "{:?}", verdict.unexpected);
    assert_eq!((verdict.passed, verdict.failed, verdict.skipped, verdict.expected_failures), (2, 0, 1, 1));
    assert_eq!(verdict.summary(), "2 passed, 0 failed, 1 skipped");
}

#[test]
fn an_untriaged_difference_fails_the_run_and_names_it() {
    let expectations = Expectations::parse_ini(TRIAGE).unwrap().for_run(keys());
    let entries = vec![entry("/a", "one", differ()), entry("/a", "two", differ())];
    let verdict = judge(&diff_results(&entries), &expectations);
    assert!(!verdict.ok());
    assert_eq!(verdict.unexpected.len(), 1);
    assert!(verdict.unexpected[0].line.contains("/a :: two"), "{:?}", verdict.unexpected);
    assert!(verdict.unexpected[0].line.contains("DIFFER input #3 advance to 5m"), "{:?}", verdict.unexpected);
}

#[test]
fn a_triaged_difference_that_went_away_fails_the_run() {
    let expectations = Expectations::parse_ini(TRIAGE).unwrap().for_run(keys());
    let verdict = judge(&diff_results(&[entry("/a", "one", Verdict::Agree)]), &expectations);
    assert!(!verdict.ok());
    assert!(verdict.unexpected[0].line.starts_with("UNEXPECTED-PASS /a :: one"), "{:?}", verdict.unexpected);
}

#[test]
fn the_triage_does_not_apply_outside_diff_runs() {
    let plain =
        Expectations::parse_ini(TRIAGE).unwrap().for_run(RunKeys::for_run("chromium", "chromium", "chromium", false));
    assert_eq!(plain.expected("/a", Some("one")), "PASS");
}

#[test]
fn a_broken_chromium_run_makes_the_test_error_never_the_subtest() {
    let results = diff_results(&[entry("/a", "one", Verdict::Error("browser crashed".into()))]);
    let verdict = judge(&results, &Expectations::none());
    assert!(!verdict.ok());
    let t = &verdict.tests[0];
    assert_eq!(t.status.name(), "ERROR");
    assert_eq!(t.subtests[0].status.name(), "NOTRUN");
}
