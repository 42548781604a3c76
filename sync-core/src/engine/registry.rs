//! The registration table: a slab of registrations, addressed by [`RegId`].
//! Each tag is held once, in its registration; the per-worker tag tables
//! store only slab indices.

use crate::ids::{RegistrationKey, SwRegId, Tag};
use crate::record::{StoredPeriodic, StoredPhase, StoredRegistration};
use hashbrown::DefaultHashBuilder;
use std::hash::BuildHasher;
use sync_policy::{Blocker, Millis, SyncKind, Timestamp, WaitReason};

use super::origins::OriginIdx;
use crate::ids::{EventId, Origin};

/// Index of a registration in the slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RegId(pub(crate) u32);

/// The spec's registration states (one-off: pending / waiting / firing /
/// reregisteredWhileFiring; periodic: pending / firing / reregistered-while-firing,
/// plus waiting between retries).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Pending,
    Waiting,
    Firing(EventId),
    ReregisteredWhileFiring(EventId),
}

impl Phase {
    pub(crate) fn in_flight(self) -> Option<EventId> {
        match self {
            Phase::Firing(e) | Phase::ReregisteredWhileFiring(e) => Some(e),
            _ => None,
        }
    }
}

/// Where a registration sits in the scheduler. Entries in blocked sets and
/// ready queues carry the `ticket` they were placed with; a mismatch marks them stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Not scheduled (firing, or just created).
    Idle,
    /// In the due index until the time.
    Due(Timestamp, WaitReason),
    /// In the blocked set of this condition, during the set's given generation
    /// (a release starts a new one).
    Blocked(Blocker, u32),
    /// In its origin's ready queue.
    Ready,
}

#[derive(Debug)]
pub(crate) struct Registration {
    pub(crate) sw: SwRegId,
    pub(crate) kind: SyncKind,
    pub(crate) tag: Tag,
    pub(crate) origin: OriginIdx,
    pub(crate) phase: Phase,
    pub(crate) attempts: u32,
    pub(crate) max_attempts: u32,
    /// One-off: the retry time while waiting. Periodic: the retry time while waiting.
    pub(crate) due: Timestamp,
    pub(crate) seq: u64,
    pub(crate) min_interval: Millis,
    pub(crate) anchor: Timestamp,
    /// Periodic: the next dispatch skips the origin gap and the round gate
    /// (a retry, or Chromium's re-fire after a re-register while firing).
    pub(crate) bypass_gates: bool,
    pub(crate) place: Place,
    pub(crate) ticket: u32,
}

impl Registration {
    pub(crate) fn key(&self) -> RegistrationKey {
        RegistrationKey { sw: self.sw, kind: self.kind, tag: self.tag.clone() }
    }

    pub(crate) fn to_stored(&self, origin: &Origin) -> StoredRegistration {
        let phase = match self.phase {
            Phase::Waiting => StoredPhase::Waiting,
            _ => StoredPhase::Pending,
        };
        StoredRegistration {
            key: self.key(),
            origin: origin.clone(),
            phase,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            due: self.due,
            seq: self.seq,
            periodic: (self.kind == SyncKind::Periodic)
                .then_some(StoredPeriodic { min_interval: self.min_interval, anchor: self.anchor }),
        }
    }
}

/// The slab of registrations. Lookup by tag lives in each worker's
/// [`TagList`](super::tag_list::TagList), hashed with [`Registry::tag_hash`].
pub(crate) struct Registry {
    slots: Vec<Option<Registration>>,
    free: Vec<u32>,
    hasher: DefaultHashBuilder,
    len: usize,
}

impl Registry {
    pub(crate) fn new() -> Registry {
        Registry { slots: Vec::new(), free: Vec::new(), hasher: DefaultHashBuilder::default(), len: 0 }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// The hash a worker's tag table files `tag` under.
    pub(crate) fn tag_hash(&self, tag: &str) -> u64 {
        self.hasher.hash_one(tag)
    }

    /// The tag hash of registration `id` (0 if it is gone).
    pub(crate) fn tag_hash_of(&self, id: RegId) -> u64 {
        self.get(id).map_or(0, |r| self.tag_hash(&r.tag))
    }

    /// Whether registration `id` exists and has tag `tag`.
    pub(crate) fn has_tag(&self, id: RegId, tag: &str) -> bool {
        self.get(id).is_some_and(|r| &*r.tag == tag)
    }

    pub(crate) fn insert(&mut self, reg: Registration) -> RegId {
        let idx = match self.free.pop() {
            Some(i) => {
                self.slots[i as usize] = Some(reg);
                i
            }
            None => {
                self.slots.push(Some(reg));
                // The slab never exceeds u32::MAX entries: the per-origin quota and
                // memory bound it long before.
                (self.slots.len() - 1) as u32
            }
        };
        self.len += 1;
        RegId(idx)
    }

    pub(crate) fn remove(&mut self, id: RegId) -> Option<Registration> {
        let reg = self.slots.get_mut(id.0 as usize)?.take()?;
        self.free.push(id.0);
        self.len -= 1;
        Some(reg)
    }

    pub(crate) fn get(&self, id: RegId) -> Option<&Registration> {
        self.slots.get(id.0 as usize).and_then(Option::as_ref)
    }

    pub(crate) fn get_mut(&mut self, id: RegId) -> Option<&mut Registration> {
        self.slots.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    pub(crate) fn clear(&mut self) {
        *self = Registry::new();
    }

    pub(crate) fn reserve(&mut self, additional: usize) {
        self.slots.reserve(additional);
    }
}
