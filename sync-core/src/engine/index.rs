//! Dense indices into the engine's tables.
//!
//! They live apart from the tables they index so that every part of the
//! engine (the registration table, the scheduler, the events in flight) can
//! name a registration or an origin without importing another part.

use sync_policy::SyncKind;

/// Index of a registration in the registration table's slab.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct RegId(pub(crate) u32);

/// Dense index of an interned origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OriginIdx(pub(crate) u32);

/// A dense index for a [`SyncKind`] (the slot of per-kind arrays).
pub(crate) fn kind_index(kind: SyncKind) -> usize {
    match kind {
        SyncKind::OneOff => 0,
        SyncKind::Periodic => 1,
    }
}
