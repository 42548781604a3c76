//! Shared helpers: scenario files in a temp dir, and running the binary.
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// A scenario that passes under both profiles.
pub const PASSING: &str = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n    expect: resolve\n  - events: [{type: sync, tag: a, lastChance: false, at: 0}]\n";

/// A scenario whose check fails (it expects a rejection that does not come).
pub const FAILING: &str =
    "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n    expect: {reject: InvalidStateError}\n";

/// Writes `files` (name, text) into `dir`.
pub fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(path, text).unwrap();
    }
}

/// Runs the `wpt-harness` binary; returns (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_wpt-harness")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The last non-empty line of `text`.
pub fn last_line(text: &str) -> &str {
    text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("")
}
