//! The whole bundled suite, run through the library, matches its
//! expectations under both built-in profiles.

use sync_policy::Profile;
use wpt_harness::expectations::Expectations;
use wpt_harness::policy::RunProfile;
use wpt_harness::suite::{self, RunOptions};
use wpt_harness::targets::EngineTarget;

fn run(profile: Profile) -> (Vec<suite::TestResult>, suite::Verdict, usize) {
    let files = suite::discover(&[suite::bundled_scenarios()]).unwrap();
    let expectations = Expectations::load(&suite::bundled_expectations()).unwrap();
    let options = RunOptions { profile: RunProfile::Builtin(profile), filter: None, ..Default::default() };
    let results = suite::run(&files, &options, &mut EngineTarget::new(), &mut |_, _, _| {});
    let verdict = suite::judge(&results, &expectations);
    (results, verdict, files.len())
}

#[test]
fn bundled_suite_passes_on_the_chromium_profile() {
    let (results, verdict, files) = run(Profile::Chromium);
    let lines: Vec<&str> = verdict.unexpected.iter().map(|u| u.line.as_str()).collect();
    assert_eq!(verdict.failed, 0, "unexpected results:\n{}", lines.join("\n"));
    assert!(files >= 100, "the suite has {files} scenario files");
    assert_eq!(results.len(), files, "every file produced a result");
    assert!(results.iter().all(|r| !r.subtests.is_empty()), "every scenario has at least one subtest");
    assert!(verdict.subtests >= files);
    assert!(verdict.stale.is_empty(), "stale expectations: {:?}", verdict.stale);
}

#[test]
fn bundled_suite_passes_on_the_spec_profile() {
    let (_, verdict, _) = run(Profile::Spec);
    let lines: Vec<&str> = verdict.unexpected.iter().map(|u| u.line.as_str()).collect();
    assert_eq!(verdict.failed, 0, "unexpected results:\n{}", lines.join("\n"));
}

#[test]
fn pinned_scenarios_keep_their_profile() {
    let (results, _, _) = run(Profile::Spec);
    let chromium = results.iter().find(|r| r.test == "/ext/tags/edge-values.chromium").unwrap();
    assert_eq!(chromium.profile, "chromium");
    let unpinned = results.iter().find(|r| r.test == "/ext/sync/online-fires-immediately").unwrap();
    assert_eq!(unpinned.profile, "spec");
}
