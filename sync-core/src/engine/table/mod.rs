//! [`RegistrationTable`]: every registration, filed by worker, kind and tag,
//! and counted per origin.
//!
//! The table is the only code that writes its parts, so its invariant has one
//! owner: a registration is in the slab, in its worker's [`TagList`](tag_list::TagList) for its
//! kind, counted (and its tag's bytes summed) in its origin, and, if periodic,
//! in its origin's due index under its current due time. `insert`,
//! `restore_rows`, `remove`, `set_due` and `clear` each keep all of these in
//! step. Where a pending registration waits (due index, blocked set, ready
//! queue) is the scheduler's business, not the table's.

mod bulk;
mod origins;
mod slab;
mod tag_list;

pub(crate) use origins::{OriginState, Worker};
pub(crate) use slab::{DUE_NOW, Periodic, Phase, Place, Registration, SUSPENDED};

use super::index::{OriginIdx, RegId};
use crate::error::SyncError;
use crate::ids::{SwRegId, Tag};
use crate::record::StoredRegistration;
use hashbrown::{DefaultHashBuilder, HashMap};
use origins::Origins;
use slab::Slab;
use std::hash::BuildHasher;
use sync_policy::{Engagement, Millis, SyncKind, Timestamp};

/// The registrations, the workers that hold them and the origins they count against.
#[derive(Debug, Default)]
pub(crate) struct RegistrationTable {
    slab: Slab,
    origins: Origins,
    workers: HashMap<SwRegId, Worker>,
    /// The periodic fields of every periodic registration, by slab index
    /// (one-off records do not carry them).
    periodic: HashMap<RegId, Periodic>,
    hasher: DefaultHashBuilder,
    /// The next registration order number (only grows, survives `clear`).
    next_seq: u64,
    /// Workers under DevTools offline emulation: while there are none, a
    /// fire decision need not look its registration's worker up.
    emulated_offline: usize,
}

/// The fields of a new registration that the caller chooses.
#[derive(Debug)]
pub(crate) struct NewRegistration {
    pub(crate) sw: SwRegId,
    pub(crate) kind: SyncKind,
    pub(crate) tag: Tag,
    pub(crate) origin: OriginIdx,
    pub(crate) max_attempts: u32,
    pub(crate) min_interval: Millis,
    pub(crate) anchor: Timestamp,
}

impl RegistrationTable {
    /// An empty table.
    pub(crate) fn new() -> RegistrationTable {
        RegistrationTable { next_seq: 1, ..RegistrationTable::default() }
    }

    /// Number of registrations (both kinds).
    pub(crate) fn len(&self) -> usize {
        self.slab.len()
    }

    pub(crate) fn get(&self, id: RegId) -> Option<&Registration> {
        self.slab.get(id)
    }

    /// A registration, for changes that do not refile it (phase, attempts,
    /// interval, placement); its filing fields stay private to the table.
    pub(crate) fn get_mut(&mut self, id: RegId) -> Option<&mut Registration> {
        self.slab.get_mut(id)
    }

    /// Whether `id` exists and still carries `ticket` (a scheduler entry is current).
    pub(crate) fn is_current(&self, id: RegId, ticket: u32) -> bool {
        self.slab.get(id).is_some_and(|r| r.ticket == ticket)
    }

    fn tag_hash(&self, tag: &str) -> u64 {
        self.hasher.hash_one(tag)
    }

    fn tag_hash_of(slab: &Slab, hasher: &DefaultHashBuilder, id: RegId) -> u64 {
        slab.get(id).map_or(0, |r| hasher.hash_one(&*r.tag))
    }

    /// Whether an order number is left to hand out (numbers only grow; a store
    /// restored with numbers near `u64::MAX` can use them up).
    pub(crate) fn orders_left(&self) -> bool {
        self.next_seq < u64::MAX
    }

    /// The registration of worker `sw` with this kind and tag, looked up in the
    /// worker's own tag table.
    pub(crate) fn find(&self, sw: SwRegId, kind: SyncKind, tag: &str) -> Option<RegId> {
        let worker = self.workers.get(&sw)?;
        let slab = &self.slab;
        worker.list(kind).find(self.tag_hash(tag), |id| slab.get(id).is_some_and(|r| &*r.tag == tag))
    }

    /// Adds a new pending registration, due at once, after every existing one
    /// in registration order.
    pub(crate) fn insert(&mut self, new: NewRegistration) -> RegId {
        let seq = self.next_seq;
        // Callers check `orders_left` first; saturating, never wrapping to a used number.
        self.next_seq = self.next_seq.saturating_add(1);
        let NewRegistration { sw, kind, tag, origin, max_attempts, min_interval, anchor } = new;
        let periodic = (kind == SyncKind::Periodic).then_some(Periodic { min_interval, anchor });
        self.file(Registration::new(sw, kind, tag, origin, seq, max_attempts), periodic)
    }

    /// The periodic fields of a periodic registration (`None` for a one-off one).
    pub(crate) fn periodic(&self, id: RegId) -> Option<Periodic> {
        self.periodic.get(&id).copied()
    }

    /// Whether any registration is periodic.
    pub(crate) fn has_periodic(&self) -> bool {
        !self.periodic.is_empty()
    }

    /// A registration's `minInterval` (zero for a one-off one).
    pub(crate) fn min_interval(&self, id: RegId) -> Millis {
        self.periodic.get(&id).map_or(Millis::ZERO, |p| p.min_interval)
    }

    /// Sets a periodic registration's `minInterval` (no effect on a one-off one).
    pub(crate) fn set_min_interval(&mut self, id: RegId, min_interval: Millis) {
        if let Some(p) = self.periodic.get_mut(&id) {
            p.min_interval = min_interval;
        }
    }

    /// Sets the time a periodic registration's interval is measured from (no effect on a one-off one).
    pub(crate) fn set_anchor(&mut self, id: RegId, anchor: Timestamp) {
        if let Some(p) = self.periodic.get_mut(&id) {
            p.anchor = anchor;
        }
    }

    /// A registration's stored row.
    pub(crate) fn to_stored(&self, id: RegId) -> Option<StoredRegistration> {
        let reg = self.slab.get(id)?;
        Some(reg.to_stored(self.origins.get(reg.origin).origin(), self.periodic(id)))
    }

    /// The one insert path: the slab, the worker's tag table, the origin's
    /// counts and (periodic) its due index.
    fn file(&mut self, reg: Registration, periodic: Option<Periodic>) -> RegId {
        let (sw, kind, origin, due, bytes) = (reg.sw, reg.kind, reg.origin, reg.due, reg.tag.len());
        let hash = self.tag_hash(&reg.tag);
        let id = self.slab.insert(reg);
        if let Some(p) = periodic {
            self.periodic.insert(id, p);
        }
        let (slab, hasher) = (&self.slab, &self.hasher);
        if let Some(w) = self.workers.get_mut(&sw) {
            w.list_mut(kind).insert(id, hash, |other| Self::tag_hash_of(slab, hasher, other));
        }
        let state = self.origins.get_mut(origin);
        if kind == SyncKind::Periodic {
            state.periodic_due.insert((due, id));
        }
        state.registrations += 1;
        state.tag_bytes += bytes;
        id
    }

    /// Removes a registration from every part of the table and hands it back.
    /// The caller takes it out of the scheduler first and persists the deletion.
    pub(crate) fn remove(&mut self, id: RegId) -> Option<Registration> {
        let reg = self.slab.remove(id)?;
        self.periodic.remove(&id);
        let hash = self.tag_hash(&reg.tag);
        if let Some(w) = self.workers.get_mut(&reg.sw) {
            w.list_mut(reg.kind).remove(id, hash);
        }
        let state = self.origins.get_mut(reg.origin);
        if reg.kind == SyncKind::Periodic {
            state.periodic_due.remove(&(reg.due, id));
        }
        state.registrations = state.registrations.saturating_sub(1);
        state.tag_bytes = state.tag_bytes.saturating_sub(reg.tag.len());
        Some(reg)
    }

    /// Sets a registration's due time, keeping its origin's periodic index in step.
    pub(crate) fn set_due(&mut self, id: RegId, due: Timestamp) {
        let Some(reg) = self.slab.get_mut(id) else { return };
        let old = std::mem::replace(&mut reg.due, due);
        if reg.kind == SyncKind::Periodic {
            let index = &mut self.origins.get_mut(reg.origin).periodic_due;
            index.remove(&(old, id));
            index.insert((due, id));
        }
    }

    /// Puts every origin's workers in id order (after a restore, whose rows
    /// come in registration order).
    pub(crate) fn sort_origin_workers(&mut self) {
        for state in self.origins.iter_mut() {
            state.workers.sort_unstable();
        }
    }

    /// Drops every registration, keeping workers, origins and the facts
    /// reported about them (and the order counter, so order numbers never repeat).
    pub(crate) fn clear(&mut self) {
        self.slab = Slab::default();
        self.periodic = HashMap::new();
        for w in self.workers.values_mut() {
            w.lists = Default::default();
        }
        for state in self.origins.iter_mut() {
            state.registrations = 0;
            state.tag_bytes = 0;
            state.periodic_due.clear();
            state.last_periodic = None;
        }
    }

    /// The index of an origin, interning it (with `default_engagement`) if new.
    pub(crate) fn intern(&mut self, origin: &str, default_engagement: Engagement) -> OriginIdx {
        self.origins.intern(origin, default_engagement)
    }

    /// The index of a known origin.
    pub(crate) fn lookup(&self, origin: &str) -> Option<OriginIdx> {
        self.origins.lookup(origin)
    }

    pub(crate) fn origin(&self, idx: OriginIdx) -> &OriginState {
        self.origins.get(idx)
    }

    /// An origin, for the facts the embedder reports (its counts stay private to the table).
    pub(crate) fn origin_mut(&mut self, idx: OriginIdx) -> &mut OriginState {
        self.origins.get_mut(idx)
    }

    /// The due time of the origin's soonest scheduled periodic registration
    /// other than `id` (suspended ones are not scheduled).
    pub(crate) fn soonest_other_periodic(&self, origin: OriginIdx, id: RegId) -> Option<Timestamp> {
        self.origins
            .get(origin)
            .periodic_due
            .iter()
            .find(|&&(_, other)| other != id)
            .map(|&(at, _)| at)
            .filter(|&at| at != SUSPENDED)
    }

    /// Every registration of one kind held by an origin's workers (worker by
    /// worker, each in registration order).
    pub(crate) fn origin_registrations(&self, origin: OriginIdx, kind: SyncKind) -> Vec<RegId> {
        self.origins.get(origin).workers.iter().flat_map(|&sw| self.worker_registrations(sw, kind)).collect()
    }

    /// A worker's registrations of `kind`, in registration order (empty for an unknown worker).
    pub(crate) fn worker_registrations(&self, sw: SwRegId, kind: SyncKind) -> Vec<RegId> {
        let slab = &self.slab;
        self.workers
            .get(&sw)
            .map(|w| w.list(kind).ordered(|id| slab.get(id).map_or(u64::MAX, |r| r.seq)))
            .unwrap_or_default()
    }

    /// A worker's registrations of both kinds (one-off first), each in registration order.
    pub(crate) fn worker_all_registrations(&self, sw: SwRegId) -> Vec<RegId> {
        let mut ids = self.worker_registrations(sw, SyncKind::OneOff);
        ids.extend(self.worker_registrations(sw, SyncKind::Periodic));
        ids
    }

    pub(crate) fn worker(&self, sw: SwRegId) -> Option<&Worker> {
        self.workers.get(&sw)
    }

    /// A worker, for its activity and offline emulation (its tag tables stay private).
    pub(crate) fn worker_mut(&mut self, sw: SwRegId) -> Option<&mut Worker> {
        self.workers.get_mut(&sw)
    }

    /// Every known worker.
    pub(crate) fn workers(&self) -> impl Iterator<Item = (SwRegId, &Worker)> + '_ {
        self.workers.iter().map(|(sw, w)| (*sw, w))
    }

    /// Announces a worker of `origin`, or updates whether a known one is active.
    pub(crate) fn add_worker(&mut self, sw: SwRegId, origin: OriginIdx, active: bool) -> Result<(), SyncError> {
        match self.workers.get_mut(&sw) {
            Some(w) if w.origin != origin => Err(SyncError::WorkerOriginMismatch(sw)),
            Some(w) => {
                w.active = active;
                Ok(())
            }
            None => {
                self.workers.insert(sw, Worker::new(origin, active));
                self.origins.get_mut(origin).workers.push(sw);
                Ok(())
            }
        }
    }

    /// Forgets a worker that holds no registrations any more (the caller
    /// removes them first); `false` if it was not known.
    pub(crate) fn remove_worker(&mut self, sw: SwRegId) -> bool {
        let Some(worker) = self.workers.remove(&sw) else { return false };
        self.origins.get_mut(worker.origin).workers.retain(|w| *w != sw);
        if worker.emulated_offline() {
            self.emulated_offline -= 1;
        }
        true
    }

    /// Counts one DevTools offline emulation of worker `sw` on (`offline`)
    /// or off (reference-counted: every `true` needs a matching `false`).
    /// Returns the worker's origin and whether this brought it back online;
    /// `None` for an unknown worker.
    pub(crate) fn emulate_offline(&mut self, sw: SwRegId, offline: bool) -> Option<(OriginIdx, bool)> {
        let worker = self.workers.get_mut(&sw)?;
        let before = worker.offline_emulation;
        worker.offline_emulation = if offline { before.saturating_add(1) } else { before.saturating_sub(1) };
        let (was, is) = (before > 0, worker.emulated_offline());
        let origin = worker.origin;
        match (was, is) {
            (false, true) => self.emulated_offline += 1,
            (true, false) => self.emulated_offline -= 1,
            _ => {}
        }
        Some((origin, was && !is))
    }

    /// Whether worker `sw` is known and emulated offline by DevTools. O(1)
    /// without a lookup while no worker is.
    pub(crate) fn worker_emulated_offline(&self, sw: SwRegId) -> bool {
        self.emulated_offline > 0 && self.workers.get(&sw).is_some_and(Worker::emulated_offline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_of_workers_emulated_offline_follows_every_change() {
        let mut table = RegistrationTable::new();
        let origin = table.intern("https://a.test", Engagement::High);
        for sw in [1, 2] {
            table.add_worker(SwRegId(sw), origin, true).unwrap();
        }
        assert!(!table.worker_emulated_offline(SwRegId(1)));
        assert_eq!(table.emulate_offline(SwRegId(1), true), Some((origin, false)));
        assert_eq!(table.emulate_offline(SwRegId(1), true), Some((origin, false)));
        assert_eq!(table.emulate_offline(SwRegId(2), true), Some((origin, false)));
        assert_eq!(table.emulated_offline, 2);
        assert_eq!(table.emulate_offline(SwRegId(1), false), Some((origin, false)), "one session still holds it");
        assert!(table.worker_emulated_offline(SwRegId(1)));
        assert_eq!(table.emulate_offline(SwRegId(1), false), Some((origin, true)), "online again");
        assert_eq!(table.emulate_offline(SwRegId(1), false), Some((origin, false)), "already online");
        assert!(!table.worker_emulated_offline(SwRegId(1)) && table.worker_emulated_offline(SwRegId(2)));
        assert_eq!(table.emulated_offline, 1);
        assert!(table.remove_worker(SwRegId(2)));
        assert_eq!(table.emulated_offline, 0, "a removed worker no longer counts");
        assert_eq!(table.emulate_offline(SwRegId(9), true), None);
    }
}
