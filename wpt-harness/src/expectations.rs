//! Expected results, wptrunner style: a subtest with no entry is expected to
//! `PASS` (a test to be `OK`), and every entry says why it differs.
//!
//! ```toml
//! [[expected]]
//! test = "/ext/sync/reregister-while-waiting.spec"
//! subtest = "reregister-while-waiting.spec"   # omit for the test's own status
//! status = "FAIL"
//! reason = "engine bug: ..."
//! ```

use serde::Deserialize;
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
    /// The file is not valid (the message carries the line and column).
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// One expectation.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The test id.
    pub test: String,
    /// The subtest name; `None` for the test-level status.
    #[serde(default)]
    pub subtest: Option<String>,
    /// The expected status (`FAIL`, `NOTRUN`, `ERROR`, `PASS`, `OK`).
    pub status: String,
    /// Why.
    pub reason: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    expected: Vec<Entry>,
}

const SUBTEST_STATUSES: &[&str] = &["PASS", "FAIL", "NOTRUN", "ERROR"];
const TEST_STATUSES: &[&str] = &["OK", "ERROR"];

/// A set of expectations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expectations {
    entries: Vec<Entry>,
}

impl Expectations {
    /// No expectations: everything is expected to pass.
    pub fn none() -> Expectations {
        Expectations::default()
    }

    /// Reads a file.
    pub fn load(path: &Path) -> Result<Expectations, ExpectationsError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ExpectationsError::Io { path: path.to_path_buf(), message: e.to_string() })?;
        Expectations::parse(&text).map_err(|message| ExpectationsError::Invalid { path: path.to_path_buf(), message })
    }

    /// Reads expectations from TOML text.
    pub fn parse(text: &str) -> Result<Expectations, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        for (i, e) in file.expected.iter().enumerate() {
            let which = format!("entry {} ({} {})", i + 1, e.test, e.subtest.as_deref().unwrap_or(""));
            if e.reason.trim().is_empty() {
                return Err(format!("{which}: every expectation needs a non-empty `reason`"));
            }
            let allowed = if e.subtest.is_some() { SUBTEST_STATUSES } else { TEST_STATUSES };
            if !allowed.contains(&e.status.as_str()) {
                return Err(format!("{which}: status {:?} is not one of {allowed:?}", e.status));
            }
        }
        Ok(Expectations { entries: file.expected })
    }

    /// Adds another set.
    pub fn extend(&mut self, other: Expectations) {
        self.entries.extend(other.entries);
    }

    /// The entry for a subtest (or, with `None`, for the test itself).
    pub fn entry(&self, test: &str, subtest: Option<&str>) -> Option<&Entry> {
        self.entries.iter().find(|e| e.test == test && e.subtest.as_deref() == subtest)
    }

    /// The expected status of a subtest (or of the test itself).
    pub fn expected(&self, test: &str, subtest: Option<&str>) -> &str {
        match self.entry(test, subtest) {
            Some(e) => &e.status,
            None if subtest.is_some() => "PASS",
            None => "OK",
        }
    }

    /// Every entry.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
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
    fn reasons_are_required() {
        let err = Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"ERROR\"\nreason = \" \"\n").unwrap_err();
        assert!(err.contains("reason"), "{err}");
        let err = Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"ERROR\"\n").unwrap_err();
        assert!(err.contains("reason"), "{err}");
        let err = Expectations::parse("[[expected]]\ntest = \"/a\"\nstatus = \"FAIL\"\nreason = \"x\"\n").unwrap_err();
        assert!(err.contains("FAIL"), "{err}");
    }
}
