//! Errors of direct engine calls (embedder-side inputs). Page-side calls never
//! return these: their failures are DOMExceptions in `Action::Reply`.

use crate::ids::{ClientId, EventId, SwRegId};

/// Why an embedder-side input was refused. The engine's state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// No event with this id was ever dispatched.
    #[error("no event {0:?} was dispatched")]
    UnknownEvent(EventId),
    /// The event already has an outcome (reported before, or timed out at its deadline).
    #[error("event {0:?} was already settled")]
    EventAlreadySettled(EventId),
    /// The outcome arrived after the event's deadline; it counted as timed out and this result is ignored.
    #[error("event {0:?} outlived its deadline and already counted as timed out")]
    EventExpired(EventId),
    /// The service worker registration is not known to the engine.
    #[error("unknown service worker registration {0:?}")]
    UnknownWorker(SwRegId),
    /// The service worker registration was announced before with another origin.
    #[error("service worker registration {0:?} belongs to another origin")]
    WorkerOriginMismatch(SwRegId),
    /// The worker was already active.
    #[error("service worker registration {0:?} already has an active worker")]
    WorkerAlreadyActive(SwRegId),
    /// The client is not known (never opened, or closed).
    #[error("unknown client {0:?}")]
    UnknownClient(ClientId),
    /// The client id is already open.
    #[error("client {0:?} is already open")]
    DuplicateClient(ClientId),
    /// The registration does not exist.
    #[error("no such registration")]
    UnknownRegistration,
    /// The registration's event is already in flight.
    #[error("the registration's event is already in flight")]
    AlreadyFiring,
    /// The registration cannot fire now because the UA or its worker is offline.
    #[error("cannot dispatch while offline")]
    Offline,
    /// The engine is disabled (after a storage failure, or switched off by the embedder).
    #[error("background sync is disabled (a storage failure, or the embedder switched it off)")]
    Disabled,
    /// Stored state could not be restored.
    #[error("stored state is inconsistent: {0}")]
    BadSnapshot(String),
}
