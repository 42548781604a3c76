//! The `sync-store` tool: `check` says healthy or not through its exit
//! status and lists the problems, `inspect` counts what a file holds,
//! `salvage` writes a new file and lists what it left out, `--help` works and
//! unknown flags are errors.
#![cfg(feature = "cli")]

mod sqlite_kit;

use sqlite_kit::{A, one_off};
use std::path::Path;
use std::process::{Command, Output};
use sync_core::store::{Mutation, SqliteStore, Store};

fn tool(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sync-store")).args(args).output().expect("run sync-store")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    let out = tool(&args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn filled(path: &Path) {
    let mut s = SqliteStore::open(path).unwrap();
    let rows: Vec<_> = (1..=12).map(|i| Mutation::Put(one_off(1, &format!("t{i:02}"), i))).collect();
    s.apply(&rows).unwrap();
}

#[test]
fn help_works_and_unknown_flags_are_errors() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    for word in ["check", "inspect", "salvage"] {
        assert!(out.contains(word), "{out}");
    }
    let (code, _, err) = run(&["check", "--bogus", "x.db"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--bogus"), "{err}");
    let (code, _, err) = run(&["salvage", "x.db"]);
    assert_eq!(code, 2, "--out is required: {err}");
}

#[test]
fn check_inspect_and_salvage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    filled(&path);
    let shown = path.to_str().unwrap();
    let (code, out, _) = run(&["check", shown]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("healthy"), "{out}");

    let (code, out, _) = run(&["inspect", shown]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("schema version: 2"), "{out}");
    assert!(out.contains("journal rows: 12"), "{out}");
    assert!(out.contains(&format!("{A}: 12 one-off, 0 periodic")), "{out}");

    rusqlite::Connection::open(&path).unwrap().execute_batch("UPDATE journal SET attempts = -1 WHERE id = 3").unwrap();
    let (code, out, _) = run(&["check", shown]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 problem") && out.contains("journal row 3") && out.contains("`attempts`"), "{out}");

    let new = dir.path().join("new.db");
    let (code, out, err) = run(&["salvage", shown, "--out", new.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("recovered: 11 registrations"), "{out}");
    assert!(out.contains("skipped: 1") && out.contains("journal row 3"), "{out}");
    let (code, out, _) = run(&["check", new.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(SqliteStore::open(&new).unwrap().load().unwrap().registrations.len(), 11);
}

#[test]
fn check_reads_a_file_a_store_has_open_and_fails_on_a_missing_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    filled(&path);
    let _owner = SqliteStore::open(&path).unwrap();
    let (code, out, _) = run(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = run(&["check", dir.path().join("missing.db").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("missing.db"), "{err}");
}
