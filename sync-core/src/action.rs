//! What the engine asks its driver to do: persist, reply, dispatch, log.

use crate::ids::{EventId, Origin, RegistrationKey, RequestId, SwRegId, Tag};
use crate::log::LogRecord;
use crate::record::Mutation;
use std::borrow::Cow;
use std::fmt;
use sync_policy::{SyncKind, Timestamp};

/// One output of the engine, drained in order with `Engine::poll_action`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Action {
    /// Write this mutation to the store. Every `Reply` that depends on it comes
    /// later in the queue, so a driver that commits persists before releasing
    /// replies acknowledges only what is durable.
    Persist(Mutation),
    /// The answer to a page-side call.
    Reply {
        /// The call.
        request: RequestId,
        /// Its result: the value, or the DOMException the promise rejects with.
        result: Result<ReplyValue, DomError>,
    },
    /// Fire an event at a service worker; report back with `Engine::event_finished`.
    Dispatch(Dispatch),
    /// A DevTools "Background Services" style record.
    Log(LogRecord),
}

/// The value a successful page-side call resolves with.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyValue {
    /// `register()` resolved (with `undefined`).
    Registered,
    /// `getTags()` resolved with these tags.
    Tags(Vec<Tag>),
    /// `periodicSync.unregister()` resolved (with `undefined`).
    Unregistered,
}

/// DOMException (or TypeError) names a rejection can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DomErrorName {
    /// No active worker (spec register, step 2), or a call from a detached context.
    InvalidStateError,
    /// No window client, or (Chromium) a tag that is too long.
    InvalidAccessError,
    /// The permission is denied.
    NotAllowedError,
    /// The origin's registration quota is used up.
    QuotaExceededError,
    /// A value the WebIDL binding rejects (`minInterval` out of `[EnforceRange]` range).
    TypeError,
    /// The caller's origin is not the registration's origin.
    SecurityError,
    /// The component is disabled after a storage failure.
    UnknownError,
}

impl DomErrorName {
    /// The name as JavaScript sees it (`error.name`).
    pub fn as_str(self) -> &'static str {
        match self {
            DomErrorName::InvalidStateError => "InvalidStateError",
            DomErrorName::InvalidAccessError => "InvalidAccessError",
            DomErrorName::NotAllowedError => "NotAllowedError",
            DomErrorName::QuotaExceededError => "QuotaExceededError",
            DomErrorName::TypeError => "TypeError",
            DomErrorName::SecurityError => "SecurityError",
            DomErrorName::UnknownError => "UnknownError",
        }
    }

    /// Parses a name as JavaScript writes it.
    pub fn parse(name: &str) -> Option<DomErrorName> {
        [
            DomErrorName::InvalidStateError,
            DomErrorName::InvalidAccessError,
            DomErrorName::NotAllowedError,
            DomErrorName::QuotaExceededError,
            DomErrorName::TypeError,
            DomErrorName::SecurityError,
            DomErrorName::UnknownError,
        ]
        .into_iter()
        .find(|n| n.as_str() == name)
    }
}

/// A policy refusal's DOMException, as the engine names it. Exhaustive: a name
/// added to the policy's vocabulary does not compile until it is mapped here.
impl From<sync_policy::DomExceptionName> for DomErrorName {
    fn from(name: sync_policy::DomExceptionName) -> DomErrorName {
        match name {
            sync_policy::DomExceptionName::NotAllowedError => DomErrorName::NotAllowedError,
            sync_policy::DomExceptionName::InvalidAccessError => DomErrorName::InvalidAccessError,
            sync_policy::DomExceptionName::QuotaExceededError => DomErrorName::QuotaExceededError,
        }
    }
}

impl fmt::Display for DomErrorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejection: the exception name plus the message (Chromium's text where it has one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DomError {
    /// The exception name.
    pub name: DomErrorName,
    /// The message.
    pub message: Cow<'static, str>,
}

/// The message every page call rejects with (`UnknownError`) once a storage
/// failure disabled Background Sync until the next start.
pub const DISABLED_MESSAGE: &str = "Background Sync is disabled.";

impl DomError {
    /// The rejection of every page call once a storage failure disabled
    /// Background Sync: `UnknownError` with [`DISABLED_MESSAGE`].
    pub const DISABLED: DomError = DomError::new(DomErrorName::UnknownError, DISABLED_MESSAGE);

    /// A rejection with a fixed message.
    pub const fn new(name: DomErrorName, message: &'static str) -> DomError {
        DomError { name, message: Cow::Borrowed(message) }
    }
}

impl fmt::Display for DomError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.message)
    }
}

impl std::error::Error for DomError {}

/// Which event to fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DispatchKind {
    /// A `sync` event (`SyncEvent`), with its `lastChance` attribute.
    Sync {
        /// `SyncEvent.lastChance`: no further attempt follows a failure of this one.
        last_chance: bool,
    },
    /// A `periodicsync` event (`PeriodicSyncEvent`).
    PeriodicSync,
}

/// An event to fire at a service worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dispatch {
    /// Report the outcome with this id.
    pub event: EventId,
    /// The service worker registration to fire at.
    pub sw: SwRegId,
    /// Its origin.
    pub origin: Origin,
    /// `event.tag`.
    pub tag: Tag,
    /// `sync` with `lastChance`, or `periodicsync`.
    pub kind: DispatchKind,
    /// The event's time limit: an outcome not reported by then counts as timed out.
    pub deadline: Timestamp,
    /// Failed attempts before this one in the current cycle.
    pub attempt: u32,
}

impl Dispatch {
    /// The key of the registration this event is for.
    pub fn key(&self) -> RegistrationKey {
        let kind = match self.kind {
            DispatchKind::Sync { .. } => SyncKind::OneOff,
            DispatchKind::PeriodicSync => SyncKind::Periodic,
        };
        RegistrationKey { sw: self.sw, kind, tag: self.tag.clone() }
    }
}
