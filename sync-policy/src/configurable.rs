//! [`ConfigurablePolicy`]: the [`Policy`] driven by a [`PolicyConfig`].

use crate::config::{FireConditions, PeriodicFailureMode, PolicyConfig, Profile, TimeoutCountsAs};
use crate::decision::{
    Blocker, CheckOrder, FireFacts, PeriodicFacts, PeriodicFailure, PeriodicReregisterWhileFiring, Refusal,
    RegisterContext, RevocationAction, TagOrder, Verdict, WaitReason, WaitingReregister,
};
use crate::facts::{Engagement, PermissionName, PermissionState, SyncKind};
use crate::policy::Policy;
use crate::time::{Millis, Timestamp};

/// The standard [`Policy`]: every decision read from a [`PolicyConfig`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigurablePolicy {
    config: PolicyConfig,
}

impl ConfigurablePolicy {
    /// A policy with the given configuration.
    pub fn new(config: PolicyConfig) -> Self {
        ConfigurablePolicy { config }
    }

    /// A built-in profile.
    pub fn profile(profile: Profile) -> Self {
        ConfigurablePolicy::new(PolicyConfig::for_profile(profile))
    }

    /// The configuration this policy reads.
    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    fn effective_permission(&self, name: PermissionName, state: PermissionState) -> PermissionState {
        match state {
            PermissionState::Unset => self.default_permission(name),
            other => other,
        }
    }

    fn conditions(&self, kind: SyncKind) -> &FireConditions {
        match kind {
            SyncKind::OneOff => &self.config.oneshot.conditions,
            SyncKind::Periodic => &self.config.periodic.conditions,
        }
    }

    fn permission_check(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        let name = PermissionName::for_kind(ctx.kind);
        let state = self.effective_permission(name, ctx.permission);
        let allowed = match ctx.kind {
            // spec: register, step 3 ("the user has disabled background sync"): only a denial blocks.
            SyncKind::OneOff => state != PermissionState::Denied,
            // spec (periodic): register, step 3: anything but "granted" blocks
            // (Chromium: only a denial, as for one-off).
            SyncKind::Periodic if self.config.register.periodic_requires_granted => state == PermissionState::Granted,
            SyncKind::Periodic => state != PermissionState::Denied,
        };
        if allowed { Ok(()) } else { Err(Refusal::PermissionDenied) }
    }

    fn window_check(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        // spec: register, steps 4-6: a client of a counted frame type makes the call foreground.
        let has_window = self.config.register.window_frames.iter().any(|f| ctx.clients_by_frame[f.index()] > 0);
        if has_window { Ok(()) } else { Err(Refusal::NoWindow) }
    }

    fn tag_check(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        match self.config.register.tag_max_length {
            Some(max) if ctx.tag_len > max => Err(Refusal::TagTooLong),
            _ => Ok(()),
        }
    }

    /// The per-origin limits: a new tag must fit under both the registration
    /// count and the tag-byte budget (a re-registration adds nothing to either).
    fn quota_check(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        if ctx.tag_exists {
            return Ok(());
        }
        let register = &self.config.register;
        if register.max_registrations_per_origin.is_some_and(|max| ctx.origin_registrations >= max) {
            return Err(Refusal::QuotaExceeded);
        }
        if register.max_tag_bytes_per_origin.is_some_and(|max| ctx.origin_tag_bytes.saturating_add(ctx.tag_len) > max) {
            return Err(Refusal::TagBytesExceeded);
        }
        Ok(())
    }

    fn environment_blocker(&self, facts: &FireFacts) -> Option<Blocker> {
        // The spec's "online" (one-off Concepts): a UA MAY use a stricter, per-worker definition.
        if !facts.env.network.online {
            return Some(Blocker::Offline);
        }
        if facts.worker_offline {
            return Some(Blocker::WorkerOffline);
        }
        let cond = self.conditions(facts.kind);
        if cond.require_unmetered && facts.env.network.metered {
            return Some(Blocker::Metered);
        }
        let power = facts.env.power;
        if cond.defer_on_battery_saver && power.battery_saver {
            return Some(Blocker::BatterySaver);
        }
        if cond.require_charging && !power.charging {
            return Some(Blocker::NotCharging);
        }
        if let (Some(min), Some(level)) = (cond.min_battery_percent, power.battery_percent)
            && level < min
            && !power.charging
        {
            return Some(Blocker::LowBattery);
        }
        None
    }

    fn periodic_gate(&self, facts: &FireFacts) -> Option<Verdict> {
        if facts.periodic_retry {
            return None;
        }
        let cfg = &self.config.periodic;
        let now = facts.now;
        let mut until = Timestamp(0);
        let mut why = WaitReason::AcrossOriginsRound;
        // spec (periodic): process periodic sync registrations, step 1.1: wait for the
        // across-origins interval, first after the UA starts, then after each round.
        if cfg.wait_after_start {
            until = until.max(facts.started_at.saturating_add(cfg.min_interval_across_origins));
        }
        if let Some(round) = facts.last_periodic_round
            && round != now
        {
            until = until.max(round.saturating_add(cfg.min_interval_across_origins));
        }
        // spec (periodic): process, step 1.3.3.2: the origin's last event plus its effective
        // interval (Chromium: a fixed gap, not penalised by engagement).
        if let Some(last) = facts.origin_last_periodic {
            let gap = match (cfg.origin_gap_scales_with_engagement, cfg.engagement.for_level(facts.engagement)) {
                (true, Some(multiplier)) => cfg.origin_gap.saturating_mul(u64::from(multiplier)),
                _ => cfg.origin_gap,
            };
            let gap_end = last.saturating_add(gap);
            if last != now && gap_end > until {
                until = gap_end;
                why = WaitReason::OriginGap;
            }
        }
        (until > now).then_some(Verdict::WaitUntil(until, why))
    }
}

impl Default for ConfigurablePolicy {
    fn default() -> Self {
        ConfigurablePolicy::new(PolicyConfig::default())
    }
}

impl Policy for ConfigurablePolicy {
    fn default_permission(&self, name: PermissionName) -> PermissionState {
        match name {
            PermissionName::BackgroundSync => self.config.register.background_sync_default,
            PermissionName::PeriodicBackgroundSync => self.config.register.periodic_sync_default,
            PermissionName::Notifications => PermissionState::Prompt,
        }
    }

    fn check_register(&self, ctx: &RegisterContext) -> Result<(), Refusal> {
        match self.config.register.check_order {
            CheckOrder::Spec => {
                self.permission_check(ctx)?;
                self.window_check(ctx)?;
                self.tag_check(ctx)?;
            }
            CheckOrder::Chromium => {
                self.window_check(ctx)?;
                self.tag_check(ctx)?;
                self.permission_check(ctx)?;
            }
        }
        self.quota_check(ctx)
    }

    fn max_attempts(&self, notifications: PermissionState) -> u32 {
        let cfg = &self.config.oneshot;
        let n = if notifications == PermissionState::Granted {
            cfg.max_attempts_with_notification_permission
        } else {
            cfg.max_attempts
        };
        n.max(1)
    }

    fn retry_delay(&self, failures: u32) -> Millis {
        let cfg = &self.config.oneshot;
        let exp = failures.saturating_sub(1);
        // A factor of 0 (rejected by validation, possible when built by hand) counts as 1,
        // so the delay never shrinks as failures grow.
        let base = u64::from(cfg.retry_delay_factor.max(1));
        let factor = base.checked_pow(exp).unwrap_or(u64::MAX);
        cfg.initial_retry_delay.saturating_mul(factor)
    }

    fn event_time_limit(&self, kind: SyncKind, last_chance: bool) -> Millis {
        match kind {
            SyncKind::OneOff => match (last_chance, self.config.oneshot.last_chance_max_event_duration) {
                (true, Some(limit)) => limit,
                _ => self.config.oneshot.max_event_duration,
            },
            SyncKind::Periodic => self.config.periodic.max_event_duration,
        }
    }

    fn timeout_is_final(&self) -> bool {
        self.config.oneshot.timeout_counts_as == TimeoutCountsAs::FinalFailure
    }

    fn may_fire(&self, facts: &FireFacts) -> Verdict {
        if let Some(blocker) = self.environment_blocker(facts) {
            return Verdict::Blocked(blocker);
        }
        let permission = self.effective_permission(PermissionName::for_kind(facts.kind), facts.permission);
        match facts.kind {
            SyncKind::OneOff => {
                if permission == PermissionState::Denied && !self.config.oneshot.fire_while_permission_denied {
                    return Verdict::Blocked(Blocker::PermissionDenied);
                }
                Verdict::Fire
            }
            SyncKind::Periodic => {
                // spec (periodic): Privacy > Permission: no event while the feature is
                // disabled. Chromium does not re-check at fire time (`keep`).
                let keeps_firing = self.config.periodic.on_permission_revoked == RevocationAction::Keep;
                if permission != PermissionState::Granted && !keeps_firing {
                    return Verdict::Blocked(Blocker::PermissionDenied);
                }
                if self.config.periodic.engagement.for_level(facts.engagement).is_none() {
                    return Verdict::Blocked(Blocker::NoEngagement);
                }
                self.periodic_gate(facts).unwrap_or(Verdict::Fire)
            }
        }
    }

    fn periodic_interval(&self, facts: &PeriodicFacts) -> Option<Millis> {
        let cfg = &self.config.periodic;
        let multiplier = cfg.engagement.for_level(facts.engagement)?;
        let floor = cfg.min_interval.saturating_mul(u64::from(multiplier));
        if facts.min_interval <= floor {
            return Some(floor);
        }
        if cfg.snap_to_multiple && floor.0 > 0 {
            // Chromium: snap to max origin frequency (round up to a multiple of the effective gap).
            let rem = facts.min_interval.0 % floor.0;
            if rem == 0 {
                return Some(facts.min_interval);
            }
            return Some(Millis(facts.min_interval.0.saturating_add(floor.0 - rem)));
        }
        Some(facts.min_interval)
    }

    fn periodic_failure(&self, failures: u32) -> PeriodicFailure {
        let cfg = &self.config.periodic;
        match cfg.failure {
            // The retry count before this failure is `failures - 1`.
            PeriodicFailureMode::SpecIntended if failures <= cfg.max_retries => {
                PeriodicFailure::RetryAfter(cfg.retry_backoff)
            }
            // spec (periodic): fire, step 6.7.4: give up when retryCount > max, tested before the increment.
            PeriodicFailureMode::SpecLiteral if failures.saturating_sub(1) <= cfg.max_retries => {
                PeriodicFailure::RetryAfter(cfg.retry_backoff)
            }
            PeriodicFailureMode::Chromium if failures < self.config.oneshot.max_attempts => {
                PeriodicFailure::RetryAfter(self.retry_delay(failures))
            }
            _ => PeriodicFailure::GiveUp,
        }
    }

    fn periodic_reregister_while_firing(&self) -> PeriodicReregisterWhileFiring {
        self.config.periodic.reregister_while_firing
    }

    fn periodic_delay(&self, interval: Millis, soonest_other: Option<Millis>) -> Millis {
        let cfg = &self.config.periodic;
        let Some(t) = soonest_other.filter(|_| cfg.batch_with_origin_events) else { return interval };
        // Chromium's "apply the minimum gap for the origin" (GetNextEventDelay): keep
        // a delay at least a gap before the other event, batch with it when it comes
        // a little later, otherwise keep a full gap after it.
        let gap = cfg.origin_gap;
        if interval.0 <= t.0.saturating_sub(gap.0) && t.0 >= gap.0 {
            interval
        } else if interval <= t {
            t
        } else if interval <= t.saturating_add(gap) {
            t.saturating_add(gap)
        } else {
            interval
        }
    }

    fn on_periodic_permission_revoked(&self) -> RevocationAction {
        self.config.periodic.on_permission_revoked
    }

    fn waiting_reregister(&self) -> WaitingReregister {
        self.config.oneshot.reregister_while_waiting
    }

    fn tag_order(&self) -> TagOrder {
        self.config.register.tag_order
    }

    fn same_instant_order(&self) -> TagOrder {
        self.config.limits.same_instant_order
    }

    fn background_sync_block_removes_periodic(&self) -> bool {
        self.config.periodic.removed_when_background_sync_blocked
    }

    fn revival_restarts_cycle(&self) -> bool {
        self.config.periodic.revival_restarts_cycle
    }

    fn reregister_restarts_cycle(&self) -> bool {
        self.config.periodic.reregister_restarts_cycle
    }

    fn max_concurrent_per_origin(&self) -> Option<u32> {
        self.config.limits.max_concurrent_per_origin
    }

    fn max_concurrent_total(&self) -> Option<u32> {
        self.config.limits.max_concurrent_total
    }
}

/// The engagement an origin has until one is reported: the default of
/// [`Policy::default_engagement`], which the engine asks.
pub const DEFAULT_ENGAGEMENT: Engagement = Engagement::High;
