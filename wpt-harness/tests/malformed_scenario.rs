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
