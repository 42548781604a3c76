//! [`Scheduler`]: where each pending registration waits, and the dispatch rotation.
//!
//! A pending registration is in exactly one place:
//! - the **due index** (ordered by time) while it waits for a time (back-off,
//!   its periodic interval, the origin gap or the round gate);
//! - a **blocked set** (one per condition and origin, see [`blocked`]) while a
//!   condition holds it back (offline, worker offline, battery, engagement,
//!   permission); the set is released as a whole when the condition changes,
//!   so nothing is ever rescanned;
//! - its origin's **ready queue**, from which the engine dispatches
//!   round-robin across origins under the policy's concurrency limits.
//!
//! Blocked sets and ready queues are lazy: an entry carries the registration's
//! `ticket` at the time it was placed, and a registration moved elsewhere gets a
//! new ticket, so stale entries are skipped. Every move costs O(log n).
//!
//! The scheduler decides nothing: the engine asks the policy for a
//! [`Verdict`] and files the registration with [`Scheduler::file`].

mod blocked;
mod dispatch_order;
mod released;

pub(crate) use blocked::{BLOCKERS, BlockKey, BlockedSet, blocker_index, is_device_wide};

use super::index::{OriginIdx, RegId, kind_index};
use super::table::{Place, Registration, RegistrationTable};
use super::wakeup::{WakeReason, Wakeup};
use crate::ids::SwRegId;
use crate::ids::Tag;
use hashbrown::HashMap;
use released::{Released, ReleasedQueue};
use std::collections::{BTreeMap, VecDeque};
use sync_policy::{Blocker, Timestamp, Verdict, WaitReason};

/// One origin's scheduling state.
#[derive(Debug, Default)]
struct OriginQueue {
    /// Registrations ready to dispatch, with the ticket they were queued under.
    ready: VecDeque<(RegId, u32)>,
    /// Blocked sets, one per condition ([`blocker_index`]); DevTools offline
    /// emulation uses the worker's own set.
    blocked: [BlockedSet; BLOCKERS],
    /// Released blocked entries, re-placed lazily when the origin's turn comes.
    released: ReleasedQueue,
    /// Whether the origin is in the dispatch rotation.
    in_rotation: bool,
}

impl OriginQueue {
    /// Whether the origin has anything the pump could dispatch.
    fn has_work(&self) -> bool {
        !self.ready.is_empty() || !self.released.is_empty()
    }
}

/// How due-index entries of the same instant are ordered: part of the key,
/// so ties cost nothing extra to order (no scan when they come due).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Tie {
    /// By slab index, which follows registration order.
    Insertion,
    /// By service worker registration, then tag, then kind (one-off first):
    /// the order Chromium iterates its registrations in when it fires the
    /// ready ones (`content/browser/background_sync/background_sync_manager.cc`,
    /// `FireReadyEventsImpl` over `active_registrations_`, a map by
    /// registration id whose values map (tag, type) in order).
    Sorted(SwRegId, Tag, u8),
}

/// The due index, the blocked sets, the ready queues and the rotation.
#[derive(Debug, Default)]
pub(crate) struct Scheduler {
    /// Registrations waiting for a time, with why.
    due: BTreeMap<(Timestamp, Tie, RegId, u32), WaitReason>,
    /// Order same-instant entries by [`Tie::Sorted`] (the policy's
    /// `same_instant_order`), else by registration order.
    sorted_ties: bool,
    /// Per origin, by [`OriginIdx`] (grown on first use).
    queues: Vec<OriginQueue>,
    /// Per worker under DevTools offline emulation: what it holds back.
    worker_blocked: HashMap<SwRegId, BlockedSet>,
    /// Per device-wide condition: origins whose set for it is non-empty.
    global_blocked: [Vec<OriginIdx>; BLOCKERS],
    /// Device-wide releases not yet handed to their origins (admitted a chunk
    /// at a time, so a flip costs O(1) before the first dispatch).
    pending_release: VecDeque<(Blocker, std::vec::IntoIter<OriginIdx>)>,
    /// Origins with work, in turn order.
    rotation: VecDeque<OriginIdx>,
}

impl Scheduler {
    /// An empty scheduler ordering same-instant entries as the policy says.
    pub(crate) fn new(sorted_ties: bool) -> Scheduler {
        Scheduler { sorted_ties, ..Scheduler::default() }
    }

    fn queue_mut(&mut self, origin: OriginIdx) -> &mut OriginQueue {
        let i = origin.0 as usize;
        if i >= self.queues.len() {
            self.queues.resize_with(i + 1, OriginQueue::default);
        }
        &mut self.queues[i]
    }

    /// When the soonest due-index entry comes due, and why.
    pub(crate) fn poll_timeout(&self) -> Option<Wakeup> {
        self.due.first_key_value().map(|(&(at, _, _, _), &why)| Wakeup { at, reason: WakeReason::Due(why) })
    }

    /// Takes the soonest due-index entry if it is due at `now`.
    pub(crate) fn pop_due(&mut self, now: Timestamp) -> Option<(RegId, u32)> {
        let entry = self.due.first_entry()?;
        let &(at, _, id, ticket) = entry.key();
        if at > now {
            return None;
        }
        entry.remove();
        Some((id, ticket))
    }

    /// Takes a registration out of wherever it waits (the due index directly;
    /// blocked sets and ready queues by invalidating their entries).
    pub(crate) fn unplace(&mut self, table: &mut RegistrationTable, id: RegId) {
        let sorted_ties = self.sorted_ties;
        let Some(reg) = table.get_mut(id) else { return };
        let (place, sw, origin, ticket) = (reg.place, reg.sw(), reg.origin(), reg.ticket);
        // Only a due-index entry needs its tie to be found again.
        let tie = match place {
            Place::Due(_) => tie_of(sorted_ties, reg),
            _ => Tie::Insertion,
        };
        reg.place = Place::Idle;
        reg.ticket = ticket.wrapping_add(1);
        match place {
            Place::Due(at) => {
                self.due.remove(&(at, tie, id, ticket));
            }
            Place::Blocked(b, generation) => {
                let set = match b {
                    Blocker::WorkerOffline => self.worker_blocked.get_mut(&sw),
                    _ => Some(&mut self.queue_mut(origin).blocked[blocker_index(b)]),
                };
                if let Some(set) = set {
                    set.left(generation, |id, ticket| table.is_current(id, ticket));
                }
            }
            Place::Idle | Place::Ready => {}
        }
    }

    /// Files an unplaced registration where `verdict` says it waits: the due
    /// index, the blocked set of the condition, or its origin's ready queue.
    pub(crate) fn file(&mut self, table: &mut RegistrationTable, id: RegId, verdict: Verdict) {
        let sorted_ties = self.sorted_ties;
        let Some(reg) = table.get_mut(id) else { return };
        let tie = match verdict {
            Verdict::WaitUntil(..) => tie_of(sorted_ties, reg),
            _ => Tie::Insertion,
        };
        let (ticket, sw, origin) = (reg.ticket, reg.sw(), reg.origin());
        reg.place = match verdict {
            Verdict::WaitUntil(at, why) => {
                self.due.insert((at, tie, id, ticket), why);
                Place::Due(at)
            }
            Verdict::Blocked(b) => {
                let key = match b {
                    Blocker::WorkerOffline => BlockKey::Worker(sw, origin),
                    _ => BlockKey::Origin(origin, b),
                };
                Place::Blocked(b, self.block(key, (id, ticket)))
            }
            Verdict::Fire => {
                let queue = self.queue_mut(origin);
                queue.ready.push_back((id, ticket));
                if !queue.in_rotation {
                    queue.in_rotation = true;
                    self.rotation.push_back(origin);
                }
                Place::Ready
            }
        };
    }

    /// Adds an entry to the blocked set of `key`; returns the set's generation.
    fn block(&mut self, key: BlockKey, entry: (RegId, u32)) -> u32 {
        match key {
            BlockKey::Worker(sw, _) => self.worker_blocked.entry(sw).or_default().push(entry),
            BlockKey::Origin(origin, b) => {
                let set = &mut self.queue_mut(origin).blocked[blocker_index(b)];
                let first = set.is_empty();
                let generation = set.push(entry);
                if first && is_device_wide(b) {
                    self.global_blocked[blocker_index(b)].push(origin);
                }
                generation
            }
        }
    }

    /// Releases the blocked set of `key`: its members go to their origin's
    /// released list and are re-placed lazily when the origin's turn comes.
    pub(crate) fn release(&mut self, key: BlockKey) {
        let members = match key {
            BlockKey::Worker(sw, _) => match self.worker_blocked.get_mut(&sw) {
                Some(set) => set.take(),
                None => return,
            },
            BlockKey::Origin(origin, b) => self.queue_mut(origin).blocked[blocker_index(b)].take(),
        };
        if members.is_empty() {
            return;
        }
        let origin = key.origin();
        self.queue_mut(origin).released.push_back(Released { entries: members, next: 0, ordered: false });
        self.wake_origin(origin);
    }

    /// Releases a device-wide condition for every origin that has registrations held by it.
    pub(crate) fn release_global(&mut self, blocker: Blocker) {
        let origins = std::mem::take(&mut self.global_blocked[blocker_index(blocker)]);
        if !origins.is_empty() {
            self.pending_release.push_back((blocker, origins.into_iter()));
        }
    }

    /// Whether device-wide releases wait to be handed to their origins.
    pub(crate) fn has_pending_release(&self) -> bool {
        !self.pending_release.is_empty()
    }

    /// Hands up to `chunk` origins of pending device-wide releases their
    /// released sets (and a place in the rotation); `false` when none were pending.
    pub(crate) fn admit_released(&mut self, chunk: usize) -> bool {
        let mut admitted = 0;
        while admitted < chunk {
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

    /// The next released entry of an origin: `None` when it has none left,
    /// `Some(None)` for a stale entry, `Some(Some(id))` for one to re-place.
    /// With `sorted`, each released set is put in (worker, tag) order on first
    /// use (Chromium fires ready registrations in that order).
    pub(crate) fn next_released(
        &mut self,
        table: &RegistrationTable,
        origin: OriginIdx,
        sorted: bool,
    ) -> Option<Option<RegId>> {
        let queue = self.queue_mut(origin);
        loop {
            let front = queue.released.front_mut()?;
            if !front.ordered {
                front.ordered = true;
                if sorted {
                    dispatch_order::order_by_worker_and_tag(table, &mut front.entries);
                }
            }
            let entry = front.entries.get(front.next).copied();
            front.next += 1;
            match entry {
                Some((id, ticket)) => return Some(table.is_current(id, ticket).then_some(id)),
                None => {
                    queue.released.pop_front();
                }
            }
        }
    }

    /// The next valid entry of an origin's ready queue.
    pub(crate) fn pop_ready(&mut self, table: &RegistrationTable, origin: OriginIdx) -> Option<RegId> {
        let queue = self.queue_mut(origin);
        while let Some((id, ticket)) = queue.ready.pop_front() {
            if table.get(id).is_some_and(|r| r.ticket == ticket && r.place == Place::Ready) {
                return Some(id);
            }
        }
        None
    }

    /// The origin whose turn it is, taken out of the rotation.
    pub(crate) fn pop_rotation(&mut self) -> Option<OriginIdx> {
        self.rotation.pop_front()
    }

    /// An origin taken out of the rotation stays out (it is at its
    /// concurrency limit) until [`Scheduler::wake_origin`].
    pub(crate) fn leave_rotation(&mut self, origin: OriginIdx) {
        self.queue_mut(origin).in_rotation = false;
    }

    /// An origin that just had its turn goes to the back of the rotation if it
    /// has work left, or leaves it.
    pub(crate) fn end_turn(&mut self, origin: OriginIdx) {
        let queue = self.queue_mut(origin);
        if queue.has_work() {
            self.rotation.push_back(origin);
        } else {
            queue.in_rotation = false;
        }
    }

    /// Puts an origin back into the rotation if it has work and is not in it
    /// (after a release, or after one of its events settled).
    pub(crate) fn wake_origin(&mut self, origin: OriginIdx) {
        let queue = self.queue_mut(origin);
        if !queue.in_rotation && queue.has_work() {
            queue.in_rotation = true;
            self.rotation.push_back(origin);
        }
    }

    /// Whether any registration may be held back by the device-wide `blocker`
    /// (conservative: may say `true` for entries that have since moved on).
    pub(crate) fn has_blocked(&self, blocker: Blocker) -> bool {
        is_device_wide(blocker)
            && (!self.global_blocked[blocker_index(blocker)].is_empty()
                || self.pending_release.iter().any(|(b, _)| *b == blocker))
    }

    /// Whether something waits in the rotation, a pending release or a
    /// worker's offline-emulation set.
    pub(crate) fn has_queued_or_emulated(&self) -> bool {
        !self.rotation.is_empty()
            || !self.pending_release.is_empty()
            || self.worker_blocked.values().any(|set| !set.is_empty())
    }

    /// Forgets a worker's offline-emulation set (the worker is gone, and with
    /// it every registration the set could hold).
    pub(crate) fn forget_worker(&mut self, sw: SwRegId) {
        self.worker_blocked.remove(&sw);
    }

    /// Forgets everything scheduled (after a storage failure).
    pub(crate) fn clear(&mut self) {
        *self = Scheduler::new(self.sorted_ties);
    }
}

/// Where a registration goes among the due-index entries of its instant: in
/// insertion order, or (when the policy sorts same-instant dispatches) by
/// worker, tag and kind.
fn tie_of(sorted_ties: bool, reg: &Registration) -> Tie {
    if sorted_ties { Tie::Sorted(reg.sw(), reg.tag().clone(), kind_index(reg.kind()) as u8) } else { Tie::Insertion }
}
