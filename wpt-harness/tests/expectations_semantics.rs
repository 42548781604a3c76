//! wptrunner-style expectations: absence means PASS, every entry has a
//! reason, an unexpected pass fails the run, and so does a run of zero tests.

mod common;

fn expectations(dir: &std::path::Path, text: &str) -> String {
    let path = dir.join("expectations.toml");
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn an_expected_failure_keeps_the_run_green() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let exp = expectations(
        dir.path(),
        "[[expected]]\ntest = \"/fail\"\nsubtest = \"fail\"\nstatus = \"FAIL\"\nreason = \"known bug\"\n",
    );
    let (code, stdout, _) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &exp]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(common::last_line(&stdout), "1 passed, 0 failed");
}

#[test]
fn an_unexpected_pass_fails_the_run() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING)]);
    let exp = expectations(
        dir.path(),
        "[[expected]]\ntest = \"/pass\"\nsubtest = \"pass\"\nstatus = \"FAIL\"\nreason = \"was a bug\"\n",
    );
    let (code, stdout, _) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &exp]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("UNEXPECTED-PASS /pass :: pass"), "{stdout}");
    assert_eq!(common::last_line(&stdout), "0 passed, 1 failed");
}

#[test]
fn absence_means_pass() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let exp = expectations(dir.path(), "# nothing expected to fail\n");
    let (code, stdout, _) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &exp]);
    assert_eq!(code, 1);
    assert!(stdout.lines().any(|l| l.starts_with("FAIL /fail :: fail")), "{stdout}");
}

#[test]
fn a_run_of_zero_tests_fails() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("pass.yaml", common::PASSING)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap(), "--filter", "no-such-test"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("no subtests ran"), "{stdout}");
    assert_eq!(common::last_line(&stdout), "0 passed, 0 failed");
}

#[test]
fn an_entry_without_a_reason_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING)]);
    let exp = expectations(dir.path(), "[[expected]]\ntest = \"/pass\"\nsubtest = \"pass\"\nstatus = \"FAIL\"\n");
    let (code, _, stderr) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &exp]);
    assert_eq!(code, 2);
    assert!(stderr.contains("reason"), "{stderr}");
}

/// Writes wptrunner metadata files under `dir/metadata` and returns the directory.
fn metadata(dir: &std::path::Path, files: &[(&str, &str)]) -> String {
    let root = dir.join("metadata");
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root.to_str().unwrap().to_string()
}

#[test]
fn a_wptrunner_metadata_directory_is_read() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/sub/fail.yaml", common::FAILING), ("s/pass.yaml", common::PASSING)]);
    let meta = metadata(
        dir.path(),
        &[("sub/fail.ini", "[fail]\n  bug: https://example.org/1\n  [fail]\n    expected: FAIL\n")],
    );
    let (code, stdout, stderr) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &meta]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    assert_eq!(common::last_line(&stdout), "2 passed, 0 failed");
    assert!(stdout.contains("1 of the passed results are expected failures"), "{stdout}");
}

#[test]
fn conditions_on_profile_and_target_select_the_expectation() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let meta = metadata(
        dir.path(),
        &[(
            "fail.ini",
            "[fail]\n  [fail]\n    expected:\n      if profile == \"spec\" and target == \"engine\": FAIL\n      PASS\n",
        )],
    );
    let s = dir.path().join("s");
    let (code, stdout, _) = common::run(&[s.to_str().unwrap(), "--expectations", &meta, "--profile", "spec"]);
    assert_eq!(code, 0, "FAIL is expected under spec: {stdout}");
    let (code, stdout, _) = common::run(&[s.to_str().unwrap(), "--expectations", &meta, "--profile", "chromium"]);
    assert_eq!(code, 1, "PASS is expected under chromium: {stdout}");
    assert!(stdout.contains("FAIL /fail :: fail"), "{stdout}");
}

#[test]
fn a_known_intermittent_status_is_not_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let meta = metadata(dir.path(), &[("fail.ini", "[fail]\n  [fail]\n    expected: [PASS, FAIL]\n")]);
    let (code, stdout, _) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &meta]);
    assert_eq!(code, 0, "{stdout}");
}

#[test]
fn a_disabled_test_is_skipped_not_run() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING), ("s/pass.yaml", common::PASSING)]);
    let meta = metadata(
        dir.path(),
        &[("fail.ini", "[fail]\n  disabled:\n    if target == \"engine\": flaky on this target\n")],
    );
    let json = dir.path().join("out.json");
    let (code, stdout, _) = common::run(&[
        dir.path().join("s").to_str().unwrap(),
        "--expectations",
        &meta,
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(common::last_line(&stdout), "1 passed, 0 failed, 1 skipped");
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let fail = report["results"].as_array().unwrap().iter().find(|r| r["test"] == "/fail").unwrap();
    assert_eq!(fail["status"], "SKIP");
    assert!(fail.get("expected").is_none());
}

#[test]
fn entries_that_name_no_test_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING)]);
    let meta = metadata(
        dir.path(),
        &[("gone.ini", "[gone]\n  expected: ERROR\n"), ("pass.ini", "[pass]\n  [renamed]\n    expected: FAIL\n")],
    );
    let (code, _, stderr) = common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", &meta]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("expectation for /gone names no test"), "{stderr}");
    assert!(stderr.contains("expectation for /pass :: renamed names no subtest"), "{stderr}");
}

#[test]
fn a_toml_entry_can_carry_a_condition() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let exp = expectations(
        dir.path(),
        "[[expected]]\ntest = \"/fail\"\nsubtest = \"fail\"\nstatus = \"FAIL\"\nreason = \"spec only\"\nwhen = 'profile == \"spec\"'\n",
    );
    let s = dir.path().join("s");
    assert_eq!(common::run(&[s.to_str().unwrap(), "--expectations", &exp, "--profile", "spec"]).0, 0);
    assert_eq!(common::run(&[s.to_str().unwrap(), "--expectations", &exp]).0, 1);
}

#[test]
fn a_wptrunner_file_given_as_toml_gets_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING), ("meta.txt", "[pass]\n  expected: OK\n")]);
    let exp = dir.path().join("meta.txt");
    let (code, _, stderr) =
        common::run(&[dir.path().join("s").to_str().unwrap(), "--expectations", exp.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("wptrunner metadata must be a directory or a file ending in .ini"), "{stderr}");
}

#[test]
fn update_expectations_writes_metadata_that_makes_the_run_pass() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/a/fail.yaml", common::FAILING), ("s/pass.yaml", common::PASSING)]);
    let s = dir.path().join("s");
    let spec = dir.path().join("spec.json");
    let chromium = dir.path().join("chromium.json");
    // The failing scenario fails under both profiles; one run per profile.
    assert_eq!(common::run(&[s.to_str().unwrap(), "--profile", "spec", "--json", spec.to_str().unwrap()]).0, 1);
    assert_eq!(common::run(&[s.to_str().unwrap(), "--json", chromium.to_str().unwrap()]).0, 1);
    let meta = dir.path().join("metadata");
    let (code, stdout, stderr) = common::run(&[
        "update-expectations",
        spec.to_str().unwrap(),
        chromium.to_str().unwrap(),
        "--metadata",
        meta.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let written = std::fs::read_to_string(meta.join("a/fail.ini")).unwrap();
    assert_eq!(written, "[fail]\n  [fail]\n    expected: FAIL\n");
    assert!(!meta.join("pass.ini").exists(), "passing tests get no metadata");
    for profile in ["spec", "chromium"] {
        let (code, stdout, _) =
            common::run(&[s.to_str().unwrap(), "--profile", profile, "--expectations", meta.to_str().unwrap()]);
        assert_eq!(code, 0, "{profile}: {stdout}");
    }
    // A bug line written by hand survives the next update.
    std::fs::write(meta.join("a/fail.ini"), "[fail]\n  [fail]\n    bug: https://example.org/7\n    expected: FAIL\n")
        .unwrap();
    assert_eq!(
        common::run(&["update-expectations", spec.to_str().unwrap(), "--metadata", meta.to_str().unwrap()]).0,
        0
    );
    let again = std::fs::read_to_string(meta.join("a/fail.ini")).unwrap();
    assert!(again.contains("bug: https://example.org/7"), "{again}");
}

#[test]
fn update_expectations_conditions_on_what_tells_runs_apart() {
    use wpt_harness::expectations::update::{read_report, write_metadata};
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/fail.yaml", common::FAILING)]);
    let s = dir.path().join("s");
    let failing = dir.path().join("failing.json");
    assert_eq!(common::run(&[s.to_str().unwrap(), "--profile", "spec", "--json", failing.to_str().unwrap()]).0, 1);
    // The same run with the subtest passing under the chromium profile.
    let mut passing = read_report(&failing).unwrap();
    passing.run_info.profile = "chromium".into();
    let sub = &mut passing.results[0].subtests[0];
    sub.status = wpt_harness::verdict::SubtestStatus::Pass;
    let meta = dir.path().join("metadata");
    write_metadata(&[read_report(&failing).unwrap(), passing], &meta).unwrap();
    let written = std::fs::read_to_string(meta.join("fail.ini")).unwrap();
    assert!(written.contains("if profile == \"spec\": FAIL"), "{written}");
    let (code, stdout, _) =
        common::run(&[s.to_str().unwrap(), "--profile", "spec", "--expectations", meta.to_str().unwrap()]);
    assert_eq!(code, 0, "{written}\n{stdout}");
}
