//! DevTools "Background Services" style records: what the scheduler decided, with
//! Chromium's event names and metadata keys.

use crate::ids::{Origin, SwRegId, Tag};
use sync_policy::{SyncKind, Timestamp};

/// The event names Chromium's DevTools "Background Services" panel shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LogEvent {
    /// `Registered sync` / `Registered periodicsync`.
    Registered,
    /// `Got next event delay` (periodic, at registration).
    GotNextEventDelay,
    /// `Unregistered periodicsync`.
    Unregistered,
    /// `Dispatched sync event` / `Dispatched periodicsync event`.
    Dispatched,
    /// `Sync event reregistered`: re-registered while firing; it runs again.
    Reregistered,
    /// `sync event completed` / `periodicsync event completed`: succeeded and will run again.
    EventCompleted,
    /// `sync event failed` / `periodicsync event failed`: failed and will be retried.
    EventFailed,
    /// `Sync completed`: the registration is finished (success, or the last attempt failed).
    SyncCompleted,
}

impl LogEvent {
    /// Chromium's `event_name` for this record and kind.
    pub fn name(self, kind: SyncKind) -> &'static str {
        match (self, kind) {
            (LogEvent::Registered, SyncKind::OneOff) => "Registered sync",
            (LogEvent::Registered, SyncKind::Periodic) => "Registered periodicsync",
            (LogEvent::GotNextEventDelay, _) => "Got next event delay",
            (LogEvent::Unregistered, _) => "Unregistered periodicsync",
            (LogEvent::Dispatched, SyncKind::OneOff) => "Dispatched sync event",
            (LogEvent::Dispatched, SyncKind::Periodic) => "Dispatched periodicsync event",
            (LogEvent::Reregistered, _) => "Sync event reregistered",
            (LogEvent::EventCompleted, SyncKind::OneOff) => "sync event completed",
            (LogEvent::EventCompleted, SyncKind::Periodic) => "periodicsync event completed",
            (LogEvent::EventFailed, SyncKind::OneOff) => "sync event failed",
            (LogEvent::EventFailed, SyncKind::Periodic) => "periodicsync event failed",
            (LogEvent::SyncCompleted, _) => "Sync completed",
        }
    }
}

/// One record. Origins and tags are kept in full: giving them to DevTools-style
/// UI is the record's purpose. (`tracing` output redacts them.)
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogRecord {
    /// When it happened.
    pub time: Timestamp,
    /// The registration's origin.
    pub origin: Origin,
    /// The service worker registration.
    pub sw: SwRegId,
    /// The service (one-off or periodic).
    pub kind: SyncKind,
    /// What happened.
    pub event: LogEvent,
    /// The tag (Chromium's `instance_id`).
    pub tag: Tag,
    /// Metadata pairs in Chromium's keys (`Last Chance`, `Next Attempt Delay (ms)`, ...).
    pub metadata: Vec<(&'static str, String)>,
}

impl LogRecord {
    /// Chromium's event name of this record.
    pub fn name(&self) -> &'static str {
        self.event.name(self.kind)
    }

    /// The value of a metadata key, if present.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| *k == key).map(|(_, v)| v.as_str())
    }
}
