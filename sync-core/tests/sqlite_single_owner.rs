//! A store file has one owner: a second `SqliteStore::open` of the same file,
//! from this process or from another one, is refused with
//! `StoreError::Locked` naming the file, and the file can be opened again as
//! soon as the owner is gone (dropped, exited, or killed with SIGKILL).
#![cfg(feature = "sqlite")]

mod sqlite_kit;

use sqlite_kit::{one_off, reopen};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use sync_core::store::{Mutation, SqliteStore, Store, StoreError};

/// Where the child process finds the file to hold.
const CHILD_ENV: &str = "SYNC_CORE_HOLD_STORE";

fn expect_locked(result: Result<SqliteStore, StoreError>, path: &Path) {
    match result {
        Err(StoreError::Locked { path: shown }) => {
            assert_eq!(shown, path.display().to_string());
            let message = StoreError::Locked { path: shown }.to_string();
            assert!(message.contains("sync.db") && message.contains("in use"), "{message}");
        }
        other => panic!("expected Locked, got {other:?}"),
    }
}

#[test]
fn a_second_open_in_the_same_process_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut first = SqliteStore::open(&path).unwrap();
    first.apply(&[Mutation::Put(one_off(1, "kept", 1))]).unwrap();
    expect_locked(SqliteStore::open(&path), &path);
    // The refusal touched nothing: the owner goes on writing.
    first.apply(&[Mutation::Put(one_off(1, "after", 2))]).unwrap();
    drop(first);
    // Released on drop: the next owner sees everything.
    assert_eq!(reopen(&path).registrations.len(), 2);
}

#[test]
fn a_refused_open_of_a_new_file_creates_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let _owner = SqliteStore::open(&path).unwrap();
    expect_locked(SqliteStore::open(&path), &path);
    expect_locked(SqliteStore::open(dir.path().join(".").join("sync.db")), &dir.path().join(".").join("sync.db"));
}

/// Starts this test binary again as a child that opens the store at `path`,
/// says `holding`, and keeps it open until its stdin closes.
fn spawn_holder(path: &Path) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--ignored", "--exact", "child_holds_the_store", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn the child");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            // The harness prints its own "test ... " prefix on the same line.
            Some(Ok(line)) if line.ends_with("holding") => break,
            Some(Ok(_)) => {}
            other => panic!("the child ended before holding the store: {other:?}"),
        }
    }
    // Keep reading, so the child's last words do not meet a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    child
}

#[test]
fn a_second_process_is_refused_until_the_owner_exits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut child = spawn_holder(&path);
    expect_locked(SqliteStore::open(&path), &path);
    // Closing stdin tells the child to drop its store and exit.
    drop(child.stdin.take());
    assert!(child.wait().unwrap().success());
    let snapshot = reopen(&path);
    assert_eq!(snapshot.registrations.len(), 1, "the child's write is there");
}

#[test]
fn a_killed_owner_leaves_no_stale_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut child = spawn_holder(&path);
    expect_locked(SqliteStore::open(&path), &path);
    child.kill().unwrap(); // SIGKILL: no destructor runs
    child.wait().unwrap();
    assert_eq!(reopen(&path).registrations.len(), 1);
}

/// The child of the two-process tests; does nothing unless started by one.
#[test]
#[ignore = "the child process of a_second_process_is_refused_until_the_owner_exits"]
fn child_holds_the_store() {
    let Some(path) = std::env::var_os(CHILD_ENV) else { return };
    let mut store = SqliteStore::open(&path).expect("the child opens the store");
    store.apply(&[Mutation::Put(one_off(7, "child", 1))]).expect("the child writes");
    println!("holding");
    // Hold the store until the parent closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(store);
}
