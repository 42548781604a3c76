//! wptrunner's metadata format (the `.ini` files `wpt update-expectations`
//! writes), read by hand: the format is small, and no maintained crate
//! parses its conditional values.
//!
//! ```ini
//! [reregister-while-waiting.spec]
//!   bug: https://example.org/bug/1
//!   disabled:
//!     if target == "exec": needs a real restart
//!   [reregister-while-waiting.spec]
//!     expected:
//!       if profile == "spec": FAIL
//!       if target == "chromium": [PASS, FAIL]
//!       PASS
//! ```
//!
//! A section at column 0 is a test, an indented section one of its
//! subtests (`\]` escapes a `]` in a name). Keys: `expected` (a status or a
//! list whose first item is expected and the rest known intermittent),
//! `disabled` (tests only; the value is the reason), `bug` (the reason). A
//! key's value is on its line, or on the indented lines below it: `if
//! <condition>: <value>` lines (see [`super::condition`]) and an optional
//! last line without a condition, the default. `#` starts a comment line.
//! Other wptrunner keys (`fuzzy`, `prefs`, `tags`, `lsan-allowed`,
//! `max-asserts`, ...) are accepted and ignored; any other key is an error.

use super::{Condition, Conditional, ExpectationsError, Rule, check_rule};
use std::path::Path;

/// wptrunner keys that do not apply to this harness.
const IGNORED_KEYS: &[&str] = &[
    "fuzzy",
    "prefs",
    "tags",
    "lsan-allowed",
    "leak-allowed",
    "leak-threshold",
    "min-asserts",
    "max-asserts",
    "restart-after",
    "implementation-status",
];

struct Line<'a> {
    number: usize,
    indent: usize,
    text: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    text.lines()
        .enumerate()
        .filter_map(|(i, raw)| {
            let trimmed = raw.trim_start_matches([' ', '\t']);
            let body = trimmed.trim_end();
            if body.is_empty() || body.starts_with('#') {
                return None;
            }
            Some(Line { number: i + 1, indent: raw.len() - trimmed.len(), text: body })
        })
        .collect()
}

fn heading(text: &str) -> Option<String> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    Some(inner.replace("\\]", "]").replace("\\\\", "\\"))
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return s[1..s.len() - 1].to_string();
        }
    }
    s.to_string()
}

/// A value: a status, or `[A, B]`.
fn statuses(value: &str) -> Vec<String> {
    let v = value.trim();
    match v.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(list) => list.split(',').map(unquote).filter(|s| !s.is_empty()).collect(),
        None => vec![unquote(v)],
    }
}

/// Splits `if <condition>: <value>` at the colon that ends the condition
/// (the first one outside quotes).
fn split_condition(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("if ")?;
    let mut quote = None;
    for (i, c) in rest.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ':') => return Some((&rest[..i], &rest[i + 1..])),
            _ => {}
        }
    }
    None
}

/// Parses one metadata file. `prefix` is the directory of its tests
/// (`/ext/sync/`); without one, every test section must name a whole id.
pub fn parse_file(text: &str, path: &Path, prefix: Option<&str>) -> Result<Vec<Rule>, String> {
    let lines = lines(text);
    let mut rules: Vec<Rule> = Vec::new();
    // Indices into `rules` of the current test and subtest, with their indents.
    let mut test: Option<(usize, usize)> = None;
    let mut subtest: Option<(usize, usize)> = None;
    let at = |n: usize| format!("{}:{n}", path.display());
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        i += 1;
        if let Some(name) = heading(line.text) {
            if line.indent == 0 {
                let id = match prefix {
                    Some(p) => format!("{p}{name}"),
                    None if name.starts_with('/') => name,
                    None => {
                        return Err(format!(
                            "line {}: section [{name}] is not a test id: give --expectations the metadata directory, or write the whole id ([/dir/{name}])",
                            line.number
                        ));
                    }
                };
                rules.push(Rule {
                    test: id,
                    subtest: None,
                    expected: Conditional::default(),
                    disabled: Conditional::default(),
                    reason: None,
                    origin: at(line.number),
                });
                test = Some((rules.len() - 1, 0));
                subtest = None;
            } else {
                let Some((t, _)) = test else {
                    return Err(format!("line {}: subtest [{name}] outside a test section", line.number));
                };
                let parent = rules[t].test.clone();
                rules.push(Rule {
                    test: parent,
                    subtest: Some(name),
                    expected: Conditional::default(),
                    disabled: Conditional::default(),
                    reason: None,
                    origin: at(line.number),
                });
                subtest = Some((rules.len() - 1, line.indent));
            }
            continue;
        }
        let Some((key, value)) = line.text.split_once(':') else {
            return Err(format!("line {}: expected `[section]` or `key: value`, found {:?}", line.number, line.text));
        };
        let key = key.trim();
        let owner = match (subtest, test) {
            (Some((s, indent)), _) if line.indent > indent => s,
            (_, Some((t, _))) if line.indent > 0 => {
                subtest = None;
                t
            }
            _ => return Err(format!("line {}: key `{key}` outside a test section", line.number)),
        };
        // The value: on this line, or the indented lines below.
        let mut conditional: Conditional<String> = Conditional::default();
        if value.trim().is_empty() {
            while i < lines.len() && lines[i].indent > line.indent && heading(lines[i].text).is_none() {
                let l = &lines[i];
                i += 1;
                if let Some((cond, v)) = split_condition(l.text) {
                    let c = Condition::parse(cond.trim()).map_err(|m| format!("line {}: {m}", l.number))?;
                    conditional.branches.push((c, v.trim().to_string()));
                } else if conditional.default.is_none() {
                    conditional.default = Some(l.text.to_string());
                } else {
                    return Err(format!("line {}: a second default value for `{key}`", l.number));
                }
            }
            if conditional.is_empty() {
                return Err(format!("line {}: `{key}:` has no value", line.number));
            }
        } else {
            conditional.default = Some(value.trim().to_string());
        }
        let rule = &mut rules[owner];
        match key {
            "expected" => {
                rule.expected = Conditional {
                    branches: conditional.branches.iter().map(|(c, v)| (c.clone(), statuses(v))).collect(),
                    default: conditional.default.as_deref().map(statuses),
                };
            }
            "disabled" => {
                rule.disabled = Conditional {
                    branches: conditional.branches.into_iter().map(|(c, v)| (c, unquote(&v))).collect(),
                    default: conditional.default.map(|v| unquote(&v)),
                };
            }
            "bug" => rule.reason = conditional.default.map(|v| unquote(&v)),
            k if IGNORED_KEYS.contains(&k) => {}
            other => {
                return Err(format!(
                    "line {}: unknown key `{other}` (expected one of: expected, disabled, bug, or a wptrunner key this harness ignores: {})",
                    line.number,
                    IGNORED_KEYS.join(", ")
                ));
            }
        }
        check_rule(&rules[owner]).map_err(|m| format!("line {}: {m}", line.number))?;
    }
    // A test section that only holds subtests sets nothing for the test itself.
    rules.retain(|r| !(r.expected.is_empty() && r.disabled.is_empty() && r.subtest.is_none() && r.reason.is_none()));
    Ok(rules)
}

/// Reads every `*.ini` below a metadata directory; `dir/a/b.ini` holds the
/// tests of directory `/a/`.
pub fn load_dir(dir: &Path) -> Result<Vec<Rule>, ExpectationsError> {
    let mut files = Vec::new();
    collect(dir, &mut files).map_err(|e| ExpectationsError::Io { path: dir.to_path_buf(), message: e.to_string() })?;
    files.sort();
    let mut rules = Vec::new();
    for file in files {
        let invalid = |message| ExpectationsError::Invalid { path: file.clone(), message };
        if file.file_name().is_some_and(|n| n == "__dir__.ini") {
            return Err(invalid(
                "__dir__.ini (directory-wide metadata) is not supported: write the keys per test".into(),
            ));
        }
        let rel = file.strip_prefix(dir).unwrap_or(&file);
        let parent: Vec<String> = rel
            .parent()
            .map(|p| p.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        let prefix = if parent.is_empty() { "/".to_string() } else { format!("/{}/", parent.join("/")) };
        let text = std::fs::read_to_string(&file)
            .map_err(|e| ExpectationsError::Io { path: file.clone(), message: e.to_string() })?;
        rules.extend(parse_file(&text, &file, Some(&prefix)).map_err(invalid)?);
    }
    Ok(rules)
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "ini") {
            out.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{Expectations, RunKeys};

    const META: &str = "# comment\n[/ext/a]\n  bug: https://example.org/1\n  expected: ERROR\n  [sub one]\n    expected:\n      if profile == \"spec\": FAIL\n      if target == \"chromium\": [PASS, FAIL]\n      PASS\n  [sub \\] two]\n    expected: [FAIL, TIMEOUT]\n[/ext/b]\n  disabled:\n    if target == \"exec\": needs a restart\n";

    #[test]
    fn sections_keys_and_conditions() {
        let e = Expectations::parse_ini(META).unwrap();
        let spec = e.clone().for_run(RunKeys::default().with("profile", "spec").with("target", "engine"));
        assert_eq!(spec.expected("/ext/a", None), "ERROR");
        assert_eq!(spec.entry("/ext/a", None).unwrap().reason, "https://example.org/1");
        assert_eq!(spec.expected("/ext/a", Some("sub one")), "FAIL");
        assert_eq!(spec.expected("/ext/a", Some("sub ] two")), "FAIL");
        assert_eq!(spec.known_intermittent("/ext/a", Some("sub ] two")), ["TIMEOUT".to_string()]);
        assert_eq!(spec.disabled("/ext/b"), None);
        let chromium = e.clone().for_run(RunKeys::default().with("profile", "chromium").with("target", "chromium"));
        assert_eq!(chromium.expected("/ext/a", Some("sub one")), "PASS");
        assert_eq!(chromium.known_intermittent("/ext/a", Some("sub one")), ["FAIL".to_string()]);
        let exec = e.for_run(RunKeys::default().with("profile", "chromium").with("target", "exec"));
        assert_eq!(exec.expected("/ext/a", Some("sub one")), "PASS");
        assert_eq!(exec.disabled("/ext/b"), Some("needs a restart"));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("[/a]\n  expected: MAYBE\n", "line 2"),
            ("[/a]\n  [s]\n    expected: ERROR\n", "never ERROR"),
            ("[/a]\n  colour: red\n", "unknown key `colour`"),
            ("expected: FAIL\n", "outside a test section"),
            ("[a]\n  expected: ERROR\n", "not a test id"),
            ("[/a]\n  expected:\n    if profile = \"spec\": FAIL\n", "line 3"),
            ("[/a]\n  [s]\n    disabled: why\n", "applies to tests"),
        ];
        for (text, needle) in cases {
            let err = Expectations::parse_ini(text).unwrap_err();
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }

    #[test]
    fn ignored_wptrunner_keys_are_accepted() {
        let e = Expectations::parse_ini("[/a]\n  fuzzy: maxDifference=0-1\n  [s]\n    expected: FAIL\n").unwrap();
        assert_eq!(e.expected("/a", Some("s")), "FAIL");
        assert_eq!(e.expected("/a", None), "OK");
    }
}
