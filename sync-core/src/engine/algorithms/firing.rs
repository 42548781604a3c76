//! An event about to be fired, and the two outputs built from it: the
//! `Dispatch` action and the metadata of its `Dispatched` log record. One
//! construction for a registration's event (`fire.rs`) and DevTools' emulated
//! one (`synthetic.rs`).

use crate::action::{Action, Dispatch, DispatchKind};
use crate::ids::{EventId, Origin, SwRegId, Tag};
use sync_policy::{SyncKind, Timestamp};

/// Everything a dispatch carries.
pub(super) struct Firing {
    pub(super) event: EventId,
    pub(super) sw: SwRegId,
    pub(super) origin: Origin,
    pub(super) tag: Tag,
    pub(super) kind: SyncKind,
    /// `SyncEvent.lastChance` (false for periodic events).
    pub(super) last_chance: bool,
    pub(super) deadline: Timestamp,
    pub(super) attempt: u32,
}

impl Firing {
    /// The metadata of the `Dispatched` log record, in Chromium's keys: a
    /// `sync` event says whether it is the last chance; a `periodicsync` one
    /// carries none.
    pub(super) fn log_metadata(&self) -> Vec<(&'static str, String)> {
        match self.kind {
            SyncKind::OneOff => vec![("Last Chance", if self.last_chance { "Yes" } else { "No" }.to_string())],
            SyncKind::Periodic => Vec::new(),
        }
    }

    /// The `Dispatch` action that fires the event.
    pub(super) fn into_action(self) -> Action {
        let kind = match self.kind {
            SyncKind::OneOff => DispatchKind::Sync { last_chance: self.last_chance },
            SyncKind::Periodic => DispatchKind::PeriodicSync,
        };
        Action::Dispatch(Dispatch {
            event: self.event,
            sw: self.sw,
            origin: self.origin,
            tag: self.tag,
            kind,
            deadline: self.deadline,
            attempt: self.attempt,
        })
    }
}
