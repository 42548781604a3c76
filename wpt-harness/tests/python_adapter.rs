//! The whole bundled suite through the standard-library Python adapter
//! (`adapters/python/adapter.py`), which drives the engine through its C ABI
//! with ctypes: no subtest fails, errors or times out, and every subtest it
//! cannot run is `NOTRUN` naming the capability the C ABI lacks.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use wpt_harness::policy::RunProfile;
use wpt_harness::runner::Status;
use wpt_harness::suite::{self, RunOptions};
use wpt_harness::targets::{ExecTarget, Target};

/// Builds the C ABI's shared library into this test's target directory and returns its path.
fn shared_library() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // The test binary is <target>/<profile>/deps/python_adapter-<hash>.
    let lib_dir = exe.parent().and_then(Path::parent).expect("profile directory").to_path_buf();
    let target_dir = lib_dir.parent().expect("target directory").to_path_buf();
    let profile = lib_dir.file_name().and_then(|n| n.to_str()).unwrap_or("debug").to_string();
    let mut build = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    build.args(["build", "-p", "sync-ffi", "--lib", "--target-dir"]).arg(&target_dir);
    if profile != "debug" {
        build.args(["--profile", &profile]);
    }
    build.current_dir(env!("CARGO_MANIFEST_DIR"));
    let out = build.output().expect("cargo runs");
    assert!(out.status.success(), "building sync-ffi failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let lib = lib_dir.join("libsync_ffi.so");
    assert!(lib.is_file(), "{} was built", lib.display());
    lib
}

#[test]
fn the_bundled_suite_passes_through_the_python_adapter_on_the_c_abi() {
    let lib = shared_library();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("adapters/python/adapter.py");
    let command = format!("BGSYNC_LIB='{}' python3 '{}'", lib.display(), script.display());
    let mut target = ExecTarget::new(command, Duration::from_secs(30));
    let files = suite::discover(&[suite::bundled_scenarios()]).expect("the bundled suite");
    let options =
        RunOptions { profile: RunProfile::Builtin(sync_policy::Profile::Chromium), filter: None, ..Default::default() };
    let results = suite::run(&files, &options, &mut target, &mut |_, _, _| {});
    let (mut passed, mut notrun) = (0, 0);
    for r in &results {
        assert!(r.error.is_none(), "{}: {:?}", r.test, r.error);
        for s in &r.subtests {
            let message = s.message.clone().unwrap_or_default();
            match s.status {
                Status::Pass => passed += 1,
                Status::NotRun => {
                    notrun += 1;
                    assert!(
                        message.contains("capability")
                            || message.contains("while the user agent is down")
                            || message.contains("a new policy at `ua.start`"),
                        "{} {}: NOTRUN names the capability or what the protocol cannot carry: {message}",
                        r.test,
                        s.name
                    );
                }
                other => panic!("{} {}: {other:?}: {message}", r.test, s.name),
            }
        }
    }
    assert!(passed > 90, "most of the suite runs through the C ABI ({passed} passed, {notrun} not run)");
    assert_eq!(target.product().0, "background-sync via C ABI (Python ctypes)");
}
