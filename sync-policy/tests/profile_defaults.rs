//! Every knob of both built-in profiles, as reviewed against the Chromium
//! sources (`content/browser/background_sync/`), its CDP-observed behaviour
//! (`spec-notes/chromium-differences.md`) and the open choices of the two specs.
//! A knob added to the configuration must be added here too.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use sync_policy::PolicyConfig;

/// Dotted leaf key -> value, as the configuration serializes.
pub fn leaves(value: &Value, prefix: &str, out: &mut BTreeMap<String, Value>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaves(v, &key, out);
            }
        }
        other => {
            out.insert(prefix.to_string(), other.clone());
        }
    }
}

fn flat(config: &PolicyConfig) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    leaves(&serde_json::to_value(config).unwrap(), "", &mut out);
    out
}

/// (key, Chromium profile, spec profile)
fn expected() -> Vec<(&'static str, Value, Value)> {
    let frames = json!(["top-level", "auxiliary"]);
    vec![
        ("profile", json!("chromium"), json!("spec")),
        ("register.window_frames", frames.clone(), frames),
        ("register.tag_max_length", json!(10240), json!("none")),
        ("register.max_registrations_per_origin", json!(1000), json!(1000)),
        ("register.max_tag_bytes_per_origin", json!(4_194_304), json!(4_194_304)),
        ("register.check_order", json!("chromium"), json!("spec")),
        ("register.tag_order", json!("sorted"), json!("insertion")),
        ("register.background_sync_default", json!("granted"), json!("granted")),
        ("register.periodic_sync_default", json!("denied"), json!("prompt")),
        ("register.periodic_requires_granted", json!(false), json!(true)),
        ("oneshot.max_attempts", json!(3), json!(3)),
        ("oneshot.max_attempts_with_notification_permission", json!(3), json!(3)),
        ("oneshot.initial_retry_delay", json!("5m"), json!("5m")),
        ("oneshot.retry_delay_factor", json!(3), json!(3)),
        ("oneshot.max_event_duration", json!("3m"), json!("3m")),
        ("oneshot.last_chance_max_event_duration", json!("none"), json!("none")),
        ("oneshot.timeout_counts_as", json!("failure"), json!("failure")),
        ("oneshot.reregister_while_waiting", json!("chromium"), json!("spec")),
        ("oneshot.fire_while_permission_denied", json!(true), json!(false)),
        ("oneshot.conditions.require_unmetered", json!(false), json!(false)),
        ("oneshot.conditions.defer_on_battery_saver", json!(false), json!(false)),
        ("oneshot.conditions.min_battery_percent", json!("none"), json!("none")),
        ("oneshot.conditions.require_charging", json!(false), json!(false)),
        ("periodic.min_interval", json!("12h"), json!("12h")),
        ("periodic.min_interval_across_origins", json!("0s"), json!("12h")),
        ("periodic.wait_after_start", json!(false), json!(true)),
        ("periodic.origin_gap", json!("12h"), json!("12h")),
        ("periodic.origin_gap_scales_with_engagement", json!(false), json!(true)),
        ("periodic.snap_to_multiple", json!(true), json!(false)),
        ("periodic.batch_with_origin_events", json!(true), json!(false)),
        ("periodic.engagement.none", json!("suspend"), json!("suspend")),
        ("periodic.engagement.minimal", json!(3), json!(3)),
        ("periodic.engagement.low", json!(2), json!(2)),
        ("periodic.engagement.medium", json!(2), json!(2)),
        ("periodic.engagement.high", json!(1), json!(1)),
        ("periodic.engagement.max", json!(1), json!(1)),
        ("periodic.failure", json!("chromium"), json!("spec-intended")),
        ("periodic.max_retries", json!(0), json!(0)),
        ("periodic.retry_backoff", json!("5m"), json!("5m")),
        ("periodic.max_event_duration", json!("3m"), json!("3m")),
        ("periodic.reregister_while_firing", json!("fire-again"), json!("spec")),
        ("periodic.on_permission_revoked", json!("keep"), json!("remove")),
        ("periodic.removed_when_background_sync_blocked", json!(true), json!(false)),
        ("periodic.revival_restarts_cycle", json!(true), json!(false)),
        ("periodic.reregister_restarts_cycle", json!(true), json!(false)),
        ("periodic.conditions.require_unmetered", json!(false), json!(false)),
        ("periodic.conditions.defer_on_battery_saver", json!(false), json!(false)),
        ("periodic.conditions.min_battery_percent", json!("none"), json!("none")),
        ("periodic.conditions.require_charging", json!(false), json!(false)),
        ("limits.same_instant_order", json!("sorted"), json!("insertion")),
        ("limits.max_concurrent_per_origin", json!("none"), json!("none")),
        ("limits.max_concurrent_total", json!("none"), json!("none")),
    ]
}

#[test]
fn every_knob_of_both_profiles() {
    let chromium = flat(&PolicyConfig::chromium());
    let spec = flat(&PolicyConfig::spec());
    let table = expected();
    for (key, c, s) in &table {
        assert_eq!(chromium.get(*key), Some(c), "chromium {key}");
        assert_eq!(spec.get(*key), Some(s), "spec {key}");
    }
    let listed: Vec<&str> = table.iter().map(|(k, _, _)| *k).collect();
    let unlisted: Vec<&String> = chromium.keys().filter(|k| !listed.contains(&k.as_str())).collect();
    assert!(unlisted.is_empty(), "knobs missing from this table: {unlisted:?}");
}

#[test]
fn the_default_is_chromium() {
    assert_eq!(PolicyConfig::default(), PolicyConfig::chromium());
}
