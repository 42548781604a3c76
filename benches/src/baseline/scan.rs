//! The baseline's decisions, each a scan over every registration of the
//! profile, as Chromium's manager makes them (`background_sync_manager.cc` in Chromium's `content/browser/background_sync/`).

use super::registration::{KindKey, RegKey, Registration, SyncState};
use super::{Backend, Baseline, Batch, MIN_SYNC_RECOVERY_TIME_MS, OriginInfo};
use std::collections::BTreeMap;
use sync_core::{Origin, SwRegId};
use sync_policy::{
    Environment, FireFacts, Millis, PeriodicFacts, PermissionName, PermissionState, Policy, Timestamp, Verdict,
};

/// What `IsRegistrationReadyToFire` reads besides the registration.
struct ReadyContext<'a, P> {
    policy: &'a P,
    env: Environment,
    now: Timestamp,
    started_at: Timestamp,
    emulated_offline: &'a BTreeMap<SwRegId, u32>,
}

impl<P: Policy> ReadyContext<'_, P> {
    /// `AreOptionConditionsMet()`: the fire-time conditions (connectivity, and
    /// the policy's power and metered rules), asked of the same policy as the engine.
    fn conditions_met(&self, reg: &Registration, origin: Option<&OriginInfo>) -> bool {
        let kind = reg.kind();
        let (permission, engagement) = match origin {
            Some(o) => (o.permissions[PermissionName::for_kind(kind).index()], o.engagement),
            None => (PermissionState::Unset, sync_policy::DEFAULT_ENGAGEMENT),
        };
        let facts = FireFacts {
            kind,
            env: self.env,
            worker_offline: false,
            permission,
            engagement,
            attempts: reg.num_attempts,
            periodic_retry: false,
            origin_last_periodic: None,
            last_periodic_round: None,
            started_at: self.started_at,
            now: self.now,
        };
        self.policy.may_fire(&facts) == Verdict::Fire
    }

    /// `IsRegistrationReadyToFire(registration, sw_id)`.
    fn is_ready(&self, sw: SwRegId, reg: &Registration, origin: Option<&OriginInfo>) -> bool {
        if reg.state != SyncState::Pending || reg.is_suspended() {
            return false;
        }
        if reg.min_interval.is_none() && !reg.resolved {
            return false;
        }
        if self.emulated_offline.contains_key(&sw) {
            return false;
        }
        self.conditions_met(reg, origin) && reg.delay_until.is_none_or(|t| self.now >= t)
    }
}

/// `AllConditionsExceptConnectivitySatisfied` (ignores time too).
fn could_fire_upon_connectivity(sw: SwRegId, reg: &Registration, emulated_offline: &BTreeMap<SwRegId, u32>) -> bool {
    reg.state == SyncState::Pending
        && !reg.is_suspended()
        && (reg.min_interval.is_some() || reg.resolved)
        && !emulated_offline.contains_key(&sw)
}

impl<B: Backend, P: Policy> Baseline<B, P> {
    /// The readiness scan of `FireReadyEventsImpl`: every ready registration
    /// of `kind`, in map order. With `mark`, each is set to FIRING.
    pub(crate) fn collect_ready(&mut self, kind: KindKey, mark: bool) -> Vec<(SwRegId, RegKey)> {
        let ctx = ReadyContext {
            policy: &self.policy,
            env: self.env,
            now: self.now,
            started_at: self.started_at,
            emulated_offline: &self.emulated_offline,
        };
        let mut ready = Vec::new();
        for (&sw, group) in self.groups.iter_mut() {
            let origin = group.origin.as_ref().and_then(|o| self.origins.get(o));
            for (key, reg) in group.registrations.iter_mut() {
                if key.1 != kind || !ctx.is_ready(sw, reg, origin) {
                    continue;
                }
                if mark {
                    reg.state = SyncState::Firing;
                }
                ready.push((sw, key.clone()));
            }
        }
        ready
    }

    /// How many registrations of `kind` are ready now: Chromium's answer to
    /// "may anything fire", one full scan (the baseline's fire decision).
    pub fn ready_count(&mut self, kind: sync_policy::SyncKind) -> usize {
        self.collect_ready(KindKey::of(kind), false).len()
    }

    /// `FireReadyEventsImpl(type, reschedule)`: marks every ready registration
    /// FIRING and queues them for dispatch; with nothing ready, reschedules.
    pub(crate) fn fire_ready_events(&mut self, kind: KindKey, reschedule: bool) {
        if self.disabled {
            return;
        }
        let ready = self.collect_ready(kind, true);
        if ready.is_empty() {
            if reschedule {
                self.schedule_or_cancel(kind);
            }
            return;
        }
        self.batches.push_back(Batch { kind, reschedule, keys: ready.into() });
    }

    /// `ScheduleOrCancelDelayedProcessing(type)`.
    pub(crate) fn schedule_or_cancel(&mut self, kind: KindKey) {
        let can_fire = self.can_fire_any_upon_connectivity(kind);
        let firing = self.firing[kind.index()] > 0;
        let slot = kind.index();
        if self.delayed[slot].is_some() && !can_fire && !firing {
            self.delayed[slot] = None;
        } else if can_fire || firing {
            let delta = self.soonest_wakeup_delta(kind);
            // A zero delay starts no timer: the network change drives that case.
            self.delayed[slot] = (delta.0 > 0).then(|| self.now.saturating_add(delta));
        }
    }

    /// `CanFireAnyRegistrationUponConnectivity(type)`: stops at the first hit.
    fn can_fire_any_upon_connectivity(&self, kind: KindKey) -> bool {
        self.groups.iter().any(|(&sw, group)| {
            group
                .registrations
                .iter()
                .any(|(key, reg)| key.1 == kind && could_fire_upon_connectivity(sw, reg, &self.emulated_offline))
        })
    }

    /// `GetSoonestWakeupDelta(type, null)`: a full scan.
    pub(crate) fn soonest_wakeup_delta(&self, kind: KindKey) -> Millis {
        let mut soonest = Millis(u64::MAX);
        for group in self.groups.values() {
            for (key, reg) in &group.registrations {
                if key.1 != kind || reg.state != SyncState::Pending {
                    continue;
                }
                let delta = match reg.delay_until {
                    None => Millis::ZERO,
                    Some(t) => t.saturating_since(self.now),
                };
                soonest = soonest.min(delta);
            }
        }
        let recovery = Millis(MIN_SYNC_RECOVERY_TIME_MS);
        if self.firing[kind.index()] > 0 && soonest > recovery {
            soonest = recovery;
        }
        if kind == KindKey::OneShot && soonest < recovery && self.all_registrations_unresolved() {
            soonest = recovery;
        }
        soonest
    }

    /// Whether every registration (any type) waits for its acknowledgement; stops at the first resolved one.
    fn all_registrations_unresolved(&self) -> bool {
        self.groups.values().all(|g| g.registrations.values().all(|r| !r.resolved))
    }

    /// `GetSmallestPeriodicSyncEventDelayForOrigin(origin, tag_to_skip)`: the
    /// time until the soonest periodic event of the origin, over every
    /// registration of the profile; `None` when there is none (`Max`).
    pub(crate) fn smallest_periodic_delay_for_origin(&self, origin: &Origin, tag_to_skip: &str) -> Option<Millis> {
        let mut soonest: Option<Timestamp> = None;
        for group in self.groups.values() {
            for (key, reg) in &group.registrations {
                if key.1 != KindKey::Periodic || &reg.origin != origin || key.0 == tag_to_skip {
                    continue;
                }
                if let Some(t) = reg.delay_until {
                    soonest = Some(soonest.map_or(t, |s| s.min(t)));
                }
            }
        }
        soonest.map(|t| t.saturating_since(self.now))
    }

    /// `GetNextEventDelay` for a registration after `num_attempts` failures
    /// (Chrome's controller): the retry back-off, or for a periodic first
    /// attempt its snapped interval adjusted to the origin's other periodic
    /// events. `None` means `Max` (suspended). Includes the origin scan.
    pub fn next_event_delay(
        &self,
        origin: &Origin,
        tag: &str,
        periodic: Option<Millis>,
        num_attempts: u32,
    ) -> Option<Millis> {
        let origin_soonest = self.smallest_periodic_delay_for_origin(origin, tag);
        if num_attempts > 0 {
            return Some(self.policy.retry_delay(num_attempts));
        }
        let min_interval = periodic?;
        let engagement = self.origins.get(origin).map_or(sync_policy::DEFAULT_ENGAGEMENT, |o| o.engagement);
        let delay = self.policy.periodic_interval(&PeriodicFacts { min_interval, engagement })?;
        let gap = self.policy.periodic_interval(&PeriodicFacts { min_interval: Millis::ZERO, engagement })?;
        let Some(t) = origin_soonest else { return Some(delay) };
        // Apply the minimum gap for the origin.
        Some(if delay.0.saturating_add(gap.0) <= t.0 {
            delay
        } else if delay <= t {
            t
        } else if delay.0 <= t.0.saturating_add(gap.0) {
            Millis(t.0.saturating_add(gap.0))
        } else {
            delay
        })
    }
}
