//! The binary carries the bundled suite: run from an unrelated directory
//! (as `cargo install --path wpt-harness` leaves it), it unpacks the suite
//! into the temporary directory and runs all of it.

mod common;

#[test]
fn the_binary_runs_the_bundled_suite_from_any_directory() {
    let cwd = tempfile::tempdir().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // A copy an older build unpacked and nobody used for two hours: the
    // binary removes it (stale_copies.rs has the cases it keeps).
    let old = tmp.path().join("wpt-harness-suite-0.0.1-00000000000000aa");
    std::fs::create_dir_all(old.join("scenarios")).unwrap();
    std::fs::write(old.join(".complete"), "00000000000000aa").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 3600);
    std::fs::File::options().write(true).open(old.join(".complete")).unwrap().set_modified(two_hours_ago).unwrap();
    let json = cwd.path().join("r.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wpt-harness"))
        .args(["--json", json.to_str().unwrap()])
        .current_dir(cwd.path())
        .env("TMPDIR", tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let summary = common::last_line(&stdout);
    let passed: usize = summary.split(' ').next().unwrap().parse().unwrap();
    assert!(passed >= 150 && summary.contains(" 0 failed"), "{summary}");
    // The suite came out of the binary, not the source tree.
    let unpacked: Vec<_> = std::fs::read_dir(tmp.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("wpt-harness-suite-"))
        .collect();
    assert_eq!(unpacked.len(), 1, "one unpacked copy of the suite, the stale one removed");
    let root = unpacked[0].path();
    assert!(root.join("scenarios/ext/sync/online-fires-immediately.yaml").is_file());
    assert!(root.join("expectations/known-engine-bugs.toml").is_file());
    // run_info.revision is never missing.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(report["run_info"]["revision"].as_str().is_some_and(|r| !r.is_empty()));
}
