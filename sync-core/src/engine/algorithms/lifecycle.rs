//! Service worker lifecycle, origin data clearing and storage failure.
//!
//! The specs do not say what happens to sync registrations when their service
//! worker registration goes away; they live on it, so they go with it
//! (Chromium does the same). Results of events in flight for them are ignored.

use super::register::DISABLED;
use crate::action::{Action, DomErrorName};
use crate::engine::Engine;
use crate::engine::index::OriginIdx;
use crate::error::SyncError;
use crate::ids::SwRegId;
use crate::record::Mutation;
use sync_policy::{Policy, SyncKind, Timestamp};

impl<P: Policy> Engine<P> {
    /// A service worker registration exists for `origin` (announce every one
    /// at start-up, and new ones as they are created). `active` says whether
    /// it has an active worker. Announcing a known one again updates `active`.
    pub(in crate::engine) fn add_worker(
        &mut self,
        now: Timestamp,
        sw: SwRegId,
        origin: &str,
        active: bool,
    ) -> Result<(), SyncError> {
        self.observe(now);
        let idx = self.intern_origin(origin);
        self.table.add_worker(sw, idx, active)
    }

    /// The registration's worker became active (`registration.active` is set).
    pub(in crate::engine) fn worker_activated(&mut self, now: Timestamp, sw: SwRegId) -> Result<(), SyncError> {
        self.observe(now);
        let worker = self.table.worker_mut(sw).ok_or(SyncError::UnknownWorker(sw))?;
        if worker.active {
            return Err(SyncError::WorkerAlreadyActive(sw));
        }
        worker.active = true;
        Ok(())
    }

    /// The service worker registration was unregistered: its sync registrations
    /// of both kinds are dropped, and results of its events in flight are ignored.
    pub(in crate::engine) fn worker_unregistered(&mut self, now: Timestamp, sw: SwRegId) -> Result<(), SyncError> {
        self.observe(now);
        if self.table.worker(sw).is_none() {
            return Err(SyncError::UnknownWorker(sw));
        }
        self.drop_worker(sw);
        Ok(())
    }

    /// Drops a known worker and every registration it holds, persisting the
    /// deletion if it held any.
    fn drop_worker(&mut self, sw: SwRegId) {
        let ids = self.table.worker_all_registrations(sw);
        let had_any = !ids.is_empty();
        for id in ids {
            self.remove_registration(id);
        }
        self.table.remove_worker(sw);
        self.sched.forget_worker(sw);
        if had_any {
            self.persist(Mutation::DeleteWorker(sw));
        }
    }

    /// The origin's site data was cleared (service workers included): every
    /// registration of every worker of the origin is dropped.
    pub(in crate::engine) fn origin_cleared(&mut self, now: Timestamp, origin: &str) {
        self.observe(now);
        let Some(idx) = self.table.lookup(origin) else { return };
        self.clear_origin(idx);
    }

    /// Drops every worker of an origin and its periodic round record.
    fn clear_origin(&mut self, idx: OriginIdx) {
        let workers = self.table.origin(idx).workers().to_vec();
        for sw in workers {
            self.drop_worker(sw);
        }
        let state = self.table.origin_mut(idx);
        if state.last_periodic.take().is_some() {
            let origin = state.origin().clone();
            self.persist(Mutation::DeleteOrigin(origin));
        }
    }

    /// The store failed: the engine disables itself for this profile. Every
    /// later page call rejects with `UnknownError`, nothing more is dispatched,
    /// and in-memory state is dropped so it cannot diverge from what is on disk.
    /// A restart from the store recovers what was acknowledged.
    pub(in crate::engine) fn storage_failed(&mut self, now: Timestamp, reason: &str) {
        self.observe(now);
        tracing::error!(reason, "storage failed; background sync disabled for this profile");
        self.disabled = true;
        self.table.clear();
        self.sched.clear();
        self.flights.clear();
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
        self.table.worker(sw).map_or(0, |w| w.count(kind))
    }
}
