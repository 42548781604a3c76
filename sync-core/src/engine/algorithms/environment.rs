//! Environment inputs: network, power, windows, permissions, engagement and
//! DevTools offline emulation. Each releases only the blocked sets its change
//! can unblock.

use crate::engine::schedule::BlockKey;
use crate::engine::table::Phase;
use crate::engine::{ClientInfo, Engine};
use crate::error::SyncError;
use crate::ids::{ClientId, SwRegId};
use sync_policy::{
    Blocker, Engagement, FrameType, NetworkState, PermissionName, PermissionState, Policy, PowerState, SyncKind,
    Timestamp,
};

impl<P: Policy> Engine<P> {
    /// The device network changed.
    ///
    /// Spec: <https://wicg.github.io/background-sync/spec/#online>
    pub(in crate::engine) fn set_network(&mut self, now: Timestamp, network: NetworkState) {
        self.observe(now);
        let old = self.env.network;
        self.env.network = network;
        if network.online && !old.online {
            // spec: "the sync event" prose: on the transition to online, fire every
            // pending registration (in any order).
            self.sched.release_global(Blocker::Offline);
        }
        if !network.metered && old.metered {
            self.sched.release_global(Blocker::Metered);
        }
    }

    /// The device power state changed.
    pub(in crate::engine) fn set_power(&mut self, now: Timestamp, power: PowerState) {
        self.observe(now);
        let old = self.env.power;
        self.env.power = power;
        if !power.battery_saver && old.battery_saver {
            self.sched.release_global(Blocker::BatterySaver);
        }
        if power != old {
            self.sched.release_global(Blocker::LowBattery);
            self.sched.release_global(Blocker::NotCharging);
        }
    }

    /// A permission of an origin changed.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#respond-to-permission-revocation>
    pub(in crate::engine) fn set_permission(
        &mut self,
        now: Timestamp,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) {
        self.observe(now);
        let idx = self.intern_origin(origin);
        let old = self.table.origin(idx).permission(name);
        let was_blocked = self.background_sync_blocked(idx);
        self.table.origin_mut(idx).permissions[name.index()] = state;
        if name == PermissionName::PeriodicBackgroundSync && self.periodic_granted(old) && !self.periodic_granted(state)
        {
            self.periodic_permission_revoked(idx);
        }
        if name == PermissionName::BackgroundSync {
            // UA choice (Chromium): blocking background-sync removes periodic sync (permission_link.rs).
            self.background_sync_blocked_changed(idx, was_blocked);
        }
        if state != old {
            self.sched.release(BlockKey::Origin(idx, Blocker::PermissionDenied));
        }
    }

    /// An origin's site engagement changed. Its periodic registrations are
    /// rescheduled (their effective interval depends on it); nothing else is touched.
    ///
    /// Spec: <https://wicg.github.io/periodic-background-sync/#effective-minimum-sync-interval-for-origin>
    pub(in crate::engine) fn set_engagement(&mut self, now: Timestamp, origin: &str, level: Engagement) {
        self.observe(now);
        let idx = self.intern_origin(origin);
        if self.table.origin(idx).engagement == level {
            return;
        }
        self.table.origin_mut(idx).engagement = level;
        self.sched.release(BlockKey::Origin(idx, Blocker::NoEngagement));
        let revival_restarts = self.policy.revival_restarts_cycle();
        for id in self.table.origin_registrations(idx, SyncKind::Periodic) {
            let new_cycle = self.table.get(id).is_some_and(|r| r.phase == Phase::Pending && !r.bypass_gates);
            if new_cycle && revival_restarts {
                // UA choice (Chromium's RevivePeriodicSyncRegistrations): a suspended cycle
                // revived by engagement counts from now, not from its old anchor.
                self.revive_from_now(id);
            }
            if new_cycle {
                self.reschedule_periodic(id);
                self.place(id);
            }
        }
    }

    /// A service worker client (window, iframe, worker) of an origin opened.
    pub(in crate::engine) fn client_opened(
        &mut self,
        now: Timestamp,
        client: ClientId,
        origin: &str,
        frame: FrameType,
    ) -> Result<(), SyncError> {
        self.observe(now);
        if self.clients.contains_key(&client) {
            return Err(SyncError::DuplicateClient(client));
        }
        let idx = self.intern_origin(origin);
        self.table.origin_mut(idx).clients_by_frame[frame.index()] += 1;
        self.clients.insert(client, ClientInfo { origin: idx, frame });
        Ok(())
    }

    /// A service worker client closed.
    pub(in crate::engine) fn client_closed(&mut self, now: Timestamp, client: ClientId) -> Result<(), SyncError> {
        self.observe(now);
        let info = self.clients.remove(&client).ok_or(SyncError::UnknownClient(client))?;
        let counts = &mut self.table.origin_mut(info.origin).clients_by_frame[info.frame.index()];
        *counts = counts.saturating_sub(1);
        Ok(())
    }

    /// DevTools offline emulation for one worker (`Network.emulateNetworkConditions`
    /// on a service-worker target). Reference-counted like Chromium: every
    /// `true` needs a matching `false` before the worker is online again.
    pub(in crate::engine) fn emulate_offline(
        &mut self,
        now: Timestamp,
        sw: SwRegId,
        offline: bool,
    ) -> Result<(), SyncError> {
        self.observe(now);
        let (origin, online_again) = self.table.emulate_offline(sw, offline).ok_or(SyncError::UnknownWorker(sw))?;
        if online_again {
            self.sched.release(BlockKey::Worker(sw, origin));
        }
        Ok(())
    }
}
