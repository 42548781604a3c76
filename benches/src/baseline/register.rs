//! `Register` and `GetRegistrations`, following `BackgroundSyncManager::Register` in Chromium's
//! `content/browser/background_sync/background_sync_manager.cc`.

use super::registration::{KindKey, Registration, SyncState};
use super::{Backend, Baseline, BaselineError};
use sync_core::{ClientId, SwRegId};
use sync_policy::{PermissionName, Policy, RegisterContext, SyncKind, Timestamp};

impl<B: Backend, P: Policy> Baseline<B, P> {
    /// `registration.sync.register(tag)` from `client` on `sw`, followed by the
    /// renderer's `DidResolveRegistration` (which queues `FireReadyEvents`).
    pub fn register(&mut self, now: Timestamp, client: ClientId, sw: SwRegId, tag: &str) -> Result<(), BaselineError> {
        self.observe(now);
        if self.disabled {
            return Err(BaselineError::Storage);
        }
        // RegisterCheckIfHasMainFrame: the worker must be live and active.
        let Some(worker) = self.workers.get(&sw).filter(|w| w.active) else {
            return Err(BaselineError::NoServiceWorker);
        };
        let origin = worker.origin.clone();
        // The service layer: the caller must be of the worker's origin.
        match self.clients.get(&client) {
            Some((o, _)) if *o == origin => {}
            _ => return Err(BaselineError::Storage),
        }
        let key = (tag.to_owned(), KindKey::OneShot);
        let existing = self.groups.get(&sw).and_then(|g| g.registrations.get(&key)).map(|r| r.state);
        let info = self.origin_info(&origin);
        let ctx = RegisterContext {
            kind: SyncKind::OneOff,
            permission: info.permissions[PermissionName::BackgroundSync.index()],
            clients_by_frame: info.clients_by_frame,
            tag_len: tag.len(),
            tag_exists: existing.is_some(),
            origin_registrations: info.registrations,
            // The baseline does not count tag bytes (the benches' tags stay far below the budget).
            origin_tag_bytes: 0,
        };
        let notifications = info.permissions[PermissionName::Notifications.index()];
        self.policy.check_register(&ctx).map_err(BaselineError::Refused)?;
        match existing {
            // Duplicate with equal options: nothing stored; a firing one is re-registered.
            Some(state) => {
                let reg = self.groups.get_mut(&sw).and_then(|g| g.registrations.get_mut(&key));
                if let (SyncState::Firing, Some(reg)) = (state, reg) {
                    reg.state = SyncState::ReregisteredWhileFiring;
                }
            }
            None => {
                let max_attempts = self.policy.max_attempts(notifications);
                let reg = Registration {
                    tag: tag.to_owned(),
                    min_interval: None,
                    state: SyncState::Pending,
                    num_attempts: 0,
                    max_attempts,
                    delay_until: None,
                    resolved: false,
                    origin: origin.clone(),
                };
                let group = self.groups.entry(sw).or_default();
                group.origin.get_or_insert_with(|| origin.clone());
                group.registrations.insert(key.clone(), reg);
                self.origin_info(&origin).registrations += 1;
                self.store_group(sw)?;
                // RegisterDidStore: ScheduleOrCancelDelayedProcessing(PERIODIC).
                self.schedule_or_cancel(KindKey::Periodic);
            }
        }
        // The reply resolves the page's promise; the renderer then acknowledges.
        self.did_resolve(sw, &key);
        Ok(())
    }

    /// `DidResolveRegistration`: marks the one-shot resolved and runs `FireReadyEvents(ONE_SHOT)`.
    fn did_resolve(&mut self, sw: SwRegId, key: &(String, KindKey)) {
        let Some(reg) = self.groups.get_mut(&sw).and_then(|g| g.registrations.get_mut(key)) else { return };
        reg.resolved = true;
        self.fire_ready_events(KindKey::OneShot, true);
    }

    /// `GetOneShotSyncRegistrations` / `GetPeriodicSyncRegistrations`: copies
    /// of every registration of the type, which the renderer maps to tags (map order).
    pub fn get_tags(
        &mut self,
        now: Timestamp,
        client: ClientId,
        sw: SwRegId,
        kind: SyncKind,
    ) -> Result<Vec<String>, BaselineError> {
        self.observe(now);
        if self.disabled {
            return Err(BaselineError::Storage);
        }
        let Some(worker) = self.workers.get(&sw).filter(|w| w.active) else {
            return Err(BaselineError::NoServiceWorker);
        };
        match self.clients.get(&client) {
            Some((o, _)) if *o == worker.origin => {}
            _ => return Err(BaselineError::Storage),
        }
        let kind = KindKey::of(kind);
        let copies: Vec<Registration> = self
            .groups
            .get(&sw)
            .map(|g| g.registrations.iter().filter(|(k, _)| k.1 == kind).map(|(_, r)| r.clone()).collect())
            .unwrap_or_default();
        Ok(copies.into_iter().map(|r| r.tag).collect())
    }
}
