//! Service worker lifecycle, origin data clearing and storage failure.
//!
//! The specs do not say what happens to sync registrations when their service
//! worker registration goes away; they live on it, so they go with it
//! (Chromium does the same). Results of events in flight for them are ignored.

use super::Engine;
use super::origins::Worker;
use super::register::DISABLED;
use crate::action::{Action, DomErrorName};
use crate::error::SyncError;
use crate::ids::SwRegId;
use crate::record::Mutation;
use sync_policy::{Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// A service worker registration exists for `origin` (announce every one
    /// at start-up, and new ones as they are created). `active` says whether
    /// it has an active worker. Announcing a known one again updates `active`.
    pub fn add_worker(&mut self, now: Timestamp, sw: SwRegId, origin: &str, active: bool) -> Result<(), SyncError> {
        self.observe(now);
        let idx = self.origins.intern(origin, sync_policy::configurable::DEFAULT_ENGAGEMENT);
        match self.workers.get_mut(&sw) {
            Some(w) if w.origin != idx => Err(SyncError::WorkerOriginMismatch(sw)),
            Some(w) => {
                w.active = active;
                Ok(())
            }
            None => {
                self.workers.insert(sw, Worker::new(idx, active));
                self.origins.get_mut(idx).workers.push(sw);
                Ok(())
            }
        }
    }

    /// The registration's worker became active (`registration.active` is set).
    pub fn worker_activated(&mut self, now: Timestamp, sw: SwRegId) -> Result<(), SyncError> {
        self.observe(now);
        let worker = self.workers.get_mut(&sw).ok_or(SyncError::UnknownWorker(sw))?;
        if worker.active {
            return Err(SyncError::WorkerAlreadyActive(sw));
        }
        worker.active = true;
        Ok(())
    }

    /// The service worker registration was unregistered: its sync registrations
    /// of both kinds are dropped, and results of its events in flight are ignored.
    pub fn worker_unregistered(&mut self, now: Timestamp, sw: SwRegId) -> Result<(), SyncError> {
        self.observe(now);
        let worker = self.workers.get(&sw).ok_or(SyncError::UnknownWorker(sw))?;
        let origin = worker.origin;
        let ids: Vec<_> = worker.lists.iter().flat_map(|l| l.values()).collect();
        let had_any = !ids.is_empty();
        for id in ids {
            self.remove_registration(id);
        }
        self.workers.remove(&sw);
        self.origins.get_mut(origin).workers.retain(|w| *w != sw);
        if had_any {
            self.persist(Mutation::DeleteWorker(sw));
        }
        Ok(())
    }

    /// The origin's site data was cleared (service workers included): every
    /// registration of every worker of the origin is dropped.
    pub fn origin_cleared(&mut self, now: Timestamp, origin: &str) {
        self.observe(now);
        let Some(idx) = self.origins.lookup(origin) else { return };
        let workers = self.origins.get(idx).workers.clone();
        for sw in workers {
            // Cannot fail: the worker was just listed.
            let _ = self.worker_unregistered(now, sw);
        }
        let state = self.origins.get_mut(idx);
        if state.last_periodic.take().is_some() {
            let origin = state.origin.clone();
            self.persist(Mutation::DeleteOrigin(origin));
        }
    }

    /// The store failed: the engine disables itself for this profile. Every
    /// later page call rejects with `UnknownError`, nothing more is dispatched,
    /// and in-memory state is dropped so it cannot diverge from what is on disk.
    /// A restart from the store recovers what was acknowledged.
    pub fn storage_failed(&mut self, now: Timestamp, reason: &str) {
        self.observe(now);
        tracing::error!(reason, "storage failed; background sync disabled for this profile");
        self.disabled = true;
        self.registry.clear();
        self.due.clear();
        self.global_blocked = Default::default();
        self.pending_release.clear();
        self.rotation.clear();
        self.events.clear();
        self.deadlines.clear();
        self.running = 0;
        for sw in self.workers.values_mut() {
            sw.lists = [Default::default(), Default::default()];
            sw.offline_blocked = Default::default();
        }
        for state in self.origins.iter_mut() {
            state.registrations = 0;
            state.running = 0;
            state.last_periodic = None;
            state.periodic_due.clear();
            state.ready.clear();
            state.released.clear();
            state.blocked = Default::default();
            state.in_rotation = false;
        }
        // Replies still queued depended on persists that may not have landed: they reject.
        let pending = std::mem::take(&mut self.actions);
        for action in pending {
            if let Action::Reply { request, .. } = action {
                self.reject(request, DomErrorName::UnknownError, DISABLED);
            }
        }
    }

    /// The number of registrations of `kind` a worker holds.
    pub fn worker_registrations(&self, sw: SwRegId, kind: SyncKind) -> usize {
        self.workers.get(&sw).map_or(0, |w| w.list(kind).len())
    }
}
