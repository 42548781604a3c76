//! The opaque handles C holds. C sees only their names; each is created by a
//! `_new`-style function and released by its `_free`.

#![forbid(unsafe_code)]
#![allow(non_camel_case_types)]

use sync_core::Engine;
use sync_core::store::{MemoryStore, SqliteStore};
use sync_policy::ConfigurablePolicy;

/// A user-agent policy, parsed from TOML or JSON (or the default profile).
/// Engines copy it: it may be freed right after creating them.
#[derive(Debug)]
pub struct bgsync_policy {
    pub(crate) policy: ConfigurablePolicy,
}

/// One sans-IO engine. Use it from one thread at a time.
#[derive(Debug)]
pub struct bgsync_engine {
    pub(crate) engine: Engine<ConfigurablePolicy>,
}

/// The bundled SQLite store, one file per profile.
#[derive(Debug)]
pub struct bgsync_store {
    pub(crate) store: SqliteStore,
}

/// Stored state to restore an engine from: built by replaying encoded
/// mutations, or loaded from a `bgsync_store`.
#[derive(Debug, Default)]
pub struct bgsync_snapshot {
    pub(crate) state: MemoryStore,
}

/// Handles may move between threads between calls (the README's rule: one
/// thread at a time), and a policy, read-only once made, may be shared; this
/// fails to compile if one stops being `Send` (or the policy `Sync`).
const _: fn() = || {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    sync::<bgsync_policy>();
    send::<bgsync_policy>();
    send::<bgsync_engine>();
    send::<bgsync_store>();
    send::<bgsync_snapshot>();
};
