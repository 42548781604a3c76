//! Reviving a periodic registration suspended by engagement "none".
//!
//! Chromium: when an origin's engagement rises above NONE, the delegate calls
//! `RevivePeriodicSyncRegistrations(origin)`
//! (`content/browser/background_sync/background_sync_manager.cc`), which, for
//! each suspended registration (`delay_until` at its maximum), computes the
//! delay again with `GetNextEventDelay` **from now** and stores it. The spec
//! has no suspension: its fire-time gate (process periodic sync registrations,
//! step 1.3.3.3.2) compares the anchor time plus the effective interval with
//! now, so a cycle whose anchor is old is due at once. The policy decides
//! ([`Policy::revival_restarts_cycle`]).

use crate::engine::Engine;
use crate::engine::index::RegId;
use crate::engine::table::SUSPENDED;
use sync_policy::Policy;

impl<P: Policy> Engine<P> {
    /// Moves a suspended periodic registration's anchor to now, so the cycle
    /// rescheduled next counts from the revival. Not suspended: unchanged.
    pub(in crate::engine) fn revive_from_now(&mut self, id: RegId) {
        let now = self.now;
        if self.table.get(id).is_some_and(|reg| reg.due() == SUSPENDED) {
            self.table.set_anchor(id, now);
        }
    }
}
