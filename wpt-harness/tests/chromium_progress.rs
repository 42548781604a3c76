//! The Chromium target's bookkeeping that needs no browser: the progress
//! counter counts the files `--filter` selects, and a file that cannot be
//! run is an error of its test in the differential run, never left out.
//! (The browser is never launched: the only selected subtest is one the
//! screen reports not observable.)

use std::path::Path;
use wpt_harness::expectations::Expectations;
use wpt_harness::policy::RunProfile;
use wpt_harness::suite::SuiteFile;
use wpt_harness::targets::chromium::ChromiumTarget;
use wpt_harness::targets::chromium::suite_run::{Verdict, counts, diff_results, run_diff, run_tests};

/// Three files: one whose subtest the filter selects (power: not observable),
/// one it does not select, one that does not parse.
fn files(dir: &Path) -> Vec<SuiteFile> {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        SuiteFile { path, default_test: format!("/{}", name.trim_end_matches(".yaml")) }
    };
    vec![
        write("power.yaml", "source: extension\nsteps:\n  - power.set: {charging: false}\n  - events: []\n"),
        write("other.yaml", "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n"),
        write("broken.yaml", "source: extension\nsteps:\n  - no.such_step: {}\n"),
    ]
}

/// A target that is never launched (any existing file will do as its binary).
fn target() -> ChromiumTarget {
    ChromiumTarget::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml").as_path()).unwrap()
}

#[test]
fn the_diff_counts_only_the_files_the_filter_selects_and_reports_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let mut calls = Vec::new();
    let (entries, _) =
        run_diff(&files, Some("power"), target(), &mut |i, n, test| calls.push((i, n, test.to_string())));
    assert_eq!(calls, vec![(0, 2, "/power".to_string()), (1, 2, "/broken".to_string())]);
    assert_eq!(entries.len(), 2, "{entries:?}");
    assert!(matches!(entries[0].verdict, Verdict::NotObservable(_)), "{:?}", entries[0].verdict);
    assert!(matches!(&entries[1].verdict, Verdict::Error(m) if m.contains("no.such_step")), "{:?}", entries[1].verdict);
    let c = counts(&entries);
    assert_eq!((c.observable, c.not_observable, c.errors), (0, 1, 1));
    // The broken file is its test's error, not a nameless subtest.
    let results = diff_results(&entries);
    let broken = results.iter().find(|r| r.test == "/broken").unwrap();
    assert!(broken.error.as_deref().is_some_and(|m| m.contains("no.such_step")), "{:?}", broken.error);
    assert!(broken.subtests.is_empty());
}

#[test]
fn the_plain_run_counts_only_the_files_the_filter_selects() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let mut calls = Vec::new();
    let results = run_tests(
        &files,
        &RunProfile::default(),
        Some("power"),
        &Expectations::none(),
        &mut target(),
        &mut |i, n, test| calls.push((i, n, test.to_string())),
    );
    assert_eq!(calls, vec![(0, 2, "/power".to_string()), (1, 2, "/broken".to_string())]);
    assert_eq!(results.iter().map(|r| r.test.as_str()).collect::<Vec<_>>(), ["/power", "/broken"]);
}
