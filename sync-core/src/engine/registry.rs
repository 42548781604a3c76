//! The registration table: a slab of registrations plus a hash index on
//! (worker, kind, tag) that stores only slab indices, so each tag is held once.

use crate::ids::{RegistrationKey, SwRegId, Tag};
use crate::store::{StoredPeriodic, StoredPhase, StoredRegistration};
use hashbrown::{DefaultHashBuilder, HashTable};
use std::hash::{BuildHasher, Hash, Hasher};
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

pub(crate) struct Registry {
    slots: Vec<Option<Registration>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: DefaultHashBuilder,
    len: usize,
}

fn key_hash(hasher: &DefaultHashBuilder, sw: SwRegId, kind: SyncKind, tag: &str) -> u64 {
    let mut h = hasher.build_hasher();
    sw.hash(&mut h);
    kind.hash(&mut h);
    tag.hash(&mut h);
    h.finish()
}

impl Registry {
    pub(crate) fn new() -> Registry {
        Registry {
            slots: Vec::new(),
            free: Vec::new(),
            index: HashTable::new(),
            hasher: DefaultHashBuilder::default(),
            len: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn find(&self, sw: SwRegId, kind: SyncKind, tag: &str) -> Option<RegId> {
        let hash = key_hash(&self.hasher, sw, kind, tag);
        self.index
            .find(hash, |&i| {
                self.slots[i as usize].as_ref().is_some_and(|r| r.sw == sw && r.kind == kind && &*r.tag == tag)
            })
            .map(|&i| RegId(i))
    }

    pub(crate) fn insert(&mut self, reg: Registration) -> RegId {
        let hash = key_hash(&self.hasher, reg.sw, reg.kind, &reg.tag);
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
        let slots = &self.slots;
        let hasher = &self.hasher;
        self.index.insert_unique(hash, idx, |&i| match &slots[i as usize] {
            Some(r) => key_hash(hasher, r.sw, r.kind, &r.tag),
            None => 0,
        });
        self.len += 1;
        RegId(idx)
    }

    pub(crate) fn remove(&mut self, id: RegId) -> Option<Registration> {
        let reg = self.slots.get_mut(id.0 as usize)?.take()?;
        let hash = key_hash(&self.hasher, reg.sw, reg.kind, &reg.tag);
        if let Ok(entry) = self.index.find_entry(hash, |&i| i == id.0) {
            entry.remove();
        }
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
        let slots = &self.slots;
        let hasher = &self.hasher;
        self.index.reserve(additional, |&i| match &slots[i as usize] {
            Some(r) => key_hash(hasher, r.sw, r.kind, &r.tag),
            None => 0,
        });
    }
}
