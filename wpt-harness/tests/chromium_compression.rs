//! The Chromium target's time compression: which scale a subtest gets, the
//! field-trial flags it implies, how Chromium's delays read back, and which
//! policies no field trial can reproduce. One test drives a real Chromium
//! (skipped when it is not installed) to check that a compressed retry
//! delay reads back as the policy's virtual delay.

mod chromium_common;

use std::path::Path;
use sync_policy::{Millis, PolicyConfig};
use wpt_harness::runner::{Status, run_subtest};
use wpt_harness::scenario::load_str;
use wpt_harness::targets::chromium::compression::{Compression, Needs, unmappable_knobs};
use wpt_harness::targets::chromium::records::RawRecord;

#[test]
fn retries_alone_compress_five_minutes_to_one_second() {
    let c = Compression::plan(&PolicyConfig::chromium(), Needs { retries: true, ..Needs::default() }).unwrap();
    assert_eq!(c.scale, 300);
    assert!(c.retry_mapped);
    let flags = c.flags().join(" ");
    assert!(flags.contains("initial_retry_delay_sec/1/"), "{flags}");
    assert!(flags.contains("retry_delay_factor/3"), "{flags}");
    assert!(flags.contains("max_sync_attempts/3"), "{flags}");
}

#[test]
fn time_limits_and_retries_together_need_a_slower_scale() {
    let needs = Needs { retries: true, timeouts: true, ..Needs::default() };
    let c = Compression::plan(&PolicyConfig::chromium(), needs).unwrap();
    assert_eq!(c.scale, 60, "5 min and 3 min are both whole seconds only at 60");
    assert!(c.duration_mapped && c.retry_mapped);
    assert!(c.flags().join(" ").contains("max_sync_event_duration_sec/3/"));
}

#[test]
fn periodic_alone_compresses_twelve_hours_to_four_seconds() {
    let c = Compression::plan(&PolicyConfig::chromium(), Needs { periodic: true, ..Needs::default() }).unwrap();
    assert_eq!(c.scale, 10_800);
    assert!(c.periodic_mapped);
    assert!(!c.retry_mapped, "5 min is not a whole number of seconds at 10800");
    // Chromium computes periodic delays from "now" and logs 3999 for 4000.
    assert_eq!(c.to_virtual(3999), Millis::from_hours(12));
    assert_eq!(c.to_virtual(7999), Millis::from_hours(24));
    assert_eq!(c.min_interval_to_real(46_800_000), 4334);
}

#[test]
fn read_back_rounds_to_the_grain() {
    let c = Compression::at(&PolicyConfig::chromium(), 300);
    assert_eq!(c.grain, Millis(5_000));
    assert_eq!(c.to_virtual(1000), Millis::from_mins(5));
    assert_eq!(c.to_virtual(1003), Millis::from_mins(5), "3 ms of jitter is 0.9 s virtual, below the grain");
    assert_eq!(c.to_virtual(3000), Millis::from_mins(15));
}

#[test]
fn chromium_profile_and_attempt_overrides_map() {
    assert!(unmappable_knobs(&PolicyConfig::chromium()).is_empty());
    let mut p = PolicyConfig::chromium();
    p.oneshot.max_attempts = 5;
    p.oneshot.initial_retry_delay = Millis::from_mins(1);
    assert!(unmappable_knobs(&p).is_empty());
    let flags = Compression::at(&p, 60).flags().join(" ");
    assert!(flags.contains("max_sync_attempts/5/") && flags.contains("initial_retry_delay_sec/1/"), "{flags}");
}

#[test]
fn spec_profile_knobs_are_named() {
    let knobs = unmappable_knobs(&PolicyConfig::spec()).join("\n");
    assert!(knobs.contains("register.tag_order"), "{knobs}");
    assert!(knobs.contains("periodic.snap_to_multiple"), "{knobs}");
    let mut p = PolicyConfig::chromium();
    p.periodic.origin_gap = Millis::from_hours(1);
    assert_eq!(unmappable_knobs(&p), vec!["periodic.origin_gap differs from periodic.min_interval".to_string()]);
}

#[test]
fn records_parse_with_sorted_metadata() {
    let params = serde_json::json!({"backgroundServiceEvent": {
        "timestamp": 1.0, "origin": "http://127.0.0.1:1/", "serviceWorkerRegistrationId": "0",
        "service": "backgroundSync", "eventName": "sync event failed", "instanceId": "f",
        "eventMetadata": [{"key": "Next Attempt Delay (ms)", "value": "1000"},
                          {"key": "Failure Reason", "value": "waitUntil rejected"}],
        "storageKey": "x"}});
    let r = RawRecord::parse(&params).unwrap();
    assert_eq!(r.metadata[0].0, "Failure Reason");
    assert_eq!(r.delay_ms(), Some(1000));
    assert!(r.ends_event() && !r.is_timeout());
    let never = serde_json::json!({"backgroundServiceEvent": {"service": "periodicBackgroundSync",
        "eventName": "Got next event delay", "instanceId": "p", "serviceWorkerRegistrationId": "0",
        "eventMetadata": [{"key": "Next Attempt Delay (ms)", "value": "9209931897753577"}]}});
    assert_eq!(RawRecord::parse(&never).unwrap().delay_ms(), None, "a suspended registration has no timer");
}

#[test]
fn a_compressed_retry_reads_back_as_five_minutes_in_chromium() {
    let _guard = chromium_common::one_browser();
    let Some(mut target) = chromium_common::chromium() else { return };
    let text = "source: extension\nsteps:\n  - sync.register: {reg: R1, tag: f}\n  - events: [{id: e1, type: sync, tag: f, lastChance: false, at: 0}]\n  - settle: {event: e1, outcome: reject}\n  - logs: {contains: [{name: sync event failed, tag: f, metadata: {Failure Reason: waitUntil rejected, Next Attempt Delay (ms): \"300000\"}}]}\n  - clock.advance: 4m55s\n  - events: []\n  - clock.advance: 5s\n  - events: [{type: sync, tag: f, lastChance: false, at: 5m}]\n";
    let scenario = load_str(text, Path::new("x.yaml"), "/x").unwrap();
    target.plan_next(Needs { retries: true, ..Needs::default() });
    let out = run_subtest(&mut target, &scenario, &scenario.subtests[0], &PolicyConfig::chromium());
    assert_eq!(out.status, Status::Pass, "{:?}", out.message);
    assert_eq!(target.compression().scale, 300);
}
