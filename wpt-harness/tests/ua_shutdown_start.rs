//! `ua.shutdown` ... `ua.start` on the engine target: nothing fires while the
//! user agent is down, the environment set meanwhile is the one it starts
//! with, a policy at start applies from then on, steps that need a running
//! user agent are scenario errors, and the steps' arguments are checked.

use std::path::Path;
use sync_policy::PolicyConfig;
use wpt_harness::runner::{Status, SubtestOutcome, run_subtest};
use wpt_harness::scenario::load_str;
use wpt_harness::targets::EngineTarget;

fn run(steps: &str) -> SubtestOutcome {
    let s = load_str(&format!("source: extension\nsteps:\n{steps}"), Path::new("x.yaml"), "/x").unwrap();
    let mut target = EngineTarget::new();
    run_subtest(&mut target, &s, &s.subtests[0], &PolicyConfig::chromium())
}

fn parse_error(steps: &str) -> String {
    match load_str(&format!("source: extension\nsteps:\n{steps}"), Path::new("x.yaml"), "/x") {
        Ok(_) => panic!("accepted: {steps}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn nothing_fires_while_down_and_what_came_due_fires_at_the_start() {
    let out = run(concat!(
        "  - sync.register: {reg: R1, tag: f}\n",
        "  - events: [{id: e1, type: sync, tag: f, lastChance: false, at: 0}]\n",
        "  - settle: {event: e1, outcome: reject}\n",
        "  - ua.shutdown: {}\n",
        "  - clock.advance: 1h\n",
        "  - events: []\n",
        "  - ua.start: {}\n",
        "  - events: [{type: sync, tag: f, lastChance: false, at: 1h}]\n",
    ));
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
}

#[test]
fn a_check_that_expects_a_dispatch_while_down_fails() {
    let out = run(concat!(
        "  - sync.register: {reg: R1, tag: f}\n",
        "  - events: [{id: e1, type: sync, tag: f, lastChance: false, at: 0}]\n",
        "  - settle: {event: e1, outcome: reject}\n",
        "  - ua.shutdown: {}\n",
        "  - clock.advance: 1h\n",
        "  - events: [{type: sync, tag: f, lastChance: false, at: 5m}]\n",
    ));
    assert_eq!(out.status, Status::Fail, "{:?}", out.message);
}

#[test]
fn the_network_set_while_down_is_the_one_the_user_agent_starts_with() {
    let out = run(concat!(
        "  - network: offline\n",
        "  - sync.register: {reg: R1, tag: a}\n",
        "  - ua.shutdown: {}\n",
        "  - network: online\n",
        "  - clock.advance: 2h\n",
        "  - network: offline\n",
        "  - ua.start: {}\n",
        "  - clock.advance: 1h\n",
        "  - events: []\n",
        "  - network: online\n",
        "  - events: [{type: sync, tag: a, lastChance: false, at: 3h}]\n",
    ));
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
}

#[test]
fn a_policy_at_start_applies_from_then_on() {
    let out = run(concat!(
        "  - ua.shutdown: {}\n",
        "  - ua.start: {policy: {oneshot.initial_retry_delay: 600000}}\n",
        "  - sync.register: {reg: R1, tag: f}\n",
        "  - events: [{id: e1, type: sync, tag: f, lastChance: false, at: 0}]\n",
        "  - settle: {event: e1, outcome: reject}\n",
        "  - clock.advance: 9m59s\n",
        "  - events: []\n",
        "  - clock.advance: 1s\n",
        "  - events: [{type: sync, tag: f, lastChance: false, at: 10m}]\n",
    ));
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
}

#[test]
fn steps_that_need_a_running_user_agent_are_errors_while_it_is_down() {
    for step in [
        "  - sync.register: {reg: R1, tag: a}\n",
        "  - client.open: {id: W2, origin: A}\n",
        "  - sw.unregister: {reg: R1}\n",
        "  - ua.shutdown: {}\n",
    ] {
        let out = run(&format!("  - ua.shutdown: {{}}\n{step}"));
        assert_eq!(out.status, Status::Error, "{step}: {:?}", out.message);
        assert!(out.message.unwrap_or_default().contains("while the user agent is shut down"), "{step}");
    }
    let out = run("  - ua.start: {}\n");
    assert_eq!(out.status, Status::Error, "{:?}", out.message);
    assert!(out.message.unwrap_or_default().contains("no `ua.shutdown` before it"));
}

#[test]
fn bad_arguments_are_refused_with_their_line() {
    assert!(parse_error("  - ua.shutdown: {downtime: 1h}\n").contains("downtime"));
    assert!(parse_error("  - ua.start: {policy: {oneshot.no_such_knob: 1}}\n").contains("no_such_knob"));
    assert!(parse_error("  - ua.start: {downtime: 1h}\n").contains("downtime"));
}
