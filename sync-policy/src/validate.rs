//! Semantic checks on a parsed [`PolicyConfig`].

use crate::config::PolicyConfig;
use crate::error::ConfigError;

fn invalid(key: &str, message: &str) -> ConfigError {
    ConfigError::Invalid { key: key.to_string(), message: message.to_string() }
}

/// Rejects values that parse but make no sense.
pub fn validate(config: &PolicyConfig) -> Result<(), ConfigError> {
    if config.oneshot.max_attempts == 0 {
        return Err(invalid("oneshot.max_attempts", "must be at least 1"));
    }
    if config.oneshot.max_attempts_with_notification_permission == 0 {
        return Err(invalid("oneshot.max_attempts_with_notification_permission", "must be at least 1"));
    }
    if config.oneshot.retry_delay_factor == 0 {
        return Err(invalid("oneshot.retry_delay_factor", "must be at least 1"));
    }
    if config.oneshot.max_event_duration.0 == 0 {
        return Err(invalid("oneshot.max_event_duration", "must be longer than 0"));
    }
    if config.periodic.max_event_duration.0 == 0 {
        return Err(invalid("periodic.max_event_duration", "must be longer than 0"));
    }
    if config.register.window_frames.is_empty() {
        return Err(invalid("register.window_frames", "must name at least one frame type"));
    }
    if config.limits.max_concurrent_per_origin == Some(0) {
        return Err(invalid("limits.max_concurrent_per_origin", "must be at least 1 (omit it for no limit)"));
    }
    if config.limits.max_concurrent_total == Some(0) {
        return Err(invalid("limits.max_concurrent_total", "must be at least 1 (omit it for no limit)"));
    }
    if config.periodic.min_interval_across_origins < config.periodic.min_interval
        && config.periodic.min_interval_across_origins.0 != 0
    {
        return Err(invalid(
            "periodic.min_interval_across_origins",
            "must be 0 (not applied) or at least periodic.min_interval (spec: Constants)",
        ));
    }
    Ok(())
}
