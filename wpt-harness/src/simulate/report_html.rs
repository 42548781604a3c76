//! `report.html`: one self-contained page with the comparison table, the
//! verdicts, the three plots inline and the per-site figures.

use super::Simulation;
use super::report_svg::{self, esc};
use super::table::{self, duration, show};
use std::fmt::Write as _;

const STYLE: &str = "body{font-family:sans-serif;margin:24px;max-width:1160px;color:#222}\
table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}\
td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}h2{margin-top:28px}\
.verdicts li{margin:2px 0}.plot{margin:10px 0;overflow-x:auto}small{color:#666}";

/// The HTML page of a simulation.
pub fn render(sim: &Simulation) -> String {
    let names: Vec<String> = sim.figures.iter().map(|f| f.profile.clone()).collect();
    let rows = table::rows(&sim.figures);
    let w = &sim.world;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Policy simulation: {}</title><style>{STYLE}</style></head><body>",
        esc(&w.name)
    );
    let _ = write!(
        h,
        "<h1>Policy simulation: {}</h1><p>{} days, {} sites, {} trace rows, seed {}. Profiles: {}.</p>",
        esc(&w.name),
        w.days,
        w.sites.len(),
        w.trace.len(),
        w.seed,
        esc(&names.join(", "))
    );
    h.push_str("<h2>Comparison</h2><table><tr><th>figure</th>");
    for n in &names {
        let _ = write!(h, "<th>{}</th>", esc(n));
    }
    h.push_str("</tr>");
    for r in &rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(&r.label));
        for v in &r.values {
            let _ = write!(h, "<td>{}</td>", esc(&show(*v, r.unit)));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><ul class=\"verdicts\">");
    for v in rows.iter().filter_map(|r| table::verdict(r, &names)) {
        let _ = write!(h, "<li>{}</li>", esc(&v));
    }
    h.push_str("</ul>");
    let _ = write!(
        h,
        "<h2>Timeline</h2><p><small>At most {} sites (those with fires first).</small></p><div class=\"plot\">{}</div>",
        report_svg::TIMELINE_SITES,
        report_svg::timeline(sim)
    );
    let _ = write!(h, "<h2>Latency</h2><div class=\"plot\">{}</div>", report_svg::latency(sim));
    let _ = write!(h, "<h2>Wake-ups</h2><div class=\"plot\">{}</div>", report_svg::wakeups(sim));
    h.push_str("<h2>One-off per site</h2><table><tr><th>site</th>");
    for n in &names {
        let _ = write!(h, "<th>{0} registered</th><th>{0} p50</th><th>{0} p90</th><th>{0} given up</th>", esc(n));
    }
    h.push_str("</tr>");
    let site_names: Vec<String> =
        sim.figures.first().map(|f| f.oneoff.sites.iter().map(|s| s.site.clone()).collect()).unwrap_or_default();
    let ms = |v: Option<u64>| v.map_or_else(|| "n/a".to_string(), duration);
    for site in &site_names {
        let _ = write!(h, "<tr><td>{}</td>", esc(site));
        for f in &sim.figures {
            match f.oneoff.sites.iter().find(|s| &s.site == site) {
                Some(s) => {
                    let _ = write!(
                        h,
                        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                        s.registered,
                        ms(s.latency.p50_ms),
                        ms(s.latency.p90_ms),
                        s.gave_up
                    );
                }
                None => h.push_str("<td></td><td></td><td></td><td></td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</table><h2>Periodic per site</h2><table><tr><th>site</th><th>asked/day</th>");
    for n in &names {
        let _ = write!(h, "<th>{0} fires/day</th><th>{0} longest gap</th><th>{0} suspended</th>", esc(n));
    }
    h.push_str("</tr>");
    if let Some(first) = sim.figures.first() {
        for (i, s) in first.periodic.sites.iter().enumerate() {
            let _ = write!(h, "<tr><td>{}</td><td>{:.2}</td>", esc(&s.site), s.asked_per_day);
            for f in &sim.figures {
                if let Some(p) = f.periodic.sites.get(i) {
                    let _ = write!(
                        h,
                        "<td>{:.2}</td><td>{}</td><td>{}</td>",
                        p.fires_per_day,
                        duration(p.longest_gap_ms),
                        duration(p.suspended_ms)
                    );
                }
            }
            h.push_str("</tr>");
        }
    }
    h.push_str(
        "</table><h2>Definitions</h2><ul>\
<li><b>Latency</b>: from <code>register()</code> to the dispatch of the attempt that fulfilled; nearest-rank percentiles; registrations still pending at the end are not in it.</li>\
<li><b>Given up</b>: registrations the engine dropped after their last attempt failed.</li>\
<li><b>Attempts wasted</b>: <code>sync</code> events that ran while the link was actually down (reported online but captive, or dropped while the event ran); they fail.</li>\
<li><b>Periodic fires/day</b>: <code>periodicsync</code> dispatches per simulated day per registration; <b>asked</b> is 24 h / minInterval. <b>Longest gap</b>: longest time without a fire, from the start to the end.</li>\
<li><b>Wake-up</b>: a distinct instant at which the engine's timer (a due registration) fired while no window was open. <b>Events per wake-up</b>: dispatches at those instants.</li>\
<li><b>Fairness distance</b>: half the sum over sites of |share of fires − share of registrations|.</li></ul></body></html>\n",
    );
    h
}
