//! [`EngineTarget`]: the suite run directly against `sync_core::Engine`.
//!
//! Every input goes through `Engine::handle`, and the engine's actions go
//! through `sync_core::commit`, the persist-before-release protocol the
//! driver ships: a reply, a dispatch or a log record queued after a persist
//! is observed only once the store (see `store_seam`) has committed it.
//! `ua.restart` rebuilds the engine from the store with `Engine::restore` and
//! announces the environment again (workers, clients, network, power,
//! permissions, engagement). DevTools offline emulation is not carried over:
//! the DevTools sessions that set it end with the browser.
//! `ua.shutdown` ... `ua.start` is the same restart with the user agent down
//! in between: the engine is not woken, environment changes are only
//! remembered, and `ua.start` restores it (under a new policy if given).

use super::binding;
use super::store_seam::ScenarioStore;
use super::{
    InterfaceShape, LogEntry, Observation, ObservedDispatch, Outcome, Refusal, Reply, Setup, StoreFault, Target,
    TargetError, TargetInput,
};
use crate::scenario::JsValue;
use std::collections::{BTreeMap, BTreeSet};
use sync_core::commit::{CommitQueue, Effect};
use sync_core::store::{Store, StoreError};
use sync_core::{
    Caller, ClientId, DispatchKind, Engine, EventId, Explanation, Handled, Input, RegistrationInfo, RegistrationKey,
    ReplyValue, RequestId, SwRegId, SyncError,
};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState,
    PolicyConfig, PowerState, Timestamp,
};

/// The environment as last announced, to announce again after a restart.
#[derive(Debug, Default)]
struct Announced {
    workers: BTreeMap<SwRegId, (String, bool)>,
    clients: BTreeMap<ClientId, (String, FrameType)>,
    network: NetworkState,
    power: PowerState,
    permissions: BTreeMap<(String, PermissionName), PermissionState>,
    engagement: BTreeMap<String, Engagement>,
    /// The embedder's Background Sync switch is off.
    switched_off: bool,
}

/// The built-in target: a `sync_core::Engine<ConfigurablePolicy>` on the
/// runner's virtual clock, with its persists applied to a store.
pub struct EngineTarget {
    engine: Engine<ConfigurablePolicy>,
    policy: PolicyConfig,
    /// The subtest's SQLite store (opened by `begin`).
    store: Option<ScenarioStore>,
    /// The persist-before-release bookkeeping between the engine and the store.
    commits: CommitQueue,
    now: Timestamp,
    observations: Vec<Observation>,
    replies: BTreeMap<RequestId, Result<ReplyValue, sync_core::DomError>>,
    /// Events in flight: deadline and worker.
    open_events: BTreeMap<EventId, (Timestamp, SwRegId)>,
    announced: Announced,
    /// The user agent is shut down (`ua.shutdown`, until `ua.start`).
    down: bool,
}

impl Default for EngineTarget {
    fn default() -> Self {
        EngineTarget::new()
    }
}

impl EngineTarget {
    /// A target; [`Target::begin`] sets it up for each subtest.
    pub fn new() -> EngineTarget {
        let policy = PolicyConfig::default();
        EngineTarget {
            engine: Engine::new(ConfigurablePolicy::new(policy.clone()), Timestamp(0)),
            policy,
            store: None,
            commits: CommitQueue::new(),
            now: Timestamp(0),
            observations: Vec::new(),
            replies: BTreeMap::new(),
            open_events: BTreeMap::new(),
            announced: Announced::default(),
            down: false,
        }
    }

    /// Drains the engine through the commit protocol: effects queued after a
    /// persist are released once the store has committed it, in order. A
    /// failed commit disables the engine, as in the driver.
    fn drain(&mut self) {
        let effects = match self.store.as_mut() {
            Some(store) => self.commits.drain_and_commit(&mut self.engine, store),
            None => Err(self.commits.fail(&mut self.engine, StoreError::Io("no store is open".into()))),
        };
        let effects = match effects {
            Ok(effects) => effects,
            Err(failed) => {
                // The engine is disabled now and forgot its events in flight.
                self.open_events.clear();
                failed.effects
            }
        };
        for effect in effects {
            self.release(effect);
        }
    }

    /// One effect the commit protocol let out.
    fn release(&mut self, effect: Effect) {
        match effect {
            Effect::Reply { request, result } => {
                self.replies.insert(request, result);
            }
            Effect::Dispatch(d) => {
                self.open_events.insert(d.event, (d.deadline, d.sw));
                let last_chance = match d.kind {
                    DispatchKind::Sync { last_chance } => Some(last_chance),
                    DispatchKind::PeriodicSync => None,
                };
                self.observations.push(Observation::Dispatch(ObservedDispatch {
                    event: d.event,
                    sw: d.sw,
                    kind: d.key().kind,
                    tag: d.tag.to_string(),
                    last_chance,
                    at: self.now,
                }));
            }
            Effect::Log(record) => self.observations.push(Observation::Log(LogEntry {
                at: record.time,
                sw: record.sw,
                kind: record.kind,
                name: record.name().to_string(),
                tag: record.tag.to_string(),
                metadata: record.metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            })),
        }
    }

    fn reply_for(&mut self, request: RequestId) -> Result<Reply, TargetError> {
        self.drain();
        let result = self
            .replies
            .remove(&request)
            .ok_or_else(|| TargetError::Broken(format!("no reply to request {}", request.0)))?;
        Ok(match result {
            Ok(ReplyValue::Registered | ReplyValue::Unregistered) => Reply::Resolved,
            Ok(ReplyValue::Tags(tags)) => Reply::Tags(tags.iter().map(|t| t.to_string()).collect()),
            Ok(other) => return Err(TargetError::Broken(format!("a reply the harness does not know yet: {other:?}"))),
            Err(e) => Reply::Rejected { name: e.name.as_str().to_string(), message: e.message.to_string() },
        })
    }

    /// Feeds one engine input, remembers the environment it announces (for
    /// `ua.restart`), and answers a page call with its reply.
    fn handle(&mut self, input: Input) -> Result<Outcome, TargetError> {
        let handled = self.engine.handle(self.now, input.clone()).map_err(Self::refused)?;
        self.remember(input);
        self.drain();
        match handled {
            Handled::Request(request) => self.reply_for(request).map(Outcome::Reply),
            _ => Ok(Outcome::Applied),
        }
    }

    /// Keeps what an accepted input changed in the environment and in the
    /// events in flight.
    fn remember(&mut self, input: Input) {
        let announced = &mut self.announced;
        match input {
            Input::AddWorker { sw, origin, active } => {
                announced.workers.insert(sw, (origin, active));
            }
            Input::WorkerActivated(sw) => {
                if let Some(w) = announced.workers.get_mut(&sw) {
                    w.1 = true;
                }
            }
            Input::WorkerUnregistered(sw) => {
                announced.workers.remove(&sw);
            }
            Input::ClientOpened { client, origin, frame } => {
                announced.clients.insert(client, (origin, frame));
            }
            Input::ClientClosed(client) => {
                announced.clients.remove(&client);
            }
            Input::Network(network) => announced.network = network,
            Input::Power(power) => announced.power = power,
            Input::Permission { origin, name, state } => {
                announced.permissions.insert((origin, name), state);
            }
            Input::Engagement { origin, level } => {
                announced.engagement.insert(origin, level);
            }
            Input::OriginCleared(origin) => announced.workers.retain(|_, (o, _)| *o != origin),
            Input::StorageFailed { .. } => self.open_events.clear(),
            Input::Switch { enabled } => announced.switched_off = !enabled,
            Input::EventFinished { event, .. } => {
                self.open_events.remove(&event);
            }
            // Page calls and DevTools controls change no announced state
            // (DevTools sessions end with the browser).
            _ => {}
        }
    }

    /// `periodicSync.register(tag, {minInterval})`: the binding converts
    /// `minInterval` ([EnforceRange] unsigned long long) before the algorithm
    /// runs; a failed conversion rejects with `TypeError`.
    fn periodic_register(
        &mut self,
        caller: Caller,
        sw: SwRegId,
        tag: String,
        min_interval: Option<f64>,
    ) -> Result<Outcome, TargetError> {
        let min_interval = match min_interval.map(sync_core::binding::enforce_range_u64).transpose() {
            Ok(v) => v.unwrap_or(0),
            Err(e) => {
                return Ok(Outcome::Reply(Reply::Rejected { name: "TypeError".into(), message: e.to_string() }));
            }
        };
        self.handle(Input::RegisterPeriodic { caller, sw, tag: tag.into(), min_interval })
    }

    /// The worker stops: each of its events in flight ends as `WorkerFailed`.
    fn terminate_worker(&mut self, sw: SwRegId) -> Result<Outcome, TargetError> {
        let victims: Vec<EventId> = self.open_events.iter().filter(|(_, (_, w))| *w == sw).map(|(e, _)| *e).collect();
        for event in victims {
            self.handle(Input::EventFinished { event, outcome: EventOutcome::WorkerFailed })?;
        }
        self.drain();
        Ok(Outcome::Applied)
    }

    /// The user agent restarts at `at` from its store.
    fn restart(&mut self, at: Timestamp) -> Result<Outcome, TargetError> {
        self.drain();
        self.now = self.now.max(at);
        let store = self.store.as_mut().ok_or_else(|| TargetError::Broken("no store is open".into()))?;
        store.reopen().map_err(|e| TargetError::Broken(format!("store reopen failed: {e}")))?;
        let policy = ConfigurablePolicy::new(self.policy.clone());
        self.engine = match store.load() {
            Ok(snapshot) => Engine::restore(policy, self.now, snapshot)
                .map_err(|e| TargetError::Broken(format!("restore failed: {e}")))?,
            // The load at start failed (storage.fail_next_read): the browser starts with
            // Background Sync disabled, as Chromium's init does on a failed read.
            Err(e) => {
                let mut engine = Engine::new(policy, self.now);
                engine
                    .handle(self.now, Input::StorageFailed { reason: format!("load at start failed: {e}") })
                    .map_err(Self::refused)?;
                engine
            }
        };
        self.commits = CommitQueue::new();
        // Events in flight died with the process.
        self.open_events.clear();
        self.replies.clear();
        self.announce_environment()?;
        self.drain();
        Ok(Outcome::Applied)
    }

    /// `ua.shutdown`: what the engine queued goes out, then the process is
    /// gone with its events in flight; the store stays.
    fn shutdown(&mut self) -> Outcome {
        self.drain();
        self.open_events.clear();
        self.replies.clear();
        self.down = true;
        Outcome::Applied
    }

    /// Puts the store in a fault state (or heals it); the engine finds out
    /// when it next writes or, at start, reads.
    fn store_fault(&mut self, fault: StoreFault) -> Result<Outcome, TargetError> {
        let store = self.store.as_mut().ok_or_else(|| TargetError::Broken("no store is open".into()))?;
        match fault {
            StoreFault::FailNextWrite => store.fail_next_write = true,
            StoreFault::FailNextRead => store.fail_next_read = true,
            StoreFault::Heal => {
                store.fail_next_write = false;
                store.fail_next_read = false;
            }
        }
        Ok(Outcome::Applied)
    }

    /// An input while the user agent is down: environment changes are kept
    /// for the start; anything else needs a running user agent.
    fn while_down(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        match input {
            TargetInput::Engine(input) if super::applies_while_down(&input) => {
                self.remember(input);
                Ok(Outcome::Applied)
            }
            TargetInput::Start(policy) => {
                if let Some(policy) = policy {
                    self.policy = *policy;
                }
                self.down = false;
                self.restart(self.now)
            }
            TargetInput::Shutdown => Ok(Outcome::Applied),
            // The store is not the browser: its state changes while it is down.
            TargetInput::StoreFault(fault) => self.store_fault(fault),
            other => Err(TargetError::Broken(format!("the user agent is shut down: {other:?} needs it running"))),
        }
    }

    fn refused(e: SyncError) -> TargetError {
        let kind = match e {
            SyncError::EventExpired(_) => Refusal::Expired,
            SyncError::EventAlreadySettled(_) => Refusal::AlreadySettled,
            SyncError::Offline => Refusal::Offline,
            SyncError::AlreadyFiring => Refusal::AlreadyFiring,
            SyncError::UnknownRegistration => Refusal::NotRegistered,
            SyncError::Disabled => Refusal::Disabled,
            _ => Refusal::Other,
        };
        TargetError::refused(kind, e.to_string())
    }

    /// Forgets events whose deadline has passed (the engine counted them as timed out).
    fn prune_expired(&mut self) {
        let now = self.now;
        self.open_events.retain(|_, (deadline, _)| *deadline > now);
    }

    /// Tells a restored engine the environment again, as a browser does at start.
    fn announce_environment(&mut self) -> Result<(), TargetError> {
        let a = &self.announced;
        let mut inputs: Vec<Input> = Vec::new();
        for (sw, (origin, active)) in &a.workers {
            inputs.push(Input::AddWorker { sw: *sw, origin: origin.clone(), active: *active });
        }
        for (client, (origin, frame)) in &a.clients {
            inputs.push(Input::ClientOpened { client: *client, origin: origin.clone(), frame: *frame });
        }
        inputs.push(Input::Network(a.network));
        inputs.push(Input::Power(a.power));
        for ((origin, name), state) in &a.permissions {
            inputs.push(Input::Permission { origin: origin.clone(), name: *name, state: *state });
        }
        for (origin, level) in &a.engagement {
            inputs.push(Input::Engagement { origin: origin.clone(), level: *level });
        }
        if a.switched_off {
            inputs.push(Input::Switch { enabled: false });
        }
        for input in inputs {
            self.engine.handle(self.now, input).map_err(Self::refused)?;
        }
        Ok(())
    }
}

impl Target for EngineTarget {
    fn name(&self) -> &str {
        "engine"
    }

    fn product(&self) -> (String, String) {
        ("sync-core".to_string(), env!("CARGO_PKG_VERSION").to_string())
    }

    fn begin(&mut self, setup: &Setup) -> Result<(), TargetError> {
        self.policy = setup.policy.clone();
        self.now = setup.start;
        self.engine = Engine::new(ConfigurablePolicy::new(self.policy.clone()), self.now);
        self.store =
            Some(ScenarioStore::open().map_err(|e| TargetError::Broken(format!("cannot open the SQLite store: {e}")))?);
        self.commits = CommitQueue::new();
        self.observations.clear();
        self.replies.clear();
        self.open_events.clear();
        self.announced = Announced::default();
        self.down = false;
        Ok(())
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn next_wakeup(&self) -> Option<Timestamp> {
        if self.down {
            return None;
        }
        self.engine.poll_timeout().map(|w| w.at)
    }

    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        self.now = self.now.max(at);
        if self.down {
            // Nothing runs while the user agent is down.
            return Ok(());
        }
        self.engine.handle_timeout(self.now);
        self.prune_expired();
        self.drain();
        Ok(())
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        self.drain();
        std::mem::take(&mut self.observations)
    }

    fn apply(&mut self, input: TargetInput) -> Result<Outcome, TargetError> {
        if self.down {
            return self.while_down(input);
        }
        match input {
            TargetInput::Engine(input) => self.handle(input),
            TargetInput::PeriodicRegister { caller, sw, tag, min_interval } => {
                self.periodic_register(caller, sw, tag, min_interval)
            }
            TargetInput::TerminateWorker(sw) => self.terminate_worker(sw),
            TargetInput::Restart(at) => self.restart(at),
            TargetInput::StoreFault(fault) => self.store_fault(fault),
            TargetInput::Shutdown => Ok(self.shutdown()),
            // Already running: a start is a restart now.
            TargetInput::Start(policy) => {
                self.shutdown();
                self.while_down(TargetInput::Start(policy))
            }
        }
    }

    fn query_permission(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        // The engine knows what the policy links (a blocked background-sync denies periodic sync).
        Ok(self.engine.permission_state(origin, name))
    }

    fn explain(&mut self, key: &RegistrationKey) -> Result<Explanation, TargetError> {
        self.drain();
        Ok(self.engine.explain(key))
    }

    fn registrations(&mut self) -> Result<Vec<RegistrationInfo>, TargetError> {
        self.drain();
        Ok(self.engine.workers().into_iter().flat_map(|sw| self.engine.registrations(sw)).collect())
    }

    fn api_surface(&self, interface: &str) -> Result<InterfaceShape, TargetError> {
        binding::interface_shape(interface)
            .ok_or_else(|| TargetError::refused(Refusal::Other, format!("the facade has no interface {interface}")))
    }

    fn construct_event(
        &self,
        interface: &str,
        args: &[JsValue],
    ) -> Result<Result<Vec<(String, JsValue)>, String>, TargetError> {
        binding::construct_event(interface, args)
            .ok_or_else(|| TargetError::refused(Refusal::Other, format!("{interface} is not an event interface")))
    }

    fn check_invariants(&mut self) -> Result<Vec<String>, TargetError> {
        self.drain();
        let mut violations = Vec::new();
        let snapshot = self
            .store
            .as_mut()
            .ok_or_else(|| TargetError::Broken("no store is open".into()))?
            .load()
            .map_err(|e| TargetError::Broken(format!("store load failed: {e}")))?;
        let stored: BTreeSet<RegistrationKey> = snapshot.registrations.into_iter().map(|r| r.key).collect();
        let mut live = BTreeSet::new();
        for sw in self.engine.workers() {
            for info in self.engine.registrations(sw) {
                if info.explanation == Explanation::NotRegistered {
                    violations.push(format!("{:?} is listed but explains itself as not registered", info.key));
                }
                let firing = matches!(
                    info.state,
                    sync_core::RegistrationState::Firing | sync_core::RegistrationState::ReregisteredWhileFiring
                );
                if firing != matches!(info.explanation, Explanation::Firing { .. }) {
                    violations
                        .push(format!("{:?}: state {:?} but explanation {:?}", info.key, info.state, info.explanation));
                }
                if info.key.kind == sync_policy::SyncKind::OneOff && info.attempts >= info.max_attempts {
                    violations.push(format!(
                        "{:?}: {} attempts of {} and still kept",
                        info.key, info.attempts, info.max_attempts
                    ));
                }
                live.insert(info.key);
            }
        }
        if !self.engine.is_disabled() && stored != live {
            violations.push(format!(
                "store and engine disagree: only stored {:?}, only in memory {:?}",
                stored.difference(&live).map(|k| &*k.tag).collect::<Vec<_>>(),
                live.difference(&stored).map(|k| &*k.tag).collect::<Vec<_>>()
            ));
        }
        self.prune_expired();
        if self.engine.in_flight() != self.open_events.len() {
            violations.push(format!(
                "engine has {} events in flight, the target dispatched {} unsettled ones",
                self.engine.in_flight(),
                self.open_events.len()
            ));
        }
        if let Some(w) = self.engine.poll_timeout()
            && w.at <= self.now
        {
            violations.push(format!("wake-up at {} is overdue at {} ({:?})", w.at.0, self.now.0, w.reason));
        }
        Ok(violations)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sync_core::DomError;
    use sync_policy::FrameType;

    fn started() -> EngineTarget {
        let mut t = EngineTarget::new();
        t.begin(&Setup { policy: PolicyConfig::chromium(), start: Timestamp(1_000), name: "unit".into() }).unwrap();
        let origin = "https://a.test".to_string();
        t.apply(Input::AddWorker { sw: SwRegId(1), origin: origin.clone(), active: true }.into()).unwrap();
        t.apply(Input::ClientOpened { client: ClientId(1), origin, frame: FrameType::TopLevel }.into()).unwrap();
        t.take_observations();
        t
    }

    fn register(t: &mut EngineTarget, tag: &str) -> Outcome {
        let input = Input::Register { caller: Caller::Client(ClientId(1)), sw: SwRegId(1), tag: tag.into() };
        t.apply(input.into()).unwrap()
    }

    #[test]
    fn a_registration_is_observed_once_its_persist_committed() {
        let mut t = started();
        assert_eq!(register(&mut t, "a"), Outcome::Reply(Reply::Resolved));
        let obs = t.take_observations();
        assert!(obs.iter().any(|o| matches!(o, Observation::Dispatch(d) if d.tag == "a")), "{obs:?}");
        assert!(obs.iter().any(|o| matches!(o, Observation::Log(l) if l.name == "Registered sync")), "{obs:?}");
    }

    #[test]
    fn nothing_queued_after_a_failed_commit_is_observed() {
        let mut t = started();
        if let Some(store) = t.store.as_mut() {
            store.fail_writes = true;
        }
        // The page is told the truth: nothing was stored.
        let disabled = Reply::Rejected {
            name: DomError::DISABLED.name.as_str().to_string(),
            message: DomError::DISABLED.message.to_string(),
        };
        assert_eq!(register(&mut t, "a"), Outcome::Reply(disabled));
        // No dispatch and no log record describe the registration the store lost.
        assert_eq!(t.take_observations(), Vec::new());
        assert!(t.engine.is_disabled());
        assert_eq!(t.check_invariants().unwrap(), Vec::<String>::new());
    }
}
