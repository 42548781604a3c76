//! The one input vocabulary.
//!
//! Everything that can happen to the engine (a page call, an environment
//! change, a worker's lifecycle, an event's outcome, a DevTools control) is a
//! variant of [`Input`], fed with [`Engine::handle`](crate::Engine::handle)
//! together with the wall-clock time it happened at. The tokio driver, the
//! conformance harness, the C ABI, the adapter protocol, the state-machine test
//! and the fuzzer all speak this type; adding an input means adding a variant
//! here, its arm in `engine/handle.rs`, and the scenario step that spells it
//! (see `spec-notes/architecture.md`).

use crate::ids::{Caller, ClientId, EventId, RegistrationKey, RequestId, SwRegId, Tag};
use serde::{Deserialize, Serialize};
use sync_policy::{
    Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
};

/// One input to the engine. Page calls answer later through `Action::Reply`;
/// every other input is accepted or refused at once with a [`SyncError`](crate::SyncError).
///
/// In JSON (the adapter protocol, `wpt-harness/PROTOCOL.md`) an input is
/// externally tagged with its [`Input::name`]: `{"register": {"caller":
/// {"client": 1}, "sw": 1, "tag": "outbox"}}`, `{"client-closed": 1}`,
/// `{"network": {"online": true, "metered": false}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Input {
    // ----- page calls (SyncManager / PeriodicSyncManager) -----
    /// `registration.sync.register(tag)`.
    Register {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// The tag, as the page passed it (shared: a new registration keeps
        /// this very string, so handing a tag over costs no copy).
        tag: Tag,
    },
    /// `registration.sync.getTags()` or `registration.periodicSync.getTags()`.
    GetTags {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// Which namespace.
        kind: SyncKind,
    },
    /// `registration.periodicSync.register(tag, {minInterval})`, with
    /// `min_interval` in milliseconds as the binding converted it.
    RegisterPeriodic {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// The tag.
        tag: Tag,
        /// `minInterval` in milliseconds; above 2^53 - 1 rejects with `TypeError`.
        min_interval: u64,
    },
    /// `registration.periodicSync.unregister(tag)`.
    UnregisterPeriodic {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// The tag.
        tag: Tag,
    },

    // ----- environment -----
    /// The device's connectivity changed.
    Network(NetworkState),
    /// The device's power state changed.
    Power(PowerState),
    /// A permission of an origin changed.
    Permission {
        /// The serialized origin.
        origin: String,
        /// Which permission.
        name: PermissionName,
        /// Its new state.
        state: PermissionState,
    },
    /// The site engagement level of an origin changed.
    Engagement {
        /// The serialized origin.
        origin: String,
        /// The new level.
        level: Engagement,
    },
    /// A service worker client (window, iframe, worker) of an origin opened.
    ClientOpened {
        /// The client's id, chosen by the embedder.
        client: ClientId,
        /// The client's serialized origin.
        origin: String,
        /// What kind of frame it is.
        frame: FrameType,
    },
    /// A service worker client closed.
    ClientClosed(ClientId),

    // ----- lifecycle -----
    /// A service worker registration became known (with or without an active worker).
    AddWorker {
        /// The service worker registration.
        sw: SwRegId,
        /// Its serialized origin.
        origin: String,
        /// Whether it already has an active worker.
        active: bool,
    },
    /// The service worker registration got an active worker.
    WorkerActivated(SwRegId),
    /// The service worker registration was unregistered: its registrations go.
    WorkerUnregistered(SwRegId),
    /// The user cleared an origin's site data: its registrations go.
    OriginCleared(String),
    /// The store failed: the engine disables itself until restored.
    StorageFailed {
        /// What failed, for the log.
        reason: String,
    },
    /// The embedder wiped the service worker storage and started over
    /// (Chromium's `OnStorageWiped`): every registration goes, and a
    /// storage-failure disable is lifted.
    StorageWiped {},
    /// The embedder's switch for Background Sync (Chromium's controller can
    /// turn the feature off): while off, registrations are kept but hidden,
    /// page calls reject with `UnknownError` and nothing fires.
    Switch {
        /// On (true) or off (false).
        enabled: bool,
    },

    // ----- event outcomes -----
    /// A dispatched event settled.
    EventFinished {
        /// The event, from `Action::Dispatch`.
        event: EventId,
        /// How it settled.
        outcome: EventOutcome,
    },

    // ----- DevTools controls -----
    /// DevTools' per-worker offline emulation.
    EmulateOffline {
        /// The service worker registration.
        sw: SwRegId,
        /// Emulate offline (true) or stop emulating (false).
        offline: bool,
    },
    /// DevTools' "dispatch now" for one registration.
    DispatchNow(RegistrationKey),
    /// DevTools' emulated dispatch (CDP `ServiceWorker.dispatchSyncEvent` /
    /// `dispatchPeriodicSyncEvent`): an event with this tag fired at the
    /// worker whether or not a registration has it, bypassing the
    /// registrations; its outcome changes nothing.
    DispatchSynthetic {
        /// The service worker registration.
        sw: SwRegId,
        /// `sync` or `periodicsync`.
        kind: SyncKind,
        /// The event's tag.
        tag: String,
        /// `lastChance` of a `sync` event (ignored for `periodicsync`).
        last_chance: bool,
    },
}

/// What an accepted input produced at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Handled {
    /// A page call: its answer comes later as `Action::Reply` with this request id.
    Request(RequestId),
    /// `DispatchNow` or `DispatchSynthetic`: the event that was dispatched.
    Dispatched(EventId),
    /// Any other input: applied.
    Applied,
}

impl Handled {
    /// The request id, for a page call.
    pub fn request(self) -> Option<RequestId> {
        match self {
            Handled::Request(r) => Some(r),
            _ => None,
        }
    }

    /// The dispatched event, for `DispatchNow` and `DispatchSynthetic`.
    pub fn event(self) -> Option<EventId> {
        match self {
            Handled::Dispatched(e) => Some(e),
            _ => None,
        }
    }
}

impl Input {
    /// Whether this input is a page call (answered by `Action::Reply`).
    pub fn is_page_call(&self) -> bool {
        matches!(
            self,
            Input::Register { .. }
                | Input::GetTags { .. }
                | Input::RegisterPeriodic { .. }
                | Input::UnregisterPeriodic { .. }
        )
    }

    /// A short, stable name for the variant: its tag in JSON.
    pub fn name(&self) -> &'static str {
        match self {
            Input::Register { .. } => "register",
            Input::GetTags { .. } => "get-tags",
            Input::RegisterPeriodic { .. } => "register-periodic",
            Input::UnregisterPeriodic { .. } => "unregister-periodic",
            Input::Network(_) => "network",
            Input::Power(_) => "power",
            Input::Permission { .. } => "permission",
            Input::Engagement { .. } => "engagement",
            Input::ClientOpened { .. } => "client-opened",
            Input::ClientClosed(_) => "client-closed",
            Input::AddWorker { .. } => "add-worker",
            Input::WorkerActivated(_) => "worker-activated",
            Input::WorkerUnregistered(_) => "worker-unregistered",
            Input::OriginCleared(_) => "origin-cleared",
            Input::StorageFailed { .. } => "storage-failed",
            Input::StorageWiped {} => "storage-wiped",
            Input::Switch { .. } => "switch",
            Input::EventFinished { .. } => "event-finished",
            Input::EmulateOffline { .. } => "emulate-offline",
            Input::DispatchNow(_) => "dispatch-now",
            Input::DispatchSynthetic { .. } => "dispatch-synthetic",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_policy::{NetworkState, SyncKind};

    fn every_shape() -> Vec<Input> {
        let sw = SwRegId(1);
        vec![
            Input::Register { caller: Caller::Client(ClientId(2)), sw, tag: "outbox".into() },
            Input::GetTags { caller: Caller::Embedder, sw, kind: SyncKind::Periodic },
            Input::RegisterPeriodic { caller: Caller::Worker(sw), sw, tag: "news".into(), min_interval: 1000 },
            Input::UnregisterPeriodic { caller: Caller::Worker(sw), sw, tag: "news".into() },
            Input::Network(NetworkState { online: false, metered: true }),
            Input::ClientClosed(ClientId(2)),
            Input::WorkerActivated(sw),
            Input::OriginCleared("https://a.test".into()),
            Input::StorageFailed { reason: "disk".into() },
            Input::EventFinished { event: EventId(7), outcome: EventOutcome::Rejected },
            Input::EmulateOffline { sw, offline: true },
            Input::DispatchNow(RegistrationKey::new(sw, SyncKind::OneOff, "outbox")),
            Input::StorageWiped {},
            Input::Switch { enabled: false },
            Input::DispatchSynthetic { sw, kind: SyncKind::OneOff, tag: "ghost".into(), last_chance: true },
        ]
    }

    #[test]
    fn json_round_trips_and_is_tagged_with_the_name() {
        for input in every_shape() {
            let json = serde_json::to_value(&input).expect("an input serializes");
            let object = json.as_object().expect("externally tagged");
            assert_eq!(object.keys().collect::<Vec<_>>(), vec![input.name()], "{json}");
            let back: Input = serde_json::from_value(json).expect("and reads back");
            assert_eq!(back, input);
        }
    }

    #[test]
    fn the_documented_json_shapes_read() {
        let register: Input =
            serde_json::from_str(r#"{"register": {"caller": {"client": 1}, "sw": 1, "tag": "outbox"}}"#).unwrap();
        assert_eq!(
            register,
            Input::Register { caller: Caller::Client(ClientId(1)), sw: SwRegId(1), tag: "outbox".into() }
        );
        let closed: Input = serde_json::from_str(r#"{"client-closed": 1}"#).unwrap();
        assert_eq!(closed, Input::ClientClosed(ClientId(1)));
        let embedder: Input =
            serde_json::from_str(r#"{"get-tags": {"caller": "embedder", "sw": 3, "kind": "one-off"}}"#).unwrap();
        assert_eq!(embedder, Input::GetTags { caller: Caller::Embedder, sw: SwRegId(3), kind: SyncKind::OneOff });
        assert!(
            serde_json::from_str::<Input>(r#"{"register": {"sw": 1, "tag": "x", "caller": "embedder", "extra": 1}}"#)
                .is_err()
        );
        assert!(serde_json::from_str::<Input>(r#"{"teleport": {}}"#).is_err());
    }
}
