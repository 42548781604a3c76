//! Finding scenario files, running them, and judging the results against
//! expectations.

use crate::expectations::Expectations;
use crate::policy::{RunProfile, resolve};
use crate::runner::{Status, SubtestOutcome, run_subtest};
use crate::scenario::{Scenario, ScenarioError, Source, load};
use crate::targets::Target;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The scenarios shipped with the crate.
pub fn bundled_scenarios() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// The expectations shipped with the crate (known engine bugs).
pub fn bundled_expectations() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("expectations").join("known-engine-bugs.toml")
}

/// One scenario file to run, with the id it is reported under unless it names one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuiteFile {
    /// The file.
    pub path: PathBuf,
    /// `/` + its path below the suite root, without `.yaml`.
    pub default_test: String,
}

/// Why the files to run could not be listed.
#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    /// A path does not exist or cannot be read.
    #[error("{}: {message}", path.display())]
    Path {
        /// The path.
        path: PathBuf,
        /// What happened.
        message: String,
    },
}

fn is_scenario(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

fn test_id(rel: &Path) -> String {
    let mut parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.last_mut() {
        for ext in [".yaml", ".yml"] {
            if let Some(stem) = last.strip_suffix(ext) {
                *last = stem.to_string();
            }
        }
    }
    format!("/{}", parts.join("/"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), DiscoverError> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| DiscoverError::Path { path: dir.to_path_buf(), message: e.to_string() })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            walk(&p, out)?;
        } else if is_scenario(&p) {
            out.push(p);
        }
    }
    Ok(())
}

/// Lists the scenario files under `paths` (files or directories, searched
/// recursively for `*.yaml`). Ids are relative to the bundled suite for files
/// inside it, otherwise to the directory given (a lone file: its name).
pub fn discover(paths: &[PathBuf]) -> Result<Vec<SuiteFile>, DiscoverError> {
    let bundled = bundled_scenarios().canonicalize().ok();
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for arg in paths {
        let canonical =
            arg.canonicalize().map_err(|e| DiscoverError::Path { path: arg.clone(), message: e.to_string() })?;
        let mut files = Vec::new();
        let base = if canonical.is_dir() {
            walk(&canonical, &mut files)?;
            canonical.clone()
        } else {
            files.push(canonical.clone());
            canonical.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        for f in files {
            let root = match &bundled {
                Some(b) if f.starts_with(b) => b.as_path(),
                _ => base.as_path(),
            };
            let rel = f.strip_prefix(root).unwrap_or(&f);
            if seen.insert(f.clone()) {
                out.push(SuiteFile { default_test: test_id(rel), path: f });
            }
        }
    }
    Ok(out)
}

/// How a test (one scenario file) ended.
#[derive(Clone, Debug)]
pub struct TestResult {
    /// The report id.
    pub test: String,
    /// The file.
    pub file: PathBuf,
    /// Where it comes from (`None` when the file did not parse).
    pub source: Option<Source>,
    /// The policy it ran under.
    pub profile: String,
    /// Its description.
    pub description: Option<String>,
    /// `None` when it ran; the error when the file could not be used.
    pub error: Option<String>,
    /// Its subtests.
    pub subtests: Vec<SubtestOutcome>,
}

impl TestResult {
    /// A result for a scenario's test before its subtests run (profile unset).
    pub fn for_scenario(scenario: &Scenario, file: &Path) -> TestResult {
        TestResult {
            test: scenario.test.clone(),
            file: file.to_path_buf(),
            source: Some(scenario.source),
            profile: String::new(),
            description: scenario.description.clone(),
            error: None,
            subtests: Vec::new(),
        }
    }

    /// The wptreport test status.
    pub fn status(&self) -> &'static str {
        if self.error.is_some() { "ERROR" } else { "OK" }
    }
}

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The profile for scenarios that do not pin one.
    pub profile: RunProfile,
    /// Run only subtests whose `"<test> <subtest>"` contains this text.
    pub filter: Option<String>,
}

fn error_result(file: &SuiteFile, error: &ScenarioError) -> TestResult {
    TestResult {
        test: file.default_test.clone(),
        file: file.path.clone(),
        source: None,
        profile: String::new(),
        description: None,
        error: Some(error.to_string()),
        subtests: Vec::new(),
    }
}

/// Runs every file against `target`. `progress` is called before each test
/// with (index, count, test id).
pub fn run(
    files: &[SuiteFile],
    options: &RunOptions,
    target: &mut dyn Target,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Vec<TestResult> {
    let mut results = Vec::new();
    let mut ids = BTreeSet::new();
    for (i, file) in files.iter().enumerate() {
        progress(i, files.len(), &file.default_test);
        let scenario: Scenario = match load(&file.path, &file.default_test) {
            Ok(s) => s,
            Err(e) => {
                results.push(error_result(file, &e));
                continue;
            }
        };
        let subtests: Vec<_> = scenario
            .subtests
            .iter()
            .filter(|s| {
                options.filter.as_ref().is_none_or(|f| format!("{} {}", scenario.test, s.name).contains(f.as_str()))
            })
            .collect();
        if subtests.is_empty() {
            continue;
        }
        if !ids.insert(scenario.test.clone()) {
            let e = ScenarioError {
                file: file.path.clone(),
                pos: Default::default(),
                message: format!("test id {} is used by another scenario file", scenario.test),
            };
            results.push(TestResult { test: format!("{} (duplicate)", scenario.test), ..error_result(file, &e) });
            continue;
        }
        let mut result = TestResult::for_scenario(&scenario, &file.path);
        match resolve(&scenario.policy, &options.profile) {
            Ok((config, name)) => {
                result.profile = name;
                for subtest in subtests {
                    result.subtests.push(run_subtest(target, &scenario, subtest, &config));
                }
            }
            Err(message) => {
                let e = ScenarioError { file: file.path.clone(), pos: scenario.policy.pos, message };
                result.error = Some(e.to_string());
            }
        }
        results.push(result);
    }
    results
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
    /// Of `passed`, those expected not to pass (listed in expectations).
    pub expected_failures: usize,
    /// Subtests run.
    pub subtests: usize,
    /// One line per unexpected result.
    pub unexpected: Vec<Unexpected>,
    /// Expectation entries that named a test that ran but a subtest that did not.
    pub stale: Vec<String>,
}

impl Verdict {
    /// Whether the run succeeded: something ran and everything matched.
    pub fn ok(&self) -> bool {
        self.failed == 0 && self.subtests > 0
    }
}

/// Compares results with expectations. Counts are of subtests, plus one per
/// test that could not run.
pub fn judge(results: &[TestResult], expectations: &Expectations) -> Verdict {
    let mut v = Verdict::default();
    for r in results {
        let expected_test = expectations.expected(&r.test, None);
        if let Some(err) = &r.error {
            if expected_test == "ERROR" {
                v.passed += 1;
                v.expected_failures += 1;
            } else {
                v.failed += 1;
                v.unexpected.push(Unexpected { line: format!("ERROR {err}") });
            }
            continue;
        }
        if expected_test == "ERROR" {
            v.failed += 1;
            v.unexpected.push(Unexpected { line: format!("UNEXPECTED-OK {} (expected ERROR)", r.test) });
        }
        for s in &r.subtests {
            v.subtests += 1;
            let expected = expectations.expected(&r.test, Some(&s.name));
            let got = s.status.name();
            if got == expected {
                v.passed += 1;
                if s.status != Status::Pass {
                    v.expected_failures += 1;
                }
                continue;
            }
            v.failed += 1;
            let line = if s.status == Status::Pass {
                let reason = expectations.entry(&r.test, Some(&s.name)).map(|e| e.reason.as_str()).unwrap_or("");
                format!("UNEXPECTED-PASS {} :: {} (expected {expected}: {reason})", r.test, s.name)
            } else {
                format!(
                    "{got} {} :: {} [{}] — {}{}",
                    r.test,
                    s.name,
                    r.profile,
                    s.message.as_deref().unwrap_or(""),
                    if expected == "PASS" { String::new() } else { format!(" (expected {expected})") }
                )
            };
            v.unexpected.push(Unexpected { line });
        }
    }
    for e in expectations.entries() {
        let ran = results.iter().find(|r| r.test == e.test && r.error.is_none());
        if let (Some(sub), Some(r)) = (&e.subtest, ran)
            && !r.subtests.iter().any(|s| &s.name == sub)
        {
            v.stale.push(format!("expectation for {} :: {sub} matches no subtest that ran", e.test));
        }
    }
    v
}
