//! The baseline's data model, shaped like Chromium's
//! `BackgroundSyncRegistration` and `BackgroundSyncRegistrations`.

use std::collections::BTreeMap;
use sync_core::Origin;
use sync_policy::{Millis, SyncKind, Timestamp};

/// `blink.mojom.BackgroundSyncState`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncState {
    /// Waiting, possibly delayed, unresolved or suspended.
    Pending,
    /// Picked for dispatch or in flight.
    Firing,
    /// An identical `register()` came while firing: runs again afterwards.
    ReregisteredWhileFiring,
}

/// One registration, with the fields Chromium keeps in memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Registration {
    /// `options.tag` (Chromium keeps it here and in the map key).
    pub tag: String,
    /// `options.min_interval`: `None` for one-shot (Chromium's -1).
    pub min_interval: Option<Millis>,
    /// In-memory state; never stored.
    pub state: SyncState,
    /// Attempts made so far.
    pub num_attempts: u32,
    /// Attempts allowed.
    pub max_attempts: u32,
    /// Earliest next fire time; `None` is Chromium's null time (fire as soon as
    /// ready), `Some(Timestamp::MAX)` is suspended.
    pub delay_until: Option<Timestamp>,
    /// One-shot: the renderer acknowledged the registration (`DidResolveRegistration`).
    pub resolved: bool,
    /// The group's origin, copied into each registration as Chromium does.
    pub origin: Origin,
}

impl Registration {
    /// One-shot or periodic, derived from the options as in Chromium.
    pub fn kind(&self) -> SyncKind {
        if self.min_interval.is_some() { SyncKind::Periodic } else { SyncKind::OneOff }
    }

    /// `is_suspended()`: a periodic registration delayed until `Time::Max`.
    pub fn is_suspended(&self) -> bool {
        self.min_interval.is_some() && self.delay_until == Some(Timestamp::MAX)
    }

    /// `IsFiring()`.
    pub fn is_firing(&self) -> bool {
        matches!(self.state, SyncState::Firing | SyncState::ReregisteredWhileFiring)
    }
}

/// The map key inside a group: (tag, type), ordered like Chromium's `std::map`.
pub type RegKey = (String, KindKey);

/// `BackgroundSyncType` as an ordered key (ONE_SHOT before PERIODIC).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KindKey {
    /// `ONE_SHOT`.
    OneShot,
    /// `PERIODIC`.
    Periodic,
}

impl KindKey {
    /// The key for a kind.
    pub fn of(kind: SyncKind) -> KindKey {
        match kind {
            SyncKind::OneOff => KindKey::OneShot,
            SyncKind::Periodic => KindKey::Periodic,
        }
    }

    /// The kind of a key.
    pub fn kind(self) -> SyncKind {
        match self {
            KindKey::OneShot => SyncKind::OneOff,
            KindKey::Periodic => SyncKind::Periodic,
        }
    }

    /// Dense index (for per-type counters).
    pub fn index(self) -> usize {
        match self {
            KindKey::OneShot => 0,
            KindKey::Periodic => 1,
        }
    }
}

/// `BackgroundSyncRegistrations`: every registration of one service worker
/// registration, plus the group's origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Group {
    /// `registration_map`.
    pub registrations: BTreeMap<RegKey, Registration>,
    /// `origin`.
    pub origin: Option<Origin>,
}
