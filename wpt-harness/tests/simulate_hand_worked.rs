//! Small worlds whose figures a person can work out by hand.

use std::path::Path;
use wpt_harness::simulate::{Figures, SimProfile, simulate, world_parse};

const HOUR: u64 = 3_600_000;
const MINUTE: u64 = 60_000;
const DAY: u64 = 24 * HOUR;

fn run(world: &str) -> Vec<Figures> {
    let world = world_parse::parse(world, "world.yaml", Path::new(".")).unwrap();
    let profiles = [SimProfile::resolve("chromium").unwrap(), SimProfile::resolve("spec").unwrap()];
    simulate(&world, &profiles).unwrap().figures
}

#[test]
fn one_outage_of_two_hours_delays_the_outbox_by_exactly_the_outage() {
    // The page registers at the start of the outage; the engine fires on the
    // transition to online, two hours later.
    let figures = run("days: 1
sites:
  - name: mail
    oneoff: offline-visits
trace:
  rows:
    - {at: 1h, network: offline}
    - {at: 1h, visit: mail}
    - {at: 3h, network: online}
");
    let chromium = &figures[0];
    assert_eq!(chromium.profile, "chromium");
    assert_eq!((chromium.oneoff.registered, chromium.oneoff.fired), (1, 1));
    let l = &chromium.oneoff.latency;
    assert_eq!(
        (l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms),
        (Some(2 * HOUR), Some(2 * HOUR), Some(2 * HOUR), Some(2 * HOUR))
    );
    assert_eq!(chromium.oneoff.wasted_attempts, 0);
    assert_eq!(chromium.oneoff.gave_up, 0);
    // The only fire came from the network input, not a timer: no wake-up.
    assert_eq!(chromium.device.wakeups, 0);
    assert_eq!(chromium.device.event_running_ms, 10_000);
}

#[test]
fn an_hourly_periodic_site_under_the_twelve_hour_floor_fires_twice_a_day() {
    // Registered at 0: fires at 12 h, then 12 h after each event completes
    // (run time 10 s), so once on day 1 and twice on each later day.
    let figures = run("days: 7
sites:
  - name: news
    periodic: 1h
");
    for f in &figures {
        let site = &f.periodic.sites[0];
        assert_eq!(site.asked_per_day, 24.0, "{}", f.profile);
        assert_eq!(site.fires_by_day, vec![1, 2, 2, 2, 2, 2, 2], "{}", f.profile);
        assert_eq!(site.fires, 13, "{}", f.profile);
        assert_eq!(site.longest_gap_ms, 12 * HOUR + 10_000, "{}", f.profile);
        // No window is ever open: each fire is one timer wake-up with one event.
        assert_eq!(f.device.wakeups, 13, "{}", f.profile);
        assert_eq!(f.device.events_per_wakeup, 1.0, "{}", f.profile);
    }
}

#[test]
fn a_captive_link_wastes_every_attempt_until_the_registration_is_given_up() {
    // Reported online but nothing gets through: Chromium fires at once, then
    // retries after 5 min and 15 min (lastChance); all three fail.
    let figures = run("days: 1
sites:
  - name: forms
    oneoff: every-visit
trace:
  rows:
    - {at: 1h, network: captive}
    - {at: 1h30m, visit: forms}
    - {at: 3h, network: online}
");
    for f in &figures {
        assert_eq!(f.oneoff.attempts, 3, "{}", f.profile);
        assert_eq!(f.oneoff.wasted_attempts, 3, "{}", f.profile);
        assert_eq!((f.oneoff.fired, f.oneoff.gave_up, f.oneoff.pending_at_end), (0, 1, 0), "{}", f.profile);
        // The two retries are timer wake-ups after the 5-minute visit closed its window.
        assert_eq!(f.device.wakeups, 2, "{}", f.profile);
        assert_eq!(f.device.event_running_ms, 30_000, "{}", f.profile);
    }
}

#[test]
fn engagement_none_suspends_periodic_sync_for_the_rest_of_the_week() {
    let figures = run("days: 7
sites:
  - name: news
    periodic: 1h
    engagement: [{at: 0, level: high}, {at: 2d, level: none}]
");
    for f in &figures {
        assert_eq!(f.periodic.suspended_sites, 1, "{}", f.profile);
        let site = &f.periodic.sites[0];
        assert_eq!(site.suspended_ms, 5 * DAY, "{}", f.profile);
        assert_eq!(site.fires_by_day, vec![1, 2, 0, 0, 0, 0, 0], "{}", f.profile);
        // From the last fire (36 h + 20 s) to the end of day 7.
        assert_eq!(site.longest_gap_ms, 7 * DAY - (36 * HOUR + 20_000), "{}", f.profile);
    }
}

#[test]
fn events_over_the_time_limit_time_out_and_run_for_the_limit() {
    // A 4-minute event under a 3-minute limit: every attempt times out.
    let figures = run("days: 1
sites:
  - name: backup
    oneoff: every-visit
    run_time: 4m
trace:
  rows:
    - {at: 1h, visit: backup, for: 1m}
");
    let f = &figures[0];
    assert_eq!(f.device.timed_out, 3);
    assert_eq!(f.device.event_running_ms, 3 * 3 * MINUTE);
    assert_eq!((f.oneoff.fired, f.oneoff.gave_up), (0, 1));
    assert_eq!(f.oneoff.wasted_attempts, 0, "the link worked: the page was slow, not the network");
}
