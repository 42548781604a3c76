//! Flags mean what they say: combinations that cannot apply are refused with
//! a message before anything runs, the console, wptreport.json and the HTML
//! report give one verdict, and progress reaches CI logs on stderr.

mod common;

fn run_in(dir: &std::path::Path, extra: &[&str]) -> (i32, String, String) {
    let s = dir.join("s");
    let mut args = vec![s.to_str().unwrap()];
    args.extend_from_slice(extra);
    common::run(&args)
}

#[test]
fn flags_that_cannot_apply_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING)]);
    let cases: &[(&[&str], &str)] = &[
        (&["--diff"], "--diff needs --target chromium"),
        (&["--diff", "--target", "exec", "--adapter", "true"], "--diff needs --target chromium"),
        (&["--diff-json", "x.json"], "--diff-json needs --diff"),
        (&["--adapter", "true"], "--adapter needs --target exec"),
        (&["--chromium", "/usr/bin/chromium"], "--chromium needs --target chromium"),
        (&["--json", "/no/such/dir/x.json"], "no directory /no/such/dir"),
        (&["--html", "/no/such/dir/x.html"], "no directory /no/such/dir"),
        (&["--target", "exec"], "--target exec needs --adapter"),
        (
            &["--target", "chromium", "--chromium", "/no/such/chromium"],
            "Chromium is not installed at /no/such/chromium",
        ),
    ];
    for (flags, message) in cases {
        let (code, stdout, stderr) = run_in(dir.path(), flags);
        assert_eq!(code, 2, "{flags:?}: {stdout}");
        assert!(stderr.contains(message), "{flags:?}: {stderr}");
        assert!(!stdout.contains("passed"), "{flags:?} ran: {stdout}");
    }
}

#[test]
fn chromium_path_comes_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING)]);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wpt-harness"))
        .args([dir.path().join("s").to_str().unwrap(), "--target", "chromium"])
        .env("CHROMIUM_PATH", "/no/such/browser")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.contains("/no/such/browser"), "{stderr}");
}

#[test]
fn console_json_and_html_give_one_verdict() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[("s/pass.yaml", common::PASSING), ("s/fail.yaml", common::FAILING), ("s/xfail.yaml", common::FAILING)],
    );
    common::write(dir.path(), &[("meta/xfail.ini", "[xfail]\n  [xfail]\n    expected: FAIL\n")]);
    let json = dir.path().join("r.json");
    let html = dir.path().join("r.html");
    let meta = dir.path().join("meta");
    let (code, stdout, _) = run_in(
        dir.path(),
        &[
            "--expectations",
            meta.to_str().unwrap(),
            "--log-wptreport",
            json.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(common::last_line(&stdout), "2 passed, 1 failed");
    // wptreport.json: unexpected results are those whose status differs from `expected`.
    let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let subtests: Vec<&serde_json::Value> =
        report["results"].as_array().unwrap().iter().flat_map(|r| r["subtests"].as_array().unwrap()).collect();
    let unexpected = subtests.iter().filter(|s| s.get("expected").is_some()).count();
    assert_eq!((subtests.len() - unexpected, unexpected), (2, 1));
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("2 passed, 1 failed"), "the HTML header says the console's counts");
}

#[test]
fn progress_goes_to_stderr_one_line_per_test_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/a.yaml", common::PASSING), ("s/b.yaml", common::PASSING)]);
    let (code, stdout, stderr) = run_in(dir.path(), &[]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with('[')).collect();
    assert_eq!(lines, ["[1/2] /a", "[2/2] /b"], "{stderr}");
    assert!(!stdout.contains("[1/2]"), "progress stays off stdout: {stdout}");
}
