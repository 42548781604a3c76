//! Every user-agent knob, grouped by section, with the two built-in profiles.
//!
//! `PolicyConfig::chromium()` reproduces Chromium 156's parameters and quirks;
//! `PolicyConfig::spec()` follows the specs wherever they decide and uses
//! Chromium's numbers where they leave a number open. Loading from TOML or
//! JSON (a profile name plus overrides) lives in [`crate::load`].

use crate::decision::{CheckOrder, PeriodicReregisterWhileFiring, RevocationAction, TagOrder, WaitingReregister};
use crate::facts::{Engagement, FrameType, PermissionState};
use crate::time::Millis;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A built-in profile.
///
/// The default is [`Profile::Chromium`]; see its documentation for why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// Chromium 156's parameters and quirks.
    ///
    /// This is the default profile because Chromium is the only engine that
    /// ships both APIs: every site that uses them was written and tested
    /// against its behaviour (sorted `getTags()`, the 10240-byte tag cap, the
    /// 5 min / 15 min back-off, snapped periodic intervals), and its numbers
    /// were checked against a running Chromium 156. Where the specs decide
    /// differently, the difference is a named knob, and [`Profile::Spec`]
    /// selects the specs' side of every one of them.
    #[default]
    Chromium,
    /// The specs' behaviour wherever they decide; Chromium's numbers elsewhere.
    Spec,
}

impl Profile {
    /// The profile's name as written in config files.
    pub fn name(self) -> &'static str {
        match self {
            Profile::Chromium => "chromium",
            Profile::Spec => "spec",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Profile {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "chromium" => Ok(Profile::Chromium),
            "spec" => Ok(Profile::Spec),
            other => Err(format!("unknown profile {other:?}: expected \"chromium\" or \"spec\"")),
        }
    }
}

/// The complete policy configuration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    /// The profile these values started from (informational once loaded).
    pub profile: Profile,
    /// May this context register.
    pub register: RegisterConfig,
    /// One-off sync: retries, time limits, fire conditions.
    pub oneshot: OneShotConfig,
    /// Periodic sync: intervals, engagement, failures, fire conditions.
    pub periodic: PeriodicConfig,
    /// Limits shared by both kinds.
    pub limits: LimitsConfig,
}

/// Registration gating and `getTags()` order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterConfig {
    /// Client frame types that count as "a window" for the register-time check
    /// (spec register step 5: top-level and auxiliary).
    pub window_frames: Vec<FrameType>,
    /// Longest accepted tag in UTF-8 bytes (Chromium: 10240; spec: no cap).
    /// Written as a number or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub tag_max_length: Option<usize>,
    /// Most registrations (both kinds, all workers) one origin may hold
    /// (Chromium and spec: no cap; both profiles: 1000). Written as a number or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub max_registrations_per_origin: Option<usize>,
    /// Most UTF-8 bytes of tags (both kinds, all workers) one origin may hold:
    /// what one origin can make the engine keep in memory and on disk (neither
    /// spec nor Chromium has a budget; both profiles: 4 MiB). Written as a
    /// number or `"none"`.
    #[serde(with = "crate::optional::none_word", default = "default_max_tag_bytes")]
    pub max_tag_bytes_per_origin: Option<usize>,
    /// Order of the permission / window / tag-length checks.
    pub check_order: CheckOrder,
    /// Order of `getTags()` results.
    pub tag_order: TagOrder,
    /// What an unset `background-sync` permission means.
    pub background_sync_default: PermissionState,
    /// What an unset `periodic-background-sync` permission means.
    pub periodic_sync_default: PermissionState,
    /// Periodic `register()` needs the permission `granted` (spec, register
    /// step 3); otherwise only `denied` refuses it (Chromium's manager checks
    /// both kinds' permission the same way: only DENIED is refused).
    #[serde(default = "default_true")]
    pub periodic_requires_granted: bool,
}

fn default_true() -> bool {
    true
}

fn default_max_tag_bytes() -> Option<usize> {
    Some(DEFAULT_MAX_TAG_BYTES_PER_ORIGIN)
}

/// Conditions under which a due registration is held back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FireConditions {
    /// Hold back on a metered network.
    pub require_unmetered: bool,
    /// Hold back while battery saver is on.
    pub defer_on_battery_saver: bool,
    /// Hold back while the battery is below this percentage (and not
    /// charging). Written as a number 0..=100 or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub min_battery_percent: Option<u8>,
    /// Hold back unless the device is charging.
    pub require_charging: bool,
}

/// One-off sync knobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneShotConfig {
    /// Attempts before a failing registration is dropped (Chromium: 3).
    pub max_attempts: u32,
    /// Attempts when the origin has notification permission (Chromium: 3).
    pub max_attempts_with_notification_permission: u32,
    /// Delay after the first failure (Chromium: 5 min).
    pub initial_retry_delay: Millis,
    /// Multiplier per further failure (Chromium: 3).
    pub retry_delay_factor: u32,
    /// Time limit of a `sync` event (Chromium: 3 min).
    pub max_event_duration: Millis,
    /// Shorter limit for a `lastChance` event, if any (spec: MAY be much
    /// shorter). Written as a duration or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub last_chance_max_event_duration: Option<Millis>,
    /// What a timed-out event counts as.
    pub timeout_counts_as: TimeoutCountsAs,
    /// What `register()` does to a registration waiting for a retry.
    pub reregister_while_waiting: WaitingReregister,
    /// Fire registrations made before the permission was denied (Chromium: yes).
    pub fire_while_permission_denied: bool,
    /// Conditions that hold one-off events back.
    #[serde(default)]
    pub conditions: FireConditions,
}

/// What a timed-out event counts as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TimeoutCountsAs {
    /// An ordinary failure: retried under the back-off rules.
    Failure,
    /// A final failure: the one-off registration is dropped at once.
    FinalFailure,
}

/// How periodic sync treats a failed event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PeriodicFailureMode {
    /// The spec's loop read as intended: up to `max_retries` retries after
    /// `retry_backoff`, then back to pending anchored at now.
    SpecIntended,
    /// The spec's loop read literally (`retryCount > max` is tested before
    /// incrementing, so `max_retries + 1` retries).
    SpecLiteral,
    /// Chromium: the one-off back-off (`oneshot` delays) up to
    /// `oneshot.max_attempts`, then the attempt count resets and the normal
    /// periodic delay applies.
    Chromium,
}

/// Engagement multipliers for the periodic interval (`None` = suspend,
/// written `"suspend"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementMultipliers {
    /// Engagement "none" (Chromium: suspended).
    #[serde(with = "crate::optional::suspend_word")]
    pub none: Option<u32>,
    /// Minimal engagement (Chromium: ×3).
    #[serde(with = "crate::optional::suspend_word")]
    pub minimal: Option<u32>,
    /// Low engagement (Chromium: ×2).
    #[serde(with = "crate::optional::suspend_word")]
    pub low: Option<u32>,
    /// Medium engagement (Chromium: ×2).
    #[serde(with = "crate::optional::suspend_word")]
    pub medium: Option<u32>,
    /// High engagement (Chromium: ×1).
    #[serde(with = "crate::optional::suspend_word")]
    pub high: Option<u32>,
    /// Maximal engagement (Chromium: ×1).
    #[serde(with = "crate::optional::suspend_word")]
    pub max: Option<u32>,
}

impl EngagementMultipliers {
    /// Chromium's penalties (`BackgroundSyncDelegateImpl`).
    pub fn chromium() -> Self {
        EngagementMultipliers {
            none: None,
            minimal: Some(3),
            low: Some(2),
            medium: Some(2),
            high: Some(1),
            max: Some(1),
        }
    }

    /// The multiplier for `level`, or `None` for "suspend".
    pub fn for_level(&self, level: Engagement) -> Option<u32> {
        match level {
            Engagement::None => self.none,
            Engagement::Minimal => self.minimal,
            Engagement::Low => self.low,
            Engagement::Medium => self.medium,
            Engagement::High => self.high,
            Engagement::Max => self.max,
        }
    }
}

/// Periodic sync knobs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodicConfig {
    /// The UA minimum interval for any origin (spec default and Chromium: 12 h).
    pub min_interval: Millis,
    /// Minimum time between two periodic rounds across all origins (spec: 12 h;
    /// Chromium applies it only to OS wake-ups, so 0 in-process).
    pub min_interval_across_origins: Millis,
    /// Wait `min_interval_across_origins` after the UA starts before the first
    /// round (spec: the scheduler loop's step 1; Chromium: no).
    pub wait_after_start: bool,
    /// Minimum time between two periodic events of one origin that are not in
    /// the same round (Chromium and spec: 12 h).
    pub origin_gap: Millis,
    /// Multiply `origin_gap` by the origin's engagement multiplier (spec: the
    /// gap is the origin's *effective* minimum sync interval, process step
    /// 1.3.3.2; Chromium: the gap is never penalised).
    #[serde(default)]
    pub origin_gap_scales_with_engagement: bool,
    /// Round `minInterval` up to a multiple of the effective interval (Chromium: yes).
    pub snap_to_multiple: bool,
    /// Schedule each new cycle against the origin's other scheduled periodic
    /// events (Chromium's `GetNextEventDelay` gap rule: batch with an event
    /// that comes soon after, or keep a full gap from it); the spec only gates
    /// at fire time.
    #[serde(default)]
    pub batch_with_origin_events: bool,
    /// Engagement multipliers for the effective interval.
    pub engagement: EngagementMultipliers,
    /// How a failed event is handled.
    pub failure: PeriodicFailureMode,
    /// Retries per cycle under the spec modes (spec default: 0).
    pub max_retries: u32,
    /// Back-off before a spec-mode retry (spec: "a small back-off time";
    /// both profiles: 5 min, Chromium's first retry delay).
    pub retry_backoff: Millis,
    /// Time limit of a `periodicsync` event (Chromium: 3 min).
    pub max_event_duration: Millis,
    /// A re-register with the same `minInterval` while firing.
    pub reregister_while_firing: PeriodicReregisterWhileFiring,
    /// What a revoked `periodic-background-sync` permission does.
    pub on_permission_revoked: RevocationAction,
    /// Blocking the one-off `background-sync` permission of an origin removes
    /// its periodic registrations and makes its periodic permission read
    /// `denied` (Chromium: the periodic permission context follows the
    /// `BACKGROUND_SYNC` content setting, and the controller's content-settings
    /// observer unregisters the origin's periodic syncs; spec: the two
    /// permissions are independent).
    #[serde(default)]
    pub removed_when_background_sync_blocked: bool,
    /// When engagement returns to an origin whose periodic registrations were
    /// suspended (engagement "none"), their next cycle counts from that moment
    /// (Chromium's `RevivePeriodicSyncRegistrations` recomputes the delay from
    /// now); otherwise from their anchor time, as the spec's fire-time gate reads.
    #[serde(default)]
    pub revival_restarts_cycle: bool,
    /// A re-register with a different `minInterval` starts the next cycle from
    /// the re-register time (Chromium replaces the registration and computes a
    /// new delay from now); otherwise the anchor time stays (spec register step 9.1
    /// only updates the minimum interval).
    #[serde(default)]
    pub reregister_restarts_cycle: bool,
    /// Conditions that hold periodic events back.
    #[serde(default)]
    pub conditions: FireConditions,
}

/// Concurrency limits and dispatch order shared by both kinds.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LimitsConfig {
    /// Order in which registrations that come due at the same instant are
    /// dispatched: `sorted` by (service worker registration, tag, kind), as
    /// Chromium iterates its registration map; `insertion` in registration
    /// order (the specs leave it open).
    pub same_instant_order: TagOrder,
    /// Most events in flight per origin (Chromium: no limit). Written as a number or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub max_concurrent_per_origin: Option<u32>,
    /// Most events in flight in total (Chromium: no limit). Written as a number or `"none"`.
    #[serde(with = "crate::optional::none_word")]
    pub max_concurrent_total: Option<u32>,
}

/// The per-origin registration cap of both built-in profiles: far above any
/// legitimate use (sites register a handful of tags) and small enough that a
/// hostile origin's registrations stay bounded (about 10 MiB of tags at most).
pub const DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN: usize = 1000;

/// The per-origin tag-byte budget of both built-in profiles (4 MiB): hundreds
/// of times what real sites use (a few short tags), and a bound on what one
/// origin can make the engine hold even where tags are not capped in length
/// (the spec profile accepts tags of any length).
pub const DEFAULT_MAX_TAG_BYTES_PER_ORIGIN: usize = 4 * 1024 * 1024;

/// Chromium's `kMaxTagLength`.
pub const CHROMIUM_MAX_TAG_LENGTH: usize = 10240;

impl PolicyConfig {
    /// The configuration of a built-in profile.
    pub fn for_profile(profile: Profile) -> PolicyConfig {
        match profile {
            Profile::Chromium => PolicyConfig::chromium(),
            Profile::Spec => PolicyConfig::spec(),
        }
    }

    /// Chromium 156's parameters and quirks.
    pub fn chromium() -> PolicyConfig {
        PolicyConfig {
            profile: Profile::Chromium,
            register: RegisterConfig {
                window_frames: vec![FrameType::TopLevel, FrameType::Auxiliary],
                tag_max_length: Some(CHROMIUM_MAX_TAG_LENGTH),
                max_registrations_per_origin: Some(DEFAULT_MAX_REGISTRATIONS_PER_ORIGIN),
                max_tag_bytes_per_origin: Some(DEFAULT_MAX_TAG_BYTES_PER_ORIGIN),
                check_order: CheckOrder::Chromium,
                tag_order: TagOrder::Sorted,
                background_sync_default: PermissionState::Granted,
                periodic_sync_default: PermissionState::Denied,
                periodic_requires_granted: false,
            },
            oneshot: OneShotConfig {
                max_attempts: 3,
                max_attempts_with_notification_permission: 3,
                initial_retry_delay: Millis::from_mins(5),
                retry_delay_factor: 3,
                max_event_duration: Millis::from_mins(3),
                last_chance_max_event_duration: None,
                timeout_counts_as: TimeoutCountsAs::Failure,
                reregister_while_waiting: WaitingReregister::Chromium,
                fire_while_permission_denied: true,
                conditions: FireConditions::default(),
            },
            periodic: PeriodicConfig {
                min_interval: Millis::from_hours(12),
                min_interval_across_origins: Millis::ZERO,
                wait_after_start: false,
                origin_gap: Millis::from_hours(12),
                origin_gap_scales_with_engagement: false,
                snap_to_multiple: true,
                batch_with_origin_events: true,
                engagement: EngagementMultipliers::chromium(),
                failure: PeriodicFailureMode::Chromium,
                max_retries: 0,
                retry_backoff: Millis::from_mins(5),
                max_event_duration: Millis::from_mins(3),
                reregister_while_firing: PeriodicReregisterWhileFiring::FireAgain,
                on_permission_revoked: RevocationAction::Keep,
                removed_when_background_sync_blocked: true,
                revival_restarts_cycle: true,
                reregister_restarts_cycle: true,
                conditions: FireConditions::default(),
            },
            limits: LimitsConfig { same_instant_order: TagOrder::Sorted, ..LimitsConfig::default() },
        }
    }

    /// Spec behaviour wherever the specs decide; Chromium's numbers elsewhere.
    pub fn spec() -> PolicyConfig {
        let chromium = PolicyConfig::chromium();
        PolicyConfig {
            profile: Profile::Spec,
            register: RegisterConfig {
                tag_max_length: None,
                check_order: CheckOrder::Spec,
                tag_order: TagOrder::Insertion,
                periodic_sync_default: PermissionState::Prompt,
                periodic_requires_granted: true,
                ..chromium.register
            },
            oneshot: OneShotConfig {
                reregister_while_waiting: WaitingReregister::Spec,
                fire_while_permission_denied: false,
                ..chromium.oneshot
            },
            periodic: PeriodicConfig {
                min_interval_across_origins: Millis::from_hours(12),
                wait_after_start: true,
                origin_gap_scales_with_engagement: true,
                snap_to_multiple: false,
                batch_with_origin_events: false,
                on_permission_revoked: RevocationAction::Remove,
                removed_when_background_sync_blocked: false,
                revival_restarts_cycle: false,
                reregister_restarts_cycle: false,
                failure: PeriodicFailureMode::SpecIntended,
                reregister_while_firing: PeriodicReregisterWhileFiring::Spec,
                ..chromium.periodic
            },
            limits: LimitsConfig { same_instant_order: TagOrder::Insertion, ..chromium.limits },
        }
    }
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig::for_profile(Profile::default())
    }
}
