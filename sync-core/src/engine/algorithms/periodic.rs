//! Page-side calls of `PeriodicSyncManager` and periodic event outcomes.
//!
//! Spec: <https://wicg.github.io/periodic-background-sync/>

use super::register::DISABLED;
use crate::action::{DomErrorName, ReplyValue};
use crate::engine::Engine;
use crate::engine::index::{OriginIdx, RegId};
use crate::engine::table::{NewRegistration, Phase, SUSPENDED};
use crate::ids::{Caller, RequestId, SwRegId, Tag};
use crate::log::LogEvent;
use sync_policy::{
    EventOutcome, Millis, PeriodicFailure, PeriodicReregisterWhileFiring, PermissionName, PermissionState, Policy,
    RevocationAction, SyncKind, Timestamp,
};

use crate::binding::MAX_SAFE_INTEGER;

const MIN_INTERVAL_RANGE: &str = "Failed to read the 'minInterval' property from 'BackgroundSyncOptions': \
     Value is outside the 'unsigned long long' value range.";

impl<P: Policy> Engine<P> {
    /// `registration.periodicSync.register(tag, {minInterval})`, with
    /// `min_interval` in milliseconds as the binding converted it. Values above
    /// 2^53 - 1 are what `[EnforceRange]` rejects: the promise rejects with `TypeError`.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-register>
    pub(in crate::engine) fn register_periodic(
        &mut self,
        now: Timestamp,
        caller: Caller,
        sw: SwRegId,
        tag: Tag,
        min_interval: u64,
    ) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        // IDL: [EnforceRange] unsigned long long minInterval (conversion precedes the algorithm).
        if min_interval > MAX_SAFE_INTEGER {
            self.reject(request, DomErrorName::TypeError, MIN_INTERVAL_RANGE);
            return request;
        }
        // spec (periodic): register, steps 1-6.
        let Some((origin, existing)) = self.register_preamble(request, caller, sw, SyncKind::Periodic, &tag) else {
            return request;
        };
        let min_interval = Millis(min_interval);
        // spec (periodic): register, step 7: the registration with this tag, if any.
        match existing {
            None => self.create_periodic(request, sw, origin, tag, min_interval),
            Some(id) => self.reregister_periodic(request, id, min_interval),
        }
        request
    }

    /// spec (periodic): register, step 8.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-register>
    fn create_periodic(&mut self, request: RequestId, sw: SwRegId, origin: OriginIdx, tag: Tag, min: Millis) {
        if self.orders_used_up(request) {
            return;
        }
        let max_attempts = self.policy.max_attempts(PermissionState::Unset);
        // spec: steps 8.1-8.7: tag, minimum interval, state pending, anchor time = now, added.
        let id = self.table.insert(NewRegistration {
            sw,
            kind: SyncKind::Periodic,
            tag,
            origin,
            max_attempts,
            min_interval: min,
            anchor: self.now,
        });
        self.reschedule_periodic(id);
        self.persist_registration(id);
        // spec: step 8.8: resolve.
        self.reply(request, Ok(ReplyValue::Registered));
        // Chromium logs the delay it computed before the registration it stored.
        self.log_next_delay(id);
        self.log(id, LogEvent::Registered, vec![("minInterval", min.0.to_string())]);
        self.place(id);
    }

    /// spec (periodic): register, step 9.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-register>
    fn reregister_periodic(&mut self, request: RequestId, id: RegId, min: Millis) {
        let (now, restart) = (self.now, self.policy.reregister_restarts_cycle());
        let Some(reg) = self.table.get(id) else { return };
        let replace = reg.in_flight().is_none() && reg.phase != Phase::Waiting && !reg.bypass_gates;
        if self.table.min_interval(id) != min {
            // spec: step 9.1: a different minInterval updates it (the anchor stays). UA choice
            // (Chromium replaces the registration): the next cycle counts from now.
            self.table.set_min_interval(id, min);
            if replace && restart {
                self.table.set_anchor(id, now);
            }
            if replace {
                self.reschedule_periodic(id);
            }
            self.persist_registration(id);
            self.reply(request, Ok(ReplyValue::Registered));
            self.log_next_delay(id);
            self.log(id, LogEvent::Registered, vec![("minInterval", min.0.to_string())]);
            if replace {
                self.place(id);
            }
            return;
        }
        // spec: step 9.2: firing -> reregistered-while-firing (the text says the
        // service worker registration's state; the periodic registration is meant).
        if let Some(reg) = self.table.get_mut(id)
            && reg.phase == Phase::Firing
        {
            reg.phase = Phase::ReregisteredWhileFiring;
        }
        // spec: step 9.3: resolve.
        self.reply(request, Ok(ReplyValue::Registered));
    }

    /// Logs `Got next event delay` with the time until the registration's next
    /// cycle (`infinite` when suspended), as Chromium does when it computes one.
    /// For a registration whose event is in flight, that is the delay its new
    /// options would give from now (Chromium computes it for the replacement).
    fn log_next_delay(&mut self, id: RegId) {
        let Some(reg) = self.table.get(id) else { return };
        let due = if reg.in_flight().is_some() {
            Some(self.cycle_due(id, self.now))
        } else {
            Self::own_due(reg).map(|(at, _)| at)
        };
        let delay = match due {
            Some(at) if at != SUSPENDED => at.saturating_since(self.now).0.to_string(),
            _ => "infinite".to_string(),
        };
        self.log(id, LogEvent::GotNextEventDelay, vec![("Next Attempt Delay (ms)", delay)]);
    }

    /// `registration.periodicSync.unregister(tag)`: succeeds silently for an
    /// unknown tag and for a worker that is not active.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#dom-periodicsyncmanager-unregister>
    pub(in crate::engine) fn unregister_periodic(
        &mut self,
        now: Timestamp,
        caller: Caller,
        sw: SwRegId,
        tag: &str,
    ) -> RequestId {
        self.observe(now);
        let request = self.next_request();
        if self.refuses_calls() {
            self.reject(request, DomErrorName::UnknownError, DISABLED);
            return request;
        }
        // spec (periodic): unregister, step 1: the manager's service worker registration.
        let origin = self.table.worker(sw).map(|w| w.origin());
        if let Err(e) = self.check_caller(caller, origin) {
            self.reply(request, Err(e));
            return request;
        }
        // spec: steps 1.1-1.2: remove the registration if there is one. An event in
        // flight is not cancelled; its result is ignored.
        if let Some(id) = self.table.find(sw, SyncKind::Periodic, tag) {
            // The record follows the persist it describes (commit.rs releases it after the Delete).
            let record = self.log_record(id, LogEvent::Unregistered, Vec::new());
            self.delete_registration(id);
            self.actions.extend(record.map(crate::action::Action::Log));
        }
        // spec: step 1.3: resolve.
        self.reply(request, Ok(ReplyValue::Unregistered));
        request
    }

    /// spec (periodic): fire a periodicsync event, step 6.7 onwards, for one settled attempt.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#fire-a-periodicsync-event>
    pub(in crate::engine) fn complete_periodic(&mut self, id: RegId, outcome: EventOutcome) {
        let now = self.now;
        let success = self.policy.is_success(outcome);
        let rule = self.policy.periodic_reregister_while_firing();
        let Some(reg) = self.table.get_mut(id) else { return };
        let reregistered = reg.phase == Phase::ReregisteredWhileFiring;
        if reregistered && rule == PeriodicReregisterWhileFiring::FireAgain {
            // UA choice (Chromium quirk): fire again as soon as the event settles.
            reg.phase = Phase::Pending;
            reg.attempts = 0;
            reg.bypass_gates = true;
            self.table.set_due(id, now);
            self.persist_registration(id);
            self.log(id, LogEvent::Reregistered, Vec::new());
            self.place(id);
            return;
        }
        let failure = if success || reregistered {
            None
        } else {
            reg.attempts = reg.attempts.saturating_add(1);
            Some(self.policy.periodic_failure(reg.attempts))
        };
        let Some(reg) = self.table.get_mut(id) else { return };
        match failure {
            Some(PeriodicFailure::RetryAfter(delay)) => {
                // spec: steps 6.8-6.9: increment retryCount, back off, fire again.
                reg.phase = Phase::Waiting;
                self.table.set_due(id, now.saturating_add(delay));
                self.persist_registration(id);
                self.log_retry(id, outcome, delay);
            }
            _ => {
                // spec: step 6.7.4: success, gave up, or re-registered: pending, anchor = now.
                reg.phase = Phase::Pending;
                reg.attempts = 0;
                reg.bypass_gates = false;
                self.table.set_anchor(id, now);
                self.reschedule_periodic(id);
                self.persist_registration(id);
                let next = match self.table.get(id).and_then(Self::own_due) {
                    Some((at, _)) => at.saturating_since(now).0.to_string(),
                    None => "infinite".to_string(),
                };
                let mut metadata = vec![("Next Attempt Delay (ms)", next)];
                let event = if success {
                    LogEvent::EventCompleted
                } else {
                    metadata.push(("Failure Reason", outcome.devtools_status().to_string()));
                    LogEvent::EventFailed
                };
                self.log(id, event, metadata);
            }
        }
        self.place(id);
    }

    /// spec (periodic): respond to permission revocation, or the policy's suspension.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#respond-to-permission-revocation>
    pub(in crate::engine) fn periodic_permission_revoked(&mut self, origin: OriginIdx) {
        match self.policy.on_periodic_permission_revoked() {
            // Kept; held in the origin's PermissionDenied set when due.
            RevocationAction::Suspend => return,
            // Kept and still fired (Chromium): the denial only refuses new registrations.
            RevocationAction::Keep => return,
            RevocationAction::Remove => {}
        }
        // spec: step 1.1: remove every periodic registration of the origin.
        for id in self.table.origin_registrations(origin, SyncKind::Periodic) {
            self.delete_registration(id);
        }
    }

    /// Whether the periodic permission counts as granted for an origin.
    pub(in crate::engine) fn periodic_granted(&self, state: PermissionState) -> bool {
        let state = match state {
            PermissionState::Unset => self.policy.default_permission(PermissionName::PeriodicBackgroundSync),
            s => s,
        };
        state == PermissionState::Granted
    }
}
