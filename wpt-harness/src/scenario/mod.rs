//! Scenario files: what one test sets up, does and expects.
//!
//! A scenario is one YAML document (see the crate docs for the vocabulary).
//! [`load`] reads and checks a file; every problem is reported with the
//! file, line and column it comes from.

mod expansion;
mod expect;
mod parse;
mod parse_initial;
mod steps;
pub(crate) mod suggest;
mod values;

pub use crate::policy::PolicySpec;
pub use expansion::{MAX_GENERATED_BYTES, MAX_STEPS};
pub use expect::{
    CallExpect, ConstructExpect, DispatchNowExpect, EventSpec, ExplainExpect, ExplainReason, LogSpec, SettleError,
    Settlement, ShapeSpec,
};
pub use parse::{load, load_str};
pub use values::{MAX_TAG_BYTES, origin_url, parse_tag};

use crate::yaml::Pos;
use std::path::PathBuf;
use sync_policy::{Engagement, FrameType, Millis, NetworkState, PermissionName, PermissionState, PowerState, SyncKind};

/// Why a scenario file could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}:{}:{}: {message}", file.display(), pos.line, pos.column)]
pub struct ScenarioError {
    /// The file.
    pub file: PathBuf,
    /// Where in it.
    pub pos: Pos,
    /// What is wrong.
    pub message: String,
}

/// A parsed scenario: one test.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// The file it came from.
    pub file: PathBuf,
    /// The `test` id in reports (a WPT path for direct translations).
    pub test: String,
    /// Where the scenario comes from.
    pub source: Source,
    /// Which policy it runs under.
    pub policy: PolicySpec,
    /// Free text.
    pub description: Option<String>,
    /// The world at the start of every subtest.
    pub initial: Initial,
    /// The subtests, each run on a fresh engine.
    pub subtests: Vec<Subtest>,
}

/// Where a scenario comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A translation of a current web-platform-test.
    WptDirect,
    /// A translation of a WPT file that was later moved or removed.
    WptHistorical,
    /// A translation of a Chromium web test.
    ChromiumWebtest,
    /// A scenario of our own.
    Extension,
}

impl Source {
    /// The name as written in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Source::WptDirect => "wpt-direct",
            Source::WptHistorical => "wpt-historical",
            Source::ChromiumWebtest => "chromium-webtest",
            Source::Extension => "extension",
        }
    }
}

/// A service worker registration's state at the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WorkerState {
    /// Not announced to the engine at all.
    None,
    /// Installing: no active worker yet.
    Installing,
    /// Installed and waiting: no active worker yet.
    Waiting,
    /// Has an active worker.
    Active,
}

/// A named origin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginDecl {
    /// The name used in the scenario (`A`).
    pub name: String,
    /// The serialized origin (`https://a.test`).
    pub url: String,
}

/// A service worker registration at the start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerDecl {
    /// Its name (`R1`).
    pub name: String,
    /// Its origin (serialized).
    pub origin: String,
    /// Its state.
    pub state: WorkerState,
}

/// A client (window, iframe, worker) open at the start.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientDecl {
    /// Its name (`W1`).
    pub name: String,
    /// Its origin (serialized).
    pub origin: String,
    /// Its frame type.
    pub frame: FrameType,
}

/// The world at the start of a subtest.
#[derive(Clone, Debug, PartialEq)]
pub struct Initial {
    /// Known origins, in order (the first is the default origin).
    pub origins: Vec<OriginDecl>,
    /// Service worker registrations.
    pub workers: Vec<WorkerDecl>,
    /// Open clients.
    pub clients: Vec<ClientDecl>,
    /// Permission states set before the first step (`unset` ones are never set).
    pub permissions: Vec<(String, PermissionName, PermissionState)>,
    /// The device network.
    pub network: NetworkState,
    /// Workers under DevTools offline emulation from the start.
    pub offline_workers: Vec<String>,
    /// The device power state.
    pub power: PowerState,
    /// Engagement levels set before the first step.
    pub engagement: Vec<(String, Engagement)>,
    /// Virtual time at the start.
    pub clock: Millis,
}

/// One subtest: a list of steps run on a fresh engine.
#[derive(Clone, Debug)]
pub struct Subtest {
    /// Its name in reports.
    pub name: String,
    /// Where it starts.
    pub pos: Pos,
    /// The steps.
    pub steps: Vec<Step>,
}

/// One step and where it is.
#[derive(Clone, Debug)]
pub struct Step {
    /// Where the step starts.
    pub pos: Pos,
    /// What it does and checks.
    pub action: Action,
}

/// Who makes a page-side call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallerSpec {
    /// The first open client of the registration's origin, else its service worker.
    Default,
    /// A named client.
    Client(String),
    /// The service worker of a registration (`sw:R1`).
    Worker(String),
    /// A JavaScript object kept after its registration was unregistered (`stale:R1`);
    /// the call is made by the default client of the registration's origin.
    Stale(String),
    /// The embedder itself (no caller checks).
    Embedder,
}

/// A page-side call.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    /// `registration.sync.register(tag)`.
    SyncRegister {
        /// The tag.
        tag: String,
    },
    /// `registration.sync.getTags()` / `registration.periodicSync.getTags()`.
    GetTags {
        /// Which manager.
        kind: SyncKind,
    },
    /// `registration.periodicSync.register(tag, options)`.
    PeriodicRegister {
        /// The tag.
        tag: String,
        /// `options.minInterval` as a JavaScript number; `None` when absent (default 0).
        min_interval: Option<f64>,
    },
    /// `registration.periodicSync.unregister(tag)`.
    PeriodicUnregister {
        /// The tag.
        tag: String,
    },
}

/// A change of the device network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkChange(pub NetworkState);

/// A partial change of the device power state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PowerChange {
    /// New battery-saver state, if given.
    pub battery_saver: Option<bool>,
    /// New charging state, if given.
    pub charging: Option<bool>,
    /// New battery level (`Some(None)` = unknown), if given.
    pub battery_percent: Option<Option<u8>>,
}

/// A JavaScript value, for binding-level steps.
#[derive(Clone, Debug, PartialEq)]
pub enum JsValue {
    /// `undefined` (an argument left out).
    Undefined,
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    Str(String),
    /// A plain object.
    Object(Vec<(String, JsValue)>),
}

/// What a step does (and checks).
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A page-side call on a registration.
    Call {
        /// The call.
        call: Call,
        /// The registration (`R1`).
        reg: String,
        /// Who calls.
        from: CallerSpec,
        /// What it should do (unchecked when absent).
        expect: Option<CallExpect>,
    },
    /// A client opens.
    ClientOpen(ClientDecl),
    /// A client closes.
    ClientClose(String),
    /// The device network changes.
    Network(NetworkChange),
    /// The device power state changes.
    Power(PowerChange),
    /// A permission changes.
    PermissionSet {
        /// Serialized origin.
        origin: String,
        /// Which permission.
        name: PermissionName,
        /// The new state.
        state: PermissionState,
    },
    /// A permission query (`navigator.permissions.query`).
    PermissionQuery {
        /// Serialized origin.
        origin: String,
        /// Which permission.
        name: PermissionName,
        /// The states accepted.
        expect: Vec<PermissionState>,
    },
    /// An origin's engagement changes.
    EngagementSet {
        /// Serialized origin.
        origin: String,
        /// The new level.
        level: Engagement,
    },
    /// DevTools offline emulation for one worker, on or off.
    EmulateOffline {
        /// The registration.
        reg: String,
        /// On or off.
        offline: bool,
    },
    /// Advance the virtual clock by a span.
    Advance(Millis),
    /// Advance the virtual clock to a virtual time.
    AdvanceTo(Millis),
    /// Exactly these dispatches happened since the last check.
    Events {
        /// The dispatches.
        expected: Vec<EventSpec>,
        /// Compare in order.
        strict: bool,
    },
    /// Settle an event in flight.
    Settle {
        /// The event's id from an `events` step.
        event: String,
        /// How.
        how: Settlement,
        /// The refusal expected instead of success.
        expect_error: Option<SettleError>,
    },
    /// The registration's worker becomes active.
    SwActivate(String),
    /// The registration is unregistered.
    SwUnregister(String),
    /// The registration's worker is terminated (events in flight fail).
    SwTerminate(String),
    /// A new registration appears.
    SwInstall(WorkerDecl),
    /// An origin's site data is cleared.
    OriginClear(String),
    /// The user agent restarts from its store after being down for a span
    /// (no wake-ups happen while it is down).
    Restart(Millis),
    /// The user agent shuts down (`ua.shutdown`): events in flight die, and
    /// nothing fires until `ua.start`; the clock and the environment go on.
    Shutdown,
    /// The user agent starts again from its store (`ua.start`), optionally
    /// under another policy (a `policy:` value, resolved on the running one).
    Start(Option<PolicySpec>),
    /// The store fails.
    StorageFail,
    /// A fault of the store's own state (`storage.fail_next_write`,
    /// `storage.fail_next_read`, `storage.heal`).
    StoreFault(crate::targets::StoreFault),
    /// The service worker storage is wiped and starts over.
    StorageWiped,
    /// The embedder turns Background Sync on or off.
    Switch(bool),
    /// DevTools' emulated dispatch of a tag, registered or not.
    DispatchSynthetic {
        /// The registration.
        reg: String,
        /// `sync` or `periodicsync`.
        kind: SyncKind,
        /// The tag.
        tag: String,
        /// `lastChance` (sync only).
        last_chance: bool,
        /// The expected result.
        expect: DispatchNowExpect,
    },
    /// DevTools "dispatch now".
    DispatchNow {
        /// The registration.
        reg: String,
        /// One-off or periodic.
        kind: SyncKind,
        /// The tag.
        tag: String,
        /// The expected result.
        expect: DispatchNowExpect,
    },
    /// Why a registration has not fired.
    Explain {
        /// The registration.
        reg: String,
        /// One-off or periodic.
        kind: SyncKind,
        /// The tag.
        tag: String,
        /// The expected explanation.
        expect: ExplainExpect,
    },
    /// Log records since the last `logs` check.
    Logs {
        /// The records.
        expected: Vec<LogSpec>,
        /// Only require these to be present (others may be too).
        contains: bool,
        /// Compare in order.
        strict: bool,
    },
    /// Documentation only.
    Note(String),
    /// The target's own invariants hold.
    AssertInvariants,
    /// Each event dispatched at its time, then settled (default: reject).
    ExpectSequence(Vec<(EventSpec, Settlement)>),
    /// The API shape of one interface.
    BindShape(ShapeSpec),
    /// Constructing an event object.
    BindConstruct {
        /// The interface.
        interface: String,
        /// The constructor arguments.
        args: Vec<JsValue>,
        /// The expected result.
        expect: ConstructExpect,
    },
}

impl Action {
    /// The step's keyword, for messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            Action::Call { call, .. } => match call {
                Call::SyncRegister { .. } => "sync.register",
                Call::GetTags { kind: SyncKind::OneOff } => "sync.getTags",
                Call::GetTags { kind: SyncKind::Periodic } => "periodic.getTags",
                Call::PeriodicRegister { .. } => "periodic.register",
                Call::PeriodicUnregister { .. } => "periodic.unregister",
            },
            Action::ClientOpen(_) => "client.open",
            Action::ClientClose(_) => "client.close",
            Action::Network(_) => "network.set",
            Action::Power(_) => "power.set",
            Action::PermissionSet { .. } => "permission.set",
            Action::PermissionQuery { .. } => "permission.query",
            Action::EngagementSet { .. } => "engagement.set",
            Action::EmulateOffline { .. } => "devtools.emulate_offline",
            Action::Advance(_) => "clock.advance",
            Action::AdvanceTo(_) => "clock.advance_to",
            Action::Events { .. } => "events",
            Action::Settle { .. } => "events.settle",
            Action::SwActivate(_) => "sw.activate",
            Action::SwUnregister(_) => "sw.unregister",
            Action::SwTerminate(_) => "sw.terminate",
            Action::SwInstall(_) => "sw.install",
            Action::OriginClear(_) => "origin.clear",
            Action::Restart(_) => "ua.restart",
            Action::Shutdown => "ua.shutdown",
            Action::Start(_) => "ua.start",
            Action::StorageFail => "storage.fail",
            Action::StoreFault(fault) => fault.keyword(),
            Action::StorageWiped => "sw.storage_wiped",
            Action::Switch(_) => "embedder.switch",
            Action::DispatchSynthetic { .. } => "devtools.dispatch",
            Action::DispatchNow { .. } => "devtools.dispatch_now",
            Action::Explain { .. } => "explain",
            Action::Logs { .. } => "logs",
            Action::Note(_) => "note",
            Action::AssertInvariants => "assert",
            Action::ExpectSequence(_) => "events.sequence",
            Action::BindShape(_) => "bind.shape",
            Action::BindConstruct { .. } => "bind.construct",
        }
    }
}

/// A DevTools service as CDP names it (`backgroundSync`, `periodicBackgroundSync`).
pub fn service_name(kind: SyncKind) -> &'static str {
    match kind {
        SyncKind::OneOff => "backgroundSync",
        SyncKind::Periodic => "periodicBackgroundSync",
    }
}
