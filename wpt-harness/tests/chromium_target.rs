//! The Chromium target: a missing browser fails at once with the install
//! hint; steps Chromium cannot perform are NOTRUN before any browser starts;
//! and, with Chromium installed, offline emulation on the worker defers a
//! registration and a denied permission rejects with NotAllowedError.

mod chromium_common;

use std::path::Path;
use sync_policy::PolicyConfig;
use wpt_harness::policy::RunProfile;
use wpt_harness::runner::{Status, run_subtest};
use wpt_harness::scenario::load_str;
use wpt_harness::suite::SuiteFile;
use wpt_harness::targets::Target;
use wpt_harness::targets::chromium::ChromiumTarget;
use wpt_harness::targets::chromium::screen::{needs, screen, without_internal_checks};
use wpt_harness::targets::chromium::suite_run::run_tests;

fn scenario(steps: &str) -> wpt_harness::scenario::Scenario {
    load_str(&format!("source: extension\nsteps:\n{steps}"), Path::new("x.yaml"), "/x").unwrap()
}

#[test]
fn a_missing_chromium_fails_with_one_line_telling_how_to_install_it() {
    let Err(message) = ChromiumTarget::new(Path::new("/nonexistent/chromium")) else {
        panic!("a target for a browser that does not exist");
    };
    assert!(message.contains("apt-get install chromium"), "{message}");
    assert!(!message.contains('\n'), "{message}");
}

#[test]
fn power_storage_failure_and_engine_checks_are_screened_out() {
    let policy = PolicyConfig::chromium();
    for (steps, what) in [
        ("  - power.set: {battery_saver: true}\n", "power"),
        ("  - storage.fail: {}\n", "storage.fail"),
        (
            "  - sync.register: {reg: R1, tag: a}\n  - explain: {reg: R1, tag: a}\n    expect: {reason: firing}\n",
            "explain",
        ),
    ] {
        let s = scenario(steps);
        let reason = screen(&s.initial, &s.subtests[0], &policy).unwrap_err();
        assert!(reason.contains(what) && reason.contains("not observable in Chromium"), "{reason}");
    }
    let spec = screen(
        &scenario("  - sync.register: {reg: R1, tag: a}\n").initial,
        &scenario("  - note: x\n").subtests[0],
        &PolicyConfig::spec(),
    );
    assert!(spec.unwrap_err().contains("register.tag_order"));
}

#[test]
fn restarts_pass_the_screen_and_ask_for_a_slow_one_off_scale() {
    let policy = PolicyConfig::chromium();
    for steps in [
        "  - sync.register: {reg: R1, tag: a}\n  - ua.restart: {downtime: 1h}\n",
        "  - sync.register: {reg: R1, tag: a}\n  - ua.shutdown: {}\n  - clock.advance: 1h\n  - ua.start: {}\n",
    ] {
        let s = scenario(steps);
        let needs = screen(&s.initial, &s.subtests[0], &policy).unwrap();
        assert!(needs.restarts, "{steps}");
        let plan = wpt_harness::targets::chromium::compression::Compression::plan(&policy, needs).unwrap();
        assert!(plan.scale <= 30, "a relaunch of seconds stays under two virtual minutes: {}", plan.scale);
    }
}

#[test]
fn needs_follow_the_outcomes_a_subtest_gives() {
    let s = scenario(
        "  - sync.register: {reg: R1, tag: a}\n  - events: [{id: e1, type: sync, tag: a}]\n  - settle: {event: e1, outcome: hang}\n",
    );
    let n = needs(&s.subtests[0]);
    assert!(n.timeouts && !n.retries && !n.periodic);
    let s = scenario(
        "  - periodic.register: {reg: R1, tag: p}\n  - sync.register: {reg: R1, tag: a}\n  - events: [{id: e1, type: sync, tag: a}]\n  - settle: {event: e1, outcome: reject}\n",
    );
    let n = needs(&s.subtests[0]);
    assert!(n.periodic && n.retries);
    let reason = screen(&s.initial, &s.subtests[0], &PolicyConfig::chromium()).unwrap_err();
    assert!(reason.contains("real time"), "periodic with retries would take 144 s an interval: {reason}");
}

#[test]
fn internal_checks_are_dropped_and_listed() {
    let s = scenario(
        "  - sync.register: {reg: R1, tag: a}\n  - assert: invariants\n  - explain: {reg: R1, tag: a}\n    expect: {reason: firing}\n  - note: kept\n",
    );
    let (stripped, dropped) = without_internal_checks(&s.subtests[0]);
    assert_eq!(stripped.steps.len(), 2);
    assert_eq!(dropped.len(), 2);
    assert!(dropped[0].starts_with("assert"), "{dropped:?}");
}

#[test]
fn screened_out_subtests_are_notrun_without_starting_a_browser() {
    let Some(mut target) = chromium_common::chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("power.yaml");
    std::fs::write(&path, "source: extension\nsteps:\n  - power.set: {battery_saver: true}\n").unwrap();
    let files = vec![SuiteFile { path, default_test: "/power".into() }];
    let results = run_tests(
        &files,
        &RunProfile::default(),
        None,
        &wpt_harness::expectations::Expectations::none(),
        &mut target,
        &mut |_, _, _| {},
    );
    let outcome = &results[0].subtests[0];
    assert_eq!(outcome.status, Status::NotRun, "{:?}", outcome.message);
    assert!(outcome.message.as_deref().unwrap_or_default().contains("power"));
    assert_eq!(target.product().1, "unknown", "no browser was started");
}

#[test]
fn offline_emulation_on_the_worker_defers_and_a_denial_rejects() {
    let _guard = chromium_common::one_browser();
    let Some(mut target) = chromium_common::chromium() else { return };
    let s = scenario(concat!(
        "  - network: offline\n",
        "  - sync.register: {reg: R1, tag: a}\n    expect: resolve\n",
        "  - clock.advance: 1h\n  - events: []\n",
        "  - sync.getTags: {reg: R1}\n    expect: {tags: [a]}\n",
        "  - network: online\n",
        "  - events: [{type: sync, tag: a, lastChance: false, at: 1h}]\n",
        "  - permission.set: {origin: A, name: background-sync, state: denied}\n",
        "  - sync.register: {reg: R1, tag: b}\n    expect: {reject: NotAllowedError}\n",
        "  - logs:\n",
        "      - {name: Registered sync, tag: a, at: 0}\n",
        "      - {name: Dispatched sync event, tag: a, metadata: {Last Chance: \"No\"}, at: 1h}\n",
        "      - {name: Sync completed, tag: a, metadata: {Status: succeeded}, at: 1h}\n",
    ));
    let out = run_subtest(&mut target, &s, &s.subtests[0], &PolicyConfig::chromium());
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
}

#[test]
fn a_restart_relaunches_on_the_same_profile_and_an_offline_start_is_notrun() {
    let _guard = chromium_common::one_browser();
    let Some(mut target) = chromium_common::chromium() else { return };
    let s = scenario(concat!(
        "  - sync.register: {reg: R1, tag: f}\n",
        "  - events: [{id: e1, type: sync, tag: f, lastChance: false, at: 0}]\n",
        "  - settle: {event: e1, outcome: reject}\n",
        "  - ua.shutdown: {}\n",
        "  - clock.advance: 10m\n  - events: []\n",
        "  - ua.start: {}\n",
        "  - events: [{type: sync, tag: f, lastChance: false, at: 10m}]\n",
        "  - sync.getTags: {reg: R1}\n    expect: {tags: []}\n",
    ));
    let out = run_subtest(&mut target, &s, &s.subtests[0], &PolicyConfig::chromium());
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
    let s = scenario("  - network: offline\n  - sync.register: {reg: R1, tag: a}\n  - ua.restart: {}\n");
    let out = run_subtest(&mut target, &s, &s.subtests[0], &PolicyConfig::chromium());
    assert_eq!(out.status, Status::NotRun, "{:?}", out.message);
    assert!(out.message.unwrap_or_default().contains("while the device is offline"));
}
