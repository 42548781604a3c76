//! SVG plots written beside the JSON: throughput and per-op cost against
//! size (engine and baseline, log-log), the durable figures as a fraction of
//! the disk's limit, and profiles against memory. Plain SVG text, no
//! plotting dependency.

use crate::report::Report;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// One line on a chart.
struct Series {
    name: String,
    color: &'static str,
    points: Vec<(f64, f64)>,
}

/// A chart's axes and reference lines.
struct Chart<'a> {
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    log_y: bool,
    /// Horizontal reference lines (value, label).
    marks: Vec<(f64, String)>,
}

const W: f64 = 640.0;
const H: f64 = 400.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 60.0;
const COLORS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"];

fn label(v: f64) -> String {
    let a = v.abs();
    if a >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if a >= 1e3 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn render(chart: &Chart, series: &[Series]) -> String {
    let pts: Vec<(f64, f64)> = series.iter().flat_map(|s| s.points.iter().copied()).filter(|p| p.0 > 0.0).collect();
    let ys = pts.iter().map(|p| p.1).chain(chart.marks.iter().map(|m| m.0));
    let ys: Vec<f64> = ys.filter(|y| !chart.log_y || *y > 0.0).collect();
    let (mut x0, mut x1) = pts.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (mut y0, mut y1) = ys.iter().fold((f64::MAX, f64::MIN), |(a, b), &y| (a.min(y), b.max(y)));
    if pts.is_empty() {
        (x0, x1, y0, y1) = (1.0, 10.0, 0.0, 1.0);
    }
    // x is always log10; y log10 or linear from 0.
    let (lx0, lx1) = (x0.log10().floor(), x1.log10().ceil().max(x0.log10().floor() + 1.0));
    let (ly0, ly1) = if chart.log_y {
        (y0.max(1e-9).log10().floor(), y1.max(1e-9).log10().ceil().max(y0.max(1e-9).log10().floor() + 1.0))
    } else {
        (0.0, if y1 > 0.0 { y1 * 1.15 } else { 1.0 })
    };
    let pw = W - LEFT - RIGHT;
    let ph = H - TOP - BOTTOM;
    let sx = |x: f64| LEFT + (x.log10() - lx0) / (lx1 - lx0) * pw;
    let sy = |y: f64| {
        let v = if chart.log_y { (y.max(1e-9).log10() - ly0) / (ly1 - ly0) } else { (y - ly0) / (ly1 - ly0) };
        TOP + ph - v * ph
    };
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif" font-size="12">
<rect width="{W}" height="{H}" fill="white"/>
<text x="{}" y="22" text-anchor="middle" font-size="14" font-weight="bold">{}</text>
<rect x="{LEFT}" y="{TOP}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>
"##,
        LEFT + pw / 2.0,
        chart.title
    );
    let mut e = lx0;
    while e <= lx1 + 1e-9 {
        let x = sx(10f64.powf(e));
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#eee"/><text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
            TOP + ph,
            TOP + ph + 16.0,
            label(10f64.powf(e))
        );
        e += 1.0;
    }
    let ticks: Vec<f64> = if chart.log_y {
        (ly0 as i32..=ly1 as i32).map(|e| 10f64.powi(e)).collect()
    } else {
        (0..=5).map(|i| ly1 * f64::from(i) / 5.0).collect()
    };
    for t in ticks {
        let y = sy(t);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#eee"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            LEFT + pw,
            LEFT - 6.0,
            y + 4.0,
            label(t)
        );
    }
    for (v, name) in &chart.marks {
        let y = sy(*v);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#555" stroke-dasharray="5,4"/><text x="{:.1}" y="{:.1}" fill="#555">{name}</text>"##,
            LEFT + pw,
            LEFT + pw + 6.0,
            y + 4.0
        );
    }
    for (i, se) in series.iter().enumerate() {
        let path: Vec<String> = se
            .points
            .iter()
            .filter(|p| p.0 > 0.0 && (!chart.log_y || p.1 > 0.0))
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
            .collect();
        if path.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            r##"<polyline points="{}" fill="none" stroke="{}" stroke-width="2"/>"##,
            path.join(" "),
            se.color
        );
        for p in &path {
            let (x, y) = p.split_once(',').unwrap_or(("0", "0"));
            let _ = writeln!(s, r##"<circle cx="{x}" cy="{y}" r="3" fill="{}"/>"##, se.color);
        }
        let ly = TOP + 14.0 + 18.0 * i as f64;
        let _ = writeln!(
            s,
            r##"<line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{}" stroke-width="2"/><text x="{:.1}" y="{:.1}">{}</text>"##,
            W - RIGHT + 14.0,
            W - RIGHT + 34.0,
            se.color,
            W - RIGHT + 40.0,
            ly + 4.0,
            se.name
        );
    }
    let _ = write!(
        s,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>
<text x="18" y="{:.1}" text-anchor="middle" transform="rotate(-90 18 {:.1})">{}</text>
</svg>
"##,
        LEFT + pw / 2.0,
        H - 18.0,
        chart.x_label,
        TOP + ph / 2.0,
        TOP + ph / 2.0,
        chart.y_label
    );
    s
}

/// Writes the plots beside `json` (`<stem>-<plot>.svg`); returns their paths.
pub fn write(report: &Report, json: &Path) -> std::io::Result<Vec<PathBuf>> {
    let stem = json.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "scale-report".into());
    let dir = json.parent().unwrap_or(Path::new("."));
    let n = |f: &dyn Fn(&crate::report::SizeReport) -> Option<f64>| -> Vec<(f64, f64)> {
        report.sizes.iter().filter_map(|s| f(s).map(|v| (s.n as f64, v))).collect()
    };
    let series = |name: &str, color, points| Series { name: name.to_owned(), color, points };
    let mut written = Vec::new();
    let mut out = |name: &str, svg: String| -> std::io::Result<()> {
        let path = dir.join(format!("{stem}-{name}.svg"));
        std::fs::write(&path, svg)?;
        written.push(path);
        Ok(())
    };
    out(
        "throughput",
        render(
            &Chart {
                title: "Throughput against size",
                x_label: "registrations present",
                y_label: "operations per second",
                log_y: true,
                marks: Vec::new(),
            },
            &[
                series("engine register", COLORS[0], n(&|s| Some(s.engine.register_ops_per_sec))),
                series("baseline register", COLORS[1], n(&|s| Some(s.baseline.register_ops_per_sec))),
                series("engine drain", COLORS[2], n(&|s| Some(s.engine.drain_per_sec))),
                series("baseline drain", COLORS[3], n(&|s| Some(s.baseline.drain_per_sec))),
                series("engine durable, 64", COLORS[4], n(&|s| s.engine.durable_acks_per_sec_64)),
                series("baseline durable, 64", COLORS[5], n(&|s| s.baseline.durable_acks_per_sec_64)),
            ],
        ),
    )?;
    out(
        "per-op",
        render(
            &Chart {
                title: "Cost per operation against size",
                x_label: "registrations present",
                y_label: "ns per operation",
                log_y: true,
                marks: Vec::new(),
            },
            &[
                series("engine register", COLORS[0], n(&|s| Some(s.engine.register_ns_per_op))),
                series("baseline register", COLORS[1], n(&|s| Some(s.baseline.register_ns_per_op))),
                series("engine coalesced", COLORS[2], n(&|s| Some(s.engine.coalesced_ns_per_op))),
                series("baseline coalesced", COLORS[3], n(&|s| Some(s.baseline.coalesced_ns_per_op))),
                series("engine flip", COLORS[4], n(&|s| Some(s.engine.flip_first_dispatch_us * 1e3))),
                series("baseline flip", COLORS[5], n(&|s| Some(s.baseline.flip_first_dispatch_us * 1e3))),
            ],
        ),
    )?;
    out(
        "durable-limit",
        render(
            &Chart {
                title: "Durable acks as a fraction of the disk's limit",
                x_label: "registrations present",
                y_label: "fraction of callers / fsync",
                log_y: false,
                marks: vec![(0.35, "target 64".into()), (0.8, "target 1".into()), (1.0, "limit".into())],
            },
            &[
                series("engine, 64 callers", COLORS[0], n(&|s| s.limit.as_ref().and_then(|l| l.engine_fraction_64))),
                series("engine, 1 caller", COLORS[2], n(&|s| s.limit.as_ref().and_then(|l| l.engine_fraction_1))),
                series("baseline, 64", COLORS[1], n(&|s| s.limit.as_ref().and_then(|l| l.baseline_fraction_64))),
                series("baseline, 1", COLORS[3], n(&|s| s.limit.as_ref().and_then(|l| l.baseline_fraction_1))),
            ],
        ),
    )?;
    let profiles = |f: &dyn Fn(&crate::profiles::ProfileFigures) -> f64| -> Vec<(f64, f64)> {
        report.profiles.iter().map(|p| (p.profiles as f64, f(p))).collect()
    };
    out(
        "profiles",
        render(
            &Chart {
                title: "Profiles in one process",
                x_label: "profiles (100 registrations each)",
                y_label: "KB, threads, wake-ups/s",
                log_y: false,
                marks: vec![(256.0, "256 KB goal".into())],
            },
            &[
                series("resident KB per profile", COLORS[0], profiles(&|p| p.resident_kb_per_profile)),
                series("threads", COLORS[2], profiles(&|p| p.threads as f64)),
                series("idle wake-ups/s", COLORS[1], profiles(&|p| p.idle_wakeups_per_sec)),
            ],
        ),
    )?;
    Ok(written)
}
