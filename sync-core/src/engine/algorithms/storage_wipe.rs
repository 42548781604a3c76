//! The embedder wiped the service worker storage and started over.
//!
//! Chromium: `BackgroundSyncManager::OnStorageWiped`
//! (`content/browser/background_sync/background_sync_manager.cc`) clears the
//! in-memory registrations, sets `disabled_ = false` and initialises again
//! from the (now empty) store; a manager disabled by its controller stays
//! disabled. The specs have no such event: the registrations live on service
//! worker registrations, and a wiped storage holds none.

use crate::engine::Engine;
use crate::record::Mutation;
use sync_policy::{Policy, Timestamp};

impl<P: Policy> Engine<P> {
    /// Every registration and every origin's periodic record goes, in memory
    /// and (through `Mutation::DeleteAll`) in the store, so a restart does not
    /// bring them back. A storage-failure disable is lifted; the embedder's
    /// switch keeps its state. Events in flight finish, and their results are
    /// ignored (their registrations are gone). Service worker registrations
    /// stay known: the embedder announces the ones it removes.
    pub(in crate::engine) fn storage_wiped(&mut self, now: Timestamp) {
        self.observe(now);
        tracing::info!(was_disabled = self.disabled, "service worker storage wiped; background sync starts over");
        self.table.clear();
        self.sched.clear();
        self.last_round = None;
        self.disabled = false;
        self.persist(Mutation::DeleteAll);
    }
}
