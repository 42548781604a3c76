//! The periodic permission following the one-off `background-sync` setting.
//!
//! Chromium: `PeriodicBackgroundSyncPermissionContext`
//! (`chrome/browser/background_sync/periodic_background_sync_permission_context.cc`)
//! answers BLOCK whenever the `BACKGROUND_SYNC` content setting is not ALLOW,
//! and the controller's content-settings observer
//! (`BackgroundSyncControllerImpl::OnContentSettingChanged`,
//! `components/background_sync/background_sync_controller_impl.cc`) calls
//! `UnregisterPeriodicSyncForOrigin` for such an origin
//! (`content/browser/background_sync/background_sync_manager.cc`). The specs
//! keep the two permissions independent. The policy decides
//! ([`Policy::background_sync_block_removes_periodic`]).

use crate::engine::Engine;
use crate::engine::index::OriginIdx;
use sync_policy::{PermissionName, PermissionState, Policy, SyncKind};

impl<P: Policy> Engine<P> {
    /// The state of `name` for an origin as calls see it: the stored state
    /// (`Unset` when never reported), except that a linked periodic permission
    /// reads `Denied` while `background-sync` is blocked.
    pub(in crate::engine) fn linked_permission(&self, origin: OriginIdx, name: PermissionName) -> PermissionState {
        let state = self.table.origin(origin);
        if name == PermissionName::PeriodicBackgroundSync && self.background_sync_blocked(origin) {
            return PermissionState::Denied;
        }
        state.permission(name)
    }

    /// Whether the policy links the permissions and `background-sync` is
    /// blocked (denied, or unset with a denied default) for the origin.
    pub(in crate::engine) fn background_sync_blocked(&self, origin: OriginIdx) -> bool {
        if !self.policy.background_sync_block_removes_periodic() {
            return false;
        }
        let state = match self.table.origin(origin).permission(PermissionName::BackgroundSync) {
            PermissionState::Unset => self.policy.default_permission(PermissionName::BackgroundSync),
            s => s,
        };
        state == PermissionState::Denied
    }

    /// `background-sync` of an origin became blocked: with linked permissions,
    /// its periodic registrations are removed (Chromium's
    /// `UnregisterPeriodicSyncForOrigin`; unlike Chromium, which erases the
    /// whole group from memory but stores it unchanged, only the periodic
    /// registrations go, and their deletion is stored).
    pub(in crate::engine) fn background_sync_blocked_changed(&mut self, origin: OriginIdx, was_blocked: bool) {
        if was_blocked || !self.background_sync_blocked(origin) {
            return;
        }
        for id in self.table.origin_registrations(origin, SyncKind::Periodic) {
            self.delete_registration(id);
        }
    }

    /// The effective state of a permission of an origin, as
    /// `navigator.permissions.query()` reports it: an unset state reads as the
    /// policy's default, and with linked permissions a blocked `background-sync`
    /// makes `periodic-background-sync` read `denied`.
    pub fn permission_state(&self, origin: &str, name: PermissionName) -> PermissionState {
        let state = match self.table.lookup(origin) {
            Some(idx) => self.linked_permission(idx, name),
            None => PermissionState::Unset,
        };
        match state {
            PermissionState::Unset => self.policy.default_permission(name),
            s => s,
        }
    }
}
