//! A malformed scenario is reported with file:line:column and counted as an
//! error; the other scenarios still run.

mod common;

#[test]
fn malformed_file_is_reported_with_its_line_and_the_rest_still_run() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n  - clock.advanse: 5m\n";
    common::write(dir.path(), &[("a-bad.yaml", bad), ("b-good.yaml", common::PASSING)]);
    let (code, stdout, _) = common::run(&["run", dir.path().to_str().unwrap()]);
    assert_ne!(code, 0, "a malformed scenario must fail the run:\n{stdout}");
    let line = stdout.lines().find(|l| l.contains("a-bad.yaml")).expect("the bad file is named");
    assert!(line.contains("a-bad.yaml:4:5"), "file:line:column of the bad step: {line}");
    assert!(line.contains("clock.advanse"), "the reason names the unknown step: {line}");
    // The good scenario ran: one passed subtest, and the bad file counts as one failure.
    assert_eq!(common::last_line(&stdout), "1 passed, 1 failed", "{stdout}");
}

#[test]
fn yaml_syntax_errors_carry_the_parser_position() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a\n  - note: x\n";
    common::write(dir.path(), &[("broken.yaml", bad), ("good.yaml", common::PASSING)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let line = stdout.lines().find(|l| l.contains("broken.yaml:")).expect("the broken file is named");
    let pos = line.split("broken.yaml:").nth(1).unwrap();
    let line_no: u32 = pos.split(':').next().unwrap().parse().unwrap();
    assert!((3..=4).contains(&line_no), "the error points into the unclosed mapping: {line}");
    assert_eq!(common::last_line(&stdout), "1 passed, 1 failed", "{stdout}");
}

#[test]
fn semantic_errors_point_at_the_value() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\ninitial: {network: offline}\nsteps:\n  - clock.advance: 5 minutes\n";
    common::write(dir.path(), &[("dur.yaml", bad)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(stdout.contains("dur.yaml:4:20:"), "{stdout}");
}

#[test]
fn an_unknown_step_gets_a_suggestion_and_the_list_even_with_expect_under_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps:\n  - sync.regsiter: {reg: R1, tag: a}\n    expect: resolve\n";
    common::write(dir.path(), &[("typo.yaml", bad)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let line = stdout.lines().find(|l| l.contains("typo.yaml:3:5")).expect("the step's position");
    assert!(line.contains("unknown step `sync.regsiter` (did you mean `sync.register`?)"), "{line}");
    assert!(line.contains("steps are: sync.register, sync.getTags"), "the valid steps are listed: {line}");
    assert!(!stdout.contains("does not apply"), "the typo is blamed, not the `expect`: {stdout}");
}

#[test]
fn an_unknown_key_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps:\n  - sync.register: {reg: R1, tagg: a}\n";
    common::write(dir.path(), &[("key.yaml", bad)]);
    let (_, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert!(stdout.contains("unknown key `tagg` (did you mean `tag`?) (expected one of: "), "{stdout}");
}

#[test]
fn every_error_in_a_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\ndescripton: x\nsteps:\n  - sync.register: {reg: R1, tag: a}\n  - clock.advanse: 5m\n  - network.set: online\n  - network.sett: offline\n  - clock.advance: 5 minutes\n";
    common::write(dir.path(), &[("many.yaml", bad), ("good.yaml", common::PASSING)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    for (at, what) in [
        ("many.yaml:2:1", "descripton"),
        ("many.yaml:5:5", "clock.advanse"),
        ("many.yaml:7:5", "network.sett"),
        ("many.yaml:8:20", "5 minutes"),
    ] {
        let line = stdout.lines().find(|l| l.contains(at)).unwrap_or_else(|| panic!("{at} is reported:\n{stdout}"));
        assert!(line.contains(what), "{line}");
    }
    assert!(stdout.contains("3 more errors in this file follow"), "{stdout}");
    // Still one failed test for the file.
    assert_eq!(common::last_line(&stdout), "1 passed, 1 failed", "{stdout}");
}

#[test]
fn fail_lines_name_the_file_and_line_of_the_failing_check() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("sub/fail.yaml", common::FAILING)]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    let line = stdout.lines().find(|l| l.starts_with("FAIL")).expect("a FAIL line");
    assert!(line.contains("sub/fail.yaml:3, t=0)"), "file and line of the failing step: {line}");
}

#[test]
fn documented_step_names_and_their_old_aliases_both_work() {
    let dir = tempfile::tempdir().unwrap();
    let body = |network: &str, settle: &str| {
        format!(
            "source: extension\nsteps:\n  - sync.register: {{reg: R1, tag: a}}\n  - events: [{{id: e1, type: sync, tag: a, at: 0}}]\n  - {network}: offline\n  - {settle}: {{event: e1, outcome: reject}}\n  - {network}: online\n  - clock.advance: 5m\n  - events: [{{type: sync, tag: a, at: 5m}}]\n"
        )
    };
    let new = body("network.set", "events.settle");
    let old = body("network", "settle");
    common::write(dir.path(), &[("new.yaml", new.as_str()), ("old.yaml", old.as_str())]);
    let (code, stdout, _) = common::run(&[dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(common::last_line(&stdout), "2 passed, 0 failed", "{stdout}");
}
