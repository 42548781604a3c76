//! Per-origin and per-worker rows of the registration table.

use super::tag_list::TagList;
use crate::engine::index::{OriginIdx, RegId, kind_index};
use crate::ids::{Origin, SwRegId};
use hashbrown::HashMap;
use std::collections::BTreeSet;
use sync_policy::{Engagement, PermissionName, PermissionState, SyncKind, Timestamp};

/// One origin: what the table counts for it (private to the table) and the
/// facts the embedder reports about it.
#[derive(Debug)]
pub(crate) struct OriginState {
    pub(super) origin: Origin,
    pub(super) workers: Vec<SwRegId>,
    /// Registrations of both kinds held by the origin (for the quota).
    pub(super) registrations: usize,
    /// UTF-8 bytes of the tags of those registrations (for the byte budget).
    pub(super) tag_bytes: usize,
    /// The origin's periodic registrations by due time (for the soonest other event).
    pub(super) periodic_due: BTreeSet<(Timestamp, RegId)>,
    /// Open service worker clients, per [`FrameType::index`](sync_policy::FrameType::index).
    pub(crate) clients_by_frame: [u32; 4],
    pub(crate) permissions: [PermissionState; 3],
    pub(crate) engagement: Engagement,
    /// When the origin last had a (non-retry) periodic event dispatched.
    pub(crate) last_periodic: Option<Timestamp>,
}

impl OriginState {
    /// The origin's serialization.
    pub(crate) fn origin(&self) -> &Origin {
        &self.origin
    }

    /// Its service worker registrations, in announcement order.
    pub(crate) fn workers(&self) -> &[SwRegId] {
        &self.workers
    }

    /// Registrations of both kinds it holds.
    pub(crate) fn registrations(&self) -> usize {
        self.registrations
    }

    /// UTF-8 bytes of the tags it holds.
    pub(crate) fn tag_bytes(&self) -> usize {
        self.tag_bytes
    }

    pub(crate) fn permission(&self, name: PermissionName) -> PermissionState {
        self.permissions[name.index()]
    }
}

/// The interned origins, by dense index.
#[derive(Debug, Default)]
pub(super) struct Origins {
    list: Vec<OriginState>,
    index: HashMap<Origin, OriginIdx>,
}

impl Origins {
    pub(super) fn intern(&mut self, origin: &str, default_engagement: Engagement) -> OriginIdx {
        if let Some(&i) = self.index.get(origin) {
            return i;
        }
        let idx = OriginIdx(self.list.len() as u32);
        let origin = Origin::new(origin);
        self.list.push(OriginState {
            origin: origin.clone(),
            workers: Vec::new(),
            registrations: 0,
            tag_bytes: 0,
            periodic_due: BTreeSet::new(),
            clients_by_frame: [0; 4],
            permissions: [PermissionState::Unset; 3],
            engagement: default_engagement,
            last_periodic: None,
        });
        self.index.insert(origin, idx);
        idx
    }

    pub(super) fn lookup(&self, origin: &str) -> Option<OriginIdx> {
        self.index.get(origin).copied()
    }

    pub(super) fn get(&self, idx: OriginIdx) -> &OriginState {
        &self.list[idx.0 as usize]
    }

    pub(super) fn get_mut(&mut self, idx: OriginIdx) -> &mut OriginState {
        &mut self.list[idx.0 as usize]
    }

    pub(super) fn iter_mut(&mut self) -> impl Iterator<Item = &mut OriginState> {
        self.list.iter_mut()
    }
}

/// A service worker registration known to the engine.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(super) origin: OriginIdx,
    pub(crate) active: bool,
    /// DevTools offline emulation reference count (Chromium: one per DevTools
    /// session). Written only by [`RegistrationTable::emulate_offline`](super::RegistrationTable::emulate_offline),
    /// which counts the workers it holds offline.
    pub(super) offline_emulation: u32,
    /// Registrations per kind, by registration order.
    pub(super) lists: [TagList; 2],
}

impl Worker {
    pub(super) fn new(origin: OriginIdx, active: bool) -> Worker {
        Worker { origin, active, offline_emulation: 0, lists: [TagList::default(), TagList::default()] }
    }

    /// The origin it belongs to.
    pub(crate) fn origin(&self) -> OriginIdx {
        self.origin
    }

    /// Whether DevTools emulates it offline.
    pub(crate) fn emulated_offline(&self) -> bool {
        self.offline_emulation > 0
    }

    pub(super) fn list(&self, kind: SyncKind) -> &TagList {
        &self.lists[kind_index(kind)]
    }

    pub(super) fn list_mut(&mut self, kind: SyncKind) -> &mut TagList {
        &mut self.lists[kind_index(kind)]
    }

    /// How many registrations of `kind` it holds.
    pub(crate) fn count(&self, kind: SyncKind) -> usize {
        self.list(kind).len()
    }
}
