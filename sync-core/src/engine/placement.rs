//! Where each pending registration waits, and the dispatch pump.
//!
//! A pending registration is in exactly one place:
//! - the **due index** (`BTreeSet<(time, id, ticket)>`) while it waits for a time
//!   (back-off, its periodic interval, the origin gap or the round gate);
//! - a **blocked set** (one `Vec` per condition) while a condition holds it back
//!   (offline, worker offline, battery, engagement, permission); the set is
//!   released as a whole when the condition changes, so nothing is ever rescanned;
//! - its origin's **ready queue**, from which the pump dispatches round-robin
//!   across origins under the policy's concurrency limits.
//!
//! Blocked sets and ready queues are lazy: an entry carries the registration's
//! `ticket` at the time it was placed, and a registration moved elsewhere gets a
//! new ticket, so stale entries are skipped. Every move costs O(log n).

use super::origins::{OriginIdx, Released};
use super::registry::{Phase, Place, RegId};
use super::{BlockKey, Engine, RELEASE_CHUNK, blocker_index, is_device_wide};
use sync_policy::{Blocker, FireFacts, Policy, SyncKind, TagOrder, Timestamp, Verdict, WaitReason};

impl<P: Policy> Engine<P> {
    /// Takes a registration out of wherever it waits (the due index directly;
    /// blocked sets and ready queues by invalidating their entries).
    pub(super) fn unplace(&mut self, id: RegId) {
        let Some(reg) = self.registry.get_mut(id) else { return };
        let (place, sw, origin) = (reg.place, reg.sw, reg.origin);
        if let Place::Due(at, _) = place {
            self.due.remove(&(at, id, reg.ticket));
        }
        reg.place = Place::Idle;
        reg.ticket = reg.ticket.wrapping_add(1);
        if let Place::Blocked(b, generation) = place {
            let set = match b {
                Blocker::WorkerOffline => self.workers.get_mut(&sw).map(|w| &mut w.offline_blocked),
                _ => Some(&mut self.origins.get_mut(origin).blocked[blocker_index(b)]),
            };
            if let Some(set) = set {
                set.left(generation, &self.registry);
            }
        }
    }

    /// The time a pending registration becomes due by its own schedule, or
    /// `None` when it is suspended (periodic at engagement "none").
    pub(super) fn own_due(&self, id: RegId) -> Option<(Timestamp, WaitReason)> {
        let reg = self.registry.get(id)?;
        match (reg.kind, reg.phase) {
            (_, Phase::Waiting) => Some((reg.due, WaitReason::BackOff)),
            (SyncKind::Periodic, _) if reg.bypass_gates => Some((reg.due, WaitReason::BackOff)),
            // Suspended (engagement "none").
            (SyncKind::Periodic, _) if reg.due == Timestamp::MAX => None,
            // spec (periodic): process, step 1.3.3.3.2: skip while anchor time + minimum
            // interval > now (the scheduled time: see periodic_schedule.rs).
            (SyncKind::Periodic, _) => Some((reg.due, WaitReason::PeriodicInterval)),
            (SyncKind::OneOff, _) => Some((reg.due, WaitReason::BackOff)),
        }
    }

    /// The facts the policy's fire decision sees for a registration.
    pub(super) fn fire_facts(&self, id: RegId) -> Option<FireFacts> {
        let reg = self.registry.get(id)?;
        let origin = self.origins.get(reg.origin);
        let worker_offline = self.workers.get(&reg.sw).is_some_and(|w| w.offline_emulation > 0);
        Some(FireFacts {
            kind: reg.kind,
            env: self.env,
            worker_offline,
            permission: origin.permission(sync_policy::PermissionName::for_kind(reg.kind)),
            engagement: origin.engagement,
            attempts: reg.attempts,
            periodic_retry: reg.bypass_gates,
            origin_last_periodic: origin.last_periodic,
            last_periodic_round: self.last_round,
            started_at: self.started_at,
            now: self.now,
        })
    }

    /// The full decision for a pending registration right now.
    pub(super) fn verdict(&self, id: RegId) -> Verdict {
        match self.own_due(id) {
            None => Verdict::Blocked(Blocker::NoEngagement),
            Some((at, why)) if at > self.now => Verdict::WaitUntil(at, why),
            Some(_) => match self.fire_facts(id) {
                Some(facts) => self.policy.may_fire(&facts),
                None => Verdict::Blocked(Blocker::Offline),
            },
        }
    }

    fn block_key(&self, id: RegId, blocker: Blocker) -> Option<BlockKey> {
        let reg = self.registry.get(id)?;
        Some(match blocker {
            Blocker::WorkerOffline => BlockKey::Worker(reg.sw, reg.origin),
            _ => BlockKey::Origin(reg.origin, blocker),
        })
    }

    /// Adds an entry to the blocked set of `key`.
    /// Adds an entry to the blocked set of `key`; returns the set's generation.
    fn block(&mut self, key: BlockKey, entry: (RegId, u32)) -> u32 {
        match key {
            BlockKey::Worker(sw, _) => self.workers.get_mut(&sw).map_or(0, |w| w.offline_blocked.push(entry)),
            BlockKey::Origin(origin, b) => {
                let set = &mut self.origins.get_mut(origin).blocked[blocker_index(b)];
                if set.is_empty() && is_device_wide(b) {
                    self.global_blocked[blocker_index(b)].push(origin);
                }
                set.push(entry)
            }
        }
    }

    /// Puts a registration where it belongs now. Only pending and waiting
    /// registrations are placed; firing ones are not scheduled.
    pub(super) fn place(&mut self, id: RegId) {
        self.unplace(id);
        let now = self.now;
        let Some(reg) = self.registry.get_mut(id) else { return };
        if reg.phase.in_flight().is_some() {
            return;
        }
        if reg.phase == Phase::Waiting && reg.due <= now {
            // spec: fire a sync event, step 5.3.2.3: after the wait, the state is pending again.
            reg.phase = Phase::Pending;
            reg.bypass_gates = reg.kind == SyncKind::Periodic;
        }
        let verdict = if reg.phase == Phase::Waiting {
            // spec: fire a sync event, step 5.3.2.1: wait the UA-defined time first.
            Verdict::WaitUntil(reg.due, WaitReason::BackOff)
        } else {
            self.verdict(id)
        };
        let key = match verdict {
            Verdict::Blocked(b) => self.block_key(id, b),
            _ => None,
        };
        let Some(reg) = self.registry.get_mut(id) else { return };
        let ticket = reg.ticket;
        match verdict {
            Verdict::WaitUntil(at, why) => {
                reg.place = Place::Due(at, why);
                self.due.insert((at, id, ticket));
            }
            Verdict::Blocked(b) => {
                let generation = key.map_or(0, |key| self.block(key, (id, ticket)));
                if let Some(reg) = self.registry.get_mut(id) {
                    reg.place = Place::Blocked(b, generation);
                }
            }
            Verdict::Fire => {
                reg.place = Place::Ready;
                let origin = reg.origin;
                let state = self.origins.get_mut(origin);
                state.ready.push_back((id, ticket));
                if !state.in_rotation {
                    state.in_rotation = true;
                    self.rotation.push_back(origin);
                }
            }
        }
    }

    /// A due-index entry came due.
    pub(super) fn on_due(&mut self, id: RegId, ticket: u32) {
        let Some(reg) = self.registry.get_mut(id) else { return };
        if reg.ticket != ticket {
            return;
        }
        reg.place = Place::Idle;
        // spec: fire a sync event, steps 5.3.2.3-5.3.2.4: pending again, fired if online.
        self.place(id);
    }

    /// Releases the blocked set of `key`: its members go to their origin's
    /// released list and are re-placed lazily when the origin's turn comes.
    pub(super) fn release(&mut self, key: BlockKey) {
        let members = match key {
            BlockKey::Worker(sw, _) => match self.workers.get_mut(&sw) {
                Some(w) => w.offline_blocked.take(),
                None => return,
            },
            BlockKey::Origin(origin, b) => self.origins.get_mut(origin).blocked[blocker_index(b)].take(),
        };
        if members.is_empty() {
            return;
        }
        let origin = key.origin();
        let released = Released { entries: members, next: 0, ordered: false };
        self.origins.get_mut(origin).released.push_back(released);
        self.wake_origin(origin);
    }

    /// Releases a device-wide condition for every origin that has registrations held by it.
    pub(super) fn release_global(&mut self, blocker: Blocker) {
        let origins = std::mem::take(&mut self.global_blocked[blocker_index(blocker)]);
        if !origins.is_empty() {
            self.pending_release.push_back((blocker, origins.into_iter()));
        }
    }

    /// Hands up to [`RELEASE_CHUNK`] origins of pending device-wide releases
    /// their released sets (and a place in the rotation); `false` when none were pending.
    fn admit_released(&mut self) -> bool {
        let mut admitted = 0;
        while admitted < RELEASE_CHUNK {
            let Some((blocker, origins)) = self.pending_release.front_mut() else { break };
            let blocker = *blocker;
            match origins.next() {
                Some(origin) => {
                    self.release(BlockKey::Origin(origin, blocker));
                    admitted += 1;
                }
                None => {
                    self.pending_release.pop_front();
                }
            }
        }
        admitted > 0
    }

    /// Re-places up to [`RELEASE_CHUNK`] of an origin's released entries;
    /// `false` when it had none left.
    fn process_released(&mut self, origin: OriginIdx) -> bool {
        let mut done = 0;
        let sorted = self.policy.tag_order() == TagOrder::Sorted;
        while done < RELEASE_CHUNK {
            let registry = &self.registry;
            let Some(front) = self.origins.get_mut(origin).released.front_mut() else { break };
            if !front.ordered {
                front.ordered = true;
                if sorted {
                    // Chromium fires ready registrations in (worker, tag) order.
                    front.entries.sort_by_cached_key(|&(id, _)| registry.get(id).map(|r| (r.sw, r.tag.clone())));
                }
            }
            let entry = front.entries.get(front.next).copied();
            front.next += 1;
            match entry {
                Some((id, ticket)) => {
                    if self.registry.get(id).is_some_and(|r| r.ticket == ticket) {
                        self.place(id);
                    }
                    done += 1;
                }
                None => {
                    self.origins.get_mut(origin).released.pop_front();
                }
            }
        }
        done > 0
    }

    fn origin_has_capacity(&self, origin: OriginIdx) -> bool {
        self.policy.max_concurrent_per_origin().is_none_or(|cap| self.origins.get(origin).running < cap)
    }

    /// The next valid ready registration of an origin, re-placing its released
    /// entries as needed.
    fn next_ready(&mut self, origin: OriginIdx) -> Option<RegId> {
        loop {
            while let Some((id, ticket)) = self.origins.get_mut(origin).ready.pop_front() {
                let valid = self.registry.get(id).is_some_and(|r| r.ticket == ticket && r.place == Place::Ready);
                if valid {
                    return Some(id);
                }
            }
            if !self.process_released(origin) {
                return None;
            }
        }
    }

    /// Dispatches at most one ready registration, taking origins round-robin
    /// under the policy's concurrency limits. Called when the action queue is empty.
    pub(super) fn pump(&mut self) {
        if self.disabled {
            return;
        }
        loop {
            if self.policy.max_concurrent_total().is_some_and(|cap| self.running >= cap) {
                return;
            }
            if !self.pending_release.is_empty() {
                self.admit_released();
            }
            let Some(origin) = self.rotation.pop_front() else {
                if self.admit_released() {
                    continue;
                }
                return;
            };
            if !self.origin_has_capacity(origin) {
                // It re-enters the rotation when one of its events settles.
                self.origins.get_mut(origin).in_rotation = false;
                continue;
            }
            let picked = self.next_ready(origin);
            let state = self.origins.get_mut(origin);
            if state.has_work() {
                self.rotation.push_back(origin);
            } else {
                state.in_rotation = false;
            }
            let Some(id) = picked else { continue };
            // Conditions may have changed since it was queued: decide again.
            match self.verdict(id) {
                Verdict::Fire => {
                    self.dispatch(id);
                    return;
                }
                _ => self.place(id),
            }
        }
    }

    /// Whether any registration may be held back by `blocker` right now. Cheap
    /// (no scan) and conservative: it may say `true` for entries that have since
    /// moved on, never `false` while one is held. Answers for device-wide
    /// conditions (offline, metered, power); others always give `false`. For the
    /// embedder's wake-up hint ("wake the browser when the network returns").
    pub fn has_blocked(&self, blocker: Blocker) -> bool {
        if is_device_wide(blocker) {
            return !self.global_blocked[blocker_index(blocker)].is_empty()
                || self.pending_release.iter().any(|(b, _)| *b == blocker);
        }
        false
    }

    /// Whether something may fire as soon as the device is online (or a dispatch
    /// slot frees up): registrations held by the network, by a worker's offline
    /// emulation (which does not survive a restart), or queued for dispatch.
    /// Conservative like [`Engine::has_blocked`]; O(workers), no registration scan.
    pub fn waits_for_network(&self) -> bool {
        self.has_blocked(Blocker::Offline)
            || !self.rotation.is_empty()
            || !self.pending_release.is_empty()
            || self.workers.values().any(|w| !w.offline_blocked.is_empty())
    }

    /// Puts an origin back into the rotation after one of its events settled.
    pub(super) fn wake_origin(&mut self, origin: OriginIdx) {
        let state = self.origins.get_mut(origin);
        if !state.in_rotation && state.has_work() {
            state.in_rotation = true;
            self.rotation.push_back(origin);
        }
    }
}
