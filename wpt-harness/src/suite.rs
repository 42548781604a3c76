//! Finding scenario files, running them, and judging the results against
//! expectations.

use crate::policy::{RunProfile, resolve};
use crate::runner::{SubtestOutcome, run_subtest};
use crate::scenario::{Scenario, ScenarioError, Source, load};
use crate::targets::Target;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The scenarios shipped with the crate
/// (built into the binary; see [`crate::bundled`]).
pub fn bundled_scenarios() -> PathBuf {
    crate::bundled::root().join("scenarios")
}

/// The expectations shipped with the crate (known engine bugs).
pub fn bundled_expectations() -> PathBuf {
    crate::bundled::root().join("expectations").join("known-engine-bugs.toml")
}

/// The wptrunner metadata shipped with the crate (triaged `--diff` differences).
pub fn bundled_metadata() -> PathBuf {
    crate::bundled::root().join("expectations").join("metadata")
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
    // The unpacked copy and, when it is there, the source tree.
    let roots: Vec<PathBuf> = [bundled_scenarios(), PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scenarios")]
        .iter()
        .filter_map(|p| p.canonicalize().ok())
        .collect();
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
            let root = roots.iter().find(|b| f.starts_with(b)).map_or(base.as_path(), PathBuf::as_path);
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
    /// Wall-clock milliseconds the test took.
    pub duration_ms: u64,
    /// Why it was not run (`disabled:` in its expectations).
    pub disabled: Option<String>,
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
            duration_ms: 0,
            disabled: None,
        }
    }

    /// A result for a file that could not be used.
    pub fn unreadable(file: &SuiteFile, error: String) -> TestResult {
        TestResult {
            test: file.default_test.clone(),
            file: file.path.clone(),
            source: None,
            profile: String::new(),
            description: None,
            error: Some(error),
            subtests: Vec::new(),
            duration_ms: 0,
            disabled: None,
        }
    }

    /// The wptreport test status (see [`crate::verdict::classify`]).
    pub fn status(&self) -> &'static str {
        crate::verdict::classify(self).status.name()
    }
}

/// What to run.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// The profile for scenarios that do not pin one.
    pub profile: RunProfile,
    /// Run only subtests whose `"<test> <subtest>"` contains this text.
    pub filter: Option<String>,
    /// Expectations for this run: tests they disable are not run.
    pub expectations: crate::expectations::Expectations,
}

fn error_result(file: &SuiteFile, error: &ScenarioError) -> TestResult {
    TestResult::unreadable(file, error.to_string())
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
        if let Some(reason) = options.expectations.disabled(&scenario.test) {
            result.disabled = Some(reason.to_string());
            results.push(result);
            continue;
        }
        let started = Instant::now();
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
        result.duration_ms = started.elapsed().as_millis() as u64;
        results.push(result);
    }
    results
}

pub use crate::verdict::{Unexpected, Verdict, judge};

/// Every test id in `files` with all its subtest names (before any
/// `--filter`): what expectation entries are checked against.
pub fn catalog(files: &[SuiteFile]) -> BTreeMap<String, Vec<String>> {
    files
        .iter()
        .filter_map(|f| load(&f.path, &f.default_test).ok())
        .map(|s| (s.test.clone(), s.subtests.iter().map(|t| t.name.clone()).collect()))
        .collect()
}
