//! The embedder's switch for Background Sync.
//!
//! Chromium's controller can turn the feature off
//! (`BackgroundSyncControllerImpl::GetParameterOverrides` sets `disable`;
//! `components/background_sync/background_sync_controller_impl.cc`). The
//! manager then keeps what is stored (`DisablingFromControllerKeepsRegistrations`
//! in `content/browser/background_sync/background_sync_manager_unittest.cc`),
//! answers every page call with `STORAGE_ERROR` (`UnknownError` in the page)
//! and fires nothing. Turned on again, the registrations are listed and fire
//! as their schedule says. A storage wipe does not turn it on
//! (`OnStorageWiped` initialises again under the same parameters). The specs
//! have no such switch.

use crate::engine::Engine;
use sync_policy::{Policy, Timestamp};

impl<P: Policy> Engine<P> {
    /// Turns Background Sync on or off. While off, registrations stay (in
    /// memory and in the store) and keep their schedule, but page calls reject
    /// with `UnknownError`, DevTools dispatches are refused and nothing is
    /// dispatched; what came due meanwhile fires once it is on again.
    pub(in crate::engine) fn switch(&mut self, now: Timestamp, enabled: bool) {
        self.observe(now);
        if self.switched_off != enabled {
            return;
        }
        tracing::info!(enabled, "background sync switched by the embedder");
        self.switched_off = !enabled;
    }
}
