//! DevTools' emulated dispatch: an event fired at a worker without a registration.
//!
//! Chromium: `ServiceWorker.dispatchSyncEvent` and
//! `ServiceWorker.dispatchPeriodicSyncEvent` (CDP) reach
//! `BackgroundSyncManager::EmulateDispatchSyncEvent` /
//! `EmulateDispatchPeriodicSyncEvent`
//! (`content/browser/background_sync/background_sync_manager.cc`). After
//! `CanEmulateSyncEvent` (an active worker, the network and the worker not
//! emulated offline) they dispatch the tag directly: no registration is looked
//! up or changed, so no attempt is counted and nothing is retried. Observed
//! over CDP in Chromium 156: the event fires for a tag that was never
//! registered, and a rejecting one leaves no failure record.

use super::firing::Firing;
use crate::action::Action;
use crate::engine::Engine;
use crate::engine::flights::InFlight;
use crate::engine::index::RegId;
use crate::error::SyncError;
use crate::ids::{EventId, SwRegId, Tag};
use crate::log::{LogEvent, LogRecord};
use sync_policy::{Policy, SyncKind, Timestamp};

/// The registration index a synthetic event names: none holds it, so its
/// outcome finds no registration firing it and is ignored.
const NO_REGISTRATION: RegId = RegId(u32::MAX);

impl<P: Policy> Engine<P> {
    /// Fires a `sync` (with `last_chance`) or `periodicsync` event with `tag`
    /// at `sw`'s active worker, bypassing the registrations.
    pub(in crate::engine) fn dispatch_synthetic(
        &mut self,
        now: Timestamp,
        sw: SwRegId,
        kind: SyncKind,
        tag: &str,
        last_chance: bool,
    ) -> Result<EventId, SyncError> {
        let now = self.observe(now);
        if self.refuses_calls() {
            return Err(SyncError::Disabled);
        }
        let worker = self.table.worker(sw).ok_or(SyncError::UnknownWorker(sw))?;
        // CanEmulateSyncEvent: no active version aborts.
        if !worker.active {
            return Err(SyncError::UnknownWorker(sw));
        }
        // CanEmulateSyncEvent: the network, and the worker's offline emulation.
        if !self.env.network.online || worker.emulated_offline() {
            return Err(SyncError::Offline);
        }
        let origin = worker.origin();
        let last_chance = kind == SyncKind::OneOff && last_chance;
        let deadline = now.saturating_add(self.policy.event_time_limit(kind, last_chance));
        let event = self.flights.start(InFlight { reg: NO_REGISTRATION, origin, kind, deadline, last_chance });
        let origin_name = self.table.origin(origin).origin().clone();
        let firing =
            Firing { event, sw, origin: origin_name, tag: Tag::new(tag), kind, last_chance, deadline, attempt: 0 };
        if self.log_recording {
            // Chromium logs the dispatch as it does a real one, and nothing after it.
            self.actions.push_back(Action::Log(LogRecord {
                time: now,
                origin: firing.origin.clone(),
                sw,
                kind,
                event: LogEvent::Dispatched,
                tag: firing.tag.clone(),
                metadata: firing.log_metadata(),
            }));
        }
        self.actions.push_back(firing.into_action());
        Ok(event)
    }
}
