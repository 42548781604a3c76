//! The console comparison: one row per figure, one column per profile, then
//! a one-line verdict per figure (which profile is better, by how much).

use super::metrics::Figures;
use super::world::{DAY, HOUR, MINUTE};
use std::fmt::Write as _;

/// Which way a figure is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    /// Smaller is better.
    Lower,
    /// Larger is better.
    Higher,
    /// A count to read, not to judge.
    Neither,
}

/// How a figure is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count.
    Count,
    /// A ratio or mean, two decimals.
    Ratio,
    /// Milliseconds, written as a duration.
    Duration,
}

/// One figure across the profiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What it is.
    pub label: String,
    /// Its value per profile (`None`: no samples).
    pub values: Vec<Option<f64>>,
    /// How to write it.
    pub unit: Unit,
    /// Which way is better.
    pub better: Better,
}

/// Writes a value.
pub fn show(value: Option<f64>, unit: Unit) -> String {
    match (value, unit) {
        (None, _) => "n/a".to_string(),
        (Some(v), Unit::Count) => format!("{v:.0}"),
        (Some(v), Unit::Ratio) => format!("{v:.2}"),
        (Some(v), Unit::Duration) => duration(v.max(0.0) as u64),
    }
}

/// Writes milliseconds as `1d3h`, `2h05m`, `12m30s`, `45s` or `250ms`.
pub fn duration(ms: u64) -> String {
    if ms >= DAY {
        format!("{}d{}h", ms / DAY, (ms % DAY) / HOUR)
    } else if ms >= HOUR {
        format!("{}h{:02}m", ms / HOUR, (ms % HOUR) / MINUTE)
    } else if ms >= MINUTE {
        format!("{}m{:02}s", ms / MINUTE, (ms % MINUTE) / 1000)
    } else if ms >= 1000 || ms == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// The rows of the comparison.
pub fn rows(figures: &[Figures]) -> Vec<Row> {
    let row = |label: &str, unit, better, f: &dyn Fn(&Figures) -> Option<f64>| Row {
        label: label.to_string(),
        values: figures.iter().map(f).collect(),
        unit,
        better,
    };
    let ms = |v: Option<u64>| v.map(|x| x as f64);
    let asked = match figures.first() {
        Some(f) if f.periodic.registrations > 0 => format!(" (asked {:.2})", f.periodic.asked_per_day),
        _ => String::new(),
    };
    vec![
        row("one-off registrations", Unit::Count, Better::Neither, &|f| Some(f.oneoff.registered as f64)),
        row("one-off fired", Unit::Count, Better::Higher, &|f| Some(f.oneoff.fired as f64)),
        row("one-off latency p50", Unit::Duration, Better::Lower, &|f| ms(f.oneoff.latency.p50_ms)),
        row("one-off latency p90", Unit::Duration, Better::Lower, &|f| ms(f.oneoff.latency.p90_ms)),
        row("one-off latency p99", Unit::Duration, Better::Lower, &|f| ms(f.oneoff.latency.p99_ms)),
        row("one-off latency max", Unit::Duration, Better::Lower, &|f| ms(f.oneoff.latency.max_ms)),
        row("one-off given up", Unit::Count, Better::Lower, &|f| Some(f.oneoff.gave_up as f64)),
        row("one-off pending at end", Unit::Count, Better::Lower, &|f| Some(f.oneoff.pending_at_end as f64)),
        row("attempts wasted (link down)", Unit::Count, Better::Lower, &|f| Some(f.oneoff.wasted_attempts as f64)),
        row(&format!("periodic fires/day/site{asked}"), Unit::Ratio, Better::Higher, &|f| {
            (f.periodic.registrations > 0).then_some(f.periodic.fires_per_day)
        }),
        row("periodic longest gap", Unit::Duration, Better::Lower, &|f| {
            (f.periodic.registrations > 0).then_some(f.periodic.longest_gap_ms as f64)
        }),
        row("periodic longest gap, median site", Unit::Duration, Better::Lower, &|f| {
            (f.periodic.registrations > 0).then_some(f.periodic.median_longest_gap_ms as f64)
        }),
        row("sites suspended by engagement", Unit::Count, Better::Neither, &|f| {
            Some(f.periodic.suspended_sites as f64)
        }),
        row("wake-ups/day", Unit::Ratio, Better::Lower, &|f| Some(f.device.wakeups_per_day)),
        row("events per wake-up", Unit::Ratio, Better::Higher, &|f| {
            (f.device.wakeups > 0).then_some(f.device.events_per_wakeup)
        }),
        row("event running time", Unit::Duration, Better::Lower, &|f| Some(f.device.event_running_ms as f64)),
        row("fairness distance (0 = fair)", Unit::Ratio, Better::Lower, &|f| Some(f.fairness.distance)),
    ]
}

/// The verdict of one row: which profile is better, by how much.
pub fn verdict(row: &Row, names: &[String]) -> Option<String> {
    if row.better == Better::Neither || names.len() < 2 {
        return None;
    }
    let mut known: Vec<(usize, f64)> = row.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
    if known.is_empty() {
        return None;
    }
    if known.len() < 2 {
        return Some(format!("{}: not comparable (no samples in some profiles)", row.label));
    }
    known.sort_by(|a, b| {
        let order = a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal);
        if row.better == Better::Lower { order } else { order.reverse() }
    });
    let (best, b) = known[0];
    let (next, n) = known[1];
    let same = match row.unit {
        Unit::Ratio => (b - n).abs() < 0.005,
        _ => (b - n).abs() < 0.5,
    };
    if same {
        return Some(format!("{}: same in every profile ({})", row.label, show(Some(b), row.unit)));
    }
    let diff = show(Some((b - n).abs()), row.unit);
    let relative = if b.abs() > f64::EPSILON && n.abs() > f64::EPSILON {
        let ratio = if b > n { b / n } else { n / b };
        format!(", {ratio:.2}x {}", if row.better == Better::Lower { "lower" } else { "higher" })
    } else {
        String::new()
    };
    Some(format!(
        "{}: {} better by {diff}{relative} ({} vs {} for {})",
        row.label,
        names[best],
        show(Some(b), row.unit),
        show(Some(n), row.unit),
        names[next]
    ))
}

/// The whole console table with its verdicts.
pub fn render(figures: &[Figures]) -> String {
    let names: Vec<String> = figures.iter().map(|f| f.profile.clone()).collect();
    let rows = rows(figures);
    let label_width = rows.iter().map(|r| r.label.len()).max().unwrap_or(0).max(6);
    let cells: Vec<Vec<String>> = rows.iter().map(|r| r.values.iter().map(|v| show(*v, r.unit)).collect()).collect();
    let widths: Vec<usize> =
        (0..names.len()).map(|i| cells.iter().map(|c| c[i].len()).chain([names[i].len()]).max().unwrap_or(0)).collect();
    let mut out = String::new();
    let _ = write!(out, "{:label_width$}", "figure");
    for (name, w) in names.iter().zip(&widths) {
        let _ = write!(out, "  {name:>w$}");
    }
    out.push('\n');
    let total = label_width + widths.iter().map(|w| w + 2).sum::<usize>();
    out.push_str(&"-".repeat(total));
    out.push('\n');
    for (row, cells) in rows.iter().zip(&cells) {
        let _ = write!(out, "{:label_width$}", row.label);
        for (cell, w) in cells.iter().zip(&widths) {
            let _ = write!(out, "  {cell:>w$}");
        }
        out.push('\n');
    }
    let verdicts: Vec<String> = rows.iter().filter_map(|r| verdict(r, &names)).collect();
    if !verdicts.is_empty() {
        out.push('\n');
        for v in verdicts {
            out.push_str(&v);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(250), "250ms");
        assert_eq!(duration(45_000), "45s");
        assert_eq!(duration(12 * MINUTE + 30_000), "12m30s");
        assert_eq!(duration(2 * HOUR + 5 * MINUTE), "2h05m");
        assert_eq!(duration(DAY + 3 * HOUR), "1d3h");
    }

    #[test]
    fn verdict_names_the_better_profile_and_the_margin() {
        let row = Row {
            label: "wake-ups/day".into(),
            values: vec![Some(4.0), Some(2.0)],
            unit: Unit::Ratio,
            better: Better::Lower,
        };
        let names = vec!["chromium".to_string(), "spec".to_string()];
        let v = verdict(&row, &names).unwrap();
        assert_eq!(v, "wake-ups/day: spec better by 2.00, 2.00x lower (2.00 vs 4.00 for chromium)");
        let same = Row { values: vec![Some(1.0), Some(1.0)], ..row };
        assert_eq!(verdict(&same, &names).unwrap(), "wake-ups/day: same in every profile (1.00)");
    }
}
