//! `wpt-harness run --target chromium [--diff]`: the suite against Chromium,
//! one browser at a time, and the differential report.
//!
//! Without `--diff`, every subtest runs as written; what Chromium cannot
//! perform is NOTRUN with the reason (`explain` and `assert: invariants`
//! included), and `--json`/`--html` write the usual reports. With `--diff`,
//! each subtest the screen lets through runs on Chromium and then on the
//! engine under the `chromium` profile, both without their internal checks
//! (`explain`, `assert: invariants`, which only the engine has), and the two
//! traces are compared: [`diff_results`] turns the comparison into test
//! results that expectations and the usual reports apply to, and
//! `--diff-json` writes the differential report ([`diff_json`]).

use super::ChromiumTarget;
use super::diff::{Difference, Recorder, compare, render};
use super::screen;
use crate::expectations::Expectations;
use crate::policy::{RunProfile, resolve};
use crate::runner::{EPOCH, Status, SubtestOutcome, run_subtest};
use crate::scenario::{Scenario, Subtest, load};
use crate::suite::{SuiteFile, TestResult};
use crate::targets::EngineTarget;
use serde_json::{Value, json};
use std::time::Instant;
use sync_policy::{Millis, PolicyConfig, Profile};

/// How one subtest compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Chromium and the engine did the same.
    Agree,
    /// They did not; the first difference.
    Differ(Difference),
    /// Chromium cannot perform or show a step.
    NotObservable(String),
    /// The Chromium run broke.
    Error(String),
}

/// One subtest of the differential report.
#[derive(Clone, Debug)]
pub struct DiffEntry {
    /// Test id.
    pub test: String,
    /// Subtest name; empty when the whole file could not be run (it did
    /// not load, or its policy did not resolve), and the verdict is its error.
    pub subtest: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Internal checks dropped from both runs.
    pub dropped: Vec<String>,
    /// Virtual ms per real ms, when it ran.
    pub scale: Option<u64>,
    /// Real milliseconds the Chromium run took.
    pub real_ms: u64,
    /// Both traces, when both ran.
    pub traces: Option<(String, String)>,
    /// The scenario file.
    pub file: std::path::PathBuf,
    /// The engine's run, with Chromium's step-through beside it, when both ran.
    pub outcome: Option<SubtestOutcome>,
}

/// The counts of a differential run (subtests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DiffCounts {
    /// Ran on Chromium to the end or to a failed check.
    pub observable: usize,
    /// Of those, the same as the engine.
    pub agree: usize,
    /// Of those, different.
    pub differ: usize,
    /// Not observable in Chromium.
    pub not_observable: usize,
    /// Broke.
    pub errors: usize,
}

/// Counts the entries.
pub fn counts(entries: &[DiffEntry]) -> DiffCounts {
    let mut c = DiffCounts::default();
    for e in entries {
        match e.verdict {
            Verdict::Agree => c.agree += 1,
            Verdict::Differ(_) => c.differ += 1,
            Verdict::NotObservable(_) => c.not_observable += 1,
            Verdict::Error(_) => c.errors += 1,
        }
    }
    c.observable = c.agree + c.differ;
    c
}

fn not_run(name: &str, message: String) -> SubtestOutcome {
    SubtestOutcome {
        name: name.to_string(),
        status: Status::NotRun,
        message: Some(message),
        timeline: vec![],
        end: Millis(0),
        steps: Default::default(),
    }
}

/// The entry of a file that could not be run at all (its subtest name is empty).
fn file_error(file: &SuiteFile, message: String) -> DiffEntry {
    DiffEntry {
        test: file.default_test.clone(),
        subtest: String::new(),
        verdict: Verdict::Error(message),
        dropped: Vec::new(),
        scale: None,
        real_ms: 0,
        traces: None,
        file: file.path.clone(),
        outcome: None,
    }
}

fn selected<'a>(scenario: &'a Scenario, filter: Option<&str>) -> Vec<&'a Subtest> {
    scenario
        .subtests
        .iter()
        .filter(|s| filter.is_none_or(|f| format!("{} {}", scenario.test, s.name).contains(f)))
        .collect()
}

/// The files a run goes through, each loaded: those with a subtest the
/// filter selects, and those that cannot be read (reported whatever the
/// filter). The progress counter counts these, so that `--filter` narrows
/// it too.
fn plan<'a>(files: &'a [SuiteFile], filter: Option<&str>) -> Vec<(&'a SuiteFile, Result<Scenario, String>)> {
    files
        .iter()
        .filter_map(|file| match load(&file.path, &file.default_test) {
            Ok(scenario) => (!selected(&scenario, filter).is_empty()).then_some((file, Ok(scenario))),
            Err(e) => Some((file, Err(e.to_string()))),
        })
        .collect()
}

/// Runs the files on Chromium as written (the plain run); tests the
/// expectations disable are not run.
pub fn run_tests(
    files: &[SuiteFile],
    profile: &RunProfile,
    filter: Option<&str>,
    expectations: &Expectations,
    target: &mut ChromiumTarget,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Vec<TestResult> {
    let mut results = Vec::new();
    let planned = plan(files, filter);
    let total = planned.len();
    for (i, (file, scenario)) in planned.into_iter().enumerate() {
        progress(i, total, &file.default_test);
        let scenario = match scenario {
            Ok(s) => s,
            Err(e) => {
                results.push(TestResult::unreadable(file, e));
                continue;
            }
        };
        let subtests = selected(&scenario, filter);
        let mut result = TestResult::for_scenario(&scenario, &file.path);
        if let Some(reason) = expectations.disabled(&scenario.test) {
            result.disabled = Some(reason.to_string());
            results.push(result);
            continue;
        }
        let started = Instant::now();
        match resolve(&scenario.policy, profile) {
            Ok((config, name)) => {
                result.profile = name;
                for s in subtests {
                    let outcome = match screen::screen(&scenario.initial, s, &config) {
                        Err(reason) => not_run(&s.name, reason),
                        Ok(needs) => {
                            target.plan_next(needs);
                            run_subtest(target, &scenario, s, &config)
                        }
                    };
                    result.subtests.push(outcome);
                }
            }
            Err(message) => result.error = Some(message),
        }
        result.duration_ms = started.elapsed().as_millis() as u64;
        results.push(result);
    }
    results
}

fn diff_subtest(
    scenario: &Scenario,
    subtest: &Subtest,
    config: &PolicyConfig,
    target: &mut Recorder<ChromiumTarget>,
) -> DiffEntry {
    let (stripped, dropped) = screen::without_internal_checks(subtest);
    let mut entry = DiffEntry {
        test: scenario.test.clone(),
        subtest: subtest.name.clone(),
        verdict: Verdict::Agree,
        dropped,
        scale: None,
        real_ms: 0,
        traces: None,
        file: scenario.file.clone(),
        outcome: None,
    };
    let needs = match screen::screen(&scenario.initial, &stripped, config) {
        Ok(n) => n,
        Err(reason) => {
            entry.verdict = Verdict::NotObservable(reason);
            return entry;
        }
    };
    target.inner.plan_next(needs);
    let started = Instant::now();
    let on_chromium = run_subtest(target, scenario, &stripped, config);
    entry.real_ms = started.elapsed().as_millis() as u64;
    entry.scale = Some(target.inner.compression().scale);
    let message = on_chromium.message.clone().unwrap_or_default();
    match on_chromium.status {
        Status::NotRun => {
            entry.verdict = Verdict::NotObservable(message);
            return entry;
        }
        Status::Error | Status::Timeout => {
            entry.verdict = Verdict::Error(message);
            return entry;
        }
        Status::Pass | Status::Fail => {}
    }
    let mut engine = Recorder::new(EngineTarget::new(), EPOCH.saturating_add(scenario.initial.clock));
    let on_engine = run_subtest(&mut engine, scenario, &stripped, config);
    let mut outcome = on_engine.clone();
    outcome.steps.beside = Some(("chromium".into(), Box::new(on_chromium.steps.clone())));
    entry.outcome = Some(outcome);
    let chromium_trace = std::mem::take(&mut target.trace);
    let mut difference = compare(&chromium_trace, &engine.trace);
    let lengths_only = difference.as_ref().is_some_and(|d| d.label == super::diff::DIFFERENT_LENGTHS);
    if (difference.is_none() || lengths_only) && on_chromium.status != on_engine.status {
        difference = Some(Difference {
            index: chromium_trace.len(),
            label: "the scenario's checks".into(),
            chromium: format!("{}: {message}", on_chromium.status.name()),
            engine: format!("{}: {}", on_engine.status.name(), on_engine.message.unwrap_or_default()),
        });
    }
    entry.traces = Some((render(&chromium_trace), render(&engine.trace)));
    if let Some(d) = difference {
        entry.verdict = Verdict::Differ(d);
    }
    entry
}

/// Runs the differential report over the files (the target is handed back).
pub fn run_diff(
    files: &[SuiteFile],
    filter: Option<&str>,
    mut target: ChromiumTarget,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> (Vec<DiffEntry>, ChromiumTarget) {
    let profile = RunProfile::Builtin(Profile::Chromium);
    let mut entries = Vec::new();
    let planned = plan(files, filter);
    let total = planned.len();
    for (i, (file, scenario)) in planned.into_iter().enumerate() {
        progress(i, total, &file.default_test);
        // A file that cannot be read, or whose policy does not resolve, is
        // an error of its test, never left out of the counts.
        let resolved = scenario.and_then(|sc| resolve(&sc.policy, &profile).map(|(config, _)| (sc, config)));
        let (scenario, config) = match resolved {
            Ok(pair) => pair,
            Err(message) => {
                entries.push(file_error(file, message));
                continue;
            }
        };
        for s in selected(&scenario, filter) {
            let mut recorder = Recorder::new(target, EPOCH.saturating_add(scenario.initial.clock));
            entries.push(diff_subtest(&scenario, s, &config, &mut recorder));
            target = recorder.inner;
        }
    }
    (entries, target)
}

/// The differential report as JSON.
pub fn diff_json(entries: &[DiffEntry], product: &(String, String), seconds: u64) -> Value {
    let c = counts(entries);
    let items: Vec<Value> = entries
        .iter()
        .map(|e| {
            let (verdict, detail) = match &e.verdict {
                Verdict::Agree => ("agree", Value::Null),
                Verdict::Differ(d) => {
                    ("differ", json!({"step": d.index, "input": d.label, "chromium": d.chromium, "engine": d.engine}))
                }
                Verdict::NotObservable(r) => ("not-observable", json!(r)),
                Verdict::Error(m) => ("error", json!(m)),
            };
            json!({
                "test": e.test, "subtest": e.subtest, "verdict": verdict, "detail": detail,
                "internal_checks_dropped": e.dropped, "scale": e.scale, "real_ms": e.real_ms,
                "traces": e.traces.as_ref().map(|(c, g)| json!({"chromium": c, "engine": g})),
            })
        })
        .collect();
    json!({
        "product": {"name": product.0, "version": product.1},
        "profile": "chromium",
        "seconds": seconds,
        "counts": {"observable": c.observable, "agree": c.agree, "differ": c.differ,
                   "not_observable": c.not_observable, "errors": c.errors},
        "subtests": items,
    })
}

/// The differential run as test results: a subtest that agrees is `PASS`,
/// one that differs `FAIL` (the message names the first difference), one
/// Chromium cannot show `NOTRUN`, and one whose Chromium run broke makes its
/// test `ERROR`. Expectations then say which differences are triaged. Each
/// subtest keeps the engine's timeline and step-through, with Chromium's
/// observations beside it, for the HTML report.
pub fn diff_results(entries: &[DiffEntry]) -> Vec<TestResult> {
    let mut results: Vec<TestResult> = Vec::new();
    for e in entries {
        if results.last().is_none_or(|r| r.test != e.test) {
            results.push(TestResult {
                test: e.test.clone(),
                file: e.file.clone(),
                source: None,
                profile: "chromium".into(),
                description: None,
                error: None,
                subtests: Vec::new(),
                duration_ms: 0,
                disabled: None,
            });
        }
        let (status, message) = match &e.verdict {
            Verdict::Agree => (Status::Pass, None),
            Verdict::Differ(d) => (
                Status::Fail,
                Some(format!("DIFFER input #{} {}: Chromium {}; engine {}", d.index, d.label, d.chromium, d.engine)),
            ),
            Verdict::NotObservable(r) => (Status::NotRun, Some(r.clone())),
            Verdict::Error(m) => (Status::Error, Some(m.clone())),
        };
        let mut outcome = e.outcome.clone().unwrap_or_else(|| not_run(&e.subtest, String::new()));
        outcome.status = status;
        outcome.message = message;
        if let Some(r) = results.last_mut() {
            r.duration_ms += e.real_ms;
            if e.subtest.is_empty() && matches!(e.verdict, Verdict::Error(_)) {
                r.error = outcome.message;
            } else {
                r.subtests.push(outcome);
            }
        }
    }
    results
}
