//! Per-origin, per-worker and per-client state.

use super::blocked_set::BlockedSet;
use super::registry::RegId;
use super::tag_list::TagList;
use crate::ids::{Origin, SwRegId};
use hashbrown::HashMap;
use std::collections::{BTreeSet, VecDeque};
use sync_policy::{Engagement, FrameType, PermissionName, PermissionState, SyncKind, Timestamp};

/// Dense index of an interned origin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct OriginIdx(pub(crate) u32);

#[derive(Debug)]
pub(crate) struct OriginState {
    pub(crate) origin: Origin,
    pub(crate) workers: Vec<SwRegId>,
    pub(crate) clients_by_frame: [u32; 4],
    pub(crate) permissions: [PermissionState; 3],
    pub(crate) engagement: Engagement,
    /// Registrations of both kinds held by the origin (for the quota).
    pub(crate) registrations: usize,
    /// When the origin last had a (non-retry) periodic event dispatched.
    pub(crate) last_periodic: Option<Timestamp>,
    /// Events in flight.
    pub(crate) running: u32,
    /// Registrations ready to dispatch, with the ticket they were queued under.
    pub(crate) ready: VecDeque<(RegId, u32)>,
    /// Blocked sets, one per condition (`blocker_index`); DevTools offline
    /// emulation uses the worker's own set.
    pub(crate) blocked: [BlockedSet; super::BLOCKERS],
    /// The origin's periodic registrations by scheduled time (for the soonest other event).
    pub(crate) periodic_due: BTreeSet<(Timestamp, RegId)>,
    /// Released blocked entries, re-placed lazily when the origin's turn comes.
    pub(crate) released: VecDeque<Released>,
    /// Whether the origin is in the dispatch rotation.
    pub(crate) in_rotation: bool,
}

impl OriginState {
    /// Whether the origin has anything the pump could dispatch.
    pub(crate) fn has_work(&self) -> bool {
        !self.ready.is_empty() || !self.released.is_empty()
    }
}

impl OriginState {
    pub(crate) fn permission(&self, name: PermissionName) -> PermissionState {
        self.permissions[name.index()]
    }
}

/// A released blocked set waiting for its origin's turn.
#[derive(Debug)]
pub(crate) struct Released {
    /// Entries with the ticket they were blocked under.
    pub(crate) entries: Vec<(RegId, u32)>,
    /// The next entry to re-place.
    pub(crate) next: usize,
    /// Whether the entries are in dispatch order yet (sorted on first use, so a
    /// release costs nothing before the origin's turn comes).
    pub(crate) ordered: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Origins {
    list: Vec<OriginState>,
    index: HashMap<Origin, OriginIdx>,
}

impl Origins {
    pub(crate) fn intern(&mut self, origin: &str, default_engagement: Engagement) -> OriginIdx {
        if let Some(&i) = self.index.get(origin) {
            return i;
        }
        let idx = OriginIdx(self.list.len() as u32);
        let origin = Origin::new(origin);
        self.list.push(OriginState {
            origin: origin.clone(),
            workers: Vec::new(),
            clients_by_frame: [0; 4],
            permissions: [PermissionState::Unset; 3],
            engagement: default_engagement,
            registrations: 0,
            last_periodic: None,
            running: 0,
            ready: VecDeque::new(),
            blocked: Default::default(),
            periodic_due: BTreeSet::new(),
            released: VecDeque::new(),
            in_rotation: false,
        });
        self.index.insert(origin, idx);
        idx
    }

    pub(crate) fn lookup(&self, origin: &str) -> Option<OriginIdx> {
        self.index.get(origin).copied()
    }

    pub(crate) fn get(&self, idx: OriginIdx) -> &OriginState {
        &self.list[idx.0 as usize]
    }

    pub(crate) fn get_mut(&mut self, idx: OriginIdx) -> &mut OriginState {
        &mut self.list[idx.0 as usize]
    }

    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = &mut OriginState> {
        self.list.iter_mut()
    }
}

/// A service worker registration known to the engine.
#[derive(Debug)]
pub(crate) struct Worker {
    pub(crate) origin: OriginIdx,
    pub(crate) active: bool,
    /// DevTools offline emulation reference count (Chromium: one per DevTools session).
    pub(crate) offline_emulation: u32,
    /// Registrations per kind, by registration order.
    pub(crate) lists: [TagList; 2],
    /// Registrations held back by this worker's offline emulation.
    pub(crate) offline_blocked: BlockedSet,
}

impl Worker {
    pub(crate) fn new(origin: OriginIdx, active: bool) -> Worker {
        Worker {
            origin,
            active,
            offline_emulation: 0,
            lists: [TagList::default(), TagList::default()],
            offline_blocked: BlockedSet::default(),
        }
    }

    pub(crate) fn list(&self, kind: SyncKind) -> &TagList {
        &self.lists[kind_index(kind)]
    }

    pub(crate) fn list_mut(&mut self, kind: SyncKind) -> &mut TagList {
        &mut self.lists[kind_index(kind)]
    }
}

pub(crate) fn kind_index(kind: SyncKind) -> usize {
    match kind {
        SyncKind::OneOff => 0,
        SyncKind::Periodic => 1,
    }
}

/// An open service worker client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClientInfo {
    pub(crate) origin: OriginIdx,
    pub(crate) frame: FrameType,
}
