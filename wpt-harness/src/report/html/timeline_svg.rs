//! One subtest's timeline as inline SVG: one lane per registration plus the
//! environment lane, on a time axis that compresses long quiet stretches
//! (see [`super::axis`]), with the initial conditions shaded from the start
//! and captions placed so that none overlaps another.

use super::axis::Axis;
use super::captions::Rows;
use super::esc;
use super::marks::{caption, lane_name, shape};
use crate::timeline::{Condition, Entry, condition_spans, format_time};
use std::collections::BTreeMap;
use std::fmt::Write;
use sync_policy::{Millis, SyncKind};

/// Most lanes one timeline draws; further registrations share an overflow lane.
const MAX_LANES: usize = 25;
/// Most marks drawn at one time in one lane; the rest are counted.
const MAX_MARKS_PER_CELL: usize = 5;
/// Pixels between marks drawn side by side at one time.
const MARK_STEP: f64 = 15.0;
const LEFT: f64 = 190.0;
const LANE: f64 = 34.0;
const CAPTION_ROW: f64 = 12.0;
const TICK_ROW: f64 = 13.0;

type Lane = Option<(SyncKind, String)>;

/// A drawn timeline: the SVG and the axis (the step-through places its cursor with it).
pub struct Drawn {
    /// The SVG element.
    pub svg: String,
    /// The time axis.
    pub axis: Axis,
}

/// The fill of a condition's shading.
pub fn condition_fill(c: Condition) -> &'static str {
    match c {
        Condition::Offline => "#fecaca",
        Condition::BatterySaver => "#fde68a",
    }
}

struct Placed<'a> {
    entry: &'a Entry,
    lane: usize,
    x: f64,
    caption: Option<(String, usize)>,
}

/// Draws the timeline of `entries` up to `end`.
pub fn timeline_svg(entries: &[Entry], end: Millis) -> Drawn {
    // Lanes: the environment first, then registrations in order of appearance.
    let mut lanes: Vec<Lane> = vec![None];
    let mut hidden: std::collections::BTreeSet<&Lane> = Default::default();
    for e in entries {
        if !lanes.contains(&e.lane) {
            if lanes.len() < MAX_LANES {
                lanes.push(e.lane.clone());
            } else {
                hidden.insert(&e.lane);
            }
        }
    }
    let overflow = (!hidden.is_empty()).then(|| {
        lanes.push(Some((SyncKind::OneOff, format!("\u{0}{} more", hidden.len()))));
        lanes.len() - 1
    });
    let lane_of = |e: &Entry| lanes.iter().position(|l| *l == e.lane).or(overflow).unwrap_or(0);
    // Room after each time for the marks drawn side by side there.
    let mut per_cell: BTreeMap<(Millis, usize), usize> = BTreeMap::new();
    for e in entries {
        *per_cell.entry((e.at, lane_of(e))).or_insert(0) += 1;
    }
    let mut room: BTreeMap<Millis, f64> = BTreeMap::new();
    for ((at, _), n) in &per_cell {
        let w = (*n).min(MAX_MARKS_PER_CELL) as f64 * MARK_STEP + 14.0;
        let slot = room.entry(*at).or_insert(0.0);
        *slot = slot.max(w);
    }
    let axis = Axis::with_room(entries.iter().map(|e| e.at).chain([Millis::ZERO, end]), LEFT + 20.0, |t| {
        room.get(&t).copied().unwrap_or(0.0)
    });
    // Marks and their captions, one row set per lane.
    let mut rows: Vec<Rows> = vec![Rows::default(); lanes.len()];
    let mut slots: BTreeMap<(Millis, usize), usize> = BTreeMap::new();
    let mut placed = Vec::new();
    for e in entries {
        let lane = lane_of(e);
        let slot = slots.entry((e.at, lane)).or_insert(0);
        *slot += 1;
        if *slot > MAX_MARKS_PER_CELL {
            continue;
        }
        let x = axis.x(e.at) + 4.0 + (*slot - 1) as f64 * MARK_STEP;
        let caption = caption(e).map(|c| {
            let row = rows[lane].place(x - 6.0, &c);
            (c, row)
        });
        placed.push(Placed { entry: e, lane, x, caption });
    }
    // Time labels and break labels above the lanes.
    let mut ticks = Rows::default();
    let tick_labels: Vec<(f64, String, usize)> = axis
        .times()
        .map(|t| {
            let text = format!("t={}", format_time(t));
            let x = axis.x(t);
            let row = ticks.place(x - text.chars().count() as f64 * 3.2, &text);
            (x, text, row)
        })
        .collect();
    let break_labels: Vec<(f64, f64, String, usize)> = axis
        .breaks()
        .iter()
        .map(|(a, b)| {
            let (x1, x2) = (axis.x(*a), axis.x(*b));
            let text = format!("≈ {} quiet", format_time(Millis(b.0 - a.0)));
            let row = ticks.place((x1 + x2) / 2.0 - text.chars().count() as f64 * 3.2, &text);
            (x1, x2, text, row)
        })
        .collect();
    let top = 8.0 + TICK_ROW * ticks.count().max(1) as f64;
    let mut lane_y = Vec::with_capacity(lanes.len());
    let mut y = top;
    for r in &rows {
        lane_y.push(y);
        y += LANE + CAPTION_ROW * r.count().saturating_sub(1) as f64;
    }
    let height = y + 6.0;
    let width = axis.right() + 90.0;

    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns='http://www.w3.org/2000/svg' width='{width:.0}' height='{height:.0}' font-family='system-ui,sans-serif' font-size='11'>"
    );
    for (i, lane) in lanes.iter().enumerate() {
        let (y, h) = (lane_y[i], lane_y.get(i + 1).copied().unwrap_or(y) - lane_y[i]);
        let fill = if i % 2 == 0 { "#f3f4f6" } else { "#ffffff" };
        let _ = write!(s, "<rect x='0' y='{y:.0}' width='{width:.0}' height='{h:.0}' fill='{fill}'/>");
        let _ =
            write!(s, "<text x='6' y='{:.0}' fill='#374151'>{}</text>", y + LANE / 2.0 - 1.0, esc(&lane_name(lane)));
    }
    // Conditions, shaded across every lane from when they began (t=0 for initial ones).
    for c in Condition::ALL {
        for (from, to) in condition_spans(entries, c, end) {
            let (x1, x2) = (axis.x(from), axis.x(to).max(axis.x(from) + 8.0));
            let _ = write!(
                s,
                "<rect class='cond' x='{x1:.1}' y='{top:.0}' width='{:.1}' height='{:.0}' fill='{}' opacity='0.5'><title>{} from t={} to t={}</title></rect>",
                x2 - x1,
                y - top,
                condition_fill(c),
                c.name(),
                format_time(from),
                format_time(to)
            );
        }
    }
    for (x1, x2, text, row) in &break_labels {
        let _ = write!(
            s,
            "<rect class='break' x='{:.1}' y='{top:.0}' width='{:.1}' height='{:.0}' fill='none' stroke='#9ca3af' stroke-dasharray='3 4'/>",
            x1 + 12.0,
            (x2 - x1 - 24.0).max(4.0),
            y - top
        );
        let _ = write!(
            s,
            "<text x='{:.1}' y='{:.0}' text-anchor='middle' fill='#6b7280' font-style='italic'>{}</text>",
            (x1 + x2) / 2.0,
            8.0 + TICK_ROW * (*row as f64 + 1.0) - 3.0,
            esc(text)
        );
    }
    for (x, text, row) in &tick_labels {
        let _ = write!(s, "<line x1='{x:.1}' y1='{top:.0}' x2='{x:.1}' y2='{y:.0}' stroke='#d1d5db'/>");
        let _ = write!(
            s,
            "<text x='{x:.1}' y='{:.0}' text-anchor='middle' fill='#111827'>{}</text>",
            8.0 + TICK_ROW * (*row as f64 + 1.0) - 3.0,
            esc(text)
        );
    }
    for p in &placed {
        let my = lane_y[p.lane] + 12.0;
        shape(&mut s, p.entry.mark, p.x, my, &format!("t={}: {}", format_time(p.entry.at), p.entry.label));
        if let Some((c, row)) = &p.caption {
            let cy = my + 17.0 + CAPTION_ROW * *row as f64;
            let _ = write!(s, "<text x='{:.1}' y='{cy:.0}' fill='#111827' font-size='10'>{}</text>", p.x - 6.0, esc(c));
        }
    }
    for ((at, lane), n) in per_cell.iter().filter(|(_, n)| **n > MAX_MARKS_PER_CELL) {
        let x = axis.x(*at) + 4.0 + MAX_MARKS_PER_CELL as f64 * MARK_STEP - 6.0;
        let _ = write!(
            s,
            "<text x='{x:.1}' y='{:.0}' fill='#374151'>+{}</text>",
            lane_y[*lane] + 16.0,
            n - MAX_MARKS_PER_CELL
        );
    }
    // The step-through's cursor, moved by the page's script.
    let _ = write!(
        s,
        "<line class='cursor' x1='0' x2='0' y1='{top:.0}' y2='{y:.0}' stroke='#7c3aed' stroke-width='2' visibility='hidden'/>"
    );
    s.push_str("</svg>");
    Drawn { svg: s, axis }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::Mark;

    fn env(at: u64, mark: Mark, label: &str) -> Entry {
        Entry { at: Millis(at), lane: None, mark, label: label.into() }
    }

    #[test]
    fn the_initial_offline_state_is_shaded_from_zero() {
        let entries = [env(0, Mark::Network, "offline (initial)"), env(600_000, Mark::Network, "online")];
        let drawn = timeline_svg(&entries, Millis(600_000));
        let x0 = drawn.axis.x(Millis::ZERO);
        assert!(drawn.svg.contains(&format!("<rect class='cond' x='{x0:.1}'")), "{}", drawn.svg);
        assert!(drawn.svg.contains("offline from t=0 to t=10m"));
    }

    #[test]
    fn captions_at_one_time_take_separate_rows() {
        let entries = [
            env(600_000, Mark::Network, "online"),
            env(600_000, Mark::Network, "offline"),
            env(600_000, Mark::Network, "online (metered)"),
        ];
        let svg = timeline_svg(&entries, Millis(600_000)).svg;
        let ys: Vec<&str> = svg
            .match_indices("font-size='10'>")
            .map(|(i, _)| {
                let head = &svg[..i];
                let y = head.rfind("y='").unwrap();
                &head[y + 3..y + 3 + head[y + 3..].find('\'').unwrap()]
            })
            .collect();
        assert_eq!(ys.len(), 3, "{svg}");
        assert!(ys[0] != ys[1] && ys[1] != ys[2] && ys[0] != ys[2], "captions overlap: {ys:?}");
    }
}
