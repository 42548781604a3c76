//! Expected results, as wptrunner keeps them: a subtest with no entry is
//! expected to `PASS` (a test to be `OK`), an entry may depend on the run
//! (`if profile == "spec": FAIL`), list intermittent results (`[FAIL,
//! PASS]`: the first is expected, the others are known intermittent), or
//! disable a test.
//!
//! Two forms are read:
//!
//! - **wptrunner metadata** (`.ini`, see [`ini`]): a directory of files laid
//!   out like the tests (`metadata/ext/sync/foo.ini` holds `[foo]` for
//!   `/ext/sync/foo`), or one file whose sections name whole test ids
//!   (`[/ext/sync/foo]`).
//! - **TOML** (see [`toml_form`]): `[[expected]]` entries with `test`,
//!   `subtest`, `status`, `reason` and an optional `when` condition.
//!
//! [`Expectations::for_run`] fixes the run's keys ([`RunKeys`]); every
//! lookup then evaluates the conditions against them.

pub mod condition;
pub mod ini;
pub mod toml_form;
pub mod update;

pub use condition::{Condition, KeyValue, RunKeys};

use std::path::{Path, PathBuf};

/// Why an expectations file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpectationsError {
    /// The file could not be read.
    #[error("cannot read expectations {path}: {message}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        message: String,
    },
    /// The file is not valid (the message carries the line).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Test statuses an expectation may name (`PASS`/`FAIL` for tests without
/// subtests, such as crash tests).
pub const TEST_STATUSES: &[&str] = &["OK", "ERROR", "TIMEOUT", "CRASH", "PRECONDITION_FAILED", "SKIP", "PASS", "FAIL"];
/// Subtest statuses an expectation may name (a subtest is never `ERROR`:
/// an error makes its test `ERROR`).
pub const SUBTEST_STATUSES: &[&str] = &["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];

/// A value that may depend on the run: the first branch whose condition
/// holds, else the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conditional<T> {
    /// `if <condition>: <value>` lines, in order.
    pub branches: Vec<(Condition, T)>,
    /// The value when no condition holds.
    pub default: Option<T>,
}

impl<T> Default for Conditional<T> {
    fn default() -> Self {
        Conditional { branches: Vec::new(), default: None }
    }
}

impl<T> Conditional<T> {
    /// An unconditional value.
    pub fn always(value: T) -> Conditional<T> {
        Conditional { branches: Vec::new(), default: Some(value) }
    }

    /// The value for a run.
    pub fn value(&self, keys: &RunKeys) -> Option<&T> {
        self.branches.iter().find(|(c, _)| c.holds(keys)).map(|(_, v)| v).or(self.default.as_ref())
    }

    /// Whether nothing is set.
    pub fn is_empty(&self) -> bool {
        self.branches.is_empty() && self.default.is_none()
    }
}

/// One expectation as written: a test (`subtest: None`) or one of its subtests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The test id.
    pub test: String,
    /// The subtest name; `None` for the test itself.
    pub subtest: Option<String>,
    /// The expected status, then the known intermittent ones.
    pub expected: Conditional<Vec<String>>,
    /// Why the test is disabled (tests only).
    pub disabled: Conditional<String>,
    /// Why it differs (`reason` in TOML, `bug:` in metadata).
    pub reason: Option<String>,
    /// Where it was written (`file:line`).
    pub origin: String,
}

/// An expectation resolved for one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The test id.
    pub test: String,
    /// The subtest name; `None` for the test-level status.
    pub subtest: Option<String>,
    /// The expected status.
    pub status: String,
    /// Other statuses that are not a regression (wptrunner's `known_intermittent`).
    pub known_intermittent: Vec<String>,
    /// Why (empty when the metadata gives no `bug:`).
    pub reason: String,
}

/// A set of expectations, with the keys of the run they are applied to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    rules: Vec<Rule>,
    keys: RunKeys,
}

/// Checks the statuses of a rule; `Err` names the problem.
pub(crate) fn check_rule(rule: &Rule) -> Result<(), String> {
    let allowed = if rule.subtest.is_some() { SUBTEST_STATUSES } else { TEST_STATUSES };
    let values = rule.expected.branches.iter().map(|(_, v)| v).chain(rule.expected.default.iter());
    for list in values {
        if list.is_empty() {
            return Err("an empty list of statuses".into());
        }
        for status in list {
            if !allowed.contains(&status.as_str()) {
                let extra = if rule.subtest.is_some() && status == "ERROR" {
                    " (a subtest is never ERROR: an error makes its test ERROR)"
                } else {
                    ""
                };
                return Err(format!("status {status:?} is not one of {allowed:?}{extra}"));
            }
        }
    }
    if rule.subtest.is_some() && !rule.disabled.is_empty() {
        return Err("`disabled` applies to tests, not subtests".into());
    }
    Ok(())
}

impl Expectations {
    /// No expectations: everything is expected to pass.
    pub fn none() -> Expectations {
        Expectations::default()
    }

    /// Expectations from rules (unchecked).
    pub fn from_rules(rules: Vec<Rule>) -> Expectations {
        Expectations { rules, keys: RunKeys::default() }
    }

    /// Reads a file or a directory: `*.ini` (wptrunner metadata), a
    /// directory of them, or TOML (any other file).
    pub fn load(path: &Path) -> Result<Expectations, ExpectationsError> {
        let io = |e: std::io::Error| ExpectationsError::Io { path: path.to_path_buf(), message: e.to_string() };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return ini::load_dir(path).map(Expectations::from_rules);
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
        let invalid = |message| ExpectationsError::Invalid { path: path.to_path_buf(), message };
        if path.extension().is_some_and(|e| e == "ini") {
            let rules = ini::parse_file(&text, path, None).map_err(invalid)?;
            return Ok(Expectations::from_rules(rules));
        }
        Expectations::parse(&text).map_err(|message| {
            let hint = if text.trim_start().starts_with('[') && !text.contains("[[expected]]") {
                "\n(this reads TOML expectations; wptrunner metadata must be a directory or a file ending in .ini)"
            } else {
                ""
            };
            invalid(format!("{message}{hint}"))
        })
    }

    /// Reads expectations from TOML text.
    pub fn parse(text: &str) -> Result<Expectations, String> {
        toml_form::parse(text).map(Expectations::from_rules)
    }

    /// Reads expectations from wptrunner metadata text whose sections name
    /// whole test ids (`[/ext/sync/foo]`).
    pub fn parse_ini(text: &str) -> Result<Expectations, String> {
        ini::parse_file(text, Path::new("<text>"), None).map(Expectations::from_rules)
    }

    /// The same expectations, evaluated for a run with these keys.
    pub fn for_run(mut self, keys: RunKeys) -> Expectations {
        self.keys = keys;
        self
    }

    /// The keys conditions are evaluated against.
    pub fn keys(&self) -> &RunKeys {
        &self.keys
    }

    /// Adds another set.
    pub fn extend(&mut self, other: Expectations) {
        self.rules.extend(other.rules);
    }

    fn rule(&self, test: &str, subtest: Option<&str>) -> Option<(&Rule, &Vec<String>)> {
        // Later files override earlier ones, as a later entry in one file does.
        self.rules
            .iter()
            .rev()
            .filter(|r| r.test == test && r.subtest.as_deref() == subtest)
            .find_map(|r| r.expected.value(&self.keys).map(|v| (r, v)))
    }

    /// The entry for a subtest (or, with `None`, for the test itself) in this run.
    pub fn entry(&self, test: &str, subtest: Option<&str>) -> Option<Entry> {
        self.rule(test, subtest).map(|(r, v)| Entry {
            test: r.test.clone(),
            subtest: r.subtest.clone(),
            status: v[0].clone(),
            known_intermittent: v[1..].to_vec(),
            reason: r.reason.clone().unwrap_or_default(),
        })
    }

    /// The expected status of a subtest (or of the test itself), `default`
    /// when no entry applies.
    pub fn expected_or<'a>(&'a self, test: &str, subtest: Option<&str>, default: &'a str) -> &'a str {
        self.rule(test, subtest).map(|(_, v)| v[0].as_str()).unwrap_or(default)
    }

    /// The expected status of a subtest (`PASS` by default) or of the test
    /// itself (`OK` by default).
    pub fn expected(&self, test: &str, subtest: Option<&str>) -> &str {
        self.expected_or(test, subtest, if subtest.is_some() { "PASS" } else { "OK" })
    }

    /// The known intermittent statuses of a subtest or test in this run.
    pub fn known_intermittent(&self, test: &str, subtest: Option<&str>) -> &[String] {
        self.rule(test, subtest).map(|(_, v)| &v[1..]).unwrap_or(&[])
    }

    /// Why a test is disabled in this run, if it is.
    pub fn disabled(&self, test: &str) -> Option<&str> {
        self.rules
            .iter()
            .rev()
            .filter(|r| r.test == test && r.subtest.is_none())
            .find_map(|r| r.disabled.value(&self.keys))
            .map(String::as_str)
    }

    /// Every rule as written.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Rules that name no test or subtest of `catalog` (test id → its subtest
    /// names), as warnings.
    pub fn unmatched(&self, catalog: &std::collections::BTreeMap<String, Vec<String>>) -> Vec<String> {
        let mut out = Vec::new();
        for r in &self.rules {
            match (catalog.get(&r.test), &r.subtest) {
                (None, _) => out.push(format!("{}: expectation for {} names no test", r.origin, r.test)),
                (Some(subs), Some(s)) if !subs.contains(s) => {
                    out.push(format!("{}: expectation for {} :: {s} names no subtest of that test", r.origin, r.test))
                }
                _ => {}
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absence_means_pass() {
        let e =
            Expectations::parse("[[expected]]\ntest = \"/a\"\nsubtest = \"s\"\nstatus = \"FAIL\"\nreason = \"bug\"\n")
                .unwrap();
        assert_eq!(e.expected("/a", Some("s")), "FAIL");
        assert_eq!(e.expected("/a", Some("t")), "PASS");
        assert_eq!(e.expected("/a", None), "OK");
    }

    #[test]
    fn reasons_are_required_in_toml() {
        let err = Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"ERROR\"\nreason = \" \"\n").unwrap_err();
        assert!(err.contains("reason"), "{err}");
        let err = Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"ERROR\"\n").unwrap_err();
        assert!(err.contains("reason"), "{err}");
        let err =
            Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"NOTRUN\"\nreason = \"x\"\n").unwrap_err();
        assert!(err.contains("NOTRUN"), "{err}");
        let err =
            Expectations::parse("[[expected]]\ntest = \"/a\"\nsubtest = \"s\"\nstatus = \"ERROR\"\nreason = \"x\"\n")
                .unwrap_err();
        assert!(err.contains("never ERROR"), "{err}");
    }

    #[test]
    fn conditions_follow_the_run() {
        let e = Expectations::parse(
            "[[expected]]\ntest = \"/a\"\nsubtest = \"s\"\nstatus = \"FAIL\"\nreason = \"spec differs\"\nwhen = 'profile == \"spec\"'\n",
        )
        .unwrap();
        let spec = e.clone().for_run(RunKeys::default().with("profile", "spec"));
        let chromium = e.for_run(RunKeys::default().with("profile", "chromium"));
        assert_eq!(spec.expected("/a", Some("s")), "FAIL");
        assert_eq!(chromium.expected("/a", Some("s")), "PASS");
        assert!(chromium.entry("/a", Some("s")).is_none());
    }
}
