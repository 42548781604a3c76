//! Chromium's Background Services records, read from
//! `BackgroundService.backgroundServiceEventReceived`.

use super::compression::Compression;
use serde_json::Value;
use std::collections::BTreeMap;
use sync_core::LogEvent;
use sync_policy::{Millis, SyncKind};

/// The metadata key of every scheduling delay Chromium logs.
pub const DELAY_KEY: &str = "Next Attempt Delay (ms)";

/// A delay at or above this (real ms) means "never" (Chromium logs
/// `TimeDelta::Max()` for a suspended periodic registration).
const NEVER_MS: u64 = 1_000_000_000_000;

/// One record as Chromium sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawRecord {
    /// `backgroundSync` or `periodicBackgroundSync`.
    pub kind: SyncKind,
    /// Chromium's service worker registration id.
    pub registration: String,
    /// The event name (`Registered sync`, ...).
    pub name: String,
    /// The tag (`instanceId`).
    pub tag: String,
    /// Metadata pairs, sorted by key.
    pub metadata: Vec<(String, String)>,
}

impl RawRecord {
    /// Reads the `backgroundServiceEvent` of an event's params.
    pub fn parse(params: &Value) -> Option<RawRecord> {
        let event = params.get("backgroundServiceEvent")?;
        let kind = match event.get("service")?.as_str()? {
            "backgroundSync" => SyncKind::OneOff,
            "periodicBackgroundSync" => SyncKind::Periodic,
            _ => return None,
        };
        let text = |k: &str| event.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let mut metadata: Vec<(String, String)> = event
            .get("eventMetadata")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|m| Some((m.get("key")?.as_str()?.to_string(), m.get("value")?.as_str()?.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        metadata.sort();
        Some(RawRecord {
            kind,
            registration: text("serviceWorkerRegistrationId"),
            name: text("eventName"),
            tag: text("instanceId"),
            metadata,
        })
    }

    /// A metadata value.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// The scheduling delay it announces (real ms), unless it means "never".
    pub fn delay_ms(&self) -> Option<u64> {
        self.meta(DELAY_KEY).and_then(|v| v.parse::<u64>().ok()).filter(|ms| *ms < NEVER_MS)
    }

    /// Whether it reports a dispatch, and with which `lastChance`.
    pub fn dispatch(&self) -> Option<Option<bool>> {
        if self.name != LogEvent::Dispatched.name(self.kind) {
            return None;
        }
        Some(match self.kind {
            SyncKind::OneOff => Some(self.meta("Last Chance") == Some("Yes")),
            SyncKind::Periodic => None,
        })
    }

    /// Whether it ends the registration's event in flight.
    pub fn ends_event(&self) -> bool {
        // A one-off event ends with `Sync completed` (its `sync event completed` is never written).
        let completed = match self.kind {
            SyncKind::OneOff => LogEvent::SyncCompleted,
            SyncKind::Periodic => LogEvent::EventCompleted,
        };
        [LogEvent::SyncCompleted, LogEvent::EventFailed, completed].iter().any(|e| self.name == e.name(self.kind))
    }

    /// Whether it ends the event because the event ran out of time.
    pub fn is_timeout(&self) -> bool {
        self.meta("Failure Reason") == Some("timeout") || self.meta("Status") == Some("timeout")
    }
}

/// How the metadata of a "never" delay is written (as the engine writes it;
/// Chromium writes `TimeDelta::Max()` less the current time, a number that
/// changes with the clock).
pub const NEVER: &str = "infinite";

/// Translates record metadata into the scenario's virtual units: the delay
/// becomes `delay` (the virtual delay the target derived), a "never" delay
/// becomes [`NEVER`], and `minInterval` values become the value the scenario
/// passed (`passed` maps what Chromium got to it).
pub fn virtual_metadata(
    record: &RawRecord,
    compression: &Compression,
    delay: Option<Millis>,
    passed: &BTreeMap<u64, u64>,
) -> Vec<(String, String)> {
    record
        .metadata
        .iter()
        .map(|(k, v)| {
            let value = match (k.as_str(), v.parse::<u64>()) {
                (DELAY_KEY, Ok(ms)) if ms >= NEVER_MS => NEVER.to_string(),
                (DELAY_KEY, Ok(ms)) => delay.unwrap_or_else(|| compression.to_virtual(ms)).0.to_string(),
                ("minInterval", Ok(real)) => {
                    passed.get(&real).copied().unwrap_or(real.saturating_mul(compression.scale)).to_string()
                }
                _ => v.clone(),
            };
            (k.clone(), value)
        })
        .collect()
}
