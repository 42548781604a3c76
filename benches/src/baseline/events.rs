//! Dispatching a `FireReadyEvents` batch and completing events
//! (`BackgroundSyncManager::FireReadyEvents` and `EventComplete` in Chromium's
//! `content/browser/background_sync/background_sync_manager.cc`).

use super::registration::{KindKey, SyncState};
use super::{Backend, Baseline, BaselineDispatch, BaselineError, InFlight};
use sync_core::SwRegId;
use sync_policy::{EventOutcome, Policy, Timestamp};

impl<B: Backend, P: Policy> Baseline<B, P> {
    /// The next event of the batch being dispatched, if any. When a batch is
    /// done, a rescheduling batch runs `ScheduleOrCancelDelayedProcessing`.
    pub fn poll_dispatch(&mut self) -> Option<BaselineDispatch> {
        loop {
            let batch = self.batches.front_mut()?;
            match batch.keys.pop_front() {
                Some((sw, key)) => {
                    if let Some(d) = self.dispatch_one(sw, key) {
                        return Some(d);
                    }
                }
                None => {
                    let kind = batch.kind;
                    let reschedule = batch.reschedule;
                    self.batches.pop_front();
                    if reschedule {
                        self.schedule_or_cancel(kind);
                    }
                }
            }
        }
    }

    /// `FireReadyEventsDidFindRegistration`: the worker must still be there and
    /// the network sufficient, else the registration goes back to PENDING.
    fn dispatch_one(&mut self, sw: SwRegId, key: (String, KindKey)) -> Option<BaselineDispatch> {
        let worker_ok = self.workers.get(&sw).is_some_and(|w| w.active);
        let network_ok = self.env.network.online;
        let reg = self.groups.get_mut(&sw)?.registrations.get_mut(&key)?;
        if reg.state != SyncState::Firing {
            return None;
        }
        if !worker_ok || !network_ok {
            reg.state = SyncState::Pending;
            return None;
        }
        let last_chance = key.1 == KindKey::OneShot && self.policy.is_last_chance(reg.num_attempts, reg.max_attempts);
        self.firing[key.1.index()] += 1;
        let event = self.next_event;
        self.next_event += 1;
        let dispatch = BaselineDispatch { event, sw, tag: key.0.clone(), kind: key.1.kind(), last_chance };
        self.events.insert(event, InFlight { sw, key });
        Some(dispatch)
    }

    /// `EventComplete` → `EventCompleteImpl` → `EventCompleteDidGetDelay` →
    /// store → `FireReadyEvents(type)`.
    pub fn event_finished(&mut self, now: Timestamp, event: u64, outcome: EventOutcome) -> Result<(), BaselineError> {
        self.observe(now);
        if self.disabled {
            return Ok(());
        }
        let InFlight { sw, key } = self.events.remove(&event).ok_or(BaselineError::Unknown)?;
        let kind = key.1;
        self.firing[kind.index()] = self.firing[kind.index()].saturating_sub(1);
        let success = self.policy.is_success(outcome);
        let Some(reg) = self.groups.get(&sw).and_then(|g| g.registrations.get(&key)) else {
            return Ok(());
        };
        let reregistered = reg.state == SyncState::ReregisteredWhileFiring;
        // GetNumAttemptsAfterEvent.
        let n = reg.num_attempts.saturating_add(1);
        let attempts =
            if reregistered || (kind == KindKey::Periodic && (success || n >= reg.max_attempts)) { 0 } else { n };
        let retry = kind == KindKey::Periodic || (!success && attempts < reg.max_attempts);
        let delay = if retry { self.next_event_delay(&reg.origin, &key.0, reg.min_interval, attempts) } else { None };
        let now = self.now;
        let origin = reg.origin.clone();
        let Some(group) = self.groups.get_mut(&sw) else { return Ok(()) };
        let Some(reg) = group.registrations.get_mut(&key) else { return Ok(()) };
        reg.num_attempts = attempts;
        if reregistered {
            // Fires again straight away: delay_until is not changed.
            reg.state = SyncState::Pending;
        } else if retry {
            reg.state = SyncState::Pending;
            reg.delay_until = Some(delay.map_or(Timestamp::MAX, |d| now.saturating_add(d)));
        } else {
            group.registrations.remove(&key);
            let info = self.origin_info(&origin);
            info.registrations = info.registrations.saturating_sub(1);
        }
        self.store_group(sw)?;
        self.fire_ready_events(kind, true);
        Ok(())
    }
}
