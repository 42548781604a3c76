//! The figures of one run, the same for every profile: one-off latency and
//! losses, periodic fires against what sites asked for, device cost, and
//! fairness. Definitions are in the README's "Policy simulator" section.

use super::record::{FireResult, OneOffEnd, Run};
use super::world::{DAY, World};
use serde::Serialize;
use sync_policy::SyncKind;

/// A latency distribution (nearest-rank percentiles), in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Latency {
    /// How many samples.
    pub count: usize,
    /// Median.
    pub p50_ms: Option<u64>,
    /// 90th percentile.
    pub p90_ms: Option<u64>,
    /// 99th percentile.
    pub p99_ms: Option<u64>,
    /// Maximum.
    pub max_ms: Option<u64>,
}

impl Latency {
    /// The distribution of `samples`.
    pub fn of(mut samples: Vec<u64>) -> Latency {
        samples.sort_unstable();
        let rank = |p: u64| -> Option<u64> {
            let n = samples.len() as u64;
            if n == 0 {
                return None;
            }
            let index = (p * n).div_ceil(100).max(1) - 1;
            samples.get(index as usize).copied()
        };
        Latency {
            count: samples.len(),
            p50_ms: rank(50),
            p90_ms: rank(90),
            p99_ms: rank(99),
            max_ms: samples.last().copied(),
        }
    }
}

/// One-off figures of one site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteOneOff {
    /// The site.
    pub site: String,
    /// `register()` calls.
    pub registered: usize,
    /// Registrations that fired successfully.
    pub fired: usize,
    /// Registrations given up after their last attempt.
    pub gave_up: usize,
    /// Latency from register to the successful attempt's dispatch.
    pub latency: Latency,
}

/// One-off figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OneOffFigures {
    /// `register()` calls.
    pub registered: usize,
    /// Registrations that fired successfully.
    pub fired: usize,
    /// Registrations given up after their last attempt.
    pub gave_up: usize,
    /// Registrations still waiting when the simulation ended.
    pub pending_at_end: usize,
    /// `register()` calls that rejected.
    pub refused: usize,
    /// `sync` events dispatched.
    pub attempts: usize,
    /// `sync` events that ran while the link was down (at dispatch or at settling).
    pub wasted_attempts: usize,
    /// Latency over every site.
    pub latency: Latency,
    /// Per site (sites that registered).
    pub sites: Vec<SiteOneOff>,
}

/// Periodic figures of one site.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SitePeriodic {
    /// The site.
    pub site: String,
    /// Its `minInterval`.
    pub min_interval_ms: u64,
    /// What it asked for: 24 h / `minInterval`.
    pub asked_per_day: f64,
    /// `periodicsync` events dispatched (retries included).
    pub attempts: usize,
    /// `periodicsync` events that fulfilled: the site's syncs.
    pub fires: usize,
    /// Fires per simulated day.
    pub fires_per_day: f64,
    /// Fires on each day.
    pub fires_by_day: Vec<u32>,
    /// Longest time without a fire (from the start, between fires, to the end).
    pub longest_gap_ms: u64,
    /// Time its engagement kept it suspended.
    pub suspended_ms: u64,
}

/// Periodic figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeriodicFigures {
    /// Periodic registrations that resolved.
    pub registrations: usize,
    /// `periodicsync` events dispatched (retries included).
    pub attempts: usize,
    /// `periodicsync` events that fulfilled.
    pub fires: usize,
    /// Fires per day per registration (mean).
    pub fires_per_day: f64,
    /// What sites asked for per day per registration (mean).
    pub asked_per_day: f64,
    /// The longest gap of any site.
    pub longest_gap_ms: u64,
    /// The median over sites of each site's longest gap (a site that never
    /// fires does not hide the others, as it does in the maximum).
    pub median_longest_gap_ms: u64,
    /// Sites whose engagement suspended their periodic sync for some time.
    pub suspended_sites: usize,
    /// Per site.
    pub sites: Vec<SitePeriodic>,
}

/// Device cost.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeviceFigures {
    /// Distinct instants the engine's timer woke it while no window was open.
    pub wakeups: usize,
    /// Wake-ups per day (mean).
    pub wakeups_per_day: f64,
    /// Wake-ups on each day.
    pub wakeups_by_day: Vec<u32>,
    /// Events dispatched at a wake-up, per wake-up.
    pub events_per_wakeup: f64,
    /// Total time events ran (each at most its time limit).
    pub event_running_ms: u64,
    /// Events dispatched (both kinds).
    pub dispatches: usize,
    /// Events that hit the time limit.
    pub timed_out: usize,
}

/// A site's share of fires against its share of registrations.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SiteShare {
    /// The site.
    pub site: String,
    /// Its share of all dispatches.
    pub fire_share: f64,
    /// Its share of all registrations (one-off calls plus periodic registrations).
    pub registration_share: f64,
}

/// Fairness.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FairnessFigures {
    /// Total variation distance between the two shares: 0 when every site
    /// gets the share of fires it has of registrations, 1 at worst.
    pub distance: f64,
    /// Per site.
    pub sites: Vec<SiteShare>,
}

/// Every figure of one profile's run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// The profile.
    pub profile: String,
    /// One-off sync.
    pub oneoff: OneOffFigures,
    /// Periodic sync.
    pub periodic: PeriodicFigures,
    /// Device cost.
    pub device: DeviceFigures,
    /// Fairness.
    pub fairness: FairnessFigures,
    /// Inputs the engine refused: the simulator's own bookkeeping errors,
    /// 0 in a sound run.
    pub refused_inputs: u32,
}

/// Computes the figures of `run` over `world`.
pub fn figures(world: &World, run: &Run) -> Figures {
    Figures {
        profile: run.profile.clone(),
        oneoff: oneoff(world, run),
        periodic: periodic(world, run),
        device: device(world, run),
        fairness: fairness(world, run),
        refused_inputs: run.refused_inputs,
    }
}

fn latencies(run: &Run, site: Option<usize>) -> Vec<u64> {
    run.oneoffs
        .iter()
        .filter(|o| site.is_none_or(|s| o.site == s))
        .filter_map(|o| o.fired_at.map(|f| f - o.registered_at))
        .collect()
}

fn oneoff(world: &World, run: &Run) -> OneOffFigures {
    let count = |end: OneOffEnd| run.oneoffs.iter().filter(|o| o.end == end).count();
    let attempts = run.fires.iter().filter(|f| f.kind == SyncKind::OneOff);
    let sites = (0..world.sites.len())
        .filter(|&s| run.oneoffs.iter().any(|o| o.site == s))
        .map(|s| {
            let of_site = || run.oneoffs.iter().filter(move |o| o.site == s);
            SiteOneOff {
                site: world.sites[s].name.clone(),
                registered: of_site().count(),
                fired: of_site().filter(|o| o.end == OneOffEnd::Fired).count(),
                gave_up: of_site().filter(|o| o.end == OneOffEnd::GaveUp).count(),
                latency: Latency::of(latencies(run, Some(s))),
            }
        })
        .collect();
    OneOffFigures {
        registered: run.oneoffs.len(),
        fired: count(OneOffEnd::Fired),
        gave_up: count(OneOffEnd::GaveUp),
        pending_at_end: count(OneOffEnd::Pending),
        refused: count(OneOffEnd::Refused),
        attempts: attempts.clone().count(),
        wasted_attempts: attempts.filter(|f| f.link_down).count(),
        latency: Latency::of(latencies(run, None)),
        sites,
    }
}

fn periodic(world: &World, run: &Run) -> PeriodicFigures {
    let days = f64::from(world.days);
    let end = world.end();
    let sites: Vec<SitePeriodic> = run
        .periodics
        .iter()
        .filter(|p| p.registered)
        .map(|p| {
            let of_site = || run.fires.iter().filter(|f| f.site == p.site && f.kind == SyncKind::Periodic);
            let times: Vec<u64> = of_site().filter(|f| f.result == FireResult::Success).map(|f| f.at).collect();
            let mut by_day = vec![0u32; world.days as usize];
            for &t in &times {
                if let Some(slot) = by_day.get_mut(((t / DAY) as usize).min((world.days as usize).saturating_sub(1))) {
                    *slot += 1;
                }
            }
            let mut longest = 0;
            let mut previous = 0;
            for &t in times.iter().chain(std::iter::once(&end)) {
                longest = longest.max(t - previous);
                previous = t;
            }
            SitePeriodic {
                site: world.sites[p.site].name.clone(),
                min_interval_ms: p.min_interval,
                asked_per_day: DAY as f64 / p.min_interval.max(1) as f64,
                attempts: of_site().count(),
                fires: times.len(),
                fires_per_day: times.len() as f64 / days,
                fires_by_day: by_day,
                longest_gap_ms: longest,
                suspended_ms: p.suspended_ms,
            }
        })
        .collect();
    let n = sites.len().max(1) as f64;
    PeriodicFigures {
        registrations: sites.len(),
        attempts: sites.iter().map(|s| s.attempts).sum(),
        fires: sites.iter().map(|s| s.fires).sum(),
        fires_per_day: sites.iter().map(|s| s.fires_per_day).sum::<f64>() / n,
        asked_per_day: sites.iter().map(|s| s.asked_per_day).sum::<f64>() / n,
        longest_gap_ms: sites.iter().map(|s| s.longest_gap_ms).max().unwrap_or(0),
        median_longest_gap_ms: Latency::of(sites.iter().map(|s| s.longest_gap_ms).collect()).p50_ms.unwrap_or(0),
        suspended_sites: sites.iter().filter(|s| s.suspended_ms > 0).count(),
        sites,
    }
}

fn device(world: &World, run: &Run) -> DeviceFigures {
    let mut by_day = vec![0u32; world.days as usize];
    for w in &run.wakes {
        let day = ((w.at / DAY) as usize).min(by_day.len().saturating_sub(1));
        if let Some(slot) = by_day.get_mut(day) {
            *slot += 1;
        }
    }
    let woken: u32 = run.wakes.iter().map(|w| w.dispatches).sum();
    DeviceFigures {
        wakeups: run.wakes.len(),
        wakeups_per_day: run.wakes.len() as f64 / f64::from(world.days),
        wakeups_by_day: by_day,
        events_per_wakeup: if run.wakes.is_empty() { 0.0 } else { f64::from(woken) / run.wakes.len() as f64 },
        event_running_ms: run.fires.iter().map(|f| f.ran).sum(),
        dispatches: run.fires.len(),
        timed_out: run.fires.iter().filter(|f| f.result == FireResult::TimedOut).count(),
    }
}

fn fairness(world: &World, run: &Run) -> FairnessFigures {
    let n = world.sites.len();
    let mut fires = vec![0usize; n];
    let mut regs = vec![0usize; n];
    for f in &run.fires {
        fires[f.site] += 1;
    }
    for o in &run.oneoffs {
        regs[o.site] += 1;
    }
    for p in run.periodics.iter().filter(|p| p.registered) {
        regs[p.site] += 1;
    }
    let (total_fires, total_regs) =
        (fires.iter().sum::<usize>().max(1) as f64, regs.iter().sum::<usize>().max(1) as f64);
    let sites: Vec<SiteShare> = (0..n)
        .filter(|&s| fires[s] + regs[s] > 0)
        .map(|s| SiteShare {
            site: world.sites[s].name.clone(),
            fire_share: fires[s] as f64 / total_fires,
            registration_share: regs[s] as f64 / total_regs,
        })
        .collect();
    let distance = sites.iter().map(|s| (s.fire_share - s.registration_share).abs()).sum::<f64>() / 2.0;
    FairnessFigures { distance, sites }
}

#[cfg(test)]
mod tests {
    use super::Latency;

    #[test]
    fn nearest_rank_percentiles() {
        let l = Latency::of((1..=100).collect());
        assert_eq!((l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms), (Some(50), Some(90), Some(99), Some(100)));
        let one = Latency::of(vec![7]);
        assert_eq!((one.p50_ms, one.p99_ms), (Some(7), Some(7)));
        assert_eq!(Latency::of(Vec::new()).p50_ms, None);
    }
}
