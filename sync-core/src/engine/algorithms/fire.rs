//! Dispatching events and handling their outcomes.
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event>

use super::firing::Firing;
use crate::engine::Engine;
use crate::engine::flights::InFlight;
use crate::engine::index::RegId;
use crate::engine::table::{DUE_NOW, Phase};
use crate::error::SyncError;
use crate::ids::{EventId, RegistrationKey};
use crate::log::LogEvent;
use crate::record::{Mutation, StoredOrigin};
use sync_policy::{EventOutcome, Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// Fires the event of a pending registration now.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event>,
    /// <https://wicg.github.io/periodic-background-sync/#fire-a-periodicsync-event>
    pub(in crate::engine) fn dispatch(&mut self, id: RegId) -> Option<EventId> {
        let now = self.now;
        // spec: fire a sync event, steps 1-3 / fire a periodicsync event, steps 1-3: the
        // registration is pending and still in its list (only placed pending registrations,
        // looked up by slab index, reach here).
        let reg = self.table.get(id)?;
        let (kind, origin, sw, tag, attempt) = (reg.kind(), reg.origin(), reg.sw(), reg.tag().clone(), reg.attempts);
        // spec: fire a sync event, step 5: lastChance is false if the UA will retry (sync-policy).
        let last_chance = kind == SyncKind::OneOff && self.policy.is_last_chance(reg.attempts, reg.max_attempts);
        let deadline = now.saturating_add(self.policy.event_time_limit(kind, last_chance));
        let counts_as_round = kind == SyncKind::Periodic && !reg.bypass_gates;
        self.sched.unplace(&mut self.table, id);
        let event = self.flights.start(InFlight { reg: id, origin, kind, deadline, last_chance });
        let reg = self.table.get_mut(id)?;
        // spec: fire a sync event, step 4 / fire a periodicsync event, step 5: state = firing.
        reg.phase = Phase::Firing;
        reg.event = event;
        reg.bypass_gates = false;
        let state = self.table.origin_mut(origin);
        let origin_name = state.origin().clone();
        if counts_as_round {
            // UA choice: the origin gap and the round gate count from each (non-retry)
            // dispatch, not only from successes, so a failing origin is capped too.
            state.last_periodic = Some(now);
            self.last_round = Some(now);
            let row = StoredOrigin { origin: origin_name.clone(), last_periodic: Some(now) };
            self.persist(Mutation::PutOrigin(row));
        }
        let firing = Firing { event, sw, origin: origin_name, tag, kind, last_chance, deadline, attempt };
        self.log(id, LogEvent::Dispatched, firing.log_metadata());
        self.actions.push_back(firing.into_action());
        Some(event)
    }

    /// The embedder reports the outcome of a dispatched event.
    ///
    /// A result for an event that already settled (reported before, timed out,
    /// or never dispatched) is refused with a typed error and changes nothing.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event>
    /// Spec: <https://wicg.github.io/periodic-background-sync/#fire-a-periodicsync-event>
    pub(in crate::engine) fn event_finished(
        &mut self,
        now: Timestamp,
        event: EventId,
        outcome: EventOutcome,
    ) -> Result<(), SyncError> {
        self.observe(now);
        if self.disabled {
            return Err(SyncError::Disabled);
        }
        let flight = self.flights.finish(event)?;
        self.settle(event, flight, outcome);
        Ok(())
    }

    /// An event settled (reported, or timed out at its deadline): the
    /// registration moves on by its kind's algorithm.
    pub(in crate::engine) fn settle(&mut self, event: EventId, flight: InFlight, outcome: EventOutcome) {
        self.sched.wake_origin(flight.origin);
        // The registration may be gone (worker unregistered, data cleared,
        // periodic unregister): then the result is ignored.
        let current = self.table.get(flight.reg).is_some_and(|r| r.in_flight() == Some(event));
        if !current {
            tracing::debug!(event = event.0, "result for a removed registration ignored");
            return;
        }
        match flight.kind {
            SyncKind::OneOff => self.complete_one_off(flight.reg, flight.last_chance, outcome),
            SyncKind::Periodic => self.complete_periodic(flight.reg, outcome),
        }
    }

    /// spec: fire a sync event, steps 5.2 (fulfilled) and 5.3 (rejected or terminated).
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event>
    fn complete_one_off(&mut self, id: RegId, last_chance: bool, outcome: EventOutcome) {
        let now = self.now;
        let success = self.policy.is_success(outcome);
        let timeout_final = outcome == EventOutcome::TimedOut && self.policy.timeout_is_final();
        let Some(reg) = self.table.get_mut(id) else { return };
        // spec: steps 5.2.1 / 5.3.1: re-registered while firing -> pending, fire again if online.
        if reg.phase == Phase::ReregisteredWhileFiring {
            reg.phase = Phase::Pending;
            reg.attempts = 0;
            self.table.set_due(id, DUE_NOW);
            self.persist_registration(id);
            self.log(id, LogEvent::Reregistered, Vec::new());
            self.place(id);
            return;
        }
        if success {
            // spec: steps 5.2.2-5.2.3: remove the registration.
            self.delete_registration_logged(id, LogEvent::SyncCompleted, outcome);
            return;
        }
        reg.attempts = reg.attempts.saturating_add(1);
        if !last_chance && !timeout_final {
            // spec: step 5.3.2: waiting, then pending after a UA-defined time (sync-policy back-off).
            let delay = self.policy.retry_delay(reg.attempts);
            reg.phase = Phase::Waiting;
            self.table.set_due(id, now.saturating_add(delay));
            self.persist_registration(id);
            self.log_retry(id, outcome, delay);
            self.place(id);
        } else {
            // spec: step 5.3.3: lastChance was true -> remove the registration.
            self.delete_registration_logged(id, LogEvent::SyncCompleted, outcome);
        }
    }

    /// Logs a failed attempt that will be retried after `delay`.
    pub(in crate::engine) fn log_retry(&mut self, id: RegId, outcome: EventOutcome, delay: sync_policy::Millis) {
        let metadata = vec![
            ("Failure Reason", outcome.devtools_status().to_string()),
            ("Next Attempt Delay (ms)", delay.0.to_string()),
        ];
        self.log(id, LogEvent::EventFailed, metadata);
    }

    /// DevTools-style "dispatch now": fires a registration's event at once,
    /// ignoring its back-off or interval (but not connectivity). The dispatch
    /// does not count as a periodic round.
    pub(in crate::engine) fn dispatch_now(
        &mut self,
        now: Timestamp,
        key: &RegistrationKey,
    ) -> Result<EventId, SyncError> {
        self.observe(now);
        if self.refuses_calls() {
            return Err(SyncError::Disabled);
        }
        let id = self.table.find(key.sw, key.kind, &key.tag).ok_or(SyncError::UnknownRegistration)?;
        let worker_offline = self.table.worker_emulated_offline(key.sw);
        if !self.env.network.online || worker_offline {
            return Err(SyncError::Offline);
        }
        let reg = self.table.get_mut(id).ok_or(SyncError::UnknownRegistration)?;
        if reg.in_flight().is_some() {
            return Err(SyncError::AlreadyFiring);
        }
        reg.phase = Phase::Pending;
        reg.bypass_gates = true;
        self.dispatch(id).ok_or(SyncError::UnknownRegistration)
    }
}
