//! The kill -9 crash test at CI size: 50 points of random traffic killed with
//! SIGKILL, each followed by a reopen that must show every acknowledged
//! registration state and nothing else, with journal folds (in commits and
//! in `compact()`) among the killed work. The full run is
//! `cargo run --release -p sync-benches --bin crash_test -- --points 1000`.
//! Also: the tool's command line (`--help`, unknown flags).

use std::process::Command;

#[test]
fn fifty_kill_points_lose_nothing_and_invent_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crash_test"))
        .args(["--points", "50", "--seed", "20260501", "--dir"])
        .arg(dir.path())
        .output()
        .expect("run crash_test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "crash_test failed:\n{stdout}\n{stderr}");
    let last = stdout.lines().last().unwrap_or_default();
    let fields: Vec<&str> = last.split(", ").collect();
    assert_eq!(fields.len(), 4, "{last:?}");
    assert_eq!(fields[0], "points: 50");
    let acknowledged: u64 = fields[1].strip_prefix("acknowledged: ").and_then(|n| n.parse().ok()).expect(last);
    assert!(acknowledged > 100, "the children acknowledged real traffic: {last}");
    assert_eq!(&fields[2..], ["lost: 0", "phantom: 0"]);
    assert!(stdout.contains("torn states: 0"), "{stdout}");
    let folds: u64 = stdout
        .split("journal folds completed: ")
        .nth(1)
        .and_then(|rest| rest.split(';').next())
        .and_then(|n| n.parse().ok())
        .expect("the fold count");
    assert!(folds > 10, "kills also land among journal folds: {stdout}");
}

#[test]
fn help_describes_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_crash_test")).arg("--help").output().expect("run crash_test");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for option in ["--points", "--seed", "--dir", "--max-lines", "--fold-threshold", "--verbose"] {
        assert!(stdout.contains(option), "--help lists {option}:\n{stdout}");
    }
    assert!(!stdout.contains("Commands:"), "the child mode stays hidden:\n{stdout}");
}

#[test]
fn an_unknown_flag_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_crash_test"))
        .args(["--points", "1", "--pionts", "1000", "--dir"])
        .arg(dir.path())
        .output()
        .expect("run crash_test");
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--pionts"), "the error names the flag: {stderr}");
    assert!(out.stdout.is_empty(), "nothing ran: {}", String::from_utf8_lossy(&out.stdout));
}
