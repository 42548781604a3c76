//! Errors of the driver's embedder-side calls.

use crate::action::{DomError, DomErrorName};
use crate::error::SyncError;
use crate::store::StoreError;

/// What a page-side call resolves with once the driver has shut down (or the
/// driver task is gone): the promise rejects with `UnknownError`.
pub const SHUT_DOWN: DomError = DomError::new(DomErrorName::UnknownError, "Background Sync is shutting down.");

/// Why an embedder-side driver call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// The driver shut down (or its task ended); the call was not made.
    #[error("the background sync driver has shut down")]
    Closed,
    /// The engine refused the input; its state is unchanged.
    #[error(transparent)]
    Engine(#[from] SyncError),
    /// The store could not be handed back: the blocking task that held it was
    /// cancelled (the runtime shut down mid-commit).
    #[error("the store was lost: {0}")]
    StoreLost(String),
    /// The driver task panicked (a bug).
    #[error("the driver task failed: {0}")]
    Crashed(String),
}

/// Why [`Builder::restore`](super::Builder::restore) could not start a driver.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// Loading the store failed.
    #[error("loading the store failed: {0}")]
    Load(#[from] StoreError),
    /// The stored state could not be restored into an engine.
    #[error("the stored state could not be restored: {0}")]
    Restore(SyncError),
    /// The blocking task that loaded the store failed.
    #[error("the store loading task failed: {0}")]
    Join(String),
}
