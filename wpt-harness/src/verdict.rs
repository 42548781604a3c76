//! One verdict for a run: the wptreport status of every test and subtest,
//! judged against the expectations. The console summary, `wptreport.json`
//! and the HTML report all read it, so they cannot disagree.
//!
//! Statuses follow wptrunner: a test is `OK`, `ERROR`, `TIMEOUT`, `CRASH`
//! or `SKIP` (`PASS`/`FAIL` for a crash test, which has no subtests); a
//! subtest is `PASS`, `FAIL`, `TIMEOUT`, `NOTRUN` or `PRECONDITION_FAILED`,
//! never `ERROR`: a subtest the target could not carry out makes its test
//! `ERROR` and is itself `NOTRUN`.
//!
//! Counting: every subtest counts once, and a test once more when its own
//! status is not `OK` or is expected not to be. A result that matches its
//! expectation (or one of its known intermittent statuses) is *passed*; one
//! that does not is *failed*. `NOTRUN` (the target cannot observe a step)
//! and `SKIP` (disabled) are *skipped*: never a failure.

use crate::expectations::Expectations;
use crate::runner::Status;
use crate::suite::TestResult;
use serde::{Deserialize, Serialize};

/// A test's status in wptreport.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TestStatus {
    /// The test ran (its subtests carry the results).
    Ok,
    /// The test could not be run to the end.
    Error,
    /// The test timed out.
    Timeout,
    /// The product crashed.
    Crash,
    /// The test was not run (disabled).
    Skip,
    /// A test without subtests passed.
    Pass,
    /// A test without subtests failed.
    Fail,
    /// A precondition of the test did not hold.
    PreconditionFailed,
}

impl TestStatus {
    /// The wptreport name.
    pub fn name(self) -> &'static str {
        match self {
            TestStatus::Ok => "OK",
            TestStatus::Error => "ERROR",
            TestStatus::Timeout => "TIMEOUT",
            TestStatus::Crash => "CRASH",
            TestStatus::Skip => "SKIP",
            TestStatus::Pass => "PASS",
            TestStatus::Fail => "FAIL",
            TestStatus::PreconditionFailed => "PRECONDITION_FAILED",
        }
    }
}

/// A subtest's status in wptreport.json.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SubtestStatus {
    /// Every check held.
    Pass,
    /// A check failed.
    Fail,
    /// The target did not answer in time.
    Timeout,
    /// Not run: the target cannot perform or observe a step (or the test errored).
    Notrun,
    /// A precondition did not hold.
    PreconditionFailed,
}

impl SubtestStatus {
    /// The wptreport name.
    pub fn name(self) -> &'static str {
        match self {
            SubtestStatus::Pass => "PASS",
            SubtestStatus::Fail => "FAIL",
            SubtestStatus::Timeout => "TIMEOUT",
            SubtestStatus::Notrun => "NOTRUN",
            SubtestStatus::PreconditionFailed => "PRECONDITION_FAILED",
        }
    }
}

/// How a result compares with its expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// As expected (`PASS`/`OK`, or an expected failure).
    Expected,
    /// As expected, and not a pass: listed in the expectations.
    ExpectedFailure,
    /// A pass where the expectations say otherwise.
    UnexpectedPass,
    /// Anything else that differs from the expectation.
    Unexpected,
    /// `NOTRUN` or `SKIP`: neither passed nor failed.
    Skipped,
}

impl Class {
    /// Whether the result fails the run.
    pub fn is_failure(self) -> bool {
        matches!(self, Class::UnexpectedPass | Class::Unexpected)
    }
}

/// A test's wptreport statuses before judging.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Classified {
    /// The test's status.
    pub status: TestStatus,
    /// Its message.
    pub message: Option<String>,
    /// Its subtests' statuses and messages (none for a crash test).
    pub subtests: Vec<(String, SubtestStatus, Option<String>)>,
    /// The status the test has when nothing is expected (`OK`, or `PASS` for a crash test).
    pub default_expected: TestStatus,
}

/// Whether a test is a crash test (WPT: in a `crashtests` directory or named `-crash`).
pub fn is_crash_test(test: &str) -> bool {
    let stem = test.rsplit('/').next().unwrap_or(test);
    test.contains("/crashtests/") || stem.split('.').next().is_some_and(|s| s.ends_with("-crash"))
}

/// The wptreport statuses of one test result.
pub fn classify(r: &TestResult) -> Classified {
    let mut c =
        Classified { status: TestStatus::Ok, message: None, subtests: Vec::new(), default_expected: TestStatus::Ok };
    if let Some(reason) = &r.disabled {
        c.status = TestStatus::Skip;
        c.default_expected = TestStatus::Skip;
        c.message = Some(format!("disabled: {reason}"));
        return c;
    }
    if let Some(e) = &r.error {
        c.status = TestStatus::Error;
        c.message = Some(e.clone());
        return c;
    }
    if is_crash_test(&r.test) && r.subtests.len() == 1 {
        let s = &r.subtests[0];
        c.default_expected = TestStatus::Pass;
        c.message = s.message.clone();
        c.status = match s.status {
            Status::Pass => TestStatus::Pass,
            Status::Fail => TestStatus::Fail,
            Status::Timeout => TestStatus::Timeout,
            Status::Error => TestStatus::Error,
            Status::NotRun => TestStatus::Skip,
        };
        if s.status == Status::NotRun {
            c.default_expected = TestStatus::Skip;
        }
        return c;
    }
    for s in &r.subtests {
        let status = match s.status {
            Status::Pass => SubtestStatus::Pass,
            Status::Fail => SubtestStatus::Fail,
            Status::Timeout => SubtestStatus::Timeout,
            Status::NotRun => SubtestStatus::Notrun,
            Status::Error => {
                if c.status != TestStatus::Error {
                    c.status = TestStatus::Error;
                    c.message = Some(format!("{}: {}", s.name, s.message.as_deref().unwrap_or("error")));
                }
                SubtestStatus::Notrun
            }
        };
        c.subtests.push((s.name.clone(), status, s.message.clone()));
    }
    c
}

/// A judged subtest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgedSubtest {
    /// Its name.
    pub name: String,
    /// Its status.
    pub status: SubtestStatus,
    /// Its message.
    pub message: Option<String>,
    /// The expected status.
    pub expected: String,
    /// Statuses that are known intermittent.
    pub known_intermittent: Vec<String>,
    /// The comparison.
    pub class: Class,
}

/// A judged test.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JudgedTest {
    /// The test id.
    pub test: String,
    /// Its status.
    pub status: TestStatus,
    /// Its message.
    pub message: Option<String>,
    /// The expected status.
    pub expected: String,
    /// Statuses that are known intermittent.
    pub known_intermittent: Vec<String>,
    /// The comparison of the test's own status.
    pub class: Class,
    /// Whether the test's own status is counted (see the module docs).
    pub counted: bool,
    /// Its subtests.
    pub subtests: Vec<JudgedSubtest>,
}

/// One result that did not match its expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unexpected {
    /// The console line.
    pub line: String,
}

/// The judged run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Results that matched their expectation.
    pub passed: usize,
    /// Results that did not.
    pub failed: usize,
    /// `NOTRUN` subtests and `SKIP` tests: neither passed nor failed.
    pub skipped: usize,
    /// Of `passed`, those expected not to pass (listed in expectations).
    pub expected_failures: usize,
    /// Subtests run (whatever their status).
    pub subtests: usize,
    /// One line per unexpected result.
    pub unexpected: Vec<Unexpected>,
    /// Expectation entries that matched nothing in this run.
    pub stale: Vec<String>,
    /// Every test, judged, in the order of the results.
    pub tests: Vec<JudgedTest>,
}

impl Verdict {
    /// Whether the run succeeded: something ran and everything matched.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.passed > 0
    }

    /// The judged test with this id.
    pub fn test(&self, id: &str) -> Option<&JudgedTest> {
        self.tests.iter().find(|t| t.test == id)
    }

    /// The closing console line: `N passed, N failed` (`, N skipped` when some were).
    pub fn summary(&self) -> String {
        let skipped = if self.skipped > 0 { format!(", {} skipped", self.skipped) } else { String::new() };
        format!("{} passed, {} failed{skipped}", self.passed, self.failed)
    }
}

fn compare(got: &str, expected: &str, intermittent: &[String], pass: bool) -> Class {
    if got == expected || intermittent.iter().any(|s| s == got) {
        if pass { Class::Expected } else { Class::ExpectedFailure }
    } else if pass {
        Class::UnexpectedPass
    } else {
        Class::Unexpected
    }
}

/// Compares results with expectations (already fixed to the run's keys).
pub fn judge(results: &[TestResult], expectations: &Expectations) -> Verdict {
    let mut v = Verdict::default();
    for r in results {
        let c = classify(r);
        let got = c.status.name();
        let expected = expectations.expected_or(&r.test, None, c.default_expected.name()).to_string();
        let intermittent = expectations.known_intermittent(&r.test, None).to_vec();
        let class = if c.status == TestStatus::Skip && expected == "SKIP" {
            Class::Skipped
        } else {
            compare(got, &expected, &intermittent, matches!(c.status, TestStatus::Ok | TestStatus::Pass))
        };
        let counted = c.subtests.is_empty() || c.status != TestStatus::Ok || expected != "OK";
        let mut judged = JudgedTest {
            test: r.test.clone(),
            status: c.status,
            message: c.message.clone(),
            expected: expected.clone(),
            known_intermittent: intermittent,
            class,
            counted,
            subtests: Vec::new(),
        };
        if counted {
            tally(&mut v, class);
            if class.is_failure() {
                let line = match (c.status, &c.message) {
                    (TestStatus::Error, Some(m)) if r.subtests.is_empty() => format!("ERROR {m}"),
                    (TestStatus::Ok | TestStatus::Pass, _) => {
                        let reason = expectations.entry(&r.test, None).map(|e| e.reason).unwrap_or_default();
                        format!("UNEXPECTED-{got} {} (expected {expected}: {reason})", r.test)
                    }
                    (_, m) => format!("{got} {} — {} (expected {expected})", r.test, m.as_deref().unwrap_or("")),
                };
                v.unexpected.push(Unexpected { line });
            }
        }
        for (name, status, message) in &c.subtests {
            v.subtests += 1;
            let entry = expectations.entry(&r.test, Some(name));
            let (expected, intermittent) = match &entry {
                Some(e) => (e.status.clone(), e.known_intermittent.clone()),
                // A step the target cannot observe is expected not to run.
                None if *status == SubtestStatus::Notrun => ("NOTRUN".to_string(), Vec::new()),
                None => ("PASS".to_string(), Vec::new()),
            };
            let class = if *status == SubtestStatus::Notrun {
                Class::Skipped
            } else {
                compare(status.name(), &expected, &intermittent, *status == SubtestStatus::Pass)
            };
            tally(&mut v, class);
            if class.is_failure() {
                let line = if class == Class::UnexpectedPass {
                    let reason = entry.as_ref().map(|e| e.reason.as_str()).unwrap_or("");
                    format!("UNEXPECTED-PASS {} :: {name} (expected {expected}: {reason})", r.test)
                } else {
                    format!(
                        "{} {} :: {name} [{}] — {}{}",
                        status.name(),
                        r.test,
                        r.profile,
                        message.as_deref().unwrap_or(""),
                        if expected == "PASS" { String::new() } else { format!(" (expected {expected})") }
                    )
                };
                v.unexpected.push(Unexpected { line });
            }
            judged.subtests.push(JudgedSubtest {
                name: name.clone(),
                status: *status,
                message: message.clone(),
                expected,
                known_intermittent: intermittent,
                class,
            });
        }
        v.tests.push(judged);
    }
    v
}

fn tally(v: &mut Verdict, class: Class) {
    match class {
        Class::Expected => v.passed += 1,
        Class::ExpectedFailure => {
            v.passed += 1;
            v.expected_failures += 1;
        }
        Class::UnexpectedPass | Class::Unexpected => v.failed += 1,
        Class::Skipped => v.skipped += 1,
    }
}
