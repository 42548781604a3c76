//! The shapes, captions and lane names of timeline marks, and the legend.

use super::esc;
use super::timeline_svg::condition_fill;
use crate::timeline::{Condition, Entry, Mark, show_tag};
use std::fmt::Write;
use sync_policy::SyncKind;

pub(super) fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let head: String = s.chars().take(max.saturating_sub(1)).collect();
    format!("{head}…")
}

/// The SVG shape of a mark centred on (x, y), with a tooltip.
pub(super) fn shape(out: &mut String, mark: Mark, x: f64, y: f64, title: &str) {
    let t = format!("<title>{}</title>", esc(title));
    let _ = match mark {
        Mark::Register => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='6' fill='#2563eb'>{t}</circle>"),
        Mark::Rejected => cross(out, x, y, 5.0, "#dc2626", 3, &t),
        Mark::Dispatch => write!(
            out,
            "<polygon points='{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}' fill='#f59e0b'>{t}</polygon>",
            x,
            y - 7.0,
            x - 7.0,
            y + 6.0,
            x + 7.0,
            y + 6.0
        ),
        Mark::Settle => write!(
            out,
            "<polygon points='{:.1},{:.1} {:.1},{:.1} {:.1},{:.1} {:.1},{:.1}' fill='#6b7280'>{t}</polygon>",
            x,
            y - 5.0,
            x + 5.0,
            y,
            x,
            y + 5.0,
            x - 5.0,
            y
        ),
        Mark::Failure => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='6' fill='#dc2626'>{t}</circle>"),
        Mark::Completed => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='6' fill='#16a34a'>{t}</circle>"),
        Mark::GaveUp => write!(
            out,
            "<circle cx='{x:.1}' cy='{y:.1}' r='6' fill='#ffffff' stroke='#7f1d1d' stroke-width='3'>{t}</circle>"
        ),
        Mark::Removed => {
            write!(out, "<rect x='{:.1}' y='{:.1}' width='10' height='10' fill='#374151'>{t}</rect>", x - 5.0, y - 5.0)
        }
        Mark::Info => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='4' fill='#7c3aed'>{t}</circle>"),
        Mark::Network => {
            write!(out, "<rect x='{:.1}' y='{:.1}' width='12' height='8' fill='#0ea5e9'>{t}</rect>", x - 6.0, y - 4.0)
        }
        Mark::Power => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='5' fill='#eab308'>{t}</circle>"),
        Mark::Environment => write!(out, "<circle cx='{x:.1}' cy='{y:.1}' r='4' fill='#9ca3af'>{t}</circle>"),
        Mark::CheckFailed => cross(out, x, y, 7.0, "#b91c1c", 4, &t),
    };
}

/// An X of half-width `r` centred on (x, y).
fn cross(out: &mut String, x: f64, y: f64, r: f64, color: &str, width: u32, title: &str) -> std::fmt::Result {
    write!(
        out,
        "<g stroke='{color}' stroke-width='{width}'>{title}<line x1='{:.1}' y1='{:.1}' x2='{:.1}' y2='{:.1}'/><line x1='{:.1}' y1='{:.1}' x2='{:.1}' y2='{:.1}'/></g>",
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
pub(super) fn caption(e: &Entry) -> Option<String> {
    match e.mark {
        Mark::Failure => Some(match (e.label.split_once("next attempt in "), &e.lane) {
            (Some((_, d)), Some((SyncKind::Periodic, _))) => format!("next +{d}"),
            (Some((_, d)), _) => format!("retry +{d}"),
            (None, _) => "failed".to_string(),
        }),
        Mark::Network | Mark::Power => Some(short(&e.label, 18)),
        Mark::CheckFailed => Some("check failed".to_string()),
        Mark::Rejected => Some(short(e.label.trim_start_matches("register rejected: "), 18)),
        Mark::Dispatch if e.label.contains("lastChance") => Some("last chance".to_string()),
        _ => None,
    }
}

pub(super) fn lane_name(lane: &Option<(SyncKind, String)>) -> String {
    match lane {
        None => "environment".to_string(),
        Some((_, t)) if t.starts_with('\u{0}') => format!("+{} registrations", t.trim_start_matches('\u{0}')),
        Some((SyncKind::OneOff, tag)) => format!("sync {}", short(&show_tag(tag), 18)),
        Some((SyncKind::Periodic, tag)) => format!("periodic {}", short(&show_tag(tag), 14)),
    }
}

/// The legend: every mark, the shaded conditions and the compressed stretch.
pub(super) fn legend() -> String {
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
        shape(&mut icon, mark, 9.0, 9.0, text);
        let _ = write!(
            out,
            "<span><svg xmlns='http://www.w3.org/2000/svg' width='18' height='18'>{icon}</svg>{}</span>",
            esc(text)
        );
    }
    for c in Condition::ALL {
        let _ = write!(
            out,
            "<span><svg xmlns='http://www.w3.org/2000/svg' width='18' height='18'><rect x='1' y='1' width='16' height='16' fill='{}'/></svg>{}</span>",
            condition_fill(c),
            c.name()
        );
    }
    out.push_str(
        "<span><svg xmlns='http://www.w3.org/2000/svg' width='18' height='18'><rect x='2' y='1' width='14' height='16' fill='none' stroke='#9ca3af' stroke-dasharray='3 4'/></svg>quiet stretch, drawn compressed</span>",
    );
    out
}
