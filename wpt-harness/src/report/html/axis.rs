//! The timeline's time axis: proportional to virtual time, with long quiet
//! stretches compressed and drawn as a break.
//!
//! The scale is set by the median gap between the times something happened:
//! gaps up to [`PROPORTIONAL_GAPS`] medians are drawn proportionally; a
//! longer gap is a break whose width grows with the logarithm of its length
//! (so eleven hours is still wider than one minute) and which carries its
//! length as a label. Gaps too short for a mark get [`MIN_GAP`] pixels.

use sync_policy::Millis;

/// Pixels a median gap gets.
pub const MEDIAN_GAP: f64 = 72.0;
/// Gaps up to this many medians are drawn proportionally.
pub const PROPORTIONAL_GAPS: f64 = 4.0;
/// Pixels a break adds per doubling of the gap beyond the proportional limit.
pub const PER_DOUBLING: f64 = 28.0;
/// Narrowest gap, so that marks at neighbouring times stay apart.
pub const MIN_GAP: f64 = 30.0;

/// The mapping from virtual time to x.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// The distinct times, ascending, with their x.
    stops: Vec<(Millis, f64)>,
    /// The gaps drawn as breaks: (from, to).
    breaks: Vec<(Millis, Millis)>,
}

impl Axis {
    /// An axis through `times` (any order, duplicates allowed) starting at `left`.
    #[cfg(test)]
    pub fn new(times: impl IntoIterator<Item = Millis>, left: f64) -> Axis {
        Axis::with_room(times, left, |_| 0.0)
    }

    /// Like [`Axis::new`], keeping at least `room(t)` pixels after each time
    /// (for the marks drawn side by side there).
    pub fn with_room(times: impl IntoIterator<Item = Millis>, left: f64, room: impl Fn(Millis) -> f64) -> Axis {
        let mut times: Vec<Millis> = times.into_iter().collect();
        times.sort();
        times.dedup();
        if times.is_empty() {
            times.push(Millis::ZERO);
        }
        let mut gaps: Vec<u64> = times.windows(2).map(|w| w[1].0 - w[0].0).collect();
        gaps.sort_unstable();
        let median = gaps.get(gaps.len().saturating_sub(1) / 2).copied().unwrap_or(1).max(1) as f64;
        let per_ms = MEDIAN_GAP / median;
        let limit = MEDIAN_GAP * PROPORTIONAL_GAPS;
        let mut stops = vec![(times[0], left)];
        let mut breaks = Vec::new();
        for w in times.windows(2) {
            let proportional = (w[1].0 - w[0].0) as f64 * per_ms;
            let width = if proportional > limit {
                breaks.push((w[0], w[1]));
                limit + PER_DOUBLING * (proportional / limit).log2()
            } else {
                proportional.max(MIN_GAP)
            };
            let width = width.max(room(w[0]));
            let x = stops.last().map_or(left, |s| s.1) + width;
            stops.push((w[1], x));
        }
        Axis { stops, breaks }
    }

    /// The x of a time on the axis (times between stops are interpolated).
    pub fn x(&self, t: Millis) -> f64 {
        let i = self.stops.partition_point(|(at, _)| *at <= t);
        match (i.checked_sub(1).and_then(|j| self.stops.get(j)), self.stops.get(i)) {
            (Some(a), Some(b)) => a.1 + (b.1 - a.1) * (t.0 - a.0.0) as f64 / (b.0.0 - a.0.0).max(1) as f64,
            (Some(a), None) => a.1,
            (None, _) => self.stops[0].1,
        }
    }

    /// The x of the last time.
    pub fn right(&self) -> f64 {
        self.stops.last().map_or(0.0, |s| s.1)
    }

    /// The distinct times, ascending.
    pub fn times(&self) -> impl Iterator<Item = Millis> + '_ {
        self.stops.iter().map(|s| s.0)
    }

    /// The compressed gaps.
    pub fn breaks(&self) -> &[(Millis, Millis)] {
        &self.breaks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_gaps_are_proportional() {
        let a = Axis::new([Millis::ZERO, Millis::from_mins(5), Millis::from_mins(25)], 0.0);
        let (five, twenty) = (a.x(Millis::from_mins(5)), a.x(Millis::from_mins(25)) - a.x(Millis::from_mins(5)));
        assert!((twenty / five - 4.0).abs() < 1e-9, "5m then 20m: {five} and {twenty}");
        assert!(a.breaks().is_empty());
    }

    #[test]
    fn a_long_quiet_stretch_is_a_break_but_still_wider_than_a_short_one() {
        let t = [0, 1, 2, 3, 11 * 60 + 3].map(Millis::from_mins);
        let a = Axis::new(t, 0.0);
        let minute = a.x(t[1]) - a.x(t[0]);
        let eleven_hours = a.x(t[4]) - a.x(t[3]);
        assert_eq!(a.breaks(), [(t[3], t[4])]);
        assert!(eleven_hours > 2.0 * minute, "1m: {minute}px, 11h: {eleven_hours}px");
        assert!(eleven_hours < 30.0 * minute, "the 11h stretch is compressed: {eleven_hours}px");
    }

    #[test]
    fn x_is_monotonic_and_interpolated() {
        let a = Axis::new([0, 10, 1000, 1_000_000].map(Millis), 100.0);
        assert_eq!(a.x(Millis(0)), 100.0);
        let xs: Vec<f64> = [0, 5, 10, 500, 1000, 5000, 1_000_000, 2_000_000].map(|t| a.x(Millis(t))).to_vec();
        assert!(xs.windows(2).all(|w| w[0] <= w[1]), "{xs:?}");
        assert_eq!(a.right(), a.x(Millis(1_000_000)));
    }
}
