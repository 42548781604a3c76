//! Placing registrations and pumping dispatches: the engine asks the policy
//! for a [`Verdict`] over the table's facts and files the registration in the
//! [`Scheduler`](super::schedule::Scheduler); the pump takes origins
//! round-robin under the concurrency limits and fires what is ready.
//!
//! Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event> (step 5.3.2's
//! wait, and the "online" transition), and
//! <https://wicg.github.io/periodic-background-sync/#process-periodic-sync-registrations>.

use super::index::{OriginIdx, RegId};
use super::table::{Phase, Registration, SUSPENDED};
use super::{Engine, RELEASE_CHUNK};
use sync_policy::{Blocker, FireFacts, PermissionName, Policy, SyncKind, TagOrder, Timestamp, Verdict, WaitReason};

impl<P: Policy> Engine<P> {
    /// The time a pending registration becomes due by its own schedule, or
    /// `None` when it is suspended (periodic at engagement "none").
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#process-periodic-sync-registrations>
    pub(super) fn own_due(reg: &Registration) -> Option<(Timestamp, WaitReason)> {
        match (reg.kind(), reg.phase) {
            (_, Phase::Waiting) => Some((reg.due(), WaitReason::BackOff)),
            (SyncKind::Periodic, _) if reg.bypass_gates => Some((reg.due(), WaitReason::BackOff)),
            (SyncKind::Periodic, _) if reg.due() == SUSPENDED => None,
            // spec (periodic): process, step 1.3.3.3.2: skip while anchor time + minimum
            // interval > now (the scheduled time: see periodic_schedule.rs).
            (SyncKind::Periodic, _) => Some((reg.due(), WaitReason::PeriodicInterval)),
            (SyncKind::OneOff, _) => Some((reg.due(), WaitReason::BackOff)),
        }
    }

    /// The facts the policy's fire decision sees for a registration.
    fn fire_facts(&self, reg: &Registration) -> FireFacts {
        let origin = self.table.origin(reg.origin());
        let worker_offline = self.table.worker_emulated_offline(reg.sw());
        FireFacts {
            kind: reg.kind(),
            env: self.env,
            worker_offline,
            permission: origin.permission(PermissionName::for_kind(reg.kind())),
            engagement: origin.engagement,
            attempts: reg.attempts,
            periodic_retry: reg.bypass_gates,
            origin_last_periodic: origin.last_periodic,
            last_periodic_round: self.last_round,
            started_at: self.started_at,
            now: self.now,
        }
    }

    /// The full decision for a pending registration right now.
    pub(super) fn verdict(&self, reg: &Registration) -> Verdict {
        match Self::own_due(reg) {
            // Suspended: no cycle is scheduled until the engagement changes.
            None => Verdict::Blocked(Blocker::NoEngagement),
            Some((at, why)) if at > self.now => Verdict::WaitUntil(at, why),
            Some(_) => match self.policy.may_fire(&self.fire_facts(reg)) {
                // A wait that ends by now is over. Filing it as due now would have it
                // come due at once and ask the policy again, without end.
                Verdict::WaitUntil(at, _) if at <= self.now => Verdict::Fire,
                verdict => verdict,
            },
        }
    }

    /// Puts a registration where it belongs now. Only pending and waiting
    /// registrations are placed; firing ones are not scheduled.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#fire-a-sync-event>
    /// Spec: <https://wicg.github.io/periodic-background-sync/#process-periodic-sync-registrations>
    pub(super) fn place(&mut self, id: RegId) {
        self.sched.unplace(&mut self.table, id);
        let now = self.now;
        let Some(reg) = self.table.get_mut(id) else { return };
        if reg.in_flight().is_some() {
            return;
        }
        if reg.phase == Phase::Waiting && reg.due() <= now {
            // spec: fire a sync event, step 5.3.2.3: after the wait, the state is pending again.
            reg.phase = Phase::Pending;
            reg.bypass_gates = reg.kind() == SyncKind::Periodic;
        }
        let Some(reg) = self.table.get(id) else { return };
        let verdict = if reg.phase == Phase::Waiting {
            // spec: fire a sync event, step 5.3.2.1: wait the UA-defined time first.
            Verdict::WaitUntil(reg.due(), WaitReason::BackOff)
        } else {
            self.verdict(reg)
        };
        self.sched.file(&mut self.table, id, verdict);
    }

    /// A due-index entry came due.
    pub(super) fn on_due(&mut self, id: RegId, ticket: u32) {
        if self.table.is_current(id, ticket) {
            // spec: fire a sync event, steps 5.3.2.3-5.3.2.4: pending again, fired if online.
            self.place(id);
        }
    }

    /// Re-places up to [`RELEASE_CHUNK`] of an origin's released entries;
    /// `false` when it had none left.
    fn process_released(&mut self, origin: OriginIdx) -> bool {
        let sorted = self.policy.tag_order() == TagOrder::Sorted;
        let mut done = 0;
        while done < RELEASE_CHUNK {
            let Some(entry) = self.sched.next_released(&self.table, origin, sorted) else { break };
            if let Some(id) = entry {
                self.place(id);
            }
            done += 1;
        }
        done > 0
    }

    /// The next valid ready registration of an origin, re-placing its released
    /// entries as needed.
    fn next_ready(&mut self, origin: OriginIdx) -> Option<RegId> {
        loop {
            if let Some(id) = self.sched.pop_ready(&self.table, origin) {
                return Some(id);
            }
            if !self.process_released(origin) {
                return None;
            }
        }
    }

    fn origin_has_capacity(&self, origin: OriginIdx) -> bool {
        self.policy.max_concurrent_per_origin().is_none_or(|cap| self.flights.running_in(origin) < cap)
    }

    /// Dispatches at most one ready registration, taking origins round-robin
    /// under the policy's concurrency limits. Called when the action queue is empty.
    pub(super) fn pump(&mut self) {
        if self.disabled || self.switched_off {
            return;
        }
        loop {
            if self.policy.max_concurrent_total().is_some_and(|cap| self.flights.len() >= cap as usize) {
                return;
            }
            if self.sched.has_pending_release() {
                self.sched.admit_released(RELEASE_CHUNK);
            }
            let Some(origin) = self.sched.pop_rotation() else {
                if self.sched.admit_released(RELEASE_CHUNK) {
                    continue;
                }
                return;
            };
            if !self.origin_has_capacity(origin) {
                // It re-enters the rotation when one of its events settles.
                self.sched.leave_rotation(origin);
                continue;
            }
            let picked = self.next_ready(origin);
            self.sched.end_turn(origin);
            let Some(id) = picked else { continue };
            // Conditions may have changed since it was queued: decide again.
            let fire = self.table.get(id).is_some_and(|reg| self.verdict(reg) == Verdict::Fire);
            if fire {
                self.dispatch(id);
                return;
            }
            self.place(id);
        }
    }

    /// Whether any registration may be held back by `blocker` right now. Cheap
    /// (no scan) and conservative: it may say `true` for entries that have since
    /// moved on, never `false` while one is held. Answers for device-wide
    /// conditions (offline, metered, power); others always give `false`. For the
    /// embedder's wake-up hint ("wake the browser when the network returns").
    pub fn has_blocked(&self, blocker: Blocker) -> bool {
        self.sched.has_blocked(blocker)
    }

    /// Whether something may fire as soon as the device is online (or a dispatch
    /// slot frees up): registrations held by the network, by a worker's offline
    /// emulation (which does not survive a restart), or queued for dispatch.
    /// Conservative like [`Engine::has_blocked`]; O(workers), no registration scan.
    pub fn waits_for_network(&self) -> bool {
        self.has_blocked(Blocker::Offline) || self.sched.has_queued_or_emulated()
    }
}
