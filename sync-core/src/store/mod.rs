//! Durable storage: the [`Store`] trait, the rows it holds, and the in-memory store.
//!
//! The engine never calls a store; it emits `Action::Persist(Mutation)` and the
//! driver applies batches of them. A batch lands whole or not at all.

mod faulty;
pub mod group_commit;
mod memory;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use faulty::{Fault, FaultyStore};
pub use group_commit::{CommitFailed, PendingCommit, drain_committed};
pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

use crate::ids::{Origin, RegistrationKey, SwRegId};
use sync_policy::{Millis, Timestamp};

/// The stored phase of a registration. "Firing" is never stored: an event in
/// flight when the process dies comes back pending with its attempt count
/// unchanged (Chromium's rule), so the interrupted attempt is not used up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StoredPhase {
    /// Waiting to fire (when due and allowed).
    Pending,
    /// Waiting for a retry after a failure, until `due`.
    Waiting,
}

/// Periodic-only fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct StoredPeriodic {
    /// `minInterval` as registered.
    pub min_interval: Millis,
    /// The time each interval is measured from: registration time, then the last event's time.
    pub anchor: Timestamp,
}

/// One registration as stored.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredRegistration {
    /// Which registration.
    pub key: RegistrationKey,
    /// The origin of its service worker registration.
    pub origin: Origin,
    /// Pending or waiting.
    pub phase: StoredPhase,
    /// Failed attempts in the current cycle.
    pub attempts: u32,
    /// Attempts allowed (one-off), chosen at registration.
    pub max_attempts: u32,
    /// For `Waiting`: when the retry is due.
    pub due: Timestamp,
    /// Registration order (for insertion-ordered `getTags()`); unique and increasing.
    pub seq: u64,
    /// Periodic fields; `None` for one-off.
    pub periodic: Option<StoredPeriodic>,
}

/// Per-origin state that must survive a restart.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StoredOrigin {
    /// The origin.
    pub origin: Origin,
    /// When the origin last had a (non-retry) periodic event dispatched.
    pub last_periodic: Option<Timestamp>,
}

/// One change to the stored state.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Mutation {
    /// Insert or replace a registration.
    Put(StoredRegistration),
    /// Delete a registration (absent is fine).
    Delete(RegistrationKey),
    /// Delete every registration of a service worker registration.
    DeleteWorker(SwRegId),
    /// Insert or replace an origin's state.
    PutOrigin(StoredOrigin),
    /// Delete an origin's state.
    DeleteOrigin(Origin),
}

/// Everything a store holds, as loaded at start-up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// All registrations.
    pub registrations: Vec<StoredRegistration>,
    /// All origin states.
    pub origins: Vec<StoredOrigin>,
}

/// Why a store operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The underlying IO failed (disk full, read-only, IO error).
    #[error("storage I/O failed: {0}")]
    Io(String),
    /// The file is not a database, or its contents are damaged.
    #[error("store file {path} is corrupt: {reason}")]
    Corrupt {
        /// The file.
        path: String,
        /// What was found.
        reason: String,
    },
    /// The file was written by a newer version of this component.
    #[error("store file {path} has schema version {found}, newer than the {supported} this build understands")]
    TooNew {
        /// The file.
        path: String,
        /// The file's schema version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// A stored row could not be decoded, or a row holds a value the store
    /// refuses to write because it could not be restored.
    #[error("stored row could not be decoded: {0}")]
    BadRow(String),
    /// Another store (in this process or another) has the file open: a store
    /// file has one owner at a time.
    #[error("store file {path} is in use by another store (it is locked)")]
    Locked {
        /// The file.
        path: String,
    },
}

/// Durable storage for registrations.
pub trait Store {
    /// Reads everything stored.
    fn load(&mut self) -> Result<Snapshot, StoreError>;

    /// Applies a batch of mutations atomically: all of them land, or none.
    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError>;
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        (**self).load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        (**self).apply(batch)
    }
}
