//! Where the engine target keeps registrations between restarts.
//!
//! [`open_store`] is the one place that picks the store: an in-memory store
//! that lives as long as the target, so `ua.restart` rebuilds the engine from
//! it. Switching the suite to an on-disk store is a change of this function.

use sync_core::store::{MemoryStore, Store};

/// The store for one subtest.
pub(super) fn open_store() -> Box<dyn Store> {
    Box::new(MemoryStore::new())
}
