//! What the runner drives: the [`Target`] trait, and the built-in
//! [`EngineTarget`] that drives `sync_core::Engine` directly.
//!
//! An embedder runs the suite against its own integration by implementing
//! [`Target`]. Everything a target cannot see or do (DevTools-only controls,
//! the binding surface, internal invariants) has a default implementation
//! that answers [`TargetError::NotObservable`]; the runner then reports the
//! subtest as `NOTRUN` with the reason instead of failing it.

mod binding;
pub mod chromium;
mod engine;
mod store_seam;

pub use binding::{InterfaceShape, construct_event, interface_shape};
pub use engine::EngineTarget;

use crate::scenario::{Call, JsValue};
use sync_core::{Caller, ClientId, Explanation, RegistrationKey, SwRegId};
use sync_policy::{
    Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, PolicyConfig, PowerState,
    SyncKind, Timestamp,
};

/// What a subtest starts from.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The policy to run under.
    pub policy: PolicyConfig,
    /// The wall-clock time the subtest starts at (virtual time 0 plus `initial.clock`).
    pub start: Timestamp,
}

/// Identifies one dispatched event to the target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventHandle(pub u64);

/// How a page-side call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// Resolved with `undefined`.
    Resolved,
    /// Resolved with these tags (`getTags()`).
    Tags(Vec<String>),
    /// Rejected.
    Rejected {
        /// The exception name (`InvalidStateError`, `TypeError`, ...).
        name: String,
        /// Its message.
        message: String,
    },
}

/// An event fired at a service worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObservedDispatch {
    /// How to settle it.
    pub handle: EventHandle,
    /// The service worker registration it fired at.
    pub sw: SwRegId,
    /// `sync` or `periodicsync`.
    pub kind: SyncKind,
    /// `event.tag`.
    pub tag: String,
    /// `event.lastChance` (sync only).
    pub last_chance: Option<bool>,
    /// When.
    pub at: Timestamp,
}

/// A DevTools "Background Services" style record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// When.
    pub at: Timestamp,
    /// The service worker registration.
    pub sw: SwRegId,
    /// Which service.
    pub kind: SyncKind,
    /// Chromium's event name.
    pub name: String,
    /// The tag.
    pub tag: String,
    /// Metadata pairs.
    pub metadata: Vec<(String, String)>,
}

/// Something the target reports on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observation {
    /// An event was fired.
    Dispatch(ObservedDispatch),
    /// A log record was written.
    Log(LogEntry),
}

/// Why a target refused an input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The event outlived its deadline.
    Expired,
    /// The event already had an outcome.
    AlreadySettled,
    /// Offline (`dispatch_now`).
    Offline,
    /// The registration's event is in flight (`dispatch_now`).
    AlreadyFiring,
    /// No such registration (`dispatch_now`).
    NotRegistered,
    /// The component is disabled.
    Disabled,
    /// Anything else (unknown worker or client, ...).
    Other,
}

impl Refusal {
    /// The name scenarios use for it.
    pub fn name(self) -> &'static str {
        match self {
            Refusal::Expired => "expired",
            Refusal::AlreadySettled => "already-settled",
            Refusal::Offline => "offline",
            Refusal::AlreadyFiring => "already-firing",
            Refusal::NotRegistered => "not-registered",
            Refusal::Disabled => "disabled",
            Refusal::Other => "other",
        }
    }
}

/// Why a target could not carry out a step.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetError {
    /// The target cannot perform or observe this; the subtest is reported `NOTRUN`.
    #[error("not observable on this target: {0}")]
    NotObservable(String),
    /// The target refused the input (a typed reason plus its message).
    #[error("refused ({}): {message}", kind.name())]
    Refused {
        /// The reason.
        kind: Refusal,
        /// The target's message.
        message: String,
    },
    /// The target itself failed.
    #[error("target failure: {0}")]
    Broken(String),
}

impl TargetError {
    /// A refusal.
    pub fn refused(kind: Refusal, message: impl Into<String>) -> TargetError {
        TargetError::Refused { kind, message: message.into() }
    }
}

fn not_observable<T>(what: &str) -> Result<T, TargetError> {
    Err(TargetError::NotObservable(what.to_string()))
}

/// What the runner drives. All inputs happen at [`Target::now`]; the runner
/// moves time only with [`Target::advance_to`].
pub trait Target {
    /// The target's name in reports (`engine`).
    fn name(&self) -> &str;

    /// A description of the product under test for `run_info` (name and version).
    fn product(&self) -> (String, String);

    /// Starts a fresh world for one subtest: no workers, clients or registrations.
    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError>;

    /// The current virtual time.
    fn now(&self) -> Timestamp;

    /// The next time the target wants to be woken, if any.
    fn next_wakeup(&self) -> Option<Timestamp>;

    /// Moves the clock to `at` (never backwards) and processes what is due.
    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError>;

    /// Dispatches and log records since the last call, in order.
    fn take_observations(&mut self) -> Vec<Observation>;

    /// A service worker registration exists (`active`: it has an active worker).
    fn add_worker(&mut self, sw: SwRegId, origin: &str, active: bool) -> Result<(), TargetError>;

    /// The registration's worker became active.
    fn activate_worker(&mut self, sw: SwRegId) -> Result<(), TargetError>;

    /// The registration was unregistered.
    fn unregister_worker(&mut self, sw: SwRegId) -> Result<(), TargetError>;

    /// The registration's worker is terminated: its events in flight fail.
    fn terminate_worker(&mut self, _sw: SwRegId) -> Result<(), TargetError> {
        not_observable("terminating a service worker")
    }

    /// A client opened.
    fn open_client(&mut self, client: ClientId, origin: &str, frame: FrameType) -> Result<(), TargetError>;

    /// A client closed.
    fn close_client(&mut self, client: ClientId) -> Result<(), TargetError>;

    /// The device network changed.
    fn set_network(&mut self, network: NetworkState) -> Result<(), TargetError>;

    /// The device power state changed.
    fn set_power(&mut self, _power: PowerState) -> Result<(), TargetError> {
        not_observable("simulated power state")
    }

    /// A permission changed.
    fn set_permission(&mut self, origin: &str, name: PermissionName, state: PermissionState)
    -> Result<(), TargetError>;

    /// `navigator.permissions.query()`.
    fn query_permission(&mut self, _origin: &str, _name: PermissionName) -> Result<PermissionState, TargetError> {
        not_observable("permission query")
    }

    /// An origin's site engagement changed.
    fn set_engagement(&mut self, _origin: &str, _level: Engagement) -> Result<(), TargetError> {
        not_observable("site engagement")
    }

    /// DevTools offline emulation for one worker.
    fn emulate_offline(&mut self, _sw: SwRegId, _offline: bool) -> Result<(), TargetError> {
        not_observable("DevTools offline emulation")
    }

    /// An origin's site data was cleared.
    fn clear_origin(&mut self, origin: &str) -> Result<(), TargetError>;

    /// The user agent stops now and starts again at `at` (`at - now` is the
    /// time it was down), rebuilt from its store, keeping the environment.
    fn restart(&mut self, at: Timestamp) -> Result<(), TargetError>;

    /// The store fails.
    fn fail_storage(&mut self) -> Result<(), TargetError> {
        not_observable("storage failure injection")
    }

    /// A page-side call; returns how its promise settled.
    fn call(&mut self, caller: Caller, sw: SwRegId, call: &Call) -> Result<Reply, TargetError>;

    /// Reports an event's outcome.
    fn settle(&mut self, event: EventHandle, outcome: EventOutcome) -> Result<(), TargetError>;

    /// DevTools "dispatch now".
    fn dispatch_now(&mut self, _key: &RegistrationKey) -> Result<(), TargetError> {
        not_observable("dispatch now")
    }

    /// Why a registration has not fired.
    fn explain(&mut self, _key: &RegistrationKey) -> Result<Explanation, TargetError> {
        not_observable("explain")
    }

    /// The shape of one API interface.
    fn api_surface(&self, _interface: &str) -> Result<InterfaceShape, TargetError> {
        not_observable("the binding surface")
    }

    /// Constructs an event object; `Ok(Err(name))` when the constructor throws.
    fn construct_event(
        &self,
        _interface: &str,
        _args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        not_observable("event constructors")
    }

    /// Checks the target's internal invariants; returns the violations found.
    fn check_invariants(&mut self) -> Result<Vec<String>, TargetError> {
        not_observable("internal invariants")
    }
}
