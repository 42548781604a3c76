//! A simulation is a function of its world and seed.

use std::path::Path;
use wpt_harness::simulate::{SimProfile, report_json, simulate, world_parse};

fn json(seed: u64, generator: &str) -> String {
    let text = format!(
        "days: 3
seed: {seed}
trace: {{generator: {generator}}}
sites:
  - name: mail
    visits_per_day: 6
    oneoff: offline-visits
    fail_rate: 0.3
  - name: feed
    visits_per_day: 2
    periodic: 2h
    fail_rate: 0.2
"
    );
    let world = world_parse::parse(&text, "w.yaml", Path::new(".")).unwrap();
    let profiles = [SimProfile::resolve("chromium").unwrap(), SimProfile::resolve("spec").unwrap()];
    report_json::render(&simulate(&world, &profiles).unwrap()).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_figures() {
    for generator in ["commuter", "desktop", "rural", "offline"] {
        assert_eq!(json(9, generator), json(9, generator), "{generator}");
    }
}

#[test]
fn the_engine_accepts_every_input_the_runner_feeds_it() {
    for generator in ["commuter", "desktop", "rural", "offline"] {
        let doc: serde_json::Value = serde_json::from_str(&json(4, generator)).unwrap();
        for p in doc["profiles"].as_array().unwrap() {
            assert_eq!(p["refused_inputs"], 0, "{generator} {}", p["profile"]);
        }
    }
}

#[test]
fn another_seed_gives_another_week() {
    assert_ne!(json(9, "rural"), json(10, "rural"));
}
