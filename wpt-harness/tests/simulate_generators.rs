//! The built-in trace generators paint the device each describes.

use std::path::Path;
use wpt_harness::simulate::world::{Change, DAY, HOUR, Link, MINUTE, World};
use wpt_harness::simulate::world_parse;

fn world(generator: &str, days: u32) -> World {
    let text = format!(
        "days: {days}\nseed: 5\ntrace: {{generator: {generator}}}\nsites:\n  - name: a\n    visits_per_day: 4\n    visit_length: 3m\n"
    );
    world_parse::parse(&text, "w.yaml", Path::new(".")).unwrap()
}

/// The link at `t` (rows at `t` applied).
fn link_at(w: &World, t: u64) -> Link {
    let mut link = Link::Online;
    for r in w.trace.iter().take_while(|r| r.at <= t) {
        if let Change::Network(l) = r.change {
            link = l;
        }
    }
    link
}

/// Share of the simulated time the link is in one of `links`, sampled each minute.
fn share(w: &World, links: &[Link]) -> f64 {
    let samples = w.end() / MINUTE;
    let hits = (0..samples).filter(|m| links.contains(&link_at(w, m * MINUTE))).count();
    hits as f64 / samples as f64
}

#[test]
fn every_generator_stays_inside_the_world_in_time_order() {
    for g in ["commuter", "desktop", "rural", "offline"] {
        let w = world(g, 7);
        assert!(w.trace.windows(2).all(|p| p[0].at <= p[1].at), "{g}: sorted");
        assert!(w.trace.iter().all(|r| r.at <= w.end()), "{g}: inside the week");
        let visits = w.trace.iter().filter(|r| matches!(r.change, Change::Visit { .. })).count();
        assert_eq!(visits, 28, "{g}: 4 visits a day for 7 days");
    }
}

#[test]
fn the_commuter_rides_a_metered_train_on_weekdays_only() {
    let w = world("commuter", 7);
    for day in 0..5 {
        let ride = link_at(&w, day * DAY + 7 * HOUR + 31 * MINUTE);
        assert!(matches!(ride, Link::Metered | Link::Offline), "day {day}: {ride:?}");
        assert_eq!(link_at(&w, day * DAY + 12 * HOUR), Link::Online, "day {day}: office Wi-Fi");
    }
    for day in 5..7 {
        assert_ne!(link_at(&w, day * DAY + 7 * HOUR + 31 * MINUTE), Link::Metered, "weekend day {day}");
    }
}

#[test]
fn the_desktop_restarts_its_router_every_night() {
    let w = world("desktop", 3);
    for day in 0..3 {
        assert_eq!(link_at(&w, day * DAY + 3 * HOUR + 2 * MINUTE), Link::Offline, "day {day}");
        assert_eq!(link_at(&w, day * DAY + 3 * HOUR + 6 * MINUTE), Link::Online, "day {day}");
    }
    assert!(share(&w, &[Link::Online]) > 0.9);
}

#[test]
fn the_rural_link_has_captive_spells_and_the_offline_device_is_mostly_offline() {
    let rural = world("rural", 7);
    assert!(share(&rural, &[Link::Captive]) > 0.0, "some drops are a link reported online");
    assert!(share(&rural, &[Link::Offline]) > 0.0);
    let offline = world("offline", 7);
    assert!(share(&offline, &[Link::Online, Link::Metered]) < 0.3);
}
