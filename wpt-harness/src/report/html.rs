//! The HTML report: one self-contained file (inline CSS and SVG, no script,
//! no external resources) with a summary, an index and, per subtest, a
//! timeline of virtual time: registrations, dispatches, settlements,
//! failures with their retry delays, and network and power changes.

use super::json::RunInfo;
use crate::expectations::Expectations;
use crate::runner::{Status, SubtestOutcome};
use crate::suite::{TestResult, Verdict};
use crate::timeline::{Entry, Mark, format_time, show_tag};
use std::collections::BTreeMap;
use std::fmt::Write;
use sync_policy::{Millis, SyncKind};

const STYLE: &str = "
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#111827;background:#f9fafb}
header{background:#111827;color:#f9fafb;padding:16px 24px}
header h1{margin:0 0 4px;font-size:20px}
header .summary{font-size:16px;margin:0}
header .meta{color:#9ca3af;margin:4px 0 0}
main{padding:16px 24px}
table{border-collapse:collapse}
table.index td,table.index th{padding:2px 10px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top}
table.index{background:#fff;margin-bottom:20px}
.badge{display:inline-block;min-width:54px;text-align:center;border-radius:4px;padding:0 6px;font-weight:600;font-size:12px;color:#fff}
.PASS,.OK{background:#16a34a}.FAIL,.ERROR{background:#dc2626}.NOTRUN{background:#6b7280}.XFAIL{background:#d97706}
section.test{background:#fff;border:1px solid #e5e7eb;border-radius:6px;margin:0 0 14px;padding:6px 12px}
section.test summary{cursor:pointer;font-weight:600;padding:4px 0}
.profile{color:#6b7280;font-weight:400;font-size:12px;margin-left:8px}
.desc{color:#374151;margin:4px 0}
.subtest{border-top:1px dashed #e5e7eb;padding:6px 0}
.subtest h3{font-size:14px;margin:4px 0}
.message{font-family:ui-monospace,Menlo,monospace;font-size:12px;background:#fef2f2;border-left:3px solid #dc2626;padding:4px 8px;white-space:pre-wrap;margin:4px 0}
.timeline{overflow-x:auto}
table.entries td:nth-child(-n+2){white-space:nowrap}
table.entries td{padding:0 8px;font-size:12px;font-family:ui-monospace,Menlo,monospace;vertical-align:top}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;margin-top:10px;background:#1f2937;border-radius:4px;padding:6px 10px}
.legend span{display:inline-flex;align-items:center;gap:5px;font-size:12px}
";

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

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{head}…")
}

/// The SVG shape of a mark centred on (x, y), with a tooltip.
fn shape(out: &mut String, mark: Mark, x: i64, y: i64, title: &str) {
    let t = format!("<title>{}</title>", esc(title));
    let _ = match mark {
        Mark::Register => write!(out, "<circle cx='{x}' cy='{y}' r='6' fill='#2563eb'>{t}</circle>"),
        Mark::Rejected => cross(out, x, y, 5, "#dc2626", 3, &t),
        Mark::Dispatch => write!(
            out,
            "<polygon points='{},{} {},{} {},{}' fill='#f59e0b'>{t}</polygon>",
            x,
            y - 7,
            x - 7,
            y + 6,
            x + 7,
            y + 6
        ),
        Mark::Settle => write!(
            out,
            "<polygon points='{},{} {},{} {},{} {},{}' fill='#6b7280'>{t}</polygon>",
            x,
            y - 5,
            x + 5,
            y,
            x,
            y + 5,
            x - 5,
            y
        ),
        Mark::Failure => write!(out, "<circle cx='{x}' cy='{y}' r='6' fill='#dc2626'>{t}</circle>"),
        Mark::Completed => write!(out, "<circle cx='{x}' cy='{y}' r='6' fill='#16a34a'>{t}</circle>"),
        Mark::GaveUp => {
            write!(out, "<circle cx='{x}' cy='{y}' r='6' fill='#ffffff' stroke='#7f1d1d' stroke-width='3'>{t}</circle>")
        }
        Mark::Removed => {
            write!(out, "<rect x='{}' y='{}' width='10' height='10' fill='#374151'>{t}</rect>", x - 5, y - 5)
        }
        Mark::Info => write!(out, "<circle cx='{x}' cy='{y}' r='4' fill='#7c3aed'>{t}</circle>"),
        Mark::Network => {
            write!(out, "<rect x='{}' y='{}' width='12' height='8' fill='#0ea5e9'>{t}</rect>", x - 6, y - 4)
        }
        Mark::Power => write!(out, "<circle cx='{x}' cy='{y}' r='5' fill='#eab308'>{t}</circle>"),
        Mark::Environment => write!(out, "<circle cx='{x}' cy='{y}' r='4' fill='#9ca3af'>{t}</circle>"),
        Mark::CheckFailed => cross(out, x, y, 7, "#b91c1c", 4, &t),
    };
}

/// An X of half-width `r` centred on (x, y).
fn cross(out: &mut String, x: i64, y: i64, r: i64, color: &str, width: u32, title: &str) -> std::fmt::Result {
    write!(
        out,
        "<g stroke='{color}' stroke-width='{width}'>{title}<line x1='{}' y1='{}' x2='{}' y2='{}'/><line x1='{}' y1='{}' x2='{}' y2='{}'/></g>",
        x - r,
        y - r,
        x + r,
        y + r,
        x - r,
        y + r,
        x + r,
        y - r
    )
}

/// The caption shown under a mark, for the marks whose text matters at a glance.
fn caption(e: &Entry) -> Option<String> {
    match e.mark {
        Mark::Failure => Some(match (e.label.split_once("next attempt in "), &e.lane) {
            (Some((_, d)), Some((SyncKind::Periodic, _))) => format!("next +{d}"),
            (Some((_, d)), _) => format!("retry +{d}"),
            (None, _) => "failed".to_string(),
        }),
        Mark::Network | Mark::Power => Some(short(&e.label, 16)),
        Mark::CheckFailed => Some("check failed".to_string()),
        Mark::Rejected => Some(short(e.label.trim_start_matches("register rejected: "), 18)),
        Mark::Dispatch if e.label.contains("lastChance") => Some("last chance".to_string()),
        _ => None,
    }
}

/// Most lanes one timeline draws; further registrations share an overflow lane.
const MAX_LANES: usize = 25;

/// Most marks drawn at one time in one lane; the rest are counted.
const MAX_MARKS_PER_CELL: i64 = 5;

fn lane_name(lane: &Option<(SyncKind, String)>) -> String {
    match lane {
        None => "environment".to_string(),
        Some((_, t)) if t.starts_with('\u{0}') => format!("+{} registrations", t.trim_start_matches('\u{0}')),
        Some((SyncKind::OneOff, tag)) => format!("sync {}", short(&show_tag(tag), 16)),
        Some((SyncKind::Periodic, tag)) => format!("periodic {}", short(&show_tag(tag), 12)),
    }
}

/// The timeline of one subtest as an SVG: one column per distinct virtual
/// time, one lane per registration plus the environment lane.
fn timeline_svg(entries: &[Entry], end: Millis) -> String {
    let mut times: Vec<Millis> = entries.iter().map(|e| e.at).chain([Millis::ZERO, end]).collect();
    times.sort();
    times.dedup();
    let mut lanes: Vec<Option<(SyncKind, String)>> = vec![None];
    let mut hidden_lanes: std::collections::BTreeSet<&Option<(SyncKind, String)>> = Default::default();
    for e in entries {
        if !lanes.contains(&e.lane) {
            if lanes.len() < MAX_LANES {
                lanes.push(e.lane.clone());
            } else {
                hidden_lanes.insert(&e.lane);
            }
        }
    }
    let hidden = hidden_lanes.len();
    // Registrations past the lane cap share one last lane.
    let overflow = (hidden > 0).then(|| {
        lanes.push(Some((SyncKind::OneOff, format!("\u{0}{hidden} more"))));
        lanes.len() - 1
    });
    const LEFT: i64 = 170;
    const COL: i64 = 96;
    const LANE: i64 = 40;
    const TOP: i64 = 28;
    let col_of = |t: Millis| times.iter().position(|x| *x == t).unwrap_or(0) as i64;
    let x_of = |col: i64| LEFT + 20 + col * COL;
    let width = x_of(times.len() as i64 - 1) + COL;
    let height = TOP + LANE * lanes.len() as i64 + 8;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' font-family='system-ui,sans-serif' font-size='11'>"
    );
    for (i, lane) in lanes.iter().enumerate() {
        let y = TOP + LANE * i as i64;
        let fill = if i % 2 == 0 { "#f3f4f6" } else { "#ffffff" };
        let _ = write!(s, "<rect x='0' y='{y}' width='{width}' height='{LANE}' fill='{fill}'/>");
        let _ = write!(s, "<text x='6' y='{}' fill='#374151'>{}</text>", y + LANE / 2 + 4, esc(&lane_name(lane)));
    }
    // Offline periods, shaded across every lane.
    let mut offline_from: Option<i64> = None;
    let mut spans = Vec::new();
    for e in entries.iter().filter(|e| e.mark == Mark::Network && e.lane.is_none()) {
        let col = col_of(e.at);
        if e.label.starts_with("offline") {
            offline_from.get_or_insert(col);
        } else if e.label.starts_with("online")
            && let Some(from) = offline_from.take()
        {
            spans.push((from, col));
        }
    }
    if let Some(from) = offline_from {
        spans.push((from, times.len() as i64 - 1));
    }
    for (from, to) in spans {
        let (x1, x2) = (x_of(from), x_of(to).max(x_of(from) + 8));
        let _ = write!(
            s,
            "<rect x='{x1}' y='{TOP}' width='{}' height='{}' fill='#fecaca' opacity='0.45'><title>offline</title></rect>",
            x2 - x1,
            LANE * lanes.len() as i64
        );
    }
    for (i, t) in times.iter().enumerate() {
        let x = x_of(i as i64);
        let _ = write!(s, "<line x1='{x}' y1='{}' x2='{x}' y2='{}' stroke='#d1d5db'/>", TOP - 4, height - 8);
        let _ = write!(
            s,
            "<text x='{x}' y='{}' text-anchor='middle' fill='#111827'>t={}</text>",
            TOP - 10,
            esc(&format_time(*t))
        );
    }
    let mut used: BTreeMap<(i64, usize), i64> = BTreeMap::new();
    for e in entries {
        let col = col_of(e.at);
        let lane = lanes.iter().position(|l| *l == e.lane).or(overflow).unwrap_or(0);
        let slot = used.entry((col, lane)).or_insert(0);
        *slot += 1;
        let y = TOP + LANE * lane as i64 + LANE / 2 - 5;
        if *slot > MAX_MARKS_PER_CELL {
            continue;
        }
        let x = x_of(col) + 4 + (*slot - 1) * 15;
        shape(&mut s, e.mark, x, y, &format!("t={}: {}", format_time(e.at), e.label));
        if let Some(c) = caption(e) {
            let _ = write!(s, "<text x='{}' y='{}' fill='#111827' font-size='10'>{}</text>", x - 6, y + 17, esc(&c));
        }
    }
    for ((col, lane), count) in used.iter().filter(|(_, n)| **n > MAX_MARKS_PER_CELL) {
        let x = x_of(*col) + 4 + MAX_MARKS_PER_CELL * 15 - 6;
        let y = TOP + LANE * *lane as i64 + LANE / 2 - 1;
        let _ = write!(s, "<text x='{x}' y='{y}' fill='#374151'>+{}</text>", count - MAX_MARKS_PER_CELL);
    }
    s.push_str("</svg>");
    s
}

fn legend() -> String {
    let marks = [
        (Mark::Register, "registered"),
        (Mark::Dispatch, "dispatched"),
        (Mark::Settle, "settled by the scenario"),
        (Mark::Failure, "failed (retry delay)"),
        (Mark::Completed, "succeeded"),
        (Mark::GaveUp, "gave up (last attempt failed)"),
        (Mark::Rejected, "register rejected"),
        (Mark::Removed, "removed"),
        (Mark::Network, "network"),
        (Mark::Power, "power"),
        (Mark::Environment, "other change"),
        (Mark::CheckFailed, "check failed"),
    ];
    let mut out = String::new();
    for (mark, text) in marks {
        let mut icon = String::new();
        shape(&mut icon, mark, 9, 9, text);
        let _ = write!(
            out,
            "<span><svg xmlns='http://www.w3.org/2000/svg' width='18' height='18'>{icon}</svg>{}</span>",
            esc(text)
        );
    }
    out.push_str(
        "<span><svg xmlns='http://www.w3.org/2000/svg' width='18' height='18'><rect x='1' y='1' width='16' height='16' fill='#fecaca'/></svg>offline</span>",
    );
    out
}

fn subtest_html(out: &mut String, test: &TestResult, s: &SubtestOutcome, expectations: &Expectations) {
    let expected = expectations.expected(&test.test, Some(&s.name));
    let badge = if s.status != Status::Pass && s.status != Status::NotRun && expected == s.status.name() {
        "XFAIL"
    } else {
        s.status.name()
    };
    let _ = write!(out, "<div class='subtest'><h3><span class='badge {badge}'>{badge}</span> {}</h3>", esc(&s.name));
    if let Some(m) = &s.message {
        let _ = write!(out, "<div class='message'>{}</div>", esc(m));
    }
    if let Some(e) = expectations.entry(&test.test, Some(&s.name)) {
        let _ = write!(out, "<p class='desc'>Expected {}: {}</p>", esc(&e.status), esc(&e.reason));
    }
    let _ = write!(out, "<div class='timeline'>{}</div>", timeline_svg(&s.timeline, s.end));
    let open = if s.status == Status::Pass { "" } else { " open" };
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

fn test_badge(r: &TestResult, verdict: &Verdict) -> &'static str {
    use crate::verdict::Class;
    let Some(t) = verdict.test(&r.test) else { return "ERROR" };
    if t.status == crate::verdict::TestStatus::Error && t.class.is_failure() {
        return "ERROR";
    }
    let classes = || std::iter::once(t.class).chain(t.subtests.iter().map(|s| s.class));
    if classes().any(Class::is_failure) {
        "FAIL"
    } else if classes().any(|c| c == Class::ExpectedFailure) {
        "XFAIL"
    } else if classes().any(|c| c == Class::Expected) {
        "PASS"
    } else {
        "NOTRUN"
    }
}

/// Renders the report.
pub fn html_report(results: &[TestResult], verdict: &Verdict, expectations: &Expectations, info: &RunInfo) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Background Sync conformance: {} passed, {} failed</title><style>{STYLE}</style></head><body>",
        verdict.passed, verdict.failed
    );
    let _ = write!(
        out,
        "<header><h1>Background Sync conformance</h1><p class='summary'>{} passed, {} failed</p><p class='meta'>{} tests, {} subtests, {} expected failures · target {} ({} {}) · profile {}</p><div class='legend'>{}</div></header><main>",
        verdict.passed,
        verdict.failed,
        results.len(),
        verdict.subtests,
        verdict.expected_failures,
        esc(&info.target),
        esc(&info.product),
        esc(&info.version),
        esc(&info.profile),
        legend()
    );
    out.push_str("<table class='index'><tr><th>status</th><th>test</th><th>policy</th><th>subtests</th></tr>");
    for (i, r) in results.iter().enumerate() {
        let badge = test_badge(r, verdict);
        let passed = r.subtests.iter().filter(|s| s.status == Status::Pass).count();
        let _ = write!(
            out,
            "<tr><td><span class='badge {badge}'>{badge}</span></td><td><a href='#t{i}'>{}</a></td><td>{}</td><td>{passed}/{}</td></tr>",
            esc(&r.test),
            esc(&r.profile),
            r.subtests.len()
        );
    }
    out.push_str("</table>");
    for (i, r) in results.iter().enumerate() {
        let badge = test_badge(r, verdict);
        let _ = write!(
            out,
            "<section class='test' id='t{i}'><details open><summary><span class='badge {badge}'>{badge}</span> {}<span class='profile'>{} · {}</span></summary>",
            esc(&r.test),
            esc(&r.profile),
            esc(&r.file.display().to_string())
        );
        if let Some(d) = &r.description {
            let _ = write!(out, "<p class='desc'>{}</p>", esc(d));
        }
        if let Some(e) = &r.error {
            let _ = write!(out, "<div class='message'>{}</div>", esc(e));
        }
        for s in &r.subtests {
            subtest_html(&mut out, r, s, expectations);
        }
        out.push_str("</details></section>");
    }
    out.push_str("</main></body></html>\n");
    out
}
