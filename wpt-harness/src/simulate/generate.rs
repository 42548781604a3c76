//! Built-in trace generators: a commuter's phone, an always-on desktop, a
//! flaky rural link and a mostly-offline device. Each paints the device state
//! on a one-minute grid from a seed, then emits one row per change, plus the
//! visits of every site (`visits_per_day`, `visit_length`).

use super::rng::{Rng, mix};
use super::world::{Change, DAY, HOUR, Link, MINUTE, Row, World};

/// A built-in generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Generator {
    /// Home Wi-Fi at night, metered commutes with tunnel outages, office
    /// Wi-Fi by day, battery saver some evenings; weekends at home with an
    /// outing out of coverage.
    Commuter,
    /// Always online and plugged in; a 5-minute router restart every night
    /// and one ISP outage of 1 to 3 h in the period.
    Desktop,
    /// A rural link that drops every 30 min to 4 h: 60 % of drops are
    /// offline for 10 to 60 min, 40 % are a lossy link reported online that
    /// carries nothing (captive) for 5 to 30 min.
    Rural,
    /// Offline most of the time: one or two metered sessions of 20 to 90 min
    /// a day, some evenings an hour of Wi-Fi; battery saver on half the days.
    Offline,
}

impl Generator {
    /// The names, for messages.
    pub const NAMES: &'static str = "commuter, desktop, rural, offline";

    /// Parses a generator name.
    pub fn parse(name: &str) -> Option<Generator> {
        Some(match name {
            "commuter" => Generator::Commuter,
            "desktop" => Generator::Desktop,
            "rural" => Generator::Rural,
            "offline" => Generator::Offline,
            _ => return None,
        })
    }

    fn index(self) -> u64 {
        match self {
            Generator::Commuter => 1,
            Generator::Desktop => 2,
            Generator::Rural => 3,
            Generator::Offline => 4,
        }
    }
}

/// The device state on a one-minute grid.
struct Grid {
    network: Vec<Link>,
    saver: Vec<bool>,
    charging: Vec<bool>,
}

impl Grid {
    fn new(minutes: usize, link: Link, charging: bool) -> Grid {
        Grid { network: vec![link; minutes], saver: vec![false; minutes], charging: vec![charging; minutes] }
    }

    fn clamp(&self, from: u64, to: u64) -> std::ops::Range<usize> {
        let n = self.network.len();
        let a = ((from / MINUTE) as usize).min(n);
        let b = ((to / MINUTE) as usize).min(n);
        a..b.max(a)
    }

    fn link(&mut self, from: u64, to: u64, link: Link) {
        let r = self.clamp(from, to);
        self.network[r].fill(link);
    }

    fn saver(&mut self, from: u64, to: u64, on: bool) {
        let r = self.clamp(from, to);
        self.saver[r].fill(on);
    }

    fn charging(&mut self, from: u64, to: u64, on: bool) {
        let r = self.clamp(from, to);
        self.charging[r].fill(on);
    }

    /// One row per change; the state at minute 0 is emitted as rows at 0.
    fn rows(&self) -> Vec<Row> {
        let mut rows = Vec::new();
        for i in 0..self.network.len() {
            let at = i as u64 * MINUTE;
            if i == 0 || self.network[i] != self.network[i - 1] {
                rows.push(Row { at, change: Change::Network(self.network[i]) });
            }
            if i == 0 || self.saver[i] != self.saver[i - 1] {
                rows.push(Row { at, change: Change::BatterySaver(self.saver[i]) });
            }
            if i == 0 || self.charging[i] != self.charging[i - 1] {
                rows.push(Row { at, change: Change::Charging(self.charging[i]) });
            }
        }
        rows
    }
}

/// The rows a generator makes for `world` (its days, seed and sites).
pub fn generate(generator: Generator, world: &World) -> Vec<Row> {
    let mut rng = Rng::new(mix(&[world.seed, generator.index()]));
    let minutes = (world.end() / MINUTE) as usize + 1;
    let mut grid = match generator {
        Generator::Commuter | Generator::Desktop | Generator::Rural => Grid::new(minutes, Link::Online, true),
        Generator::Offline => Grid::new(minutes, Link::Offline, false),
    };
    for day in 0..u64::from(world.days) {
        let base = day * DAY;
        match generator {
            Generator::Commuter => commuter_day(&mut grid, &mut rng, base, day % 7 >= 5),
            Generator::Desktop => {
                grid.link(base + 3 * HOUR, base + 3 * HOUR + 5 * MINUTE, Link::Offline);
            }
            Generator::Rural => {}
            Generator::Offline => offline_day(&mut grid, &mut rng, base),
        }
    }
    match generator {
        Generator::Desktop => {
            let day = rng.range(0, u64::from(world.days));
            let start = day * DAY + 10 * HOUR + rng.range(0, 6 * HOUR);
            grid.link(start, start + rng.range(HOUR, 3 * HOUR), Link::Offline);
        }
        Generator::Rural => rural_link(&mut grid, &mut rng, world.end()),
        _ => {}
    }
    let mut rows = grid.rows();
    rows.extend(visits(generator, world, &mut rng));
    rows
}

fn commuter_day(grid: &mut Grid, rng: &mut Rng, base: u64, weekend: bool) {
    if weekend {
        if rng.chance(0.6) {
            let start = base + 13 * HOUR + rng.range(0, 2 * HOUR);
            grid.link(start, start + rng.range(HOUR, 4 * HOUR), Link::Offline);
        }
        return;
    }
    for (leave, arrive, after) in [
        (7 * HOUR + 30 * MINUTE, 8 * HOUR + 30 * MINUTE, Link::Online),
        (17 * HOUR + 30 * MINUTE, 18 * HOUR + 30 * MINUTE, Link::Online),
    ] {
        grid.link(base + leave, base + arrive, Link::Metered);
        let mut cursor = base + leave + 5 * MINUTE;
        for _ in 0..rng.range(1, 4) {
            let start = cursor + rng.range(0, 20 * MINUTE);
            let end = (start + rng.range(3 * MINUTE, 21 * MINUTE)).min(base + arrive);
            if start >= end {
                break;
            }
            grid.link(start, end, Link::Offline);
            cursor = end + 2 * MINUTE;
        }
        grid.link(base + arrive, base + arrive + MINUTE, after);
    }
    grid.charging(base + 7 * HOUR, base + 22 * HOUR + 30 * MINUTE, false);
    if rng.chance(0.5) {
        let on = base + 16 * HOUR + rng.range(0, 2 * HOUR);
        grid.saver(on, base + 22 * HOUR + 30 * MINUTE, true);
    }
}

fn offline_day(grid: &mut Grid, rng: &mut Rng, base: u64) {
    for _ in 0..rng.range(1, 3) {
        let start = base + 8 * HOUR + rng.range(0, 12 * HOUR);
        grid.link(start, start + rng.range(20 * MINUTE, 91 * MINUTE), Link::Metered);
    }
    if rng.chance(0.3) {
        let start = base + 19 * HOUR + rng.range(0, 2 * HOUR);
        grid.link(start, start + HOUR, Link::Online);
        grid.charging(start, start + HOUR, true);
    }
    if rng.chance(0.5) {
        grid.saver(base, base + DAY, true);
    }
}

fn rural_link(grid: &mut Grid, rng: &mut Rng, end: u64) {
    let mut t = rng.range(30 * MINUTE, 4 * HOUR);
    while t < end {
        let (link, length) = if rng.chance(0.6) {
            (Link::Offline, rng.range(10 * MINUTE, 61 * MINUTE))
        } else {
            (Link::Captive, rng.range(5 * MINUTE, 31 * MINUTE))
        };
        grid.link(t, t + length, link);
        t += length + rng.range(30 * MINUTE, 4 * HOUR);
    }
}

/// The waking hours a generator puts visits in, per day.
fn waking(generator: Generator, weekend: bool) -> (u64, u64) {
    match (generator, weekend) {
        (Generator::Desktop, false) => (8 * HOUR, 20 * HOUR),
        (Generator::Desktop, true) => (10 * HOUR, 22 * HOUR),
        (Generator::Commuter, true) => (9 * HOUR, 23 * HOUR),
        (Generator::Offline, _) => (8 * HOUR, 22 * HOUR),
        _ => (7 * HOUR, 23 * HOUR),
    }
}

fn visits(generator: Generator, world: &World, rng: &mut Rng) -> Vec<Row> {
    let mut rows = Vec::new();
    for (index, site) in world.sites.iter().enumerate() {
        for day in 0..u64::from(world.days) {
            let base = day * DAY;
            let weekend = day % 7 >= 5;
            let whole = site.visits_per_day.floor() as u64;
            let extra = u64::from(rng.chance(site.visits_per_day.fract()));
            for _ in 0..whole + extra {
                // A commuter reads on the train: a third of weekday visits fall in a commute.
                let at = if generator == Generator::Commuter && !weekend && rng.chance(0.35) {
                    let leave = if rng.chance(0.5) { 7 * HOUR + 30 * MINUTE } else { 17 * HOUR + 30 * MINUTE };
                    base + leave + rng.range(0, HOUR)
                } else {
                    let (from, to) = waking(generator, weekend);
                    base + rng.range(from, to)
                };
                rows.push(Row { at, change: Change::Visit { site: index, length: site.visit_length } });
            }
        }
    }
    rows
}
