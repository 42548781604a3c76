//! [`ChromiumTarget`]: the suite run against a real headless Chromium, and the
//! differential report that compares it with the engine.
//!
//! Every subtest gets a fresh browser (`/usr/bin/chromium --headless`, a new
//! `--user-data-dir`), launched on the first step that needs it. A restart
//! (`ua.restart`, `ua.shutdown` ... `ua.start`) closes it and launches it
//! again on the same profile (`restart.rs`). Pages and the
//! service worker come from `wpt-harness/chromium/`, served on 127.0.0.1 with
//! one port per scenario origin. Everything is driven over the DevTools
//! protocol on one websocket with flattened sessions:
//!
//! - **Observations** are Chromium's own Background Services records
//!   (`BackgroundService` domain, observed from an `about:blank` tab that is
//!   no client of any origin): `Dispatched sync event {Last Chance}` becomes a
//!   dispatch, and every record becomes a log entry.
//! - **Page-side calls** run in an isolated world of the calling document
//!   (`Runtime.evaluate`, awaited); calls from a worker run in the worker.
//! - **Outcomes**: the service worker holds each event until the harness
//!   decides it, delivered as a push message (no window, no network needed).
//! - **Device offline** is DevTools offline emulation on every worker's
//!   target (page-level emulation does not defer sync in Chromium). While a
//!   worker is attached, Chromium suspends its event time limits, so time
//!   limits of events in flight during an attachment are not observable.
//! - **Time**: see [`compression`]. Delays Chromium announces become timers
//!   on the virtual clock; a dispatch they announce is stamped at its virtual
//!   due time. Spans with nothing pending pass without waiting.
//! - **Permissions** go through `Browser.setPermission`, **engagement**
//!   through chrome://site-engagement (scenario default: high).
//!
//! What Chromium cannot do or show (power, a start while offline, storage failure,
//! "explain", DevTools "dispatch now", invariants, unset permissions, metered
//! networks, worker clients, cross-origin registration objects, policies no
//! field trial reproduces) is reported as not observable.

mod browser;
mod calls;
mod cdp;
mod clock;
pub mod compression;
pub mod diff;
mod js;
mod launch;
pub mod page_view;
pub mod records;
mod restart;
pub mod screen;
mod server;
pub mod suite_run;
mod world;

pub use launch::{DEFAULT_BINARY, install_hint};

use super::{InterfaceShape, Observation, Outcome, Setup, Target, TargetError, TargetInput};
use crate::scenario::{Call, JsValue};
use browser::Browser;
use clock::Clock;
use compression::{Compression, Needs};
use launch::Profile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;
use sync_core::{Caller, Input, SwRegId};
use sync_policy::{PermissionName, PermissionState, PolicyConfig, Timestamp};
use world::World;

/// The target that drives a real Chromium.
pub struct ChromiumTarget {
    binary: PathBuf,
    /// What the next subtest needs (set by the suite loop before `begin`).
    needs: Option<Needs>,
    compression: Compression,
    policy: PolicyConfig,
    /// Why the current subtest cannot run at all, if it cannot.
    unobservable: Option<String>,
    browser: Option<Browser>,
    world: World,
    clock: Clock,
    now: Timestamp,
    /// Virtual time 0 of the subtest (plus its initial clock).
    start: Timestamp,
    observations: Vec<Observation>,
    version: Option<String>,
    started: Instant,
    /// The subtest's `--user-data-dir`, kept across restarts.
    profile: Option<Profile>,
    /// The browser is shut down (`ua.shutdown`, until `ua.start`).
    down: bool,
    /// The origins' HTTP servers while the browser is down.
    parked_listeners: BTreeMap<String, server::Listener>,
    /// A relaunch is under way (a dispatch it brings early is reported as such).
    relaunching: bool,
    /// Records stamped before this wall-clock second are ones Chromium
    /// stored before a restart and sends again.
    replay_before: Option<f64>,
}

impl ChromiumTarget {
    /// A target for the Chromium at `binary`; fails at once, with the install
    /// hint, when it is not there.
    pub fn new(binary: &Path) -> Result<ChromiumTarget, String> {
        if !binary.exists() {
            return Err(install_hint(binary));
        }
        let policy = PolicyConfig::chromium();
        Ok(ChromiumTarget {
            binary: binary.to_path_buf(),
            needs: None,
            compression: Compression::at(&policy, 60),
            policy,
            unobservable: None,
            browser: None,
            world: World::default(),
            clock: Clock::default(),
            now: Timestamp(0),
            start: Timestamp(0),
            observations: Vec::new(),
            version: None,
            started: Instant::now(),
            profile: None,
            down: false,
            parked_listeners: BTreeMap::new(),
            replay_before: None,
            relaunching: false,
        })
    }

    /// Tells the target what the next subtest needs, so that it picks the
    /// fastest time compression that maps it (see [`screen::needs`]).
    pub fn plan_next(&mut self, needs: Needs) {
        self.needs = Some(needs);
    }

    /// The compression of the current subtest.
    pub fn compression(&self) -> &Compression {
        &self.compression
    }

    fn close_browser(&mut self) {
        if let Some(b) = self.browser.take() {
            b.close();
        }
        self.parked_listeners.clear();
    }

    /// A page call, answered with how its promise settled.
    fn call(&mut self, caller: Caller, sw: SwRegId, call: &Call) -> Result<Outcome, TargetError> {
        self.page_call(caller, sw, call).map(Outcome::Reply)
    }

    /// Translates one engine input into what Chromium is told: a page call in
    /// a document or worker, a DevTools command, or a settled event.
    fn apply_input(&mut self, input: Input) -> Result<Outcome, TargetError> {
        let done = match input {
            Input::Register { caller, sw, tag } => {
                return self.call(caller, sw, &Call::SyncRegister { tag: tag.to_string() });
            }
            Input::GetTags { caller, sw, kind } => return self.call(caller, sw, &Call::GetTags { kind }),
            Input::RegisterPeriodic { caller, sw, tag, min_interval } => {
                let call = Call::PeriodicRegister { tag: tag.to_string(), min_interval: Some(min_interval as f64) };
                return self.call(caller, sw, &call);
            }
            Input::UnregisterPeriodic { caller, sw, tag } => {
                return self.call(caller, sw, &Call::PeriodicUnregister { tag: tag.to_string() });
            }
            Input::Network(network) if network.metered => {
                not_observable("a metered network (Chromium has no emulation of it)")
            }
            Input::Network(network) => self.set_device_offline(!network.online),
            Input::Power(_) => not_observable("simulated power state"),
            Input::Permission { origin, name, state } => self.permission(&origin, name, state),
            Input::Engagement { origin, level } => self.engagement(&origin, level),
            Input::ClientOpened { client, origin, frame } => self.open(client, &origin, frame),
            Input::ClientClosed(client) => self.close(client),
            Input::AddWorker { sw, origin, active } => self.install_worker(sw, &origin, active),
            Input::WorkerActivated(sw) => self.activate(sw),
            Input::WorkerUnregistered(sw) => self.unregister(sw),
            Input::OriginCleared(origin) => self.clear(&origin),
            Input::StorageFailed { .. } => not_observable("storage failure injection"),
            Input::EventFinished { event, outcome } => self.settle_event(event, outcome),
            Input::EmulateOffline { sw, offline } => self.devtools_offline(sw, offline),
            Input::DispatchNow(_) => not_observable("dispatch now"),
            Input::DispatchSynthetic { sw, kind, tag, last_chance } => {
                self.devtools_dispatch(sw, kind, &tag, last_chance)
            }
            Input::StorageWiped {} => {
                not_observable("wiping the service worker storage (no CDP command starts it over)")
            }
            Input::Switch { .. } => not_observable(
                "the embedder's Background Sync switch (Chromium reads its `disabled` parameter only at start)",
            ),
            other => not_observable(format!("the input {}", other.name())),
        };
        done.map(|()| Outcome::Applied)
    }

    /// The browser, launched on first use.
    fn browser(&mut self) -> Result<&mut Browser, TargetError> {
        if let Some(reason) = &self.unobservable {
            return Err(TargetError::NotObservable(reason.clone()));
        }
        if self.down {
            return Err(TargetError::Broken("the browser is shut down".into()));
        }
        if self.browser.is_none() {
            if self.profile.is_none() {
                self.profile = Some(Profile::create()?);
            }
            let profile = self.profile.as_ref().ok_or_else(|| TargetError::Broken("no profile".into()))?;
            let browser = Browser::launch(&self.binary, &self.compression.flags(), profile, BTreeMap::new())?;
            self.version = Some(browser.version.clone());
            self.clock.start(self.now);
            self.browser = Some(browser);
        }
        self.browser.as_mut().ok_or_else(|| TargetError::Broken("no browser".into()))
    }
}

impl Drop for ChromiumTarget {
    fn drop(&mut self) {
        self.close_browser();
    }
}

fn not_observable<T>(what: impl Into<String>) -> Result<T, TargetError> {
    Err(TargetError::NotObservable(what.into()))
}

impl Target for ChromiumTarget {
    fn name(&self) -> &str {
        "chromium"
    }

    fn product(&self) -> (String, String) {
        let version = self.version.clone().unwrap_or_else(|| "unknown".into());
        let number = version.rsplit('/').next().unwrap_or(&version).to_string();
        ("chromium".to_string(), number)
    }

    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError> {
        self.close_browser();
        self.profile = None;
        self.down = false;
        self.replay_before = None;
        self.policy = setup.policy.clone();
        self.now = setup.start;
        self.start = setup.start;
        self.world = World::default();
        self.clock = Clock::default();
        self.observations.clear();
        self.started = Instant::now();
        self.unobservable = None;
        let needs =
            self.needs.take().unwrap_or(Needs { periodic: false, retries: true, timeouts: true, restarts: false });
        let knobs = compression::unmappable_knobs(&self.policy);
        if !knobs.is_empty() {
            self.unobservable = Some(format!("policy knobs no Chromium field trial sets: {}", knobs.join("; ")));
            return Ok(());
        }
        match Compression::plan(&self.policy, needs) {
            Ok(c) => self.compression = c,
            Err(reason) => self.unobservable = Some(reason),
        }
        Ok(())
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn next_wakeup(&self) -> Option<Timestamp> {
        None
    }

    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        if self.down {
            return self.advance_down(at);
        }
        if self.browser.is_none() {
            self.now = self.now.max(at);
            return Ok(());
        }
        self.advance(at)
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        let now = self.now;
        let (ready, later): (Vec<_>, Vec<_>) = std::mem::take(&mut self.observations).into_iter().partition(|o| {
            let at = match o {
                Observation::Dispatch(d) => d.at,
                Observation::Log(l) => l.at,
            };
            at <= now
        });
        self.observations = later;
        ready
    }

    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        if self.down {
            return self.while_down(input);
        }
        match input {
            TargetInput::Engine(input) => self.apply_input(input),
            TargetInput::PeriodicRegister { caller, sw, tag, min_interval } => {
                self.call(caller, sw, &Call::PeriodicRegister { tag, min_interval })
            }
            TargetInput::TerminateWorker(sw) => self.stop_worker(sw).map(|()| Outcome::Applied),
            TargetInput::Restart(at) => {
                self.shutdown()?;
                self.advance_down(at)?;
                self.start(None).map(|()| Outcome::Applied)
            }
            TargetInput::Shutdown => self.shutdown().map(|()| Outcome::Applied),
            TargetInput::Start(policy) => {
                self.shutdown()?;
                self.start(policy.map(|p| *p)).map(|()| Outcome::Applied)
            }
            TargetInput::StoreFault(fault) => {
                not_observable(format!("store faults ({}): Chromium's store cannot be made to fail", fault.keyword()))
            }
        }
    }

    fn query_permission(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        self.query(origin, name)
    }

    fn api_surface(&self, interface: &str) -> Result<InterfaceShape, TargetError> {
        self.shape(interface)
    }

    fn construct_event(
        &self,
        interface: &str,
        args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        self.construct(interface, args)
    }
}
