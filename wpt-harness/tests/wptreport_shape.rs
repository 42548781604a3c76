//! `--json` writes wptreport.json in the shape wpt.fyi reads.

mod common;

use serde_json::Value;

const TEST_STATUSES: &[&str] = &["OK", "ERROR", "TIMEOUT", "CRASH", "PRECONDITION_FAILED", "SKIP", "PASS", "FAIL"];
const SUBTEST_STATUSES: &[&str] = &["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED", "ERROR", "SKIP"];

fn is_status(v: &Value, allowed: &[&str]) -> bool {
    v.as_str().is_some_and(|s| allowed.contains(&s))
}

/// Checks a report against wpt.fyi's wptreport shape; returns the problems.
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
    for key in ["product", "browser_version", "os"] {
        if !info[key].is_string() {
            p.push(format!("run_info.{key} must be a string"));
        }
    }
    let Some(results) = report["results"].as_array() else {
        p.push("results must be an array".into());
        return p;
    };
    for r in results {
        let test = r["test"].as_str().unwrap_or("");
        if !test.starts_with('/') {
            p.push(format!("test id must start with /: {test:?}"));
        }
        if !is_status(&r["status"], TEST_STATUSES) {
            p.push(format!("{test}: bad status {}", r["status"]));
        }
        if !(r["message"].is_null() || r["message"].is_string()) {
            p.push(format!("{test}: message must be null or a string"));
        }
        if let Some(exp) = r.get("expected")
            && (!is_status(exp, TEST_STATUSES) || exp == &r["status"])
        {
            p.push(format!("{test}: `expected` must be a status different from `status`"));
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

#[test]
fn bundled_run_writes_a_valid_wptreport() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("wptreport.json");
    let (code, stdout, stderr) = common::run(&["run", "--json", json.to_str().unwrap()]);
    assert_eq!(code, 0, "{stdout}\n{stderr}");
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(shape_problems(&report), Vec::<String>::new());
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
}

#[test]
fn failures_and_errors_keep_the_shape() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "source: extension\nsteps: [{nope: 1}]\n";
    common::write(dir.path(), &[("pass.yaml", common::PASSING), ("fail.yaml", common::FAILING), ("bad.yaml", bad)]);
    let json = dir.path().join("out.json");
    let (code, _, _) = common::run(&[dir.path().to_str().unwrap(), "--json", json.to_str().unwrap()]);
    assert_eq!(code, 1);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(shape_problems(&report), Vec::<String>::new());
    let by_test = |t: &str| report["results"].as_array().unwrap().iter().find(|r| r["test"] == t).unwrap().clone();
    assert_eq!(by_test("/bad")["status"], "ERROR");
    assert_eq!(by_test("/bad")["expected"], "OK");
    assert_eq!(by_test("/fail")["subtests"][0]["status"], "FAIL");
    assert!(by_test("/fail")["subtests"][0]["message"].as_str().unwrap().contains("InvalidStateError"));
    assert_eq!(by_test("/pass")["subtests"][0]["status"], "PASS");
    assert!(by_test("/pass")["subtests"][0].get("expected").is_none());
}

#[test]
fn the_shape_check_rejects_a_wrong_report() {
    let wrong = serde_json::json!({"results": [{"test": "x", "status": "MAYBE", "subtests": {}}], "run_info": {}});
    assert!(shape_problems(&wrong).len() >= 4);
}
