//! [`Handle`]: the cloneable async front of a running driver.

use super::command::{Answer, Command, Query};
use super::error::{DriverError, SHUT_DOWN};
use super::log_stream::LogStream;
use super::wakeup::WakeupHint;
use crate::action::{DomError, DomErrorName, ReplyValue};
use crate::engine::{Explanation, RegistrationInfo};
use crate::ids::{Caller, ClientId, EventId, RegistrationKey, SwRegId};
use crate::input::{Handled, Input};
use crate::log::LogRecord;
use sync_policy::{Engagement, FrameType, NetworkState, PermissionName, PermissionState, PowerState, SyncKind};
use tokio::sync::{broadcast, mpsc, oneshot};

/// A cloneable handle to a running driver. Every call is a message to the
/// driver task, stamped with the driver's clock when the task takes it.
///
/// - Page-side calls (`register`, `get_tags`, `register_periodic`,
///   `unregister_periodic`) resolve with what the page's promise resolves or
///   rejects with, and only after the state they acknowledge is durable.
///   After shutdown they reject with [`SHUT_DOWN`] (`UnknownError`).
/// - Environment and lifecycle inputs resolve once the engine applied them
///   (not waiting for the store), with the engine's typed refusal if any.
/// - Queries read the engine's in-memory state, which may be ahead of the store.
///
/// Dropping a call's future before it resolves is harmless: the input may or
/// may not have been applied, and the driver goes on.
#[derive(Clone, Debug)]
pub struct Handle {
    pub(crate) tx: mpsc::Sender<Command>,
    pub(crate) logs: LogStream,
}

impl Handle {
    /// Sends any [`Input`] to the engine and waits for its answer: a page
    /// call answers with [`Answer::Reply`] once the state it acknowledges is
    /// durable, any other input with [`Answer::Handled`] once the engine
    /// applied it (not waiting for the store), or with the engine's typed
    /// refusal. The convenience methods below build the `Input` for you.
    ///
    /// Two inputs are the driver's own business, but accepted: an
    /// `EventFinished` settles the event and drops its dispatcher future, and
    /// `StorageFailed` disables Background Sync as a failed commit would.
    pub async fn send(&self, input: Input) -> Result<Answer, DriverError> {
        let (reply, answer) = oneshot::channel();
        self.tx.send(Command::Input(input, reply)).await.map_err(|_| DriverError::Closed)?;
        Ok(answer.await.map_err(|_| DriverError::Closed)??)
    }

    async fn page(&self, input: Input) -> Result<ReplyValue, DomError> {
        match self.send(input).await {
            Ok(Answer::Reply(result)) => result,
            Err(DriverError::Closed) => Err(SHUT_DOWN),
            // A page call is always accepted and answered with a reply; anything else is a bug.
            other => Err(DomError { name: DomErrorName::UnknownError, message: format!("{other:?}").into() }),
        }
    }

    async fn env(&self, input: Input) -> Result<(), DriverError> {
        self.send(input).await.map(|_| ())
    }

    async fn query<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Query) -> Result<T, DriverError> {
        let (tx, answer) = oneshot::channel();
        self.tx.send(Command::Query(make(tx))).await.map_err(|_| DriverError::Closed)?;
        answer.await.map_err(|_| DriverError::Closed)
    }

    /// `registration.sync.register(tag)`, called by `caller` on the service
    /// worker registration `sw`. Resolves with `ReplyValue::Registered` once the
    /// registration is durable, or rejects with the DOMException the page sees.
    pub async fn register(&self, caller: Caller, sw: SwRegId, tag: &str) -> Result<ReplyValue, DomError> {
        self.page(Input::Register { caller, sw, tag: tag.into() }).await
    }

    /// `registration.sync.getTags()` (`kind` one-off) or
    /// `registration.periodicSync.getTags()` (`kind` periodic): resolves with
    /// `ReplyValue::Tags`.
    pub async fn get_tags(&self, caller: Caller, sw: SwRegId, kind: SyncKind) -> Result<ReplyValue, DomError> {
        self.page(Input::GetTags { caller, sw, kind }).await
    }

    /// `registration.periodicSync.register(tag, {minInterval})`, with
    /// `min_interval` in milliseconds as the binding converted it.
    pub async fn register_periodic(
        &self,
        caller: Caller,
        sw: SwRegId,
        tag: &str,
        min_interval: u64,
    ) -> Result<ReplyValue, DomError> {
        self.page(Input::RegisterPeriodic { caller, sw, tag: tag.into(), min_interval }).await
    }

    /// `registration.periodicSync.unregister(tag)`: resolves with
    /// `ReplyValue::Unregistered` once the removal is durable.
    pub async fn unregister_periodic(&self, caller: Caller, sw: SwRegId, tag: &str) -> Result<ReplyValue, DomError> {
        self.page(Input::UnregisterPeriodic { caller, sw, tag: tag.into() }).await
    }

    /// The device network changed.
    pub async fn set_network(&self, network: NetworkState) -> Result<(), DriverError> {
        self.env(Input::Network(network)).await
    }

    /// The device power state changed.
    pub async fn set_power(&self, power: PowerState) -> Result<(), DriverError> {
        self.env(Input::Power(power)).await
    }

    /// A service worker client (window, iframe, worker) of `origin` opened.
    pub async fn client_opened(&self, client: ClientId, origin: &str, frame: FrameType) -> Result<(), DriverError> {
        self.env(Input::ClientOpened { client, origin: origin.to_owned(), frame }).await
    }

    /// A service worker client closed.
    pub async fn client_closed(&self, client: ClientId) -> Result<(), DriverError> {
        self.env(Input::ClientClosed(client)).await
    }

    /// A permission of `origin` changed.
    pub async fn set_permission(
        &self,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) -> Result<(), DriverError> {
        self.env(Input::Permission { origin: origin.to_owned(), name, state }).await
    }

    /// The site engagement of `origin` changed.
    pub async fn set_engagement(&self, origin: &str, level: Engagement) -> Result<(), DriverError> {
        self.env(Input::Engagement { origin: origin.to_owned(), level }).await
    }

    /// A service worker registration of `origin` exists (announce each at
    /// start-up and each new one); `active` says whether it has an active worker.
    pub async fn add_worker(&self, sw: SwRegId, origin: &str, active: bool) -> Result<(), DriverError> {
        self.env(Input::AddWorker { sw, origin: origin.to_owned(), active }).await
    }

    /// The registration's worker became active.
    pub async fn worker_activated(&self, sw: SwRegId) -> Result<(), DriverError> {
        self.env(Input::WorkerActivated(sw)).await
    }

    /// The service worker registration was unregistered: its sync registrations go with it.
    pub async fn worker_unregistered(&self, sw: SwRegId) -> Result<(), DriverError> {
        self.env(Input::WorkerUnregistered(sw)).await
    }

    /// The site data of `origin` was cleared: all its registrations go.
    pub async fn origin_cleared(&self, origin: &str) -> Result<(), DriverError> {
        self.env(Input::OriginCleared(origin.to_owned())).await
    }

    /// DevTools offline emulation for one worker; reference-counted (every
    /// `true` needs a matching `false`).
    pub async fn emulate_offline(&self, sw: SwRegId, offline: bool) -> Result<(), DriverError> {
        self.env(Input::EmulateOffline { sw, offline }).await
    }

    /// DevTools "dispatch now": fires the registration's event at once,
    /// ignoring its back-off or interval (not connectivity). The event goes to
    /// the dispatcher like any other.
    pub async fn dispatch_now(&self, key: RegistrationKey) -> Result<EventId, DriverError> {
        match self.send(Input::DispatchNow(key)).await? {
            Answer::Handled(Handled::Dispatched(event)) => Ok(event),
            // The engine answers DispatchNow with its event; anything else is a bug.
            other => Err(DriverError::Crashed(format!("dispatch_now answered {other:?}"))),
        }
    }

    /// Every registration of a worker, both kinds, with its state and why it
    /// has not fired yet (the embedder's sync registration manager view).
    pub async fn registrations(&self, sw: SwRegId) -> Result<Vec<RegistrationInfo>, DriverError> {
        self.query(|tx| Query::Registrations(sw, tx)).await
    }

    /// Why one registration has not fired yet, or what it is doing.
    pub async fn explain(&self, key: RegistrationKey) -> Result<Explanation, DriverError> {
        self.query(|tx| Query::Explain(key, tx)).await
    }

    /// The service worker registrations the engine knows, in id order.
    pub async fn workers(&self) -> Result<Vec<SwRegId>, DriverError> {
        self.query(Query::Workers).await
    }

    /// When a closed browser should be woken, and why; `None` when nothing
    /// would fire without a new input. See [`WakeupHint`].
    pub async fn wakeup_hint(&self) -> Result<Option<WakeupHint>, DriverError> {
        self.query(Query::Wakeup).await
    }

    /// A stream of DevTools "Background Services" style records, from now on,
    /// each sent once the change it records is durable. A receiver that falls
    /// more than the configured capacity behind loses the oldest records
    /// (`RecvError::Lagged`); a dropped receiver costs nothing.
    pub fn subscribe_log(&self) -> broadcast::Receiver<LogRecord> {
        self.logs.subscribe()
    }
}
