//! The TOML form of expectations.
//!
//! ```toml
//! [[expected]]
//! test = "/ext/sync/reregister-while-waiting.spec"
//! subtest = "reregister-while-waiting.spec"   # omit for the test's own status
//! status = "FAIL"                             # or ["FAIL", "PASS"]: FAIL expected, PASS known intermittent
//! reason = "engine bug: ..."                  # required
//! when = 'target == "engine"'                 # optional: a wptrunner condition on the run's keys
//! ```

use super::{Condition, Conditional, Rule, check_rule};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Statuses {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TomlEntry {
    test: String,
    #[serde(default)]
    subtest: Option<String>,
    status: Statuses,
    reason: String,
    #[serde(default)]
    when: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    expected: Vec<TomlEntry>,
}

/// Parses TOML expectations into rules.
pub fn parse(text: &str) -> Result<Vec<Rule>, String> {
    let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
    let mut rules = Vec::new();
    for (i, e) in file.expected.into_iter().enumerate() {
        let which = format!("entry {} ({} {})", i + 1, e.test, e.subtest.as_deref().unwrap_or(""));
        if e.reason.trim().is_empty() {
            return Err(format!("{which}: every expectation needs a non-empty `reason`"));
        }
        let statuses = match e.status {
            Statuses::One(s) => vec![s],
            Statuses::Many(v) => v,
        };
        let expected = match &e.when {
            None => Conditional::always(statuses),
            Some(when) => {
                let c = Condition::parse(when).map_err(|m| format!("{which}: `when`: {m}"))?;
                Conditional { branches: vec![(c, statuses)], default: None }
            }
        };
        let rule = Rule {
            test: e.test,
            subtest: e.subtest,
            expected,
            disabled: Conditional::default(),
            reason: Some(e.reason),
            origin: which.clone(),
        };
        check_rule(&rule).map_err(|m| format!("{which}: {m}"))?;
        rules.push(rule);
    }
    Ok(rules)
}
