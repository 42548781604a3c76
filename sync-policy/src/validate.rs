//! Semantic checks on a parsed [`PolicyConfig`]: values that read fine but
//! that the policy cannot use.

use crate::config::{FireConditions, PolicyConfig};
use crate::error::ConfigError;
use crate::facts::PermissionState;
use crate::time::Millis;

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The dotted keys involved, the one to blame first (an error points at
    /// the first of them that the document writes).
    pub keys: Vec<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl Violation {
    fn new(key: &'static str, message: impl Into<String>) -> Violation {
        Violation { keys: vec![key], message: message.into() }
    }

    /// The violation as an error with no position (for configurations built in code).
    pub fn into_error(self) -> ConfigError {
        ConfigError::Invalid { key: self.keys[0].to_string(), position: None, message: self.message }
    }
}

fn at_least_one(key: &'static str, value: u32) -> Option<Violation> {
    (value == 0).then(|| Violation::new(key, "must be at least 1"))
}

fn positive(key: &'static str, value: Millis) -> Option<Violation> {
    (value == Millis::ZERO).then(|| Violation::new(key, "must be longer than 0"))
}

fn cap(key: &'static str, is_zero: bool) -> Option<Violation> {
    is_zero.then(|| Violation::new(key, "must be at least 1 (write \"none\" for no limit)"))
}

fn permission_default(key: &'static str, value: PermissionState) -> Option<Violation> {
    (value == PermissionState::Unset).then(|| Violation::new(key, "must be \"granted\", \"denied\" or \"prompt\""))
}

fn battery(key: &'static str, conditions: &FireConditions) -> Option<Violation> {
    conditions
        .min_battery_percent
        .filter(|p| *p > 100)
        .map(|p| Violation::new(key, format!("{p} is not a percentage (0 to 100, or \"none\")")))
}

/// Every check, in document order; the first failure of each is listed.
pub fn violations(config: &PolicyConfig) -> Vec<Violation> {
    let r = &config.register;
    let o = &config.oneshot;
    let p = &config.periodic;
    let l = &config.limits;
    let e = &p.engagement;
    let mut out: Vec<Option<Violation>> = vec![
        r.window_frames
            .is_empty()
            .then(|| Violation::new("register.window_frames", "must name at least one frame type")),
        cap("register.max_registrations_per_origin", r.max_registrations_per_origin == Some(0)),
        cap("register.max_tag_bytes_per_origin", r.max_tag_bytes_per_origin == Some(0)),
        permission_default("register.background_sync_default", r.background_sync_default),
        permission_default("register.periodic_sync_default", r.periodic_sync_default),
        at_least_one("oneshot.max_attempts", o.max_attempts),
        at_least_one("oneshot.max_attempts_with_notification_permission", o.max_attempts_with_notification_permission),
        at_least_one("oneshot.retry_delay_factor", o.retry_delay_factor),
        positive("oneshot.max_event_duration", o.max_event_duration),
        o.last_chance_max_event_duration.and_then(|d| positive("oneshot.last_chance_max_event_duration", d)),
        o.last_chance_max_event_duration.filter(|d| *d > o.max_event_duration).map(|_| Violation {
            keys: vec!["oneshot.last_chance_max_event_duration", "oneshot.max_event_duration"],
            message: "must not be longer than oneshot.max_event_duration (spec: a last-chance limit MAY be shorter)"
                .into(),
        }),
        battery("oneshot.conditions.min_battery_percent", &o.conditions),
        positive("periodic.min_interval", p.min_interval),
        (p.min_interval_across_origins != Millis::ZERO && p.min_interval_across_origins < p.min_interval).then(|| {
            Violation {
                keys: vec!["periodic.min_interval_across_origins", "periodic.min_interval"],
                message: format!(
                    "periodic.min_interval_across_origins ({}) must be 0 (not applied) or at least \
                     periodic.min_interval ({}) (spec: Constants)",
                    p.min_interval_across_origins, p.min_interval
                ),
            }
        }),
        positive("periodic.max_event_duration", p.max_event_duration),
        battery("periodic.conditions.min_battery_percent", &p.conditions),
        cap("limits.max_concurrent_per_origin", l.max_concurrent_per_origin == Some(0)),
        cap("limits.max_concurrent_total", l.max_concurrent_total == Some(0)),
    ];
    for (key, value) in [
        ("periodic.engagement.none", e.none),
        ("periodic.engagement.minimal", e.minimal),
        ("periodic.engagement.low", e.low),
        ("periodic.engagement.medium", e.medium),
        ("periodic.engagement.high", e.high),
        ("periodic.engagement.max", e.max),
    ] {
        out.push((value == Some(0)).then(|| Violation::new(key, "must be at least 1 (write \"suspend\" to suspend)")));
    }
    out.into_iter().flatten().collect()
}

/// Rejects values that parse but make no sense; the error has no position
/// (the loader adds one when the key is written in a document).
pub fn validate(config: &PolicyConfig) -> Result<(), ConfigError> {
    match violations(config).into_iter().next() {
        Some(v) => Err(v.into_error()),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_profiles_are_valid() {
        assert_eq!(violations(&PolicyConfig::chromium()), []);
        assert_eq!(violations(&PolicyConfig::spec()), []);
    }

    #[test]
    fn every_check_fires() {
        let mut c = PolicyConfig::chromium();
        c.register.window_frames.clear();
        c.register.max_registrations_per_origin = Some(0);
        c.register.background_sync_default = PermissionState::Unset;
        c.register.periodic_sync_default = PermissionState::Unset;
        c.oneshot.max_attempts = 0;
        c.oneshot.max_attempts_with_notification_permission = 0;
        c.oneshot.retry_delay_factor = 0;
        c.oneshot.max_event_duration = Millis::ZERO;
        c.oneshot.conditions.min_battery_percent = Some(101);
        c.periodic.min_interval = Millis::ZERO;
        c.periodic.max_event_duration = Millis::ZERO;
        c.periodic.conditions.min_battery_percent = Some(200);
        c.periodic.engagement.low = Some(0);
        c.limits.max_concurrent_per_origin = Some(0);
        c.limits.max_concurrent_total = Some(0);
        assert_eq!(violations(&c).len(), 15);
        let mut c = PolicyConfig::spec();
        c.oneshot.last_chance_max_event_duration = Some(Millis::from_mins(4));
        c.periodic.min_interval_across_origins = Millis::from_hours(1);
        let keys: Vec<_> = violations(&c).into_iter().map(|v| v.keys[0]).collect();
        assert_eq!(keys, ["oneshot.last_chance_max_event_duration", "periodic.min_interval_across_origins"]);
    }
}
