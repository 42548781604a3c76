//! Bad configuration documents are rejected with an error that names the
//! key and the line and column it is written at.

use sync_policy::{ConfigError, PolicyConfig, Position};

fn toml_err(text: &str) -> ConfigError {
    PolicyConfig::from_toml_str(text).unwrap_err()
}

fn json_err(text: &str) -> ConfigError {
    PolicyConfig::from_json_str(text).unwrap_err()
}

const ONESHOT_KEYS: &str = "expected one of `max_attempts`, `max_attempts_with_notification_permission`, \
    `initial_retry_delay`, `retry_delay_factor`, `max_event_duration`, `last_chance_max_event_duration`, \
    `timeout_counts_as`, `reregister_while_waiting`, `fire_while_permission_denied`, `conditions`";

#[test]
fn unknown_key_with_its_line() {
    let err = toml_err("profile = \"spec\"\n\n[oneshot]\nmax_attempt = 5\n");
    assert_eq!(err.to_string(), format!("unknown key `oneshot.max_attempt` at line 4, column 1: {ONESHOT_KEYS}"));
    assert!(matches!(&err, ConfigError::UnknownKey { key, .. } if key == "oneshot.max_attempt"));
    assert_eq!(err.position(), Some(Position { line: 4, column: 1 }));

    let err = json_err("{\n  \"profile\": \"spec\",\n  \"oneshot\": {\"max_attempt\": 5}\n}");
    assert_eq!(err.to_string(), format!("unknown key `oneshot.max_attempt` at line 3, column 15: {ONESHOT_KEYS}"));
}

#[test]
fn unknown_keys_at_every_level() {
    let top = "expected one of `profile`, `register`, `oneshot`, `periodic`, `limits`";
    for (text, want) in [
        ("bogus = 1\n".to_string(), format!("unknown key `bogus` at line 1, column 1: {top}")),
        ("# c\n[oneshot2]\nx = 1\n".to_string(), format!("unknown key `oneshot2` at line 2, column 2: {top}")),
        (
            "[oneshot.conditions]\nrequire_wifi = true\n".to_string(),
            "unknown key `oneshot.conditions.require_wifi` at line 2, column 1: expected one of `require_unmetered`, \
             `defer_on_battery_saver`, `min_battery_percent`, `require_charging`"
                .to_string(),
        ),
        (
            "[periodic.engagement]\nhuge = 1\n".to_string(),
            "unknown key `periodic.engagement.huge` at line 2, column 1: expected one of `none`, `minimal`, `low`, \
             `medium`, `high`, `max`"
                .to_string(),
        ),
        (
            "[limits]\nmax_concurrent = 1\n".to_string(),
            "unknown key `limits.max_concurrent` at line 2, column 1: expected one of `same_instant_order`, \
             `max_concurrent_per_origin`, `max_concurrent_total`"
                .to_string(),
        ),
    ] {
        assert_eq!(toml_err(&text).to_string(), want, "{text}");
    }
}

#[test]
fn negative_durations() {
    for (text, want) in [
        (
            "[oneshot]\ninitial_retry_delay = \"-5m\"\n",
            "bad value for `oneshot.initial_retry_delay` at line 2, column 1: negative duration \"-5m\": durations \
             must be zero or more",
        ),
        (
            "[periodic]\norigin_gap = -5\n",
            "bad value for `periodic.origin_gap` at line 2, column 1: negative duration -5: durations must be zero \
             or more",
        ),
    ] {
        assert_eq!(toml_err(text).to_string(), want);
    }
    let err = json_err("{\"oneshot\": {\n    \"initial_retry_delay\": \"-5m\"}}");
    assert_eq!(
        err.to_string(),
        "bad value for `oneshot.initial_retry_delay` at line 2, column 5: negative duration \"-5m\": durations must \
         be zero or more"
    );
}

#[test]
fn zero_attempts_and_other_unusable_values() {
    for (text, want) in [
        (
            "[oneshot]\nmax_attempts = 0\n",
            "invalid value for `oneshot.max_attempts` at line 2, column 1: must be at least 1",
        ),
        (
            "[oneshot]\nmax_attempts_with_notification_permission = 0\n",
            "invalid value for `oneshot.max_attempts_with_notification_permission` at line 2, column 1: must be at \
             least 1",
        ),
        (
            "[oneshot]\nmax_event_duration = \"0s\"\n",
            "invalid value for `oneshot.max_event_duration` at line 2, column 1: must be longer than 0",
        ),
        (
            "[periodic]\nmax_event_duration = 0\n",
            "invalid value for `periodic.max_event_duration` at line 2, column 1: must be longer than 0",
        ),
        (
            "[oneshot]\nretry_delay_factor = 0\n",
            "invalid value for `oneshot.retry_delay_factor` at line 2, column 1: must be at least 1",
        ),
        (
            "[periodic.engagement]\nlow = 0\n",
            "invalid value for `periodic.engagement.low` at line 2, column 1: must be at least 1 (write \"suspend\" to \
             suspend)",
        ),
        (
            "[register]\nwindow_frames = []\n",
            "invalid value for `register.window_frames` at line 2, column 1: must name at least one frame type",
        ),
        (
            "[limits]\nmax_concurrent_total = 0\n",
            "invalid value for `limits.max_concurrent_total` at line 2, column 1: must be at least 1 (write \"none\" \
             for no limit)",
        ),
        (
            "[register]\nbackground_sync_default = \"unset\"\n",
            "invalid value for `register.background_sync_default` at line 2, column 1: must be \"granted\", \"denied\" \
             or \"prompt\"",
        ),
        (
            "[oneshot]\nlast_chance_max_event_duration = \"10m\"\n",
            "invalid value for `oneshot.last_chance_max_event_duration` at line 2, column 1: must not be longer than \
             oneshot.max_event_duration (spec: a last-chance limit MAY be shorter)",
        ),
        (
            "[periodic.conditions]\nmin_battery_percent = 101\n",
            "invalid value for `periodic.conditions.min_battery_percent` at line 2, column 1: 101 is not a percentage \
             (0 to 100, or \"none\")",
        ),
    ] {
        assert_eq!(toml_err(text).to_string(), want, "{text}");
    }
    let err = json_err("{\"oneshot\": {\"max_attempts\": 0}}");
    assert_eq!(err.to_string(), "invalid value for `oneshot.max_attempts` at line 1, column 14: must be at least 1");
}

#[test]
fn a_cross_field_rule_points_at_the_written_key() {
    // The spec profile's across-origins interval (12 h) is fine until min_interval is raised past it.
    let err = toml_err("profile = \"spec\"\n[periodic]\nmin_interval = \"24h\"\n");
    assert_eq!(
        err.to_string(),
        "invalid value for `periodic.min_interval` at line 3, column 1: periodic.min_interval_across_origins (12h) \
         must be 0 (not applied) or at least periodic.min_interval (24h) (spec: Constants)"
    );
    // With both written, the first named key is blamed.
    let err =
        toml_err("profile = \"spec\"\n[periodic]\nmin_interval = \"24h\"\nmin_interval_across_origins = \"13h\"\n");
    assert_eq!(err.key(), Some("periodic.min_interval_across_origins"));
    assert_eq!(err.position(), Some(Position { line: 4, column: 1 }));
}

#[test]
fn bad_profile_name() {
    let err = toml_err("profile = \"firefox\"\n");
    assert_eq!(
        err.to_string(),
        "bad value for `profile` at line 1, column 1: unknown variant `firefox`, expected `chromium` or `spec`"
    );
    let err = json_err("{\"profile\": \"Chromium\"}");
    assert_eq!(
        err.to_string(),
        "bad value for `profile` at line 1, column 2: unknown variant `Chromium`, expected `chromium` or `spec`"
    );
}

#[test]
fn wrong_types() {
    for (text, want) in [
        (
            "[oneshot]\nmax_attempts = \"three\"\n",
            "bad value for `oneshot.max_attempts` at line 2, column 1: invalid type: string \"three\", expected u32",
        ),
        (
            "[oneshot]\nmax_attempts = -1\n",
            "bad value for `oneshot.max_attempts` at line 2, column 1: invalid value: integer `-1`, expected u32",
        ),
        (
            "[register]\ntag_max_length = \"lots\"\n",
            "bad value for `register.tag_max_length` at line 2, column 1: invalid type: string \"lots\", expected \
             usize (or \"none\")",
        ),
        (
            "[register]\nwindow_frames = [\"top-level\", \"iframe\"]\n",
            "bad value for `register.window_frames[1]` at line 2, column 31: unknown variant `iframe`, expected one \
             of `top-level`, `auxiliary`, `nested`, `none`",
        ),
        (
            "oneshot = 5\n",
            "bad value for `oneshot` at line 1, column 1: invalid type: integer `5`, expected a table of keys",
        ),
        (
            "oneshot = [5]\n",
            "bad value for `oneshot` at line 1, column 1: invalid type: sequence, expected a table of keys",
        ),
        (
            "[oneshot.conditions]\nmin_battery_percent = 300\n",
            "bad value for `oneshot.conditions.min_battery_percent` at line 2, column 1: invalid value: integer `300`, \
             expected u8",
        ),
    ] {
        assert_eq!(toml_err(text).to_string(), want, "{text}");
    }
    for (text, want) in [
        (
            "{\"oneshot\": {\"max_attempts\": null}}",
            "bad value for `oneshot.max_attempts` at line 1, column 14: invalid type: null, expected u32",
        ),
        (
            "{\"register\": {\"window_frames\": [\"top-level\", 5]}}",
            "bad value for `register.window_frames[1]` at line 1, column 46: this value has the wrong type (the JSON \
             reader said: expected value)",
        ),
        (
            "{\"oneshot\": [5]}",
            "bad value for `oneshot` at line 1, column 2: invalid type: sequence, expected a table of keys",
        ),
        (
            "{\"oneshot\": {\"max_attempts\": 1, \"max_attempts\": 2}}",
            "bad value for `oneshot.max_attempts` at line 1, column 33: duplicate field `max_attempts`",
        ),
    ] {
        assert_eq!(json_err(text).to_string(), want, "{text}");
    }
}

#[test]
fn malformed_documents() {
    for (text, want) in [
        ("[oneshot\n", "malformed document at line 1, column 9: unclosed table, expected `]`"),
        ("[oneshot]\nmax_attempts = 1\nmax_attempts = 2\n", "malformed document at line 3, column 1: duplicate key"),
    ] {
        assert_eq!(toml_err(text).to_string(), want, "{text}");
    }
    for (text, want) in [
        ("{\"oneshot\": {\"max_attempts\": 3,}}", "malformed document at line 1, column 32: trailing comma"),
        ("", "malformed document at line 1, column 1: EOF while parsing a value"),
        ("[1]", "malformed document at line 1, column 1: invalid type: sequence, expected a table of keys"),
    ] {
        assert_eq!(json_err(text).to_string(), want, "{text}");
    }
}
