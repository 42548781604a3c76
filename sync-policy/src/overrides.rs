//! The shape of a configuration document: a profile name plus overrides.
//!
//! Each section mirrors its [`PolicyConfig`] section with every field
//! optional and unknown keys rejected, so that the TOML and JSON parsers
//! report bad keys and bad values with their positions. A key left out keeps
//! the profile's value; sub-tables (`oneshot.conditions`, `periodic.engagement`)
//! merge key by key too.

use crate::config::{
    EngagementMultipliers, FireConditions, LimitsConfig, OneShotConfig, PeriodicConfig, PeriodicFailureMode,
    PolicyConfig, Profile, RegisterConfig, TimeoutCountsAs,
};
use crate::decision::{CheckOrder, PeriodicReregisterWhileFiring, RevocationAction, TagOrder, WaitingReregister};
use crate::facts::{FrameType, PermissionState};
use crate::optional::Set;
use crate::time::Millis;
use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::marker::PhantomData;

/// Copies every written field of `$src` over the same field of `$dst`.
macro_rules! apply_fields {
    ($src:expr => $dst:expr; $($field:ident),* $(,)?) => {
        $( if let Some(v) = $src.$field.0 { $dst.$field = v; } )*
    };
}

/// A section that must be written as a table (an object in JSON): serde's
/// derived structs would also accept a positional array, which would let
/// values in without their keys.
#[derive(Debug, Default)]
pub(crate) struct Table<T>(pub(crate) T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Table<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TableVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for TableVisitor<T> {
            type Value = Table<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a table of keys")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map)).map(Table)
            }
        }
        deserializer.deserialize_map(TableVisitor(PhantomData))
    }
}

/// A whole document.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub(crate) struct Document {
    pub(crate) profile: Set<Profile>,
    register: Set<Table<RegisterOverrides>>,
    oneshot: Set<Table<OneShotOverrides>>,
    periodic: Set<Table<PeriodicOverrides>>,
    limits: Set<Table<LimitsOverrides>>,
}

impl Document {
    /// The profile's configuration with every written key applied.
    pub(crate) fn resolve(self) -> PolicyConfig {
        let mut config = PolicyConfig::for_profile(self.profile.0.unwrap_or_default());
        if let Some(Table(o)) = self.register.0 {
            o.apply(&mut config.register);
        }
        if let Some(Table(o)) = self.oneshot.0 {
            o.apply(&mut config.oneshot);
        }
        if let Some(Table(o)) = self.periodic.0 {
            o.apply(&mut config.periodic);
        }
        if let Some(Table(o)) = self.limits.0 {
            o.apply(&mut config.limits);
        }
        config
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct RegisterOverrides {
    window_frames: Set<Vec<FrameType>>,
    #[serde(deserialize_with = "Set::none_word")]
    tag_max_length: Set<Option<usize>>,
    #[serde(deserialize_with = "Set::none_word")]
    max_registrations_per_origin: Set<Option<usize>>,
    #[serde(deserialize_with = "Set::none_word")]
    max_tag_bytes_per_origin: Set<Option<usize>>,
    check_order: Set<CheckOrder>,
    tag_order: Set<TagOrder>,
    background_sync_default: Set<PermissionState>,
    periodic_sync_default: Set<PermissionState>,
    periodic_requires_granted: Set<bool>,
}

impl RegisterOverrides {
    fn apply(self, dst: &mut RegisterConfig) {
        apply_fields!(self => dst; window_frames, tag_max_length, max_registrations_per_origin, max_tag_bytes_per_origin,
            check_order,
            tag_order, background_sync_default, periodic_sync_default, periodic_requires_granted);
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ConditionsOverrides {
    require_unmetered: Set<bool>,
    defer_on_battery_saver: Set<bool>,
    #[serde(deserialize_with = "Set::none_word")]
    min_battery_percent: Set<Option<u8>>,
    require_charging: Set<bool>,
}

impl ConditionsOverrides {
    fn apply(self, dst: &mut FireConditions) {
        apply_fields!(self => dst; require_unmetered, defer_on_battery_saver, min_battery_percent, require_charging);
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct OneShotOverrides {
    max_attempts: Set<u32>,
    max_attempts_with_notification_permission: Set<u32>,
    initial_retry_delay: Set<Millis>,
    retry_delay_factor: Set<u32>,
    max_event_duration: Set<Millis>,
    #[serde(deserialize_with = "Set::none_word")]
    last_chance_max_event_duration: Set<Option<Millis>>,
    timeout_counts_as: Set<TimeoutCountsAs>,
    reregister_while_waiting: Set<WaitingReregister>,
    fire_while_permission_denied: Set<bool>,
    conditions: Set<Table<ConditionsOverrides>>,
}

impl OneShotOverrides {
    fn apply(self, dst: &mut OneShotConfig) {
        apply_fields!(self => dst; max_attempts, max_attempts_with_notification_permission, initial_retry_delay,
            retry_delay_factor, max_event_duration, last_chance_max_event_duration, timeout_counts_as,
            reregister_while_waiting, fire_while_permission_denied);
        if let Some(Table(c)) = self.conditions.0 {
            c.apply(&mut dst.conditions);
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct EngagementOverrides {
    #[serde(deserialize_with = "Set::suspend_word")]
    none: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::suspend_word")]
    minimal: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::suspend_word")]
    low: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::suspend_word")]
    medium: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::suspend_word")]
    high: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::suspend_word")]
    max: Set<Option<u32>>,
}

impl EngagementOverrides {
    fn apply(self, dst: &mut EngagementMultipliers) {
        apply_fields!(self => dst; none, minimal, low, medium, high, max);
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct PeriodicOverrides {
    min_interval: Set<Millis>,
    min_interval_across_origins: Set<Millis>,
    wait_after_start: Set<bool>,
    origin_gap: Set<Millis>,
    origin_gap_scales_with_engagement: Set<bool>,
    snap_to_multiple: Set<bool>,
    batch_with_origin_events: Set<bool>,
    engagement: Set<Table<EngagementOverrides>>,
    failure: Set<PeriodicFailureMode>,
    max_retries: Set<u32>,
    retry_backoff: Set<Millis>,
    max_event_duration: Set<Millis>,
    reregister_while_firing: Set<PeriodicReregisterWhileFiring>,
    on_permission_revoked: Set<RevocationAction>,
    removed_when_background_sync_blocked: Set<bool>,
    revival_restarts_cycle: Set<bool>,
    reregister_restarts_cycle: Set<bool>,
    conditions: Set<Table<ConditionsOverrides>>,
}

impl PeriodicOverrides {
    fn apply(self, dst: &mut PeriodicConfig) {
        apply_fields!(self => dst; min_interval, min_interval_across_origins, wait_after_start, origin_gap,
            origin_gap_scales_with_engagement, snap_to_multiple, batch_with_origin_events, failure, max_retries, retry_backoff,
            max_event_duration, reregister_while_firing, on_permission_revoked, removed_when_background_sync_blocked,
            revival_restarts_cycle, reregister_restarts_cycle);
        if let Some(Table(e)) = self.engagement.0 {
            e.apply(&mut dst.engagement);
        }
        if let Some(Table(c)) = self.conditions.0 {
            c.apply(&mut dst.conditions);
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct LimitsOverrides {
    same_instant_order: Set<TagOrder>,
    #[serde(deserialize_with = "Set::none_word")]
    max_concurrent_per_origin: Set<Option<u32>>,
    #[serde(deserialize_with = "Set::none_word")]
    max_concurrent_total: Set<Option<u32>>,
}

impl LimitsOverrides {
    fn apply(self, dst: &mut LimitsConfig) {
        apply_fields!(self => dst; same_instant_order, max_concurrent_per_origin, max_concurrent_total);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field of every section must be overridable: a full serialized
    /// configuration read back as a document reproduces it, whichever profile
    /// it is laid over.
    #[test]
    fn every_field_has_an_override() {
        for (config, base) in [(PolicyConfig::spec(), Profile::Chromium), (PolicyConfig::chromium(), Profile::Spec)] {
            let mut value = serde_json::to_value(&config).unwrap();
            value["profile"] = serde_json::to_value(base).unwrap();
            let Table(doc): Table<Document> = serde_json::from_value(value).unwrap();
            let mut resolved = doc.resolve();
            resolved.profile = config.profile;
            assert_eq!(resolved, config);
        }
    }
}
