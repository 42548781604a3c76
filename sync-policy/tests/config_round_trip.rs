//! A configuration serialized to TOML or JSON loads back equal.

use sync_policy::config::{PeriodicFailureMode, TimeoutCountsAs};
use sync_policy::{FrameType, Millis, PolicyConfig, Profile};

fn customized() -> PolicyConfig {
    let mut c = PolicyConfig::chromium();
    c.register.window_frames = vec![FrameType::TopLevel, FrameType::Auxiliary, FrameType::Nested];
    c.register.tag_max_length = None;
    c.register.max_registrations_per_origin = Some(7);
    c.oneshot.max_attempts = 5;
    c.oneshot.initial_retry_delay = Millis(5_400_000);
    c.oneshot.last_chance_max_event_duration = Some(Millis(250));
    c.oneshot.timeout_counts_as = TimeoutCountsAs::FinalFailure;
    c.oneshot.conditions.min_battery_percent = Some(15);
    c.oneshot.conditions.require_unmetered = true;
    c.periodic.engagement.minimal = None;
    c.periodic.engagement.none = Some(9);
    c.periodic.failure = PeriodicFailureMode::SpecLiteral;
    c.periodic.conditions.defer_on_battery_saver = true;
    c.limits.max_concurrent_total = Some(4);
    c
}

fn configs() -> Vec<PolicyConfig> {
    vec![PolicyConfig::chromium(), PolicyConfig::spec(), customized()]
}

#[test]
fn toml_round_trip() {
    for config in configs() {
        let text = toml::to_string(&config).unwrap();
        let back = PolicyConfig::from_toml_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, config, "{text}");
    }
}

#[test]
fn json_round_trip() {
    for config in configs() {
        let text = serde_json::to_string_pretty(&config).unwrap();
        let back = PolicyConfig::from_json_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, config, "{text}");
    }
}

#[test]
fn a_full_document_overrides_the_named_profile_entirely() {
    // Written from the spec profile but labelled chromium: every knob still reads back as written.
    let mut spec = PolicyConfig::spec();
    spec.profile = Profile::Chromium;
    let text = toml::to_string(&spec).unwrap();
    assert_eq!(PolicyConfig::from_toml_str(&text).unwrap(), spec);
}

#[test]
fn serialized_form_is_human_readable() {
    let text = toml::to_string(&customized()).unwrap();
    for line in [
        "profile = \"chromium\"",
        "tag_max_length = \"none\"",
        "initial_retry_delay = \"90m\"",
        "max_event_duration = \"3m\"",
        "min_interval = \"12h\"",
        "minimal = \"suspend\"",
        "failure = \"spec-literal\"",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
}
