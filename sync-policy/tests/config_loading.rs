//! Loading a profile plus overrides from TOML, JSON and files.

use std::path::PathBuf;
use sync_policy::config::PeriodicFailureMode;
use sync_policy::{Format, Millis, PolicyConfig, Profile};

#[test]
fn an_empty_document_is_the_default_profile() {
    assert_eq!(PolicyConfig::from_toml_str("").unwrap(), PolicyConfig::chromium());
    assert_eq!(PolicyConfig::from_json_str("{}").unwrap(), PolicyConfig::chromium());
    assert_eq!(PolicyConfig::default(), PolicyConfig::chromium());
    assert_eq!(Profile::default(), Profile::Chromium);
}

#[test]
fn a_profile_name_alone_selects_it() {
    assert_eq!(PolicyConfig::from_toml_str("profile = \"spec\"").unwrap(), PolicyConfig::spec());
    assert_eq!(PolicyConfig::from_json_str(r#"{"profile": "chromium"}"#).unwrap(), PolicyConfig::chromium());
}

#[test]
fn overrides_merge_key_by_key_at_every_level() {
    let text = r#"
profile = "spec"

[oneshot]
max_attempts = 5
initial_retry_delay = "1h30m"

[oneshot.conditions]
require_charging = true

[periodic]
failure = "spec-literal"

[periodic.engagement]
minimal = "suspend"
none = 4
"#;
    let got = PolicyConfig::from_toml_str(text).unwrap();
    let mut want = PolicyConfig::spec();
    want.oneshot.max_attempts = 5;
    want.oneshot.initial_retry_delay = Millis(5_400_000);
    want.oneshot.conditions.require_charging = true;
    want.periodic.failure = PeriodicFailureMode::SpecLiteral;
    want.periodic.engagement.minimal = None;
    want.periodic.engagement.none = Some(4);
    assert_eq!(got, want);
}

#[test]
fn json_overrides_and_null_for_no_cap() {
    let text = r#"{
  "register": {"tag_max_length": null, "max_registrations_per_origin": "none"},
  "oneshot": {"max_event_duration": "250ms", "last_chance_max_event_duration": "100ms"},
  "limits": {"max_concurrent_total": 3}
}"#;
    let got = PolicyConfig::from_json_str(text).unwrap();
    let mut want = PolicyConfig::chromium();
    want.register.tag_max_length = None;
    want.register.max_registrations_per_origin = None;
    want.oneshot.max_event_duration = Millis(250);
    want.oneshot.last_chance_max_event_duration = Some(Millis(100));
    want.limits.max_concurrent_total = Some(3);
    assert_eq!(got, want);
}

#[test]
fn durations_accept_every_unit_and_plain_milliseconds() {
    for (written, ms) in [
        ("\"250ms\"", 250),
        ("\"30s\"", 30_000),
        ("\"5m\"", 300_000),
        ("\"12h\"", 43_200_000),
        ("\"1h30m\"", 5_400_000),
        ("\"2d\"", 172_800_000),
        ("1500", 1500),
    ] {
        let got = PolicyConfig::from_toml_str(&format!("[periodic]\nretry_backoff = {written}\n")).unwrap();
        assert_eq!(got.periodic.retry_backoff, Millis(ms), "{written}");
    }
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sync-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn files_load_by_extension() {
    let toml = temp_file("ok.toml", "profile = \"spec\"\n");
    assert_eq!(PolicyConfig::from_path(&toml).unwrap(), PolicyConfig::spec());
    let json = temp_file("ok.json", "{\"profile\": \"spec\"}");
    assert_eq!(PolicyConfig::from_path(&json).unwrap(), PolicyConfig::spec());
    assert_eq!(Format::of_path(&json), Format::Json);
    assert_eq!(Format::of_path(&PathBuf::from("policy.conf")), Format::Toml);
}

#[test]
fn file_errors_name_the_file() {
    let path = temp_file("bad.toml", "[oneshot]\nmax_attempts = 0\n");
    let err = PolicyConfig::from_path(&path).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("{}: invalid value for `oneshot.max_attempts` at line 2, column 1: must be at least 1", path.display())
    );
    assert_eq!(err.key(), Some("oneshot.max_attempts"));
    assert_eq!(err.position().map(|p| p.line), Some(2));
    let missing = path.with_file_name("missing.toml");
    let err = PolicyConfig::from_path(&missing).unwrap_err();
    assert!(err.to_string().starts_with(&format!("cannot read policy config {}: ", missing.display())), "{err}");
}
