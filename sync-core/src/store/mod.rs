//! Durable storage: the [`Store`] trait and the in-memory store. The rows it
//! holds are defined in `record.rs`, below both the engine and the store, and
//! re-exported here.
//!
//! The engine never calls a store; it emits `Action::Persist(Mutation)` and the
//! driver applies batches of them. A batch lands whole or not at all.

#[cfg(feature = "test-util")]
mod faulty;
mod memory;
#[cfg(feature = "sqlite")]
pub mod sqlite;

#[cfg(feature = "test-util")]
pub use faulty::{Fault, FaultyStore};
pub use memory::MemoryStore;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

pub use crate::record::{Mutation, Snapshot, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};

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

    /// Asks the store to put its upkeep (for the SQLite store: journal folds
    /// and WAL checkpoints) off its commits, into [`Store::idle`] calls, up
    /// to a bound past which a commit does it itself. A driver that calls
    /// `idle` whenever it is quiet calls this first. Default: nothing to put off.
    fn defer_upkeep(&mut self) {}

    /// Whether upkeep put off from the commits waits for an [`Store::idle`] call.
    fn upkeep_due(&self) -> bool {
        false
    }

    /// Does one bounded step of the upkeep put off from the commits; returns
    /// whether more is due. Never changes what is stored: an error leaves
    /// everything committed in place (the store tries again later).
    fn idle(&mut self) -> Result<bool, StoreError> {
        Ok(false)
    }

    /// Whether committing `batch` now would also run upkeep (for the SQLite
    /// store: a journal fold, a WAL checkpoint, clearing a worker's or an
    /// origin's rows out of the WAL, or building its erase index from a long
    /// journal), so it may take far longer than a plain commit. The tokio driver commits such a batch on the blocking pool,
    /// never on its own thread (`DriverConfig::inline_commit_max`).
    /// Default: never.
    fn commit_runs_upkeep(&self, batch: &[Mutation]) -> bool {
        let _ = batch;
        false
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        (**self).load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        (**self).apply(batch)
    }

    fn defer_upkeep(&mut self) {
        (**self).defer_upkeep();
    }

    fn upkeep_due(&self) -> bool {
        (**self).upkeep_due()
    }

    fn idle(&mut self) -> Result<bool, StoreError> {
        (**self).idle()
    }

    fn commit_runs_upkeep(&self, batch: &[Mutation]) -> bool {
        (**self).commit_runs_upkeep(batch)
    }
}
