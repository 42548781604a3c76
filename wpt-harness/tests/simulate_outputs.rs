//! `wpt-harness simulate` prints the comparison and writes the report files.

use std::process::Command;

fn harness(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wpt-harness")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn the_command_prints_the_table_and_writes_every_output() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.yaml");
    std::fs::write(
        &world,
        "days: 2\nseed: 3\ntrace: {generator: commuter}\nsites:\n  - name: mail\n    visits_per_day: 8\n    oneoff: offline-visits\n  - name: feed\n    periodic: 1h\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let (code, stdout, stderr) = harness(&[
        "simulate",
        world.to_str().unwrap(),
        "--profile",
        "chromium",
        "--profile",
        "spec",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    let header = stdout.lines().next().unwrap();
    assert!(header.contains("chromium") && header.contains("spec"), "{stdout}");
    assert!(stdout.contains("wake-ups/day"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("periodic longest gap: ")), "a verdict per figure:\n{stdout}");
    for name in wpt_harness::simulate::cli::OUTPUTS {
        assert!(out.join(name).exists(), "{name} written");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("<svg") && !html.contains("src=\"http"), "self-contained with inline plots");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("figures.json")).unwrap()).unwrap();
    assert_eq!(json["profiles"].as_array().unwrap().len(), 2);
    assert_eq!(json["profiles"][1]["profile"], "spec");
    assert!(json["profiles"][0]["device"]["wakeups_by_day"].as_array().unwrap().len() == 2);
}

#[test]
fn a_bad_profile_or_world_exits_with_code_two() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.yaml");
    std::fs::write(&world, "days: 1\nsites:\n  - name: a\n").unwrap();
    let (code, _, stderr) = harness(&["simulate", world.to_str().unwrap(), "--profile", "firefox"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("firefox"), "{stderr}");
    std::fs::write(&world, "days: 0\nsites:\n  - name: a\n").unwrap();
    let (code, _, stderr) = harness(&["simulate", world.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("w.yaml:1:7"), "{stderr}");
}

#[test]
fn a_policy_file_is_a_profile_named_after_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let world = dir.path().join("w.yaml");
    std::fs::write(&world, "days: 2\nsites:\n  - name: a\n    periodic: 12h\n").unwrap();
    let policy = dir.path().join("patient.toml");
    std::fs::write(&policy, "profile = \"chromium\"\n[periodic]\nmin_interval = \"24h\"\n").unwrap();
    let (code, stdout, stderr) =
        harness(&["simulate", world.to_str().unwrap(), "--profile", "chromium", "--profile", policy.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.lines().next().unwrap().contains("patient"), "{stdout}");
    // Chromium's 12 h: fires at 12 h, 24 h 10 s and 36 h 20 s (each 12 h after the
    // 10 s event completed); the file's 24 h floor: one fire at 24 h, the next after the end.
    let row = stdout.lines().find(|l| l.starts_with("periodic fires/day/site (asked 2.00)")).unwrap();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[cells.len() - 2..], ["1.50", "0.50"], "{stdout}");
}
