//! The persisted vocabulary: the rows a store holds and the changes the
//! engine asks it to make. Plain data, no logic; the engine (which emits
//! [`Mutation`]s and restores from a [`Snapshot`]) and every store backend
//! (which applies and loads them) both build on this module, and neither
//! imports the other.

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
// Not `#[non_exhaustive]`: the rows are a closed, versioned persistence format.
// Every codec (SQLite, the C ABI's bytes, the crash test's lines) must learn a new
// mutation, with a format version, before it ships; the compiler should make them.
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
    /// Delete every registration and every origin's state (the embedder wiped
    /// the service worker storage and started over).
    DeleteAll,
}

/// Everything a store holds, as loaded at start-up.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// All registrations.
    pub registrations: Vec<StoredRegistration>,
    /// All origin states.
    pub origins: Vec<StoredOrigin>,
}

#[cfg(test)]
impl StoredRegistration {
    /// A pending one-off row: three attempts, none used, due at 0 (unit tests).
    pub(crate) fn pending_one_off(sw: u64, origin: &str, tag: &str, seq: u64) -> StoredRegistration {
        StoredRegistration {
            key: RegistrationKey::new(SwRegId(sw), sync_policy::SyncKind::OneOff, tag),
            origin: Origin::new(origin),
            phase: StoredPhase::Pending,
            attempts: 0,
            max_attempts: 3,
            due: Timestamp(0),
            seq,
            periodic: None,
        }
    }
}
