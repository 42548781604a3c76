//! Runs one subtest against a [`Target`] on virtual time.
//!
//! Virtual time 0 is [`EPOCH`]. `clock.advance` moves the clock to every
//! wake-up the target asks for on the way, in order, then to the end of the
//! span; more than [`MAX_WAKEUPS`] wake-ups in one advance fail the subtest
//! (a scenario that never settles) instead of looping.
//!
//! Events: every dispatch since the previous `events` check must be listed
//! in the next one. A listed event with an `id` stays in flight until a
//! `settle` step names it (`hang` leaves it to its deadline); one without an
//! `id` is settled `fulfil` right after the check.

mod checks;
mod env_steps;
mod snapshot;

pub use snapshot::{RegistrationSnapshot, StepSnapshot};

use env_steps::Lifecycle;

use crate::scenario::{Action, CallerSpec, EventSpec, Initial, Scenario, Settlement, Step, Subtest, WorkerState};
use crate::targets::{LogEntry, Observation, ObservedDispatch, Outcome, Setup, Target, TargetError, TargetInput};
use crate::timeline::{Entry, Mark, format_time, show_tag};
use std::collections::BTreeMap;
use sync_core::{Caller, ClientId, EventId, Input, LogEvent, SwRegId};
use sync_policy::{EventOutcome, Millis, PolicyConfig, PowerState, SyncKind, Timestamp};

/// The wall-clock instant of virtual time 0.
pub const EPOCH: Timestamp = Timestamp(1_800_000_000_000);

/// Most wake-ups one `clock.advance` may take before the subtest fails.
pub const MAX_WAKEUPS: u32 = 100_000;

/// The result of one subtest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Status {
    /// Every check held.
    Pass,
    /// A check failed.
    Fail,
    /// A step could not be observed on this target.
    NotRun,
    /// The scenario could not be carried out (a target failure, a bad reference).
    Error,
    /// The target did not answer in time (an adapter that hangs).
    Timeout,
}

impl Status {
    /// The wptreport name.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotRun => "NOTRUN",
            Status::Error => "ERROR",
            Status::Timeout => "TIMEOUT",
        }
    }
}

/// One subtest's outcome.
#[derive(Clone, Debug)]
pub struct SubtestOutcome {
    /// The subtest's name.
    pub name: String,
    /// Its status.
    pub status: Status,
    /// Why it did not pass.
    pub message: Option<String>,
    /// What happened, on virtual time.
    pub timeline: Vec<Entry>,
    /// Virtual time at the end.
    pub end: Millis,
    /// The state after each step, for the report's step-through.
    pub steps: StepThrough,
}

/// The state after each step of a subtest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StepThrough {
    /// One snapshot for the initial state, then one per step that ran.
    pub steps: Vec<StepSnapshot>,
    /// Why the target could not list its registrations, if it could not.
    pub unavailable: Option<String>,
    /// Another target's snapshots of the same steps, shown beside these
    /// (a `--diff` run: Chromium's), with that target's name.
    pub beside: Option<(String, Box<StepThrough>)>,
}

/// Why a step stopped the subtest.
#[derive(Debug)]
pub(crate) enum Stop {
    Fail(String),
    NotRun(String),
    Error(String),
    Timeout(String),
}

impl From<TargetError> for Stop {
    fn from(e: TargetError) -> Stop {
        match e {
            TargetError::NotObservable(m) => Stop::NotRun(format!("not observable on this target: {m}")),
            TargetError::TimedOut(m) => Stop::Timeout(m),
            other => Stop::Error(other.to_string()),
        }
    }
}

impl Stop {
    fn message(&self) -> String {
        match self {
            Stop::Fail(m) | Stop::NotRun(m) | Stop::Error(m) | Stop::Timeout(m) => m.clone(),
        }
    }
}

pub(crate) type StepResult = Result<(), Stop>;

/// The state of one subtest run.
pub(crate) struct Run<'a> {
    target: &'a mut dyn Target,
    default_origin: String,
    workers: BTreeMap<String, (SwRegId, String)>,
    clients: BTreeMap<String, (ClientId, String)>,
    client_order: Vec<String>,
    next_sw: u64,
    next_client: u64,
    /// Events the scenario named with an `id`.
    events: BTreeMap<String, EventId>,
    pending: Vec<ObservedDispatch>,
    /// The timeline lane of every event dispatched so far.
    lanes: BTreeMap<EventId, (SyncKind, String)>,
    logs: Vec<LogEntry>,
    power: PowerState,
    timeline: Vec<Entry>,
    /// The policy the user agent runs under (`ua.start` may change it).
    policy: PolicyConfig,
    /// The user agent is shut down (`ua.shutdown`, until `ua.start`).
    down: bool,
    /// The scenario file as messages name it.
    file: String,
    through: StepThrough,
}

/// Runs one subtest of `scenario` under `policy` on a fresh target world.
pub fn run_subtest(
    target: &mut dyn Target,
    scenario: &Scenario,
    subtest: &Subtest,
    policy: &PolicyConfig,
) -> SubtestOutcome {
    let start = EPOCH.saturating_add(scenario.initial.clock);
    let mut run = Run {
        target,
        default_origin: scenario.initial.origins.first().map(|o| o.url.clone()).unwrap_or_default(),
        workers: BTreeMap::new(),
        clients: BTreeMap::new(),
        client_order: Vec::new(),
        next_sw: 1,
        next_client: 1,
        events: BTreeMap::new(),
        pending: Vec::new(),
        lanes: BTreeMap::new(),
        logs: Vec::new(),
        power: scenario.initial.power,
        timeline: Vec::new(),
        policy: policy.clone(),
        down: false,
        file: display_path(&scenario.file),
        through: StepThrough::default(),
    };
    let result = run
        .target
        .begin(&Setup { policy: policy.clone(), start, name: format!("{}: {}", scenario.test, subtest.name) })
        .map_err(Stop::from)
        .and_then(|()| run.set_up(&scenario.initial))
        .and_then(|()| {
            run.snapshot(0, "initial", 0, 0, None);
            run.steps(&subtest.steps)
        });
    run.collect();
    let end = run.virtual_now();
    let (status, message) = match result {
        Ok(()) => (Status::Pass, None),
        Err(Stop::Fail(m)) => (Status::Fail, Some(m)),
        Err(Stop::NotRun(m)) => (Status::NotRun, Some(m)),
        Err(Stop::Error(m)) => (Status::Error, Some(m)),
        Err(Stop::Timeout(m)) => (Status::Timeout, Some(m)),
    };
    if let Some(m) = &message {
        run.timeline.push(Entry { at: end, lane: None, mark: Mark::CheckFailed, label: m.clone() });
    }
    SubtestOutcome { name: subtest.name.clone(), status, message, timeline: run.timeline, end, steps: run.through }
}

/// A path as messages show it: relative to the working directory when it is below it.
pub fn display_path(path: &std::path::Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.to_path_buf()));
    relative.as_deref().unwrap_or(path).display().to_string()
}

impl Run<'_> {
    fn virtual_now(&self) -> Millis {
        self.target.now().saturating_since(EPOCH)
    }

    fn mark(&mut self, lane: Option<(SyncKind, String)>, mark: Mark, label: impl Into<String>) {
        let at = self.virtual_now();
        self.timeline.push(Entry { at, lane, mark, label: label.into() });
    }

    /// Pulls the target's dispatches and log records.
    fn collect(&mut self) {
        for obs in self.target.take_observations() {
            match obs {
                Observation::Dispatch(d) => {
                    let label = match d.last_chance {
                        Some(true) => "dispatched (lastChance)".to_string(),
                        _ => "dispatched".to_string(),
                    };
                    let at = d.at.saturating_since(EPOCH);
                    self.timeline.push(Entry { at, lane: Some((d.kind, d.tag.clone())), mark: Mark::Dispatch, label });
                    self.lanes.insert(d.event, (d.kind, d.tag.clone()));
                    self.pending.push(d);
                }
                Observation::Log(l) => {
                    self.log_mark(&l);
                    self.logs.push(l);
                }
            }
        }
    }

    fn log_mark(&mut self, l: &LogEntry) {
        let meta = |k: &str| l.metadata.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let delay = |v: Option<String>| match v.as_deref().map(str::parse::<u64>) {
            Some(Ok(ms)) => format_time(Millis(ms)),
            _ => v.unwrap_or_else(|| "?".into()),
        };
        // Records are named as sync-core's LogEvent names them (Chromium's names).
        const MARKED: [LogEvent; 6] = [
            LogEvent::Registered,
            LogEvent::EventFailed,
            LogEvent::SyncCompleted,
            LogEvent::EventCompleted,
            LogEvent::Unregistered,
            LogEvent::Reregistered,
        ];
        let Some(event) = MARKED.into_iter().find(|e| e.name(l.kind) == l.name) else { return };
        let (mark, label) = match event {
            LogEvent::Registered if l.kind == SyncKind::Periodic => {
                (Mark::Register, format!("registered (minInterval {})", meta("minInterval").unwrap_or_default()))
            }
            LogEvent::Registered => (Mark::Register, "registered".to_string()),
            LogEvent::EventFailed => (
                Mark::Failure,
                format!(
                    "failed ({}), next attempt in {}",
                    meta("Failure Reason").unwrap_or_default(),
                    delay(meta("Next Attempt Delay (ms)"))
                ),
            ),
            LogEvent::SyncCompleted => {
                let status = meta("Status").unwrap_or_default();
                let mark = if status == "succeeded" { Mark::Completed } else { Mark::GaveUp };
                (mark, format!("completed: {status}"))
            }
            LogEvent::EventCompleted => {
                (Mark::Completed, format!("completed, next in {}", delay(meta("Next Attempt Delay (ms)"))))
            }
            LogEvent::Unregistered => (Mark::Removed, "unregistered".to_string()),
            LogEvent::Reregistered => (Mark::Info, "re-registered while firing: runs again".to_string()),
            _ => return,
        };
        let at = l.at.saturating_since(EPOCH);
        self.timeline.push(Entry { at, lane: Some((l.kind, l.tag.clone())), mark, label });
    }

    /// Feeds one engine input to the target.
    fn input(&mut self, input: Input) -> Result<Outcome, Stop> {
        Ok(self.target.apply(TargetInput::Engine(input))?)
    }

    fn set_up(&mut self, initial: &Initial) -> StepResult {
        for w in &initial.workers {
            if w.state == WorkerState::None {
                self.worker_id(&w.name, &w.origin);
                continue;
            }
            let sw = self.fresh_worker(&w.name, &w.origin);
            self.input(Input::AddWorker { sw, origin: w.origin.clone(), active: w.state == WorkerState::Active })?;
        }
        for c in &initial.clients {
            self.open_client(c)?;
        }
        for (origin, name, state) in &initial.permissions {
            if *state != sync_policy::PermissionState::Unset {
                self.input(Input::Permission { origin: origin.clone(), name: *name, state: *state })?;
            }
        }
        for (origin, level) in &initial.engagement {
            self.input(Input::Engagement { origin: origin.clone(), level: *level })?;
        }
        if initial.network != sync_policy::NetworkState::default() {
            self.input(Input::Network(initial.network))?;
        }
        if initial.power != PowerState::default() {
            self.input(Input::Power(initial.power))?;
        }
        for w in &initial.offline_workers {
            let sw = self.known_worker(w)?;
            self.input(Input::EmulateOffline { sw, offline: true })?;
        }
        self.mark_initial(initial);
        self.collect();
        Ok(())
    }

    /// Marks the initial conditions that differ from the defaults, so the
    /// report shades them from the start rather than from the first change.
    fn mark_initial(&mut self, initial: &Initial) {
        let network = initial.network;
        if !network.online {
            self.mark(None, Mark::Network, "offline (initial)");
        } else if network.metered {
            self.mark(None, Mark::Network, "online (metered) (initial)");
        }
        let p = initial.power;
        if p != PowerState::default() {
            let level = p.battery_percent.map(|l| format!(", {l}%")).unwrap_or_default();
            let saver = if p.battery_saver { "on" } else { "off" };
            let charging = if p.charging { "charging" } else { "on battery" };
            self.mark(None, Mark::Power, format!("battery saver {saver}, {charging}{level} (initial)"));
        }
        for w in &initial.offline_workers {
            self.mark(None, Mark::Network, format!("{w} emulated offline (initial)"));
        }
    }

    fn fresh_worker(&mut self, name: &str, origin: &str) -> SwRegId {
        let sw = SwRegId(self.next_sw);
        self.next_sw += 1;
        self.workers.insert(name.to_string(), (sw, origin.to_string()));
        sw
    }

    /// The id of a named registration; an unknown name gets an id the target has never seen.
    fn worker_id(&mut self, name: &str, origin: &str) -> SwRegId {
        match self.workers.get(name) {
            Some((sw, _)) => *sw,
            None => self.fresh_worker(name, origin),
        }
    }

    fn known_worker(&self, name: &str) -> Result<SwRegId, Stop> {
        self.workers.get(name).map(|(sw, _)| *sw).ok_or_else(|| Stop::Error(format!("unknown registration {name:?}")))
    }

    fn open_client(&mut self, c: &crate::scenario::ClientDecl) -> StepResult {
        let id = ClientId(self.next_client);
        self.next_client += 1;
        self.input(Input::ClientOpened { client: id, origin: c.origin.clone(), frame: c.frame })?;
        self.clients.insert(c.name.clone(), (id, c.origin.clone()));
        self.client_order.retain(|n| n != &c.name);
        self.client_order.push(c.name.clone());
        Ok(())
    }

    /// The caller of a page-side call on `reg`.
    fn caller(&mut self, from: &CallerSpec, reg: &str) -> Result<(Caller, SwRegId), Stop> {
        let origin = self.workers.get(reg).map(|(_, o)| o.clone()).unwrap_or_else(|| self.default_origin.clone());
        let sw = self.worker_id(reg, &origin);
        let caller = match from {
            CallerSpec::Client(name) => {
                let (id, _) = self.clients.get(name).ok_or_else(|| Stop::Error(format!("unknown client {name:?}")))?;
                Caller::Client(*id)
            }
            CallerSpec::Worker(name) => Caller::Worker(self.known_worker(name)?),
            CallerSpec::Embedder => Caller::Embedder,
            CallerSpec::Default | CallerSpec::Stale(_) => {
                let window = self.client_order.iter().find_map(|n| match self.clients.get(n) {
                    Some((id, o)) if *o == origin => Some(*id),
                    _ => None,
                });
                match window {
                    Some(id) => Caller::Client(id),
                    None => Caller::Worker(sw),
                }
            }
        };
        Ok((caller, sw))
    }

    /// Records the state after a step; `first_entry` is where its timeline entries begin.
    fn snapshot(&mut self, index: usize, keyword: &str, line: u64, first_entry: usize, stopped: Option<String>) {
        // Long generated scenarios keep the first steps and the one that stopped.
        if self.through.steps.len() >= snapshot::MAX_STEPS && stopped.is_none() {
            return;
        }
        let names: BTreeMap<SwRegId, String> = self.workers.iter().map(|(n, (sw, _))| (*sw, n.clone())).collect();
        let registrations = match snapshot::capture(self.target, &names) {
            Ok(list) => Some(list),
            Err(why) => {
                self.through.unavailable.get_or_insert(why);
                None
            }
        };
        let happened = snapshot::happened(self.timeline.get(first_entry..).unwrap_or_default());
        let at_ms = self.virtual_now().0;
        let at = format_time(Millis(at_ms));
        let keyword = keyword.to_string();
        self.through.steps.push(StepSnapshot { index, keyword, line, at, at_ms, happened, registrations, stopped });
    }

    fn steps(&mut self, steps: &[Step]) -> StepResult {
        for (i, step) in steps.iter().enumerate() {
            let first_entry = self.timeline.len();
            let result = self.step(&step.action);
            self.collect();
            let stopped = result.as_ref().err().map(Stop::message);
            self.snapshot(i + 1, step.action.keyword(), step.pos.line, first_entry, stopped);
            result.map_err(|stop| {
                let at = format!(
                    "step {} `{}` ({}:{}, t={})",
                    i + 1,
                    step.action.keyword(),
                    self.file,
                    step.pos.line,
                    format_time(self.virtual_now())
                );
                match stop {
                    Stop::Fail(m) => Stop::Fail(format!("{at}: {m}")),
                    Stop::NotRun(m) => Stop::NotRun(format!("{at}: {m}")),
                    Stop::Error(m) => Stop::Error(format!("{at}: {m}")),
                    Stop::Timeout(m) => Stop::Timeout(format!("{at}: {m}")),
                }
            })?;
        }
        Ok(())
    }

    /// One step. The match names every step kind, so a new one does not
    /// compile until it is handled here.
    fn step(&mut self, action: &Action) -> StepResult {
        if self.down && !env_steps::runs_while_down(action) {
            return Err(Stop::Error(format!(
                "`{}` while the user agent is shut down: until `ua.start` only the clock, the environment \
                 (network, power.set, permission.set, engagement.set) and the events and logs checks run",
                action.keyword()
            )));
        }
        match action {
            // Page calls.
            Action::Call { call, reg, from, expect } => self.call_step(call, reg, from, expect.as_ref()),
            // Environment.
            Action::ClientOpen(c) => self.client_open_step(c),
            Action::ClientClose(name) => self.client_close_step(name),
            Action::Network(change) => self.network_step(change.0),
            Action::Power(change) => self.power_step(change),
            Action::PermissionSet { origin, name, state } => self.permission_step(origin, *name, *state),
            Action::PermissionQuery { origin, name, expect } => self.permission_query_step(origin, *name, expect),
            Action::EngagementSet { origin, level } => self.engagement_step(origin, *level),
            // Lifecycle.
            Action::SwActivate(reg) => self.worker_step(reg, Lifecycle::Activate),
            Action::SwUnregister(reg) => self.worker_step(reg, Lifecycle::Unregister),
            Action::SwTerminate(reg) => self.worker_step(reg, Lifecycle::Terminate),
            Action::SwInstall(w) => self.install_step(w),
            Action::OriginClear(origin) => self.origin_clear_step(origin),
            Action::Restart(downtime) => self.restart_step(*downtime),
            Action::Shutdown => self.shutdown_step(),
            Action::Start(policy) => self.start_step(policy.as_ref()),
            Action::StorageFail => self.storage_fail_step(),
            Action::StoreFault(fault) => self.store_fault_step(*fault),
            Action::StorageWiped => self.storage_wiped_step(),
            Action::Switch(enabled) => self.switch_step(*enabled),
            // DevTools.
            Action::EmulateOffline { reg, offline } => self.emulate_offline_step(reg, *offline),
            Action::DispatchNow { reg, kind, tag, expect } => self.dispatch_now_step(reg, *kind, tag, expect),
            Action::DispatchSynthetic { reg, kind, tag, last_chance, expect } => {
                self.dispatch_synthetic_step(reg, *kind, tag, *last_chance, expect)
            }
            // Time.
            Action::Advance(span) => {
                let to = self.target.now().saturating_add(*span);
                self.advance(to)
            }
            Action::AdvanceTo(at) => {
                let to = EPOCH.saturating_add(*at);
                if to < self.target.now() {
                    return Err(Stop::Error(format!("clock.advance_to {} is in the past", format_time(*at))));
                }
                self.advance(to)
            }
            // Events and their outcomes.
            Action::Events { expected, strict } => self.events_step(expected, *strict),
            Action::Settle { event, how, expect_error } => self.settle_step(event, *how, *expect_error),
            Action::ExpectSequence(entries) => self.sequence_step(entries),
            // Checks.
            Action::Logs { expected, contains, strict } => {
                self.collect();
                let logs = std::mem::take(&mut self.logs);
                checks::logs(expected, &logs, *contains, *strict).map_err(Stop::Fail)
            }
            Action::Explain { reg, kind, tag, expect } => self.explain_step(reg, *kind, tag, expect),
            Action::AssertInvariants => self.invariants_step(),
            Action::BindShape(spec) => self.shape_step(spec),
            Action::BindConstruct { interface, args, expect } => self.construct_step(interface, args, expect),
            Action::Note(_) => Ok(()),
        }
    }

    /// `expect_sequence`: consecutive entries at the same instant are one
    /// group, matched in any order (what fires at one instant has no order the
    /// scenario can rely on across user agents); each group is settled after
    /// it matched, entry by entry.
    fn sequence_step(&mut self, entries: &[(EventSpec, Settlement)]) -> StepResult {
        for group in entries.chunk_by(|(a, _), (b, _)| a.at == b.at) {
            let (first, _) = &group[0];
            let at = EPOCH.saturating_add(first.at.unwrap_or(Millis::ZERO));
            if at < self.target.now() {
                return Err(Stop::Error(format!("expect_sequence time {} is in the past", show_at(first))));
            }
            self.advance(at)?;
            self.collect();
            let specs: Vec<EventSpec> = group.iter().map(|(spec, _)| spec.clone()).collect();
            let handles = self.check_events(&specs, group.len() == 1)?;
            for ((spec, how), h) in group.iter().zip(handles) {
                if let Settlement::Outcome(outcome) = how {
                    self.settle(h, *outcome, &format!("{} at {}", show_spec(spec), show_at(spec)))?;
                }
            }
        }
        Ok(())
    }

    /// Advances the clock to `to`, waking the target at every wake-up on the way.
    fn advance(&mut self, to: Timestamp) -> StepResult {
        let mut wakeups = 0u32;
        loop {
            self.collect();
            match self.target.next_wakeup() {
                Some(at) if at <= to => {
                    wakeups += 1;
                    if wakeups > MAX_WAKEUPS {
                        return Err(Stop::Fail(format!(
                            "the scenario never settles: more than {MAX_WAKEUPS} wake-ups before {} (last wake-up at {})",
                            format_time(to.saturating_since(EPOCH)),
                            format_time(at.saturating_since(EPOCH))
                        )));
                    }
                    let at = at.max(self.target.now());
                    self.target.advance_to(at)?;
                }
                _ => break,
            }
        }
        self.target.advance_to(to)?;
        self.collect();
        Ok(())
    }

    fn events_step(&mut self, expected: &[EventSpec], strict: bool) -> StepResult {
        self.collect();
        let handles = self.check_events(expected, strict)?;
        // Events listed without an id are settled `fulfil` right after the check, in dispatch order.
        let mut auto: Vec<(EventId, String)> = expected
            .iter()
            .zip(&handles)
            .filter(|(spec, _)| spec.id.is_none())
            .map(|(spec, h)| (*h, show_spec(spec)))
            .collect();
        auto.sort_by_key(|(h, _)| *h);
        for (h, what) in auto {
            self.settle(h, EventOutcome::Fulfilled, &what)?;
        }
        Ok(())
    }

    /// Compares the dispatches since the last check with `expected`, binds ids,
    /// and returns the handle matched to each expected entry.
    fn check_events(&mut self, expected: &[EventSpec], strict: bool) -> Result<Vec<EventId>, Stop> {
        let observed = std::mem::take(&mut self.pending);
        let names: BTreeMap<SwRegId, String> = self.workers.iter().map(|(n, (sw, _))| (*sw, n.clone())).collect();
        let resolve = |name: &str| self.workers.get(name).map(|(sw, _)| *sw);
        let matched = checks::events(expected, &observed, strict, &resolve, &names).map_err(Stop::Fail)?;
        let mut handles = Vec::with_capacity(expected.len());
        for (spec, idx) in expected.iter().zip(matched) {
            let handle = observed[idx].event;
            if let Some(id) = &spec.id {
                self.events.insert(id.clone(), handle);
            }
            handles.push(handle);
        }
        Ok(handles)
    }

    fn settle(&mut self, handle: EventId, outcome: EventOutcome, what: &str) -> StepResult {
        let lane = self.lanes.get(&handle).cloned();
        self.mark(lane, Mark::Settle, format!("settled: {}", outcome_name(outcome)));
        match self.target.apply(TargetInput::Engine(Input::EventFinished { event: handle, outcome })) {
            Ok(_) => Ok(()),
            Err(TargetError::NotObservable(m)) => Err(Stop::NotRun(m)),
            Err(other) => Err(Stop::Fail(format!("settling {what} with {} failed: {other}", outcome_name(outcome)))),
        }
    }

    fn settle_step(
        &mut self,
        event: &str,
        how: Settlement,
        expect_error: Option<crate::scenario::SettleError>,
    ) -> StepResult {
        let named =
            *self.events.get(event).ok_or_else(|| Stop::Error(format!("no event named {event:?} was listed")))?;
        let lane = self.lanes.get(&named).cloned();
        let Settlement::Outcome(outcome) = how else {
            self.mark(lane, Mark::Settle, format!("{event} hangs (its deadline applies)"));
            return Ok(());
        };
        self.mark(lane, Mark::Settle, format!("{event} settled: {}", outcome_name(outcome)));
        let result = self.target.apply(TargetInput::Engine(Input::EventFinished { event: named, outcome }));
        checks::settle_result(event, result.map(|_| ()), expect_error)
    }
}

/// An outcome as scenarios spell it (`fulfil`, not sync-policy's `fulfilled`).
fn outcome_name(o: EventOutcome) -> &'static str {
    match o {
        EventOutcome::Fulfilled => "fulfil",
        EventOutcome::Rejected => "reject",
        EventOutcome::TimedOut => "timeout",
        EventOutcome::WorkerFailed => "worker-failed",
    }
}

fn show_at(spec: &EventSpec) -> String {
    spec.at.map(format_time).unwrap_or_else(|| "?".into())
}

/// An expected event as text.
pub(crate) fn show_spec(spec: &EventSpec) -> String {
    let mut s = spec.kind.unwrap_or(SyncKind::OneOff).event_name().to_string();
    if let Some(t) = &spec.tag {
        s.push(' ');
        s.push_str(&show_tag(t));
    }
    if let Some(id) = &spec.id {
        s.push_str(&format!(" [{id}]"));
    }
    s
}
