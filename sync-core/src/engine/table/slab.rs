//! The slab of registrations, addressed by [`RegId`], and the registration
//! row itself. Each tag is held once, in its registration; the per-worker tag
//! tables store only slab indices.

use crate::engine::index::{OriginIdx, RegId};
use crate::ids::{EventId, Origin, RegistrationKey, SwRegId, Tag};
use crate::record::{StoredPeriodic, StoredPhase, StoredRegistration};
use sync_policy::{Blocker, Millis, SyncKind, Timestamp};

/// The due time of a registration that may fire as soon as it is placed
/// (a new or re-registered one-off registration).
pub(crate) const DUE_NOW: Timestamp = Timestamp(0);

/// The due time of a suspended periodic registration (its origin's
/// engagement suspends periodic sync): no cycle is scheduled.
pub(crate) const SUSPENDED: Timestamp = Timestamp::MAX;

/// The spec's registration states (one-off: pending / waiting / firing /
/// reregisteredWhileFiring; periodic: pending / firing / reregistered-while-firing,
/// plus waiting between retries). The event of a firing registration is in
/// [`Registration::in_flight`] (kept beside the phase, so the phase is one byte).
///
/// Spec: <https://wicg.github.io/background-sync/spec/#registration-state>,
/// <https://wicg.github.io/periodic-background-sync/#periodic-sync-registration-state>
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Pending,
    Waiting,
    Firing,
    ReregisteredWhileFiring,
}

/// The fields only a periodic registration has, kept by the table beside the
/// record (keyed by slab index), so a one-off record does not carry them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Periodic {
    /// `minInterval` as registered.
    pub(crate) min_interval: Millis,
    /// The time the interval is measured from.
    pub(crate) anchor: Timestamp,
}

/// Where a registration sits in the scheduler. Entries in blocked sets and
/// ready queues carry the `ticket` they were placed with; a mismatch marks them stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// Not scheduled (firing, or just created).
    Idle,
    /// In the due index until the time.
    Due(Timestamp),
    /// In the blocked set of this condition, during the set's given generation
    /// (a release starts a new one).
    Blocked(Blocker, u32),
    /// In its origin's ready queue.
    Ready,
}

/// One registration.
///
/// The fields that file it in the table (`sw`, `kind`, `tag`, `origin`, `seq`)
/// never change after insertion, and `due` (which files a periodic
/// registration in its origin's due index) changes only through
/// [`RegistrationTable::set_due`](super::RegistrationTable::set_due): they are
/// private to the table and read through getters. `place` and `ticket` belong
/// to the scheduler; they are kept in the row, not in a side table, so placing
/// a registration touches one cache line.
#[derive(Debug)]
pub(crate) struct Registration {
    pub(super) sw: SwRegId,
    pub(super) kind: SyncKind,
    pub(super) tag: Tag,
    pub(super) origin: OriginIdx,
    pub(super) seq: u64,
    /// When the registration is next due by its own schedule. While waiting
    /// (either kind): the retry time. One-off while pending: [`DUE_NOW`].
    /// Periodic while pending: the scheduled time of the current cycle
    /// (see `periodic_schedule.rs`), or [`SUSPENDED`].
    pub(super) due: Timestamp,
    pub(crate) phase: Phase,
    /// The event of the current firing (meaningful only while the phase is
    /// firing or reregistered-while-firing; read it through [`Registration::in_flight`]).
    pub(crate) event: EventId,
    /// Failed attempts in the current cycle.
    pub(crate) attempts: u32,
    /// Attempts allowed, chosen at registration (one-off; periodic rows carry the
    /// policy's value too, which the periodic failure rule does not read).
    pub(crate) max_attempts: u32,
    /// Periodic: the next dispatch skips the origin gap and the round gate
    /// (a retry, or Chromium's re-fire after a re-register while firing).
    /// One-off: `dispatch_now` only.
    pub(crate) bypass_gates: bool,
    pub(crate) place: Place,
    pub(crate) ticket: u32,
}

impl Registration {
    /// A new pending registration (not yet in any table).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        sw: SwRegId,
        kind: SyncKind,
        tag: Tag,
        origin: OriginIdx,
        seq: u64,
        max_attempts: u32,
    ) -> Registration {
        Registration {
            sw,
            kind,
            tag,
            origin,
            seq,
            due: DUE_NOW,
            phase: Phase::Pending,
            event: EventId(0),
            attempts: 0,
            max_attempts,
            bypass_gates: false,
            place: Place::Idle,
            ticket: 0,
        }
    }

    /// The event in flight for it, if it is firing.
    pub(crate) fn in_flight(&self) -> Option<EventId> {
        matches!(self.phase, Phase::Firing | Phase::ReregisteredWhileFiring).then_some(self.event)
    }

    pub(crate) fn sw(&self) -> SwRegId {
        self.sw
    }

    pub(crate) fn kind(&self) -> SyncKind {
        self.kind
    }

    pub(crate) fn tag(&self) -> &Tag {
        &self.tag
    }

    pub(crate) fn origin(&self) -> OriginIdx {
        self.origin
    }

    pub(crate) fn due(&self) -> Timestamp {
        self.due
    }

    pub(crate) fn key(&self) -> RegistrationKey {
        RegistrationKey { sw: self.sw, kind: self.kind, tag: self.tag.clone() }
    }

    /// The stored row; `periodic` carries the periodic fields, which the
    /// table keeps beside the record ([`Periodic`]).
    pub(super) fn to_stored(&self, origin: &Origin, periodic: Option<Periodic>) -> StoredRegistration {
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
            periodic: periodic.map(|p| StoredPeriodic { min_interval: p.min_interval, anchor: p.anchor }),
        }
    }
}

/// Records per slab chunk (a power of two).
const CHUNK_BITS: u32 = 10;
const CHUNK: usize = 1 << CHUNK_BITS;

/// The slab of registrations. Lookup by tag lives in each worker's
/// [`TagList`](super::tag_list::TagList).
///
/// Records live in chunks of [`CHUNK`]: only the last chunk grows (by
/// doubling, up to [`CHUNK`]), so the spare capacity is under one chunk at any
/// size instead of up to half the slab, and growing never moves the records
/// already placed.
#[derive(Default)]
pub(super) struct Slab {
    chunks: Vec<Vec<Option<Registration>>>,
    free: Vec<u32>,
    len: usize,
}

impl std::fmt::Debug for Slab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Slab").field("len", &self.len).finish()
    }
}

fn split(id: RegId) -> (usize, usize) {
    ((id.0 >> CHUNK_BITS) as usize, id.0 as usize & (CHUNK - 1))
}

impl Slab {
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn insert(&mut self, reg: Registration) -> RegId {
        self.len += 1;
        if let Some(i) = self.free.pop() {
            let (chunk, at) = split(RegId(i));
            self.chunks[chunk][at] = Some(reg);
            return RegId(i);
        }
        let full_chunks = self.chunks.len().saturating_sub(1);
        let index = match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => {
                last.push(Some(reg));
                full_chunks * CHUNK + last.len() - 1
            }
            _ => {
                self.chunks.push(vec![Some(reg)]);
                (self.chunks.len() - 1) * CHUNK
            }
        };
        // The slab never exceeds u32::MAX entries: the per-origin quota and
        // memory bound it long before.
        RegId(index as u32)
    }

    pub(super) fn remove(&mut self, id: RegId) -> Option<Registration> {
        let (chunk, at) = split(id);
        let reg = self.chunks.get_mut(chunk)?.get_mut(at)?.take()?;
        self.free.push(id.0);
        self.len -= 1;
        Some(reg)
    }

    pub(super) fn get(&self, id: RegId) -> Option<&Registration> {
        let (chunk, at) = split(id);
        self.chunks.get(chunk)?.get(at)?.as_ref()
    }

    pub(super) fn get_mut(&mut self, id: RegId) -> Option<&mut Registration> {
        let (chunk, at) = split(id);
        self.chunks.get_mut(chunk)?.get_mut(at)?.as_mut()
    }

    /// Opens slots `0..n` of an empty slab, to be filled (in any order) by
    /// [`Slab::fill`]: a restart writes each record straight into its slot
    /// while reading the snapshot in its own order. Each chunk is allocated
    /// once, at its final size.
    pub(super) fn open_slots(&mut self, n: usize) {
        debug_assert!(self.len == 0 && self.chunks.is_empty(), "slots are opened in an empty slab");
        self.chunks = (0..n.div_ceil(CHUNK))
            .map(|c| {
                let size = (n - c * CHUNK).min(CHUNK);
                let mut chunk = Vec::with_capacity(size);
                chunk.resize_with(size, || None);
                chunk
            })
            .collect();
    }

    /// Puts `reg` in the open slot `id` (see [`Slab::open_slots`]); `false`
    /// (and nothing changes) if there is no such slot or it is already filled.
    pub(super) fn fill(&mut self, id: RegId, reg: Registration) -> bool {
        let (chunk, at) = split(id);
        match self.chunks.get_mut(chunk).and_then(|c| c.get_mut(at)) {
            Some(slot @ None) => {
                *slot = Some(reg);
                self.len += 1;
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The record's size is what `benches/README.md` accounts for (memory per registration).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn a_slab_slot_is_96_bytes() {
        assert_eq!(std::mem::size_of::<Option<Registration>>(), 96);
    }

    fn reg(seq: u64) -> Registration {
        Registration::new(SwRegId(1), SyncKind::OneOff, Tag::new("t"), OriginIdx(0), seq, 3)
    }

    #[test]
    fn indices_cross_chunks_and_are_reused() {
        let mut slab = Slab::default();
        let ids: Vec<RegId> = (0..3 * CHUNK as u64 + 5).map(|s| slab.insert(reg(s))).collect();
        assert_eq!(slab.len(), ids.len());
        for (s, id) in ids.iter().enumerate() {
            assert_eq!(id.0 as usize, s, "indices are dense");
            assert_eq!(slab.get(*id).map(|r| r.seq), Some(s as u64));
        }
        let gone = ids[CHUNK + 7];
        assert_eq!(slab.remove(gone).map(|r| r.seq), Some(CHUNK as u64 + 7));
        assert!(slab.get(gone).is_none());
        assert!(slab.remove(gone).is_none());
        assert_eq!(slab.insert(reg(999_999)), gone, "a freed index is reused");
        assert_eq!(slab.get(gone).map(|r| r.seq), Some(999_999));
        assert!(slab.get(RegId(u32::MAX)).is_none());
        assert_eq!(slab.chunks.iter().map(Vec::capacity).max(), Some(CHUNK), "no chunk grows past its size");
    }

    #[test]
    fn opened_slots_fill_in_any_order_then_grow_as_usual() {
        let mut slab = Slab::default();
        let n = CHUNK + 3;
        slab.open_slots(n);
        assert_eq!(slab.len(), 0);
        for s in (0..n as u32).rev() {
            assert!(slab.fill(RegId(s), reg(u64::from(s))));
        }
        assert!(!slab.fill(RegId(5), reg(0)), "a filled slot is not overwritten");
        assert!(!slab.fill(RegId(n as u32), reg(0)), "no slot past the opened ones");
        assert_eq!(slab.len(), n);
        assert_eq!(slab.get(RegId(CHUNK as u32 + 1)).map(|r| r.seq), Some(CHUNK as u64 + 1));
        assert_eq!(slab.insert(reg(7)), RegId(n as u32), "the next insert follows the opened slots");
        assert_eq!(slab.get(RegId(5)).map(|r| r.seq), Some(5));
    }
}
