//! `wptreport.json`: the format wptrunner writes and wpt.fyi reads.
//!
//! `{"results": [{"test", "status", "message", "subtests": [{"name", "status",
//! "message"}]}], "run_info": {...}, "time_start": ms, "time_end": ms}`. A
//! result or subtest whose status differs from its expectation also carries
//! `expected`, as wptrunner does.

use crate::expectations::Expectations;
use crate::suite::TestResult;
use serde_json::{Value, json};

/// What ran, for `run_info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// The product under test (`sync-core`).
    pub product: String,
    /// Its version.
    pub version: String,
    /// The target (`engine`).
    pub target: String,
    /// The profile asked for with `--profile`.
    pub profile: String,
}

/// Builds the report. Times are wall-clock milliseconds since the Unix epoch.
pub fn wptreport(
    results: &[TestResult],
    expectations: &Expectations,
    info: &RunInfo,
    time_start: u64,
    time_end: u64,
) -> Value {
    let results: Vec<Value> = results
        .iter()
        .map(|r| {
            let subtests: Vec<Value> = r
                .subtests
                .iter()
                .map(|s| {
                    let mut o = json!({
                        "name": s.name,
                        "status": s.status.name(),
                        "message": s.message,
                        "known_intermittent": [],
                    });
                    let expected = expectations.expected(&r.test, Some(&s.name));
                    if expected != s.status.name() {
                        o["expected"] = json!(expected);
                    }
                    o
                })
                .collect();
            let mut o = json!({
                "test": r.test,
                "status": r.status(),
                "message": r.error,
                "subtests": subtests,
                "known_intermittent": [],
            });
            let expected = expectations.expected(&r.test, None);
            if expected != r.status() {
                o["expected"] = json!(expected);
            }
            o
        })
        .collect();
    json!({
        "results": results,
        "run_info": {
            "product": info.product,
            "browser_version": info.version,
            "os": std::env::consts::OS,
            "processor": std::env::consts::ARCH,
            "debug": cfg!(debug_assertions),
            "target": info.target,
            "profile": info.profile,
        },
        "time_start": time_start,
        "time_end": time_end,
    })
}
