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

use crate::ids::{Caller, ClientId, EventId, RegistrationKey, RequestId, SwRegId};
use sync_policy::{
    Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind,
};

/// One input to the engine. Page calls answer later through `Action::Reply`;
/// every other input is accepted or refused at once with a [`SyncError`](crate::SyncError).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Input {
    // ----- page calls (SyncManager / PeriodicSyncManager) -----
    /// `registration.sync.register(tag)`.
    Register {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// The tag, as the page passed it.
        tag: String,
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
        tag: String,
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
        tag: String,
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
}

/// What an accepted input produced at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Handled {
    /// A page call: its answer comes later as `Action::Reply` with this request id.
    Request(RequestId),
    /// `DispatchNow`: the event that was dispatched.
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

    /// The dispatched event, for `DispatchNow`.
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

    /// A short, stable name for the variant (for logs and protocol messages).
    pub fn name(&self) -> &'static str {
        match self {
            Input::Register { .. } => "register",
            Input::GetTags { .. } => "get_tags",
            Input::RegisterPeriodic { .. } => "register_periodic",
            Input::UnregisterPeriodic { .. } => "unregister_periodic",
            Input::Network(_) => "network",
            Input::Power(_) => "power",
            Input::Permission { .. } => "permission",
            Input::Engagement { .. } => "engagement",
            Input::ClientOpened { .. } => "client_opened",
            Input::ClientClosed(_) => "client_closed",
            Input::AddWorker { .. } => "add_worker",
            Input::WorkerActivated(_) => "worker_activated",
            Input::WorkerUnregistered(_) => "worker_unregistered",
            Input::OriginCleared(_) => "origin_cleared",
            Input::StorageFailed { .. } => "storage_failed",
            Input::EventFinished { .. } => "event_finished",
            Input::EmulateOffline { .. } => "emulate_offline",
            Input::DispatchNow(_) => "dispatch_now",
        }
    }
}
