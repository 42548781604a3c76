//! The binary removes the suite copies older builds unpacked, and only
//! those: never a copy in use, recently used, or not provably ours.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use wpt_harness::bundled::stale_copies::{UNUSED_FOR, remove_stale};

fn copy(parent: &Path, name: &str, marker: Option<&str>, age: Duration) -> PathBuf {
    let dir = parent.join(name);
    std::fs::create_dir_all(dir.join("scenarios/ext")).unwrap();
    std::fs::write(dir.join("scenarios/ext/a.yaml"), "steps: []\n").unwrap();
    if let Some(text) = marker {
        std::fs::write(dir.join(".complete"), text).unwrap();
        let file = File::options().write(true).open(dir.join(".complete")).unwrap();
        file.set_modified(SystemTime::now() - age).unwrap();
    }
    dir
}

#[test]
fn only_our_unused_copies_of_other_suites_go() {
    let tmp = tempfile::tempdir().unwrap();
    let old = UNUSED_FOR + Duration::from_secs(60);
    let keep = copy(tmp.path(), "wpt-harness-suite-0.1.0-1111111111111111", Some("1111111111111111"), old);
    let stale = copy(tmp.path(), "wpt-harness-suite-0.1.0-2222222222222222", Some("2222222222222222"), old);
    let stale_version = copy(tmp.path(), "wpt-harness-suite-0.0.9-3333333333333333", Some("3333333333333333"), old);
    let recent = copy(tmp.path(), "wpt-harness-suite-0.1.0-4444444444444444", Some("4444444444444444"), Duration::ZERO);
    let foreign_marker = copy(tmp.path(), "wpt-harness-suite-0.1.0-5555555555555555", Some("not a hash"), old);
    let no_marker = copy(tmp.path(), "wpt-harness-suite-0.1.0-6666666666666666", None, old);
    let not_ours = copy(tmp.path(), "wpt-harness-suite-mine", Some("mine"), old);
    let short_hash = copy(tmp.path(), "wpt-harness-suite-0.1.0-999999999", Some("999999999"), old);
    let no_version = copy(tmp.path(), "wpt-harness-suite--9999999999999999", Some("9999999999999999"), old);
    let in_use = copy(tmp.path(), "wpt-harness-suite-0.1.0-7777777777777777", Some("7777777777777777"), old);
    let lock = File::open(in_use.join(".complete")).unwrap();
    lock.lock_shared().unwrap();
    let staging = tmp.path().join(".wpt-harness-unpackAbC123");
    std::fs::create_dir(&staging).unwrap();
    File::open(&staging).unwrap().set_modified(SystemTime::now() - old).unwrap();
    let unrelated_file = tmp.path().join("wpt-harness-suite-0.1.0-8888888888888888");
    std::fs::write(&unrelated_file, "a file, not a copy").unwrap();

    let removed = remove_stale(tmp.path(), &keep, SystemTime::now());

    assert_eq!(removed, 3, "two stale copies and one abandoned staging directory");
    for gone in [&stale, &stale_version, &staging] {
        assert!(!gone.exists(), "{} should be removed", gone.display());
    }
    for kept in
        [&keep, &recent, &foreign_marker, &no_marker, &not_ours, &short_hash, &no_version, &in_use, &unrelated_file]
    {
        assert!(kept.exists(), "{} should be kept", kept.display());
    }
    // Nothing half-removed is left behind.
    let names: Vec<String> =
        std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.iter().any(|n| n.contains("stale")), "{names:?}");
    drop(lock);
    // Released, the copy that was in use is stale like the others.
    assert_eq!(remove_stale(tmp.path(), &keep, SystemTime::now()), 1);
    assert!(!in_use.exists());
}
