//! `wpt-harness update-expectations RUN.json...`: wptrunner metadata from
//! runs, as `wpt update-expectations` writes it.
//!
//! Each test with a result other than the default (`OK`/`PASS`; `NOTRUN` and
//! `SKIP` are never written) gets `METADATA/<dir>/<name>.ini` with one
//! `[name]` section. When several runs disagree, the statuses become `if`
//! conditions on the run keys that tell the runs apart (`product`,
//! `target`, `profile`, `diff`), the most common status being the default.
//! `bug:` lines already in a file are kept; a file whose tests now all pass
//! is removed.

use super::ini;
use crate::report::{WptReport, WptRunInfo};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The keys conditions may use, with a run's value of each.
fn key_values(info: &WptRunInfo) -> Vec<(&'static str, String)> {
    vec![
        ("product", format!("{:?}", info.product)),
        ("target", format!("{:?}", info.target)),
        ("profile", format!("{:?}", info.profile)),
        ("diff", if info.diff { "True".into() } else { "False".into() }),
    ]
}

/// What the runs said of one test or subtest: (run index, status).
type Observed = Vec<(usize, String)>;

#[derive(Default)]
struct TestObservations {
    own: Observed,
    own_default: String,
    subtests: BTreeMap<String, Observed>,
}

fn escape(name: &str) -> String {
    name.replace('\\', "\\\\").replace(']', "\\]")
}

/// The `expected` lines (indented by `indent`) for what the runs observed,
/// or `None` when every run had the default.
fn expected_lines(observed: &[(usize, String)], default: &str, runs: &[WptRunInfo], indent: &str) -> Option<String> {
    if observed.iter().all(|(_, s)| s == default || s == "NOTRUN" || s == "SKIP") {
        return None;
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, s) in observed {
        *counts.entry(s).or_default() += 1;
    }
    // Runs that did not report it at all count as the default.
    let missing = runs.len().saturating_sub(observed.len());
    if missing > 0 {
        *counts.entry(default).or_default() += missing;
    }
    let common = counts.iter().max_by_key(|(s, n)| (**n, **s == default)).map(|(s, _)| *s).unwrap_or(default);
    if counts.len() == 1 {
        return Some(format!("{indent}expected: {common}\n"));
    }
    // The keys whose values differ between runs.
    let all: Vec<Vec<(&str, String)>> = runs.iter().map(key_values).collect();
    let varying: Vec<usize> =
        (0..all.first().map_or(0, Vec::len)).filter(|&k| all.iter().any(|kv| kv[k].1 != all[0][k].1)).collect();
    let mut out = format!("{indent}expected:\n");
    for (run, status) in observed {
        if status == common {
            continue;
        }
        let condition: Vec<String> =
            varying.iter().map(|&k| format!("{} == {}", all[*run][k].0, all[*run][k].1)).collect();
        let condition = if condition.is_empty() { "True".to_string() } else { condition.join(" and ") };
        let line = format!("{indent}  if {condition}: {status}\n");
        if !out.contains(&line) {
            out.push_str(&line);
        }
    }
    if common != default {
        let _ = writeln!(out, "{indent}  {common}");
    }
    Some(out)
}

/// Reads a wptreport.json written by this harness.
pub fn read_report(path: &Path) -> Result<WptReport, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: not a wptreport.json from this harness: {e}", path.display()))
}

/// Writes metadata for `reports` under `dir`; returns the files written and removed.
pub fn write_metadata(reports: &[WptReport], dir: &Path) -> Result<(Vec<PathBuf>, Vec<PathBuf>), String> {
    let runs: Vec<WptRunInfo> = reports.iter().map(|r| r.run_info.clone()).collect();
    let mut tests: BTreeMap<String, TestObservations> = BTreeMap::new();
    for (i, report) in reports.iter().enumerate() {
        for r in &report.results {
            let t = tests.entry(r.test.clone()).or_default();
            t.own.push((i, r.status.name().to_string()));
            // A test without subtests (a crash test) passes with PASS.
            t.own_default = if r.subtests.is_empty() && r.status.name() != "OK" && r.status.name() != "ERROR" {
                "PASS".into()
            } else {
                "OK".into()
            };
            for s in &r.subtests {
                t.subtests.entry(s.name.clone()).or_default().push((i, s.status.name().to_string()));
            }
        }
    }
    let (mut written, mut removed) = (Vec::new(), Vec::new());
    for (test, obs) in &tests {
        let Some(rel) = test.strip_prefix('/') else { continue };
        let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        let file = dir.join(parent).join(format!("{name}.ini"));
        let prefix = if parent.is_empty() { "/".to_string() } else { format!("/{parent}/") };
        // Keep the reasons already written.
        let bugs: BTreeMap<Option<String>, String> = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| ini::parse_file(&text, &file, Some(&prefix)).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|r| &r.test == test)
            .filter_map(|r| r.reason.map(|b| (r.subtest, b)))
            .collect();
        let mut body = String::new();
        if let Some(b) = bugs.get(&None) {
            let _ = writeln!(body, "  bug: {b}");
        }
        let mut any = false;
        if let Some(lines) = expected_lines(&obs.own, &obs.own_default, &runs, "  ") {
            body.push_str(&lines);
            any = true;
        }
        for (sub, observed) in &obs.subtests {
            if let Some(lines) = expected_lines(observed, "PASS", &runs, "    ") {
                let _ = writeln!(body, "  [{}]", escape(sub));
                if let Some(b) = bugs.get(&Some(sub.clone())) {
                    let _ = writeln!(body, "    bug: {b}");
                }
                body.push_str(&lines);
                any = true;
            }
        }
        if !any {
            if file.exists() {
                std::fs::remove_file(&file).map_err(|e| format!("cannot remove {}: {e}", file.display()))?;
                removed.push(file);
            }
            continue;
        }
        if let Some(p) = file.parent() {
            std::fs::create_dir_all(p).map_err(|e| format!("cannot create {}: {e}", p.display()))?;
        }
        let text = format!("[{}]\n{body}", escape(name));
        std::fs::write(&file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))?;
        written.push(file);
    }
    Ok((written, removed))
}
