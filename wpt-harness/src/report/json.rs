//! `wptreport.json`: the format wptrunner writes and wpt.fyi reads, as typed
//! structs.
//!
//! Every result carries `test` (starting with `/`), `status`, `message`,
//! `duration` (wall-clock ms), `subtests` (always present, as wpt.fyi's
//! results processor reads it) and, where they differ from the result,
//! `expected` and `known_intermittent`. `run_info` carries `product`,
//! `browser_version`, `os` and `revision` (the keys wpt.fyi requires) plus
//! `processor`, `bits`, `debug`, `target`, `profile` and `diff`: the keys
//! expectation conditions test.

use crate::suite::TestResult;
use crate::verdict::{SubtestStatus, TestStatus, Verdict};
use serde::{Deserialize, Serialize};

/// What ran, for `run_info`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunInfo {
    /// The product under test (`sync-core`, `chromium`, or the adapter's name).
    pub product: String,
    /// Its version.
    pub version: String,
    /// The target (`engine`, `exec`, `chromium`).
    pub target: String,
    /// The profile asked for with `--profile`.
    pub profile: String,
    /// The revision of the suite (see [`crate::bundled::REVISION`]).
    pub revision: String,
    /// Whether this is a `--diff` run (Chromium compared with the engine).
    pub diff: bool,
}

/// `run_info` as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WptRunInfo {
    /// The product under test.
    pub product: String,
    /// Its version.
    pub browser_version: String,
    /// The operating system (`linux`).
    pub os: String,
    /// The revision of the tests that ran.
    pub revision: String,
    /// The processor architecture.
    pub processor: String,
    /// Pointer width of the harness build.
    pub bits: u32,
    /// Whether the harness is a debug build.
    pub debug: bool,
    /// The target.
    pub target: String,
    /// The `--profile`.
    pub profile: String,
    /// Whether this is a `--diff` run.
    #[serde(default)]
    pub diff: bool,
}

/// One subtest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WptSubtest {
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: SubtestStatus,
    /// Why it did not pass.
    pub message: Option<String>,
    /// The expected status, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Known intermittent statuses, when the result differs from the expectation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_intermittent: Vec<String>,
}

/// One test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WptResult {
    /// The test id.
    pub test: String,
    /// Its status.
    pub status: TestStatus,
    /// Why it did not run to the end.
    pub message: Option<String>,
    /// Wall-clock milliseconds.
    pub duration: u64,
    /// The expected status, when it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Known intermittent statuses, when the result differs from the expectation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub known_intermittent: Vec<String>,
    /// Its subtests.
    pub subtests: Vec<WptSubtest>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WptReport {
    /// Every test.
    pub results: Vec<WptResult>,
    /// What ran.
    pub run_info: WptRunInfo,
    /// Wall-clock ms since the Unix epoch.
    pub time_start: u64,
    /// Wall-clock ms since the Unix epoch.
    pub time_end: u64,
}

fn differs(status: &str, expected: &str, intermittent: &[String]) -> (Option<String>, Vec<String>) {
    if status == expected { (None, Vec::new()) } else { (Some(expected.to_string()), intermittent.to_vec()) }
}

/// Builds the report from the judged run. Times are wall-clock
/// milliseconds since the Unix epoch.
pub fn wptreport(
    results: &[TestResult],
    verdict: &Verdict,
    info: &RunInfo,
    time_start: u64,
    time_end: u64,
) -> WptReport {
    let results = results
        .iter()
        .zip(&verdict.tests)
        .map(|(r, t)| {
            let (expected, known_intermittent) = differs(t.status.name(), &t.expected, &t.known_intermittent);
            WptResult {
                test: t.test.clone(),
                status: t.status,
                message: t.message.clone(),
                duration: r.duration_ms,
                expected,
                known_intermittent,
                subtests: t
                    .subtests
                    .iter()
                    .map(|s| {
                        let (expected, known_intermittent) =
                            differs(s.status.name(), &s.expected, &s.known_intermittent);
                        WptSubtest {
                            name: s.name.clone(),
                            status: s.status,
                            message: s.message.clone(),
                            expected,
                            known_intermittent,
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    WptReport {
        results,
        run_info: WptRunInfo {
            product: info.product.clone(),
            browser_version: info.version.clone(),
            os: std::env::consts::OS.to_string(),
            revision: info.revision.clone(),
            processor: std::env::consts::ARCH.to_string(),
            bits: usize::BITS,
            debug: cfg!(debug_assertions),
            target: info.target.clone(),
            profile: info.profile.clone(),
            diff: info.diff,
        },
        time_start,
        time_end,
    }
}
