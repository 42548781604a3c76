//! The messages handles send to the driver task.

use super::wakeup::WakeupHint;
use crate::action::{DomError, ReplyValue};
use crate::engine::{Engine, Explanation, RegistrationInfo};
use crate::error::SyncError;
use crate::ids::{Caller, ClientId, EventId, RegistrationKey, SwRegId};
use sync_policy::{
    Engagement, FrameType, NetworkState, PermissionName, PermissionState, Policy, PowerState, SyncKind, Timestamp,
};
use tokio::sync::oneshot;

/// Where the answer to a page-side call goes.
pub(crate) type PageReply = oneshot::Sender<Result<ReplyValue, DomError>>;

/// Where the engine's verdict on an embedder-side input goes.
pub(crate) type Ack<T> = oneshot::Sender<Result<T, SyncError>>;

/// A page-side call (`SyncManager` / `PeriodicSyncManager`).
#[derive(Debug)]
pub(crate) enum PageCall {
    Register { caller: Caller, sw: SwRegId, tag: String },
    GetTags { caller: Caller, sw: SwRegId, kind: SyncKind },
    RegisterPeriodic { caller: Caller, sw: SwRegId, tag: String, min_interval: u64 },
    UnregisterPeriodic { caller: Caller, sw: SwRegId, tag: String },
}

/// An environment change or lifecycle input.
#[derive(Debug)]
pub(crate) enum EnvChange {
    Network(NetworkState),
    Power(PowerState),
    ClientOpened { client: ClientId, origin: String, frame: FrameType },
    ClientClosed(ClientId),
    Permission { origin: String, name: PermissionName, state: PermissionState },
    Engagement { origin: String, level: Engagement },
    AddWorker { sw: SwRegId, origin: String, active: bool },
    WorkerActivated(SwRegId),
    WorkerUnregistered(SwRegId),
    OriginCleared(String),
    EmulateOffline { sw: SwRegId, offline: bool },
}

/// A read-only question about the engine's current (in-memory) state.
#[derive(Debug)]
pub(crate) enum Query {
    Registrations(SwRegId, oneshot::Sender<Vec<RegistrationInfo>>),
    Explain(RegistrationKey, oneshot::Sender<Explanation>),
    Workers(oneshot::Sender<Vec<SwRegId>>),
    Wakeup(oneshot::Sender<Option<WakeupHint>>),
}

/// One message to the driver task.
#[derive(Debug)]
pub(crate) enum Command {
    Page(PageCall, PageReply),
    Env(EnvChange, Ack<()>),
    DispatchNow(RegistrationKey, Ack<EventId>),
    Query(Query),
    Shutdown,
}

impl PageCall {
    /// Feeds the call to the engine.
    pub(crate) fn apply<P: Policy>(self, engine: &mut Engine<P>, now: Timestamp) -> crate::ids::RequestId {
        match self {
            PageCall::Register { caller, sw, tag } => engine.register(now, caller, sw, &tag),
            PageCall::GetTags { caller, sw, kind } => engine.get_tags(now, caller, sw, kind),
            PageCall::RegisterPeriodic { caller, sw, tag, min_interval } => {
                engine.register_periodic(now, caller, sw, &tag, min_interval)
            }
            PageCall::UnregisterPeriodic { caller, sw, tag } => engine.unregister_periodic(now, caller, sw, &tag),
        }
    }
}

impl EnvChange {
    /// Feeds the change to the engine.
    pub(crate) fn apply<P: Policy>(self, engine: &mut Engine<P>, now: Timestamp) -> Result<(), SyncError> {
        match self {
            EnvChange::Network(state) => engine.set_network(now, state),
            EnvChange::Power(state) => engine.set_power(now, state),
            EnvChange::ClientOpened { client, origin, frame } => {
                return engine.client_opened(now, client, &origin, frame);
            }
            EnvChange::ClientClosed(client) => return engine.client_closed(now, client),
            EnvChange::Permission { origin, name, state } => engine.set_permission(now, &origin, name, state),
            EnvChange::Engagement { origin, level } => engine.set_engagement(now, &origin, level),
            EnvChange::AddWorker { sw, origin, active } => return engine.add_worker(now, sw, &origin, active),
            EnvChange::WorkerActivated(sw) => return engine.worker_activated(now, sw),
            EnvChange::WorkerUnregistered(sw) => return engine.worker_unregistered(now, sw),
            EnvChange::OriginCleared(origin) => engine.origin_cleared(now, &origin),
            EnvChange::EmulateOffline { sw, offline } => return engine.emulate_offline(now, sw, offline),
        }
        Ok(())
    }
}
