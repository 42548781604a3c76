//! The HTML report: one self-contained file (inline CSS, SVG and script, no
//! external resources). Failures come first with links to them, then
//! unexpected passes and subtests that did not run; every test follows, the
//! ones that need attention open and the passing ones collapsed. Each
//! subtest has a timeline of virtual time (see [`timeline_svg`]) and a
//! step-through showing the target's state after every step.

mod axis;
mod captions;
mod marks;
mod page_assets;
mod step_through;
mod timeline_svg;

use super::json::RunInfo;
use crate::expectations::Expectations;
use crate::runner::{Status, SubtestOutcome, display_path};
use crate::suite::{TestResult, Verdict};
use crate::timeline::format_time;
use marks::{lane_name, legend};
use page_assets::{SCRIPT, STYLE};
use std::fmt::Write;
use timeline_svg::timeline_svg;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How a result reads against its expectation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Not as expected, and not a pass: a failure.
    Failure,
    /// Passed where a failure was expected.
    UnexpectedPass,
    /// Could not run or not observable on this target (never a failure).
    NotRun,
    /// Failed as expected.
    ExpectedFailure,
    /// Passed as expected.
    Pass,
}

impl Class {
    fn of(status: Status, expected: &str) -> Class {
        match status {
            s if s.name() == expected && s == Status::Pass => Class::Pass,
            s if s.name() == expected => Class::ExpectedFailure,
            Status::Pass => Class::UnexpectedPass,
            Status::NotRun => Class::NotRun,
            _ => Class::Failure,
        }
    }

    /// The badge: its CSS class and its text.
    fn badge(self, status: &str) -> (&'static str, String) {
        match self {
            Class::Failure => (
                match status {
                    "ERROR" => "ERROR",
                    "TIMEOUT" => "TIMEOUT",
                    _ => "FAIL",
                },
                status.to_string(),
            ),
            Class::UnexpectedPass => ("XPASS", "UNEXPECTED PASS".to_string()),
            Class::NotRun => ("NOTRUN", "NOTRUN".to_string()),
            Class::ExpectedFailure => ("XFAIL", format!("{status} (expected)")),
            Class::Pass => ("PASS", "PASS".to_string()),
        }
    }
}

fn badge(class: Class, status: &str) -> String {
    let (css, text) = class.badge(status);
    format!("<span class='badge {css}'>{}</span>", esc(&text))
}

fn subtest_class(test: &TestResult, s: &SubtestOutcome, expectations: &Expectations) -> Class {
    Class::of(s.status, expectations.expected(&test.test, Some(&s.name)))
}

/// A test's class: the worst of its subtests (or its own error).
fn test_class(r: &TestResult, expectations: &Expectations) -> Class {
    if r.error.is_some() {
        return if expectations.expected(&r.test, None) == "ERROR" { Class::ExpectedFailure } else { Class::Failure };
    }
    r.subtests.iter().map(|s| subtest_class(r, s, expectations)).min().unwrap_or(Class::Pass)
}

/// A test's badge: FAIL, ERROR, UNEXPECTED PASS, ... for the test as a whole.
fn test_badge(r: &TestResult, class: Class) -> String {
    let status = match (&r.error, class) {
        (Some(_), _) => "ERROR",
        (None, Class::Failure | Class::ExpectedFailure) => "FAIL",
        (None, Class::NotRun) => "NOTRUN",
        (None, _) => "PASS",
    };
    badge(class, status)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// One listed problem: a link to the subtest and why.
struct Problem {
    anchor: String,
    title: String,
    badge: String,
    why: String,
}

fn problems_section(out: &mut String, id: &str, class: &str, title: &str, items: &[Problem], collapsed: bool) {
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "<section class='problems {class}' id='{id}'>");
    let (open, close) = if collapsed { ("<details><summary>", "</summary>") } else { ("<h2>", "</h2>") };
    let _ = write!(out, "{open}{} ({}){close}<ol>", esc(title), items.len());
    for p in items {
        let _ = write!(
            out,
            "<li>{} <a href='#{}'>{}</a><span class='why'>{}</span></li>",
            p.badge,
            p.anchor,
            esc(&p.title),
            esc(&p.why)
        );
    }
    out.push_str("</ol>");
    if collapsed {
        out.push_str("</details>");
    }
    out.push_str("</section>");
}

fn subtest_html(
    out: &mut String,
    data: &mut serde_json::Map<String, serde_json::Value>,
    anchor: &str,
    test: &TestResult,
    s: &SubtestOutcome,
    expectations: &Expectations,
    target: &str,
) {
    let class = subtest_class(test, s, expectations);
    let _ =
        write!(out, "<div class='subtest' id='{anchor}'><h3>{} {}</h3>", badge(class, s.status.name()), esc(&s.name));
    if let Some(m) = &s.message {
        let _ = write!(out, "<div class='message'>{}</div>", esc(m));
    }
    if let Some(e) = expectations.entry(&test.test, Some(&s.name)) {
        let note = if class == Class::UnexpectedPass { "xpass-note" } else { "desc" };
        let _ = write!(out, "<p class='{note}'>Expected {}: {}</p>", esc(&e.status), esc(&e.reason));
    }
    let drawn = timeline_svg(&s.timeline, s.end);
    let _ = write!(out, "<div class='timeline'>{}</div>", drawn.svg);
    let attention = !matches!(class, Class::Pass | Class::ExpectedFailure | Class::NotRun);
    step_through::html(out, anchor, &s.steps, attention);
    if !s.steps.steps.is_empty() {
        data.insert(anchor.to_string(), step_through::data(target, &s.steps, &drawn.axis));
    }
    let open = if attention { " open" } else { "" };
    let _ =
        write!(out, "<details{open}><summary>{} timeline entries</summary><table class='entries'>", s.timeline.len());
    for e in &s.timeline {
        let _ = write!(
            out,
            "<tr><td>t={}</td><td>{}</td><td>{}</td></tr>",
            esc(&format_time(e.at)),
            esc(&lane_name(&e.lane)),
            esc(&e.label)
        );
    }
    out.push_str("</table></details></div>");
}

/// Renders the report. The header's counts are the run's verdict, as the
/// console prints them.
pub fn html_report(results: &[TestResult], verdict: &Verdict, expectations: &Expectations, info: &RunInfo) -> String {
    let classes: Vec<Class> = results.iter().map(|r| test_class(r, expectations)).collect();
    // The lists at the top: every failing, unexpectedly passing and not-run subtest.
    let (mut failures, mut xpasses, mut notrun) = (Vec::new(), Vec::new(), Vec::new());
    for (i, r) in results.iter().enumerate() {
        if let Some(e) = &r.error
            && classes[i] == Class::Failure
        {
            failures.push(Problem {
                anchor: format!("t{i}"),
                title: r.test.clone(),
                badge: badge(Class::Failure, "ERROR"),
                why: first_line(e).to_string(),
            });
        }
        for (j, s) in r.subtests.iter().enumerate() {
            let class = subtest_class(r, s, expectations);
            let problem = || Problem {
                anchor: format!("t{i}-s{j}"),
                title: format!("{} :: {}", r.test, s.name),
                badge: badge(class, s.status.name()),
                why: first_line(s.message.as_deref().unwrap_or("")).to_string(),
            };
            match class {
                Class::Failure => failures.push(problem()),
                Class::UnexpectedPass => {
                    let expected = expectations.expected(&r.test, Some(&s.name));
                    xpasses.push(Problem { why: format!("expected {expected}, passed"), ..problem() })
                }
                Class::NotRun => notrun.push(problem()),
                _ => {}
            }
        }
    }

    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><meta name='viewport' content='width=device-width'><title>Background Sync conformance: {} passed, {} failed</title><style>{STYLE}</style></head><body>",
        verdict.passed, verdict.failed
    );
    let _ = write!(
        out,
        "<header><h1>Background Sync conformance</h1><p class='summary'>{} passed, {} failed</p><p class='meta'>{} tests, {} subtests, {} expected failures · target {} ({} {}) · profile {}</p><nav>",
        verdict.passed,
        verdict.failed,
        results.len(),
        verdict.subtests,
        verdict.expected_failures,
        esc(&info.target),
        esc(&info.product),
        esc(&info.version),
        esc(&info.profile),
    );
    for (id, text, n) in [
        ("failures", "Failures", failures.len()),
        ("xpass", "Unexpected passes", xpasses.len()),
        ("notrun", "Not run", notrun.len()),
    ] {
        if n > 0 {
            let _ = write!(out, "<a href='#{id}'>{text} ({n})</a>");
        }
    }
    let _ = write!(
        out,
        "<a href='#index'>All tests ({})</a></nav><details><summary>Legend</summary><div class='legend'>{}</div></details></header><main>",
        results.len(),
        legend()
    );
    if failures.is_empty() && xpasses.is_empty() && verdict.failed == 0 {
        out.push_str("<p class='desc' id='failures-none'>No failures.</p>");
    }
    problems_section(&mut out, "failures", "", "Failures", &failures, false);
    problems_section(&mut out, "xpass", "xpass", "Unexpected passes", &xpasses, false);
    problems_section(&mut out, "notrun", "notrun", "Not run on this target", &notrun, true);

    let _ = write!(
        out,
        "<details class='index' id='index'><summary>All tests ({})</summary><table class='index'><tr><th>status</th><th>test</th><th>policy</th><th>subtests passed</th></tr>",
        results.len()
    );
    for (i, r) in results.iter().enumerate() {
        let passed = r.subtests.iter().filter(|s| s.status == Status::Pass).count();
        let _ = write!(
            out,
            "<tr><td>{}</td><td><a href='#t{i}'>{}</a></td><td>{}</td><td>{passed}/{}</td></tr>",
            test_badge(r, classes[i]),
            esc(&r.test),
            esc(&r.profile),
            r.subtests.len()
        );
    }
    out.push_str("</table></details>");

    // Tests needing attention first (in run order within each class).
    let mut order: Vec<usize> = (0..results.len()).collect();
    order.sort_by_key(|i| (classes[*i], *i));
    let mut data = serde_json::Map::new();
    for i in order {
        let r = &results[i];
        let class = classes[i];
        let (css, open) = match class {
            Class::Failure => (" bad", " open"),
            Class::UnexpectedPass => (" xpass", " open"),
            _ => ("", ""),
        };
        let _ = write!(
            out,
            "<section class='test{css}' id='t{i}'><details{open}><summary>{} {}<span class='profile'>{} · {}</span></summary>",
            test_badge(r, class),
            esc(&r.test),
            esc(&r.profile),
            esc(&display_path(&r.file))
        );
        if let Some(d) = &r.description {
            let _ = write!(out, "<p class='desc'>{}</p>", esc(d));
        }
        if let Some(e) = &r.error {
            let _ = write!(out, "<div class='message'>{}</div>", esc(e));
        }
        for (j, s) in r.subtests.iter().enumerate() {
            subtest_html(&mut out, &mut data, &format!("t{i}-s{j}"), r, s, expectations, &info.target);
        }
        out.push_str("</details></section>");
    }
    let _ = writeln!(
        out,
        "</main><script type='application/json' id='steps-data'>{}</script><script>{SCRIPT}</script></body></html>",
        step_through::embed(&serde_json::Value::Object(data))
    );
    out
}
