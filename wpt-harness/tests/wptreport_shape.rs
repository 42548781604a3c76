//! `--json` writes wptreport.json that WPT's tools accept: every report the
//! suite writes (the engine target, the exec target with the reference
//! adapter, and Chromium, plain and `--diff`, when it is installed)
//! deserializes with the `wptreport` crate, and carries what wpt.fyi's
//! results processor requires (`run_info.product`, `browser_version`, `os`,
//! `revision`; test ids starting with `/` and unique; a `subtests` list on
//! every result) and what wptrunner writes (`duration`; `expected` and
//! `known_intermittent` only where they differ; subtests never `ERROR`).

mod common;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use wptreport::reports::wpt_report::{SubtestStatus, TestStatus, WptReport};

const TEST_STATUSES: &[&str] = &["OK", "ERROR", "TIMEOUT", "CRASH", "PRECONDITION_FAILED", "SKIP", "PASS", "FAIL"];
const SUBTEST_STATUSES: &[&str] = &["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];

fn is_status(v: &Value, allowed: &[&str]) -> bool {
    v.as_str().is_some_and(|s| allowed.contains(&s))
}

/// Checks a report against what wpt.fyi's results processor and wptrunner
/// need; returns the problems.
fn shape_problems(report: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = report.as_object() else { return vec!["report is not an object".into()] };
    for key in ["results", "run_info", "time_start", "time_end"] {
        if !obj.contains_key(key) {
            p.push(format!("missing top-level `{key}`"));
        }
    }
    let (start, end) = (report["time_start"].as_u64(), report["time_end"].as_u64());
    match (start, end) {
        (Some(s), Some(e)) if s <= e && s > 1_000_000_000_000 => {}
        _ => p.push(format!("time_start/time_end must be epoch ms with start <= end: {start:?} {end:?}")),
    }
    let info = &report["run_info"];
    for key in ["product", "browser_version", "os", "revision", "target", "profile"] {
        if info[key].as_str().is_none_or(str::is_empty) {
            p.push(format!("run_info.{key} must be a non-empty string"));
        }
    }
    let Some(results) = report["results"].as_array() else {
        p.push("results must be an array".into());
        return p;
    };
    let mut ids = BTreeSet::new();
    for r in results {
        let test = r["test"].as_str().unwrap_or("");
        if !test.starts_with('/') {
            p.push(format!("test id must start with /: {test:?}"));
        }
        if !ids.insert(test.to_string()) {
            p.push(format!("{test}: duplicate test id (wpt.fyi raises ConflictingDataError)"));
        }
        if !is_status(&r["status"], TEST_STATUSES) {
            p.push(format!("{test}: bad status {}", r["status"]));
        }
        if !r["duration"].is_u64() {
            p.push(format!("{test}: duration must be a number of ms"));
        }
        if !(r["message"].is_null() || r["message"].is_string()) {
            p.push(format!("{test}: message must be null or a string"));
        }
        if let Some(exp) = r.get("expected")
            && (!is_status(exp, TEST_STATUSES) || exp == &r["status"])
        {
            p.push(format!("{test}: `expected` must be a status different from `status`"));
        }
        if r.get("known_intermittent").is_some() && r.get("expected").is_none() {
            p.push(format!("{test}: `known_intermittent` without `expected`"));
        }
        let Some(subtests) = r["subtests"].as_array() else {
            p.push(format!("{test}: subtests must be an array"));
            continue;
        };
        for s in subtests {
            let name = s["name"].as_str();
            if name.is_none() {
                p.push(format!("{test}: subtest without a name"));
            }
            if !is_status(&s["status"], SUBTEST_STATUSES) {
                p.push(format!("{test} :: {name:?}: bad status {}", s["status"]));
            }
            if !(s["message"].is_null() || s["message"].is_string()) {
                p.push(format!("{test} :: {name:?}: message must be null or a string"));
            }
            if let Some(exp) = s.get("expected")
                && (!is_status(exp, SUBTEST_STATUSES) || exp == &s["status"])
            {
                p.push(format!("{test} :: {name:?}: `expected` must differ from `status`"));
            }
        }
    }
    p
}

/// Reads a report both ways, checks it, and returns it as JSON.
fn check_report(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    let typed: WptReport =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the wptreport crate refuses it: {e}"));
    assert!(typed.run_info.revision().is_some_and(|r| !r.is_empty()));
    assert!(typed.run_info.product().is_some() && typed.run_info.browser_version().is_some());
    for r in &typed.results {
        assert!(r.duration >= 0);
        assert!(!matches!(r.status, TestStatus::Assert), "{}: ASSERT is never written", r.test);
        for s in &r.subtests {
            assert!(!matches!(s.status, SubtestStatus::Error), "{} :: {} is ERROR", r.test, s.name);
        }
    }
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(shape_problems(&report), Vec::<String>::new());
    report
}

#[test]
fn bundled_run_writes_a_valid_wptreport() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("wptreport.json");
    let (code, stdout, stderr) = common::run(&["run", "--json", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report = check_report(&json);
    assert_eq!(report["run_info"]["product"], "sync-core");
    assert_eq!(report["run_info"]["target"], "engine");
    assert_eq!(report["run_info"]["profile"], "chromium");
    let results = report["results"].as_array().unwrap();
    assert!(results.len() >= 100, "one result per scenario file: {}", results.len());
    // Direct translations are reported under their WPT path and subtest title.
    let u5 = results.iter().find(|r| r["test"] == "/periodic-background-sync/periodicsync.https.window.html").unwrap();
    let names: Vec<&str> = u5["subtests"].as_array().unwrap().iter().filter_map(|s| s["name"].as_str()).collect();
    assert!(names.contains(&"Periodic Background Sync requires an activated Service Worker"), "{names:?}");
    // A result that matches its (absent) expectation carries no `expected` field.
    let sorted = results.iter().find(|r| r["test"] == "/ext/tags/gettags-order.chromium").unwrap();
    assert_eq!(sorted["subtests"][0]["status"], "PASS");
    assert!(sorted["subtests"][0].get("expected").is_none());
    assert!(sorted.get("known_intermittent").is_none());
    // A crash test is PASS with no subtests, as WPT reports crash tests.
    let crash = results.iter().find(|r| r["test"].as_str().unwrap().contains("/crashtests/")).unwrap();
    assert_eq!(crash["status"], "PASS");
    assert_eq!(crash["subtests"].as_array().unwrap().len(), 0);
}

#[test]
fn failures_and_errors_keep_the_shape() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps: [{nope: 1}]\n";
    common::write(dir.path(), &[("pass.yaml", common::PASSING), ("fail.yaml", common::FAILING), ("bad.yaml", bad)]);
    let json = dir.path().join("out.json");
    let (code, _, _) = common::run(&[dir.path().to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_eq!(code, 1);
    let report = check_report(&json);
    let by_test = |t: &str| report["results"].as_array().unwrap().iter().find(|r| r["test"] == t).unwrap().clone();
    assert_eq!(by_test("/bad")["status"], "ERROR");
    assert_eq!(by_test("/bad")["expected"], "OK");
    assert_eq!(by_test("/fail")["subtests"][0]["status"], "FAIL");
    assert_eq!(by_test("/fail")["subtests"][0]["expected"], "PASS");
    assert!(by_test("/fail")["subtests"][0]["message"].as_str().unwrap().contains("InvalidStateError"));
    assert_eq!(by_test("/pass")["subtests"][0]["status"], "PASS");
    assert!(by_test("/pass")["subtests"][0].get("expected").is_none());
}

#[test]
fn expected_and_known_intermittent_appear_where_the_result_differs() {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), &[("s/pass.yaml", common::PASSING), ("s/fail.yaml", common::FAILING)]);
    let meta = "[/fail]\n  [fail]\n    expected: [FAIL, TIMEOUT]\n[/pass]\n  [pass]\n    expected: [TIMEOUT, FAIL]\n";
    common::write(dir.path(), &[("meta.ini", meta)]);
    let json = dir.path().join("out.json");
    let s = dir.path().join("s");
    let exp = dir.path().join("meta.ini");
    let (code, stdout, _) =
        common::run(&[s.to_str().unwrap(), "--expectations", exp.to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_eq!(code, 1, "/pass passes where TIMEOUT is expected: {stdout}");
    let report = check_report(&json);
    let sub =
        |t: &str| report["results"].as_array().unwrap().iter().find(|r| r["test"] == t).unwrap()["subtests"][0].clone();
    assert!(sub("/fail").get("expected").is_none(), "FAIL is expected: {}", sub("/fail"));
    assert!(sub("/fail").get("known_intermittent").is_none());
    assert_eq!(sub("/pass")["expected"], "TIMEOUT");
    assert_eq!(sub("/pass")["known_intermittent"], serde_json::json!(["FAIL"]));
}

#[test]
fn the_exec_target_with_the_reference_adapter_writes_a_valid_wptreport() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("exec.json");
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ext/sync");
    let adapter = env!("CARGO_BIN_EXE_wpt-reference-adapter");
    let (code, stdout, stderr) = common::run(&[
        suite.to_str().unwrap(),
        "--target",
        "exec",
        "--adapter",
        adapter,
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report = check_report(&json);
    assert_eq!(report["run_info"]["target"], "exec");
}

#[test]
fn chromium_reports_plain_and_diff_are_valid_wptreports() {
    let Some(binary) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/ext/sync/online-fires-immediately.yaml");
    for diff in [false, true] {
        let json = dir.path().join(format!("chromium-{diff}.json"));
        let mut args = vec![suite.to_str().unwrap(), "--target", "chromium", "--json", json.to_str().unwrap()];
        args.extend(["--chromium", binary.as_str()]);
        let html = dir.path().join(format!("chromium-{diff}.html"));
        args.extend(["--html", html.to_str().unwrap()]);
        if diff {
            args.push("--diff");
        }
        let (code, stdout, stderr) = common::run(&args);
        assert!(code == 0 || code == 1, "{stdout}\n{stderr}");
        // --html applies with --diff too: the page carries the console's counts.
        let page = std::fs::read_to_string(&html).unwrap();
        let summary = common::last_line(&stdout);
        let counts = summary.split(", ").take(2).collect::<Vec<_>>().join(", ");
        assert!(page.contains(&counts), "{counts} not in the HTML");
        let report = check_report(&json);
        assert_eq!(report["run_info"]["product"], "chromium");
        assert_eq!(report["run_info"]["diff"], diff);
        // NOTRUN (not observable in Chromium) is never expected to PASS.
        for r in report["results"].as_array().unwrap() {
            for s in r["subtests"].as_array().unwrap() {
                if s["status"] == "NOTRUN" {
                    assert!(s.get("expected").is_none(), "{s}");
                }
            }
        }
    }
}

fn chromium() -> Option<String> {
    let binary = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if Path::new(&binary).exists() {
        Some(binary)
    } else {
        eprintln!("skipped: no Chromium at {binary}");
        None
    }
}

#[test]
fn the_shape_check_rejects_a_wrong_report() {
    let wrong = serde_json::json!({"results": [{"test": "x", "status": "MAYBE", "subtests": {}}], "run_info": {}});
    assert!(shape_problems(&wrong).len() >= 6);
}
