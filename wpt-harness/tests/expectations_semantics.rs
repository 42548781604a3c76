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
