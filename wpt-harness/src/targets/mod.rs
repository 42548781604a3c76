//! What the runner drives: the [`Target`] trait, and the built-in
//! [`EngineTarget`] that drives `sync_core::Engine` directly.
//!
//! A target speaks the engine's own input vocabulary: the runner turns every
//! scenario step into a [`TargetInput`] (almost always a `sync_core::Input`)
//! and hands it to [`Target::apply`], moves time with [`Target::advance_to`]
//! and collects what happened with [`Target::take_observations`]. A new input
//! is a new variant of `sync_core::Input`, not a new trait method.
//!
//! An embedder runs the suite against its own integration by implementing
//! [`Target`]. An input a target cannot carry out answers
//! [`TargetError::NotObservable`], and so do the optional observers
//! (`explain`, `check_invariants`, the binding surface, ...) by default; the
//! runner then reports the subtest as `NOTRUN` with the reason instead of
//! failing it.

mod binding;
pub mod chromium;
mod engine;
pub mod exec;
mod store_seam;

pub use crate::refusal::Refusal;
pub use binding::{InterfaceShape, construct_event, interface_shape};
pub use engine::EngineTarget;
pub use exec::ExecTarget;

use crate::scenario::JsValue;
use sync_core::{Caller, EventId, Explanation, Input, RegistrationInfo, RegistrationKey, SwRegId};
use sync_policy::{PermissionName, PermissionState, PolicyConfig, SyncKind, Timestamp};

/// What a subtest starts from.
#[derive(Clone, Debug)]
pub struct Setup {
    /// The policy to run under.
    pub policy: PolicyConfig,
    /// The wall-clock time the subtest starts at (virtual time 0 plus `initial.clock`).
    pub start: Timestamp,
    /// The subtest, as `"<test>: <subtest>"` (for a target's own logs).
    pub name: String,
}

/// One input the runner gives a target.
///
/// Almost every scenario step is an engine input. Three things a user agent
/// does around the engine have no `sync_core::Input`: a page call whose
/// argument the WebIDL binding has yet to convert, stopping a worker, and
/// restarting the user agent; and the store's own faults.
#[derive(Clone, Debug, PartialEq)]
pub enum TargetInput {
    /// An input the engine defines, exactly as `Engine::handle` takes it.
    /// Page calls among them answer with [`Outcome::Reply`].
    Engine(Input),
    /// `registration.periodicSync.register(tag, options)` with
    /// `options.minInterval` as the page wrote it: a JavaScript number
    /// (`None` when absent) that the binding converts as `[EnforceRange]
    /// unsigned long long` before the algorithm runs, rejecting with
    /// `TypeError` when it cannot. A target with a real binding passes it on;
    /// the engine target converts it and feeds `Input::RegisterPeriodic`.
    PeriodicRegister {
        /// Who calls.
        caller: Caller,
        /// The service worker registration.
        sw: SwRegId,
        /// The tag.
        tag: String,
        /// `options.minInterval`, unconverted.
        min_interval: Option<f64>,
    },
    /// The registration's worker is stopped: its events in flight fail.
    TerminateWorker(SwRegId),
    /// The user agent stops now and starts again at the given time (the
    /// difference is the time it was down), rebuilt from its store, keeping
    /// the environment.
    Restart(Timestamp),
    /// A change of the store's own state: it is the store that fails, and
    /// the engine learns of it when it writes or, at start, reads.
    StoreFault(StoreFault),
    /// The user agent shuts down now (`ua.shutdown`): events in flight die
    /// and nothing fires. Until [`TargetInput::Start`] the target only takes
    /// environment changes (network, power, permissions, engagement, kept for
    /// the start) and `advance_to`, which moves the clock without waking
    /// anything.
    Shutdown,
    /// The user agent starts again at the current time from its store, with
    /// the environment as it is now, under the given policy if there is one
    /// (`ua.start`).
    Start(Option<Box<PolicyConfig>>),
}

/// A state of the store a scenario can put it in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StoreFault {
    /// The next write (commit of persisted mutations) fails.
    FailNextWrite,
    /// The next read (the load at the next start) fails.
    FailNextRead,
    /// Faults not yet hit are dropped; the store works again.
    Heal,
}

impl StoreFault {
    /// The scenario step that spells it.
    pub fn keyword(self) -> &'static str {
        match self {
            StoreFault::FailNextWrite => "storage.fail_next_write",
            StoreFault::FailNextRead => "storage.fail_next_read",
            StoreFault::Heal => "storage.heal",
        }
    }
}

/// The engine inputs a target takes while the user agent is down: changes of
/// the device and of the user's settings, not of the browser.
pub fn applies_while_down(input: &Input) -> bool {
    matches!(input, Input::Network(_) | Input::Power(_) | Input::Permission { .. } | Input::Engagement { .. })
}

impl From<Input> for TargetInput {
    fn from(input: Input) -> TargetInput {
        TargetInput::Engine(input)
    }
}

/// What a target did with an input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The input was applied.
    Applied,
    /// A page call: how its promise settled.
    Reply(Reply),
}

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
    /// The event, as `Input::EventFinished` names it to settle it.
    pub event: EventId,
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
    /// The target did not answer in time; the subtest is reported `TIMEOUT`.
    #[error("timed out: {0}")]
    TimedOut(String),
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
///
/// A target implements the lifecycle (`begin`, `now`, `next_wakeup`,
/// `advance_to`, `take_observations`) and [`Target::apply`]; the observers
/// below are optional and default to [`TargetError::NotObservable`].
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

    /// Carries out one input at [`Target::now`]. A refusal the engine would
    /// give (`SyncError`) is [`TargetError::Refused`]; an input this target
    /// cannot carry out is [`TargetError::NotObservable`].
    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError>;

    /// `navigator.permissions.query()`.
    fn query_permission(&mut self, _origin: &str, _name: PermissionName) -> Result<PermissionState, TargetError> {
        not_observable("permission query")
    }

    /// Why a registration has not fired.
    fn explain(&mut self, _key: &RegistrationKey) -> Result<Explanation, TargetError> {
        not_observable("explain")
    }

    /// Every registration the target holds, with its phase, attempts and
    /// `explain` reason (the HTML report's step-through shows it after each
    /// step). Targets without such a listing keep the default.
    fn registrations(&mut self) -> Result<Vec<RegistrationInfo>, TargetError> {
        not_observable("the registration listing")
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
