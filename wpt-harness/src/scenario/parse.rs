//! Reading a scenario file: the top-level keys, the policy and the subtests.

use super::expansion::Budget;
use super::parse_initial::initial;
use super::steps::all_steps;
use super::{PolicySpec, Scenario, ScenarioError, Source, Subtest};
use crate::policy::{RunProfile, resolve};
use crate::yaml::{self, Node, NodeError, Pos, Value};
use std::path::Path;
use sync_policy::Profile;

const TOP_LEVEL_KEYS: &[&str] = &["test", "source", "policy", "description", "digest", "initial", "steps", "subtests"];

/// Reads and checks one scenario file. `default_test` is the report id used
/// when the file does not name one with `test:`.
pub fn load(file: &Path, default_test: &str) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(file).map_err(|e| ScenarioError {
        file: file.to_path_buf(),
        pos: Pos::default(),
        message: format!("cannot read: {e}"),
    })?;
    load_str(&text, file, default_test)
}

/// Reads and checks a scenario from text; `file` is only used in messages.
pub fn load_str(text: &str, file: &Path, default_test: &str) -> Result<Scenario, ScenarioError> {
    let wrap = |e: NodeError| ScenarioError { file: file.to_path_buf(), pos: e.pos, message: e.message };
    let doc = yaml::parse(text).map_err(wrap)?;
    scenario(&doc, file, default_test).map_err(|errors| all_errors(file, errors))
}

/// One error for the whole file: the first error's position and message,
/// then every further error on its own line as `file:line:column: message`.
fn all_errors(file: &Path, mut errors: Vec<NodeError>) -> ScenarioError {
    // In the order found: unknown top-level keys, then each part in file order.
    errors.dedup_by(|a, b| a.pos == b.pos && a.message == b.message);
    let mut rest = errors.split_off(1.min(errors.len()));
    let first = errors.pop().unwrap_or_else(|| NodeError::at(Default::default(), "invalid scenario".to_string()));
    let mut message = first.message;
    if !rest.is_empty() {
        message.push_str(&format!(" ({} more errors in this file follow)", rest.len()));
        for e in rest.drain(..) {
            message.push_str(&format!("\n  {}:{}:{}: {}", file.display(), e.pos.line, e.pos.column, e.message));
        }
    }
    ScenarioError { file: file.to_path_buf(), pos: first.pos, message }
}

/// Parses a scenario, collecting every error it can find: each top-level
/// part and each step is checked even when an earlier one was wrong.
fn scenario(doc: &Node, file: &Path, default_test: &str) -> Result<Scenario, Vec<NodeError>> {
    if doc.value == Value::Null {
        return Err(vec![doc.error("empty scenario file")]);
    }
    let map = doc.as_map().map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    if let Err(e) = map.only(TOP_LEVEL_KEYS) {
        errors.push(e);
    }
    let test = keep(test_id(&map, default_test), &mut errors);
    let source = keep(map.require("source").and_then(source), &mut errors);
    let policy = keep(map.get("policy").map(policy).transpose(), &mut errors);
    let description = keep(map.get("description").map(|n| n.as_text()).transpose(), &mut errors);
    let initial = keep(initial(map.get("initial")), &mut errors);
    let subtests = subtests(doc, &map, test.as_deref().unwrap_or(default_test), &mut errors);
    match (test, source, policy, description, initial, subtests) {
        (Some(test), Some(source), Some(policy), Some(description), Some(initial), Some(subtests))
            if errors.is_empty() =>
        {
            let policy = policy.unwrap_or_default();
            Ok(Scenario { file: file.to_path_buf(), test, source, policy, description, initial, subtests })
        }
        _ => Err(errors),
    }
}

fn subtests(doc: &Node, map: &yaml::Map<'_>, test: &str, errors: &mut Vec<NodeError>) -> Option<Vec<Subtest>> {
    let mut budget = Budget::default();
    let parse = |body: &Node, errors: &mut Vec<NodeError>| {
        let (list, mut errs) = all_steps(body);
        let ok = errs.is_empty();
        errors.append(&mut errs);
        ok.then_some(list)
    };
    match (map.get("steps"), map.get("subtests")) {
        (Some(_), Some(n)) => fail(errors, n.error("give either `steps` (one subtest) or `subtests`, not both")),
        (Some(n), None) => {
            if let Err(e) = budget.add_steps(n) {
                return fail(errors, e);
            }
            let steps = parse(n, errors)?;
            Some(vec![Subtest { name: subtest_name_for(test), pos: n.pos, steps }])
        }
        (None, Some(n)) => {
            let named = match n.as_map() {
                Ok(m) => m,
                Err(e) => return fail(errors, e),
            };
            if named.entries.is_empty() {
                return fail(errors, n.error("`subtests` is empty"));
            }
            for (_, _, body) in &named.entries {
                if let Err(e) = budget.add_steps(body) {
                    return fail(errors, e);
                }
            }
            let mut out: Vec<Subtest> = Vec::new();
            let mut ok = true;
            for (name, pos, body) in named.entries {
                if out.iter().any(|s| s.name == name) {
                    errors.push(NodeError::at(pos, format!("duplicate subtest {name:?}")));
                    ok = false;
                    continue;
                }
                match parse(body, errors) {
                    Some(steps) => out.push(Subtest { name, pos, steps }),
                    None => ok = false,
                }
            }
            ok.then_some(out)
        }
        (None, None) => fail(errors, doc.error("a scenario needs `steps` or `subtests`")),
    }
}

/// The value, or `None` with its error kept.
fn keep<T>(r: Result<T, NodeError>, errors: &mut Vec<NodeError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok()
}

fn fail<T>(errors: &mut Vec<NodeError>, e: NodeError) -> Option<T> {
    errors.push(e);
    None
}

fn test_id(map: &yaml::Map<'_>, default_test: &str) -> Result<String, NodeError> {
    Ok(match map.get("test") {
        Some(n) => {
            let t = n.as_str()?;
            if !t.starts_with('/') {
                return Err(n.error("`test` must be a path starting with `/` (a WPT test path)"));
            }
            t.to_string()
        }
        None => default_test.to_string(),
    })
}

/// A scenario with a plain `steps:` list is one subtest named after the test.
fn subtest_name_for(test: &str) -> String {
    test.rsplit('/').next().unwrap_or(test).to_string()
}

fn source(node: &Node) -> Result<Source, NodeError> {
    let text = node.as_str()?;
    // Allow a trailing comment-like detail: `extension (the spec and Chromium differ)`.
    let word = text.split_whitespace().next().unwrap_or("");
    match word.to_ascii_lowercase().as_str() {
        "wpt-direct" => Ok(Source::WptDirect),
        "wpt-historical" => Ok(Source::WptHistorical),
        "chromium-webtest" => Ok(Source::ChromiumWebtest),
        "extension" => Ok(Source::Extension),
        _ => Err(node.error(format!(
            "unknown source {text:?} (expected wpt-direct, wpt-historical, chromium-webtest or extension)"
        ))),
    }
}

fn profile(node: &Node) -> Result<Profile, NodeError> {
    let name = node.as_str()?;
    name.parse::<Profile>().map_err(|e| node.error(e))
}

/// A `policy:` value (the scenario's key, or `ua.start`'s `policy`).
pub(crate) fn policy(node: &Node) -> Result<PolicySpec, NodeError> {
    let mut spec = PolicySpec { pos: node.pos, ..PolicySpec::default() };
    if let Value::Str(_) = node.value {
        spec.profile = Some(profile(node)?);
        return Ok(spec);
    }
    let map = node.as_map()?;
    for (key, pos, value) in &map.entries {
        if key == "profile" {
            spec.profile = Some(profile(value)?);
            continue;
        }
        let json = to_json(value)?;
        insert_dotted(&mut spec.overrides, key, json).map_err(|m| NodeError::at(*pos, m))?;
    }
    // Catch unknown keys and bad values now, with the position, against both profiles.
    for p in [Profile::Chromium, Profile::Spec] {
        resolve(&spec, &RunProfile::Builtin(p)).map_err(|m| node.error(m))?;
    }
    Ok(spec)
}

/// Inserts `a.b.c: v` as `{a: {b: {c: v}}}`.
fn insert_dotted(
    target: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    value: serde_json::Value,
) -> Result<(), String> {
    let mut parts = key.split('.').peekable();
    let mut slot = target;
    while let Some(part) = parts.next() {
        if part.is_empty() {
            return Err(format!("bad policy key {key:?}"));
        }
        if parts.peek().is_none() {
            slot.insert(part.to_string(), value);
            return Ok(());
        }
        let entry = slot.entry(part.to_string()).or_insert_with(|| serde_json::Value::Object(Default::default()));
        slot = match entry {
            serde_json::Value::Object(m) => m,
            _ => return Err(format!("policy key {key:?} goes inside a value that is not a table")),
        };
    }
    Ok(())
}

/// A YAML node as JSON (for policy overrides).
fn to_json(node: &Node) -> Result<serde_json::Value, NodeError> {
    Ok(match &node.value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Int(i) => match (u64::try_from(*i), i64::try_from(*i)) {
            (Ok(u), _) => serde_json::Value::from(u),
            (_, Ok(s)) => serde_json::Value::from(s),
            _ => return Err(node.error("integer out of range")),
        },
        Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(serde_json::Value::Number)
            .ok_or_else(|| node.error("not a finite number"))?,
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::Seq(items) => serde_json::Value::Array(items.iter().map(to_json).collect::<Result<_, _>>()?),
        Value::Map(_) => {
            let map = node.as_map()?;
            let mut out = serde_json::Map::new();
            for (k, pos, v) in &map.entries {
                insert_dotted(&mut out, k, to_json(v)?).map_err(|m| NodeError::at(*pos, m))?;
            }
            serde_json::Value::Object(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Action, CallExpect};

    fn load(text: &str) -> Result<Scenario, ScenarioError> {
        load_str(text, Path::new("t.yaml"), "/ext/t")
    }

    #[test]
    fn plain_steps_make_one_subtest_named_after_the_test() {
        let s = load("source: extension\nsteps:\n  - note: hi\n").unwrap();
        assert_eq!(s.test, "/ext/t");
        assert_eq!(s.subtests.len(), 1);
        assert_eq!(s.subtests[0].name, "t");
    }

    #[test]
    fn policy_overrides_are_checked_with_position() {
        let err = load("source: extension\npolicy: {oneshot.max_atempts: 5}\nsteps: []\n").unwrap_err();
        assert_eq!(err.pos.line, 2, "{err}");
        assert!(err.message.contains("max_atempts"), "{err}");
        let ok = load("source: extension\npolicy: {profile: spec, oneshot.max_attempts: 5}\nsteps: []\n").unwrap();
        assert_eq!(ok.policy.profile, Some(Profile::Spec));
        assert_eq!(ok.policy.overrides["oneshot"]["max_attempts"], 5);
    }

    #[test]
    fn a_rejection_may_name_its_message_and_a_message_needs_a_rejection() {
        let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n    expect: {reject: NotAllowedError, message: \"Permission denied.\"}\n";
        let s = load(text).unwrap();
        let Action::Call { expect, .. } = &s.subtests[0].steps[0].action else { panic!("not a call") };
        assert_eq!(
            expect,
            &Some(CallExpect::Reject { name: "NotAllowedError".into(), message: Some("Permission denied.".into()) })
        );
        let err = load("source: extension\nsteps:\n  - sync.register: {reg: R1, tag: a}\n    expect: {message: x}\n")
            .unwrap_err();
        assert!(err.message.contains("`message` only applies to `reject`"), "{err}");
    }

    #[test]
    fn unknown_top_level_keys_are_errors() {
        let err = load("source: extension\nstepz: []\n").unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (2, 1), "{err}");
    }
}
