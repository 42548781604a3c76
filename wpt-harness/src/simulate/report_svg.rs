//! The plots, as hand-written SVG (deterministic text, no plotting crate):
//! a timeline per site, latency distributions, and wake-ups per day.

use super::Simulation;
use super::record::FireResult;
use super::table::duration;
use super::world::{Change, DAY, HOUR, Link, World};
use std::fmt::Write as _;
use sync_policy::SyncKind;

/// One colour per profile, in order.
pub const PALETTE: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/// The timeline shows at most this many sites.
pub const TIMELINE_SITES: usize = 12;

const WIDTH: f64 = 1100.0;
const LEFT: f64 = 150.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 14.0;

/// Escapes text for XML.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// Intervals `[from, to)` during which `pick` holds for the device state.
fn intervals(world: &World, pick: impl Fn(Link, bool) -> bool) -> Vec<(u64, u64)> {
    let (mut link, mut saver) = (Link::Online, false);
    let mut out = Vec::new();
    let mut since = None;
    let mut mark = |at: u64, on: bool, since: &mut Option<u64>| match (on, *since) {
        (true, None) => *since = Some(at),
        (false, Some(s)) => {
            if at > s {
                out.push((s, at));
            }
            *since = None;
        }
        _ => {}
    };
    for r in &world.trace {
        match r.change {
            Change::Network(l) => link = l,
            Change::BatterySaver(b) => saver = b,
            _ => continue,
        }
        mark(r.at, pick(link, saver), &mut since);
    }
    mark(world.end(), false, &mut since);
    out
}

/// Sites worth showing: those with registrations, first ones first.
fn shown_sites(sim: &Simulation) -> Vec<usize> {
    let busy = |s: usize| sim.runs.iter().any(|r| r.fires.iter().any(|f| f.site == s));
    let mut sites: Vec<usize> = (0..sim.world.sites.len()).filter(|&s| busy(s)).collect();
    if sites.is_empty() {
        sites = (0..sim.world.sites.len()).collect();
    }
    sites.truncate(TIMELINE_SITES);
    sites
}

/// The timeline: per site, a row of page registrations and one row of fires
/// per profile, over the environment (grey: offline, orange: captive,
/// yellow band: battery saver).
pub fn timeline(sim: &Simulation) -> String {
    let world = &sim.world;
    let sites = shown_sites(sim);
    let rows_per_site = sim.runs.len() + 2;
    let group = rows_per_site as f64 * ROW + 12.0;
    let top = 40.0;
    let height = top + group * sites.len() as f64 + 40.0;
    let plot = WIDTH - LEFT - RIGHT;
    let end = world.end().max(1) as f64;
    let x = |t: u64| LEFT + plot * t as f64 / end;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="{WIDTH}" height="{height}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{} — fires per site and profile</text>"#,
        esc(&world.name)
    );
    let bottom = top + group * sites.len() as f64;
    for (from, to) in intervals(world, |l, _| l == Link::Offline) {
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="#d9d9d9"/>"##,
            x(from),
            (x(to) - x(from)).max(0.5),
            bottom - top
        );
    }
    for (from, to) in intervals(world, |l, _| l == Link::Captive) {
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="#fbd3b0"/>"##,
            x(from),
            (x(to) - x(from)).max(0.5),
            bottom - top
        );
    }
    let saver = intervals(world, |_, b| b);
    for &(from, to) in &saver {
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{top}" width="{:.1}" height="{:.1}" fill="#fff3b0" fill-opacity="0.6"/>"##,
            x(from),
            (x(to) - x(from)).max(0.5),
            bottom - top
        );
    }
    for day in 0..=world.days {
        let dx = x(u64::from(day) * DAY);
        let _ = writeln!(
            s,
            r##"<line x1="{dx:.1}" y1="{top}" x2="{dx:.1}" y2="{bottom}" stroke="#999" stroke-width="0.5"/>"##
        );
        if day < world.days {
            let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}">day {}</text>"#, dx + 3.0, bottom + 14.0, day + 1);
        }
    }
    for (g, &site) in sites.iter().enumerate() {
        let y0 = top + g as f64 * group;
        let _ = writeln!(
            s,
            r#"<text x="4" y="{:.1}" font-weight="bold">{}</text>"#,
            y0 + ROW - 3.0,
            esc(&world.sites[site].name)
        );
        for &(from, to) in &saver {
            let _ = writeln!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="3" fill="#e6c200"/>"##,
                x(from),
                y0 + 1.0,
                (x(to) - x(from)).max(0.5)
            );
        }
        let _ = writeln!(s, r##"<text x="16" y="{:.1}" fill="#555">page</text>"##, y0 + 2.0 * ROW - 3.0);
        if let Some(run) = sim.runs.first() {
            for o in run.oneoffs.iter().filter(|o| o.site == site) {
                let _ = writeln!(
                    s,
                    r#"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="black" stroke-width="1"/>"#,
                    x(o.registered_at),
                    y0 + ROW + 4.0,
                    y0 + 2.0 * ROW
                );
            }
        }
        for (p, run) in sim.runs.iter().enumerate() {
            let y = y0 + (p + 3) as f64 * ROW;
            let _ = writeln!(s, r#"<text x="16" y="{:.1}" fill="{}">{}</text>"#, y - 3.0, colour(p), esc(&run.profile));
            for f in run.fires.iter().filter(|f| f.site == site) {
                let stroke = match (f.result, f.kind) {
                    (FireResult::Success, SyncKind::OneOff) => "#2ca02c",
                    (FireResult::Success, SyncKind::Periodic) => "#1f5fbf",
                    _ => "#d62728",
                };
                let _ = writeln!(
                    s,
                    r#"<line x1="{0:.1}" y1="{1:.1}" x2="{0:.1}" y2="{2:.1}" stroke="{stroke}" stroke-width="1.5"/>"#,
                    x(f.at),
                    y - ROW + 3.0,
                    y - 1.0
                );
            }
        }
    }
    let ly = bottom + 30.0;
    let legend = [
        ("#d9d9d9", "offline"),
        ("#fbd3b0", "captive (reported online, nothing gets through)"),
        ("#e6c200", "battery saver"),
        ("#2ca02c", "one-off fired"),
        ("#1f5fbf", "periodic fired"),
        ("#d62728", "failed / timed out"),
        ("black", "page registered"),
    ];
    let mut lx = LEFT;
    for (c, label) in legend {
        let _ = writeln!(s, r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{c}"/>"#, ly - 9.0);
        let _ = writeln!(s, r#"<text x="{:.1}" y="{ly:.1}">{}</text>"#, lx + 13.0, esc(label));
        lx += 20.0 + 6.2 * label.len() as f64;
    }
    s.push_str("</svg>\n");
    s
}

/// A round axis maximum at or above `v`, from 1, 2, 5 × 10^n.
fn nice(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * p).find(|&c| c >= v).unwrap_or(10.0 * p)
}

/// Latency distributions: the share of one-off registrations fired within
/// a given time, one step line per profile.
pub fn latency(sim: &Simulation) -> String {
    let (w, h, left, top, bottom) = (700.0, 360.0, 60.0, 30.0, 50.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let samples: Vec<Vec<u64>> = sim
        .runs
        .iter()
        .map(|r| {
            let mut v: Vec<u64> = r.oneoffs.iter().filter_map(|o| o.fired_at.map(|f| f - o.registered_at)).collect();
            v.sort_unstable();
            v
        })
        .collect();
    let max_ms = samples.iter().filter_map(|v| v.last().copied()).max().unwrap_or(0);
    let hours = nice((max_ms as f64 / HOUR as f64).max(0.25));
    let x = |ms: u64| left + plot_w * (ms as f64 / HOUR as f64 / hours).min(1.0);
    let y = |share: f64| top + plot_h * (1.0 - share);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="18" font-size="13" font-weight="bold">One-off latency: share fired within x (register → successful dispatch)</text>"#
    );
    for i in 0..=4 {
        let share = f64::from(i) / 4.0;
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#ddd"/>"##,
            y(share),
            left + plot_w
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{:.0}%</text>"#,
            left - 4.0,
            y(share) + 4.0,
            share * 100.0
        );
        let t = (hours * HOUR as f64 * share) as u64;
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            x(t),
            top + plot_h + 16.0,
            duration(t)
        );
    }
    for (p, v) in samples.iter().enumerate() {
        let n = v.len();
        let mut d = format!("M{left:.1},{:.1}", y(0.0));
        for (i, &ms) in v.iter().enumerate() {
            let _ = write!(d, " H{:.1} V{:.1}", x(ms), y((i + 1) as f64 / n as f64));
        }
        let _ = write!(d, " H{:.1}", left + plot_w);
        if n > 0 {
            // Later profiles dashed and thinner, so identical distributions stay visible.
            let style = if p == 0 {
                r#"stroke-width="3""#.to_string()
            } else {
                format!(r#"stroke-width="2" stroke-dasharray="{} 4""#, 4 + 3 * p)
            };
            let _ = writeln!(s, r#"<path d="{d}" fill="none" stroke="{}" {style}/>"#, colour(p));
        }
        let ly = top + plot_h + 34.0;
        let lx = left + p as f64 * 160.0;
        let _ = writeln!(s, r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/>"#, ly - 9.0, colour(p));
        let _ =
            writeln!(s, r#"<text x="{:.1}" y="{ly:.1}">{} ({n} fired)</text>"#, lx + 13.0, esc(&sim.runs[p].profile));
    }
    s.push_str("</svg>\n");
    s
}

/// Wake-ups per day, one bar per profile.
pub fn wakeups(sim: &Simulation) -> String {
    let days = sim.world.days as usize;
    let (w, h, left, top, bottom) = (700.0, 320.0, 50.0, 30.0, 50.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let max = sim.figures.iter().flat_map(|f| f.device.wakeups_by_day.iter().copied()).max().unwrap_or(0);
    let top_value = nice(f64::from(max).max(1.0));
    let slot = plot_w / days.max(1) as f64;
    let bar = (slot * 0.8) / sim.figures.len().max(1) as f64;
    let y = |v: f64| top + plot_h * (1.0 - v / top_value);
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="11">"#
    );
    let _ = writeln!(s, r#"<rect width="{w}" height="{h}" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{left}" y="18" font-size="13" font-weight="bold">Wake-ups per day (timer fired, no window open)</text>"#
    );
    for i in 0..=4 {
        let v = top_value * f64::from(i) / 4.0;
        let _ = writeln!(
            s,
            r##"<line x1="{left}" y1="{0:.1}" x2="{1:.1}" y2="{0:.1}" stroke="#ddd"/>"##,
            y(v),
            left + plot_w
        );
        let _ = writeln!(s, r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{v:.0}</text>"#, left - 4.0, y(v) + 4.0);
    }
    for day in 0..days {
        let x0 = left + slot * day as f64 + slot * 0.1;
        for (p, f) in sim.figures.iter().enumerate() {
            let v = f64::from(f.device.wakeups_by_day.get(day).copied().unwrap_or(0));
            let _ = writeln!(
                s,
                r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} day {}: {v}</title></rect>"#,
                x0 + bar * p as f64,
                y(v),
                (bar - 1.0).max(0.5),
                top + plot_h - y(v),
                colour(p),
                esc(&f.profile),
                day + 1
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">day {}</text>"#,
            left + slot * (day as f64 + 0.5),
            top + plot_h + 16.0,
            day + 1
        );
    }
    for (p, f) in sim.figures.iter().enumerate() {
        let ly = top + plot_h + 34.0;
        let lx = left + p as f64 * 160.0;
        let _ = writeln!(s, r#"<rect x="{lx:.1}" y="{:.1}" width="10" height="10" fill="{}"/>"#, ly - 9.0, colour(p));
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{ly:.1}">{} ({:.1}/day)</text>"#,
            lx + 13.0,
            esc(&f.profile),
            f.device.wakeups_per_day
        );
    }
    s.push_str("</svg>\n");
    s
}
