//! [`EngineTarget`]: the suite run directly against `sync_core::Engine`.
//!
//! Persists are committed to the store (see `store_seam`) before the replies
//! queued after them are released, as the engine's call order asks.
//! `ua.restart` rebuilds the engine from the store with `Engine::restore` and
//! announces the environment again (workers, clients, network, power,
//! permissions, engagement). DevTools offline emulation is not carried over:
//! the DevTools sessions that set it end with the browser.

use super::binding;
use super::store_seam::ScenarioStore;
use super::{
    EventHandle, InterfaceShape, LogEntry, Observation, ObservedDispatch, Refusal, Reply, Setup, Target, TargetError,
};
use crate::scenario::{Call, JsValue};
use std::collections::{BTreeMap, BTreeSet};
use sync_core::store::{Mutation, Store};
use sync_core::{
    Action, Caller, ClientId, DispatchKind, Engine, EventId, Explanation, RegistrationKey, ReplyValue, RequestId,
    SwRegId, SyncError,
};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState, Policy,
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
}

/// The built-in target: a `sync_core::Engine<ConfigurablePolicy>` on the
/// runner's virtual clock, with its persists applied to a store.
pub struct EngineTarget {
    engine: Engine<ConfigurablePolicy>,
    policy: PolicyConfig,
    /// The subtest's SQLite store (opened by `begin`).
    store: Option<ScenarioStore>,
    now: Timestamp,
    observations: Vec<Observation>,
    replies: BTreeMap<RequestId, Result<ReplyValue, sync_core::DomError>>,
    /// Events in flight: deadline and worker.
    open_events: BTreeMap<EventId, (Timestamp, SwRegId)>,
    announced: Announced,
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
            now: Timestamp(0),
            observations: Vec::new(),
            replies: BTreeMap::new(),
            open_events: BTreeMap::new(),
            announced: Announced::default(),
        }
    }

    /// Drains the engine: persists are committed in batches before the
    /// replies that follow them are released.
    fn drain(&mut self) {
        let mut batch: Vec<Mutation> = Vec::new();
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Persist(m) => batch.push(m),
                Action::Reply { request, result } => {
                    self.commit(&mut batch);
                    self.replies.insert(request, result);
                }
                Action::Dispatch(d) => {
                    self.open_events.insert(d.event, (d.deadline, d.sw));
                    let last_chance = match d.kind {
                        DispatchKind::Sync { last_chance } => Some(last_chance),
                        DispatchKind::PeriodicSync => None,
                    };
                    self.observations.push(Observation::Dispatch(ObservedDispatch {
                        handle: EventHandle(d.event.0),
                        sw: d.sw,
                        kind: d.key().kind,
                        tag: d.tag.to_string(),
                        last_chance,
                        at: self.now,
                    }));
                }
                Action::Log(record) => self.observations.push(Observation::Log(LogEntry {
                    at: record.time,
                    sw: record.sw,
                    kind: record.kind,
                    name: record.name().to_string(),
                    tag: record.tag.to_string(),
                    metadata: record.metadata.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
                })),
            }
        }
        self.commit(&mut batch);
    }

    fn commit(&mut self, batch: &mut Vec<Mutation>) {
        if batch.is_empty() {
            return;
        }
        let result = match self.store.as_mut() {
            Some(store) => store.apply(batch),
            None => Err(sync_core::store::StoreError::Io("no store is open".into())),
        };
        if let Err(e) = result {
            self.engine.storage_failed(self.now, &e.to_string());
        }
        batch.clear();
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
            Err(e) => Reply::Rejected { name: e.name.as_str().to_string(), message: e.message.to_string() },
        })
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

    fn announce_environment(&mut self) -> Result<(), TargetError> {
        let now = self.now;
        for (sw, (origin, active)) in &self.announced.workers {
            self.engine.add_worker(now, *sw, origin, *active).map_err(Self::refused)?;
        }
        for (client, (origin, frame)) in &self.announced.clients {
            self.engine.client_opened(now, *client, origin, *frame).map_err(Self::refused)?;
        }
        self.engine.set_network(now, self.announced.network);
        self.engine.set_power(now, self.announced.power);
        for ((origin, name), state) in &self.announced.permissions {
            self.engine.set_permission(now, origin, *name, *state);
        }
        for (origin, level) in &self.announced.engagement {
            self.engine.set_engagement(now, origin, *level);
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
        self.observations.clear();
        self.replies.clear();
        self.open_events.clear();
        self.announced = Announced::default();
        Ok(())
    }

    fn now(&self) -> Timestamp {
        self.now
    }

    fn next_wakeup(&self) -> Option<Timestamp> {
        self.engine.poll_timeout().map(|w| w.at)
    }

    fn advance_to(&mut self, at: Timestamp) -> Result<(), TargetError> {
        self.now = self.now.max(at);
        self.engine.handle_timeout(self.now);
        self.prune_expired();
        self.drain();
        Ok(())
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        self.drain();
        std::mem::take(&mut self.observations)
    }

    fn add_worker(&mut self, sw: SwRegId, origin: &str, active: bool) -> Result<(), TargetError> {
        self.engine.add_worker(self.now, sw, origin, active).map_err(Self::refused)?;
        self.announced.workers.insert(sw, (origin.to_string(), active));
        self.drain();
        Ok(())
    }

    fn activate_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.engine.worker_activated(self.now, sw).map_err(Self::refused)?;
        if let Some(w) = self.announced.workers.get_mut(&sw) {
            w.1 = true;
        }
        self.drain();
        Ok(())
    }

    fn unregister_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        self.engine.worker_unregistered(self.now, sw).map_err(Self::refused)?;
        self.announced.workers.remove(&sw);
        self.drain();
        Ok(())
    }

    fn terminate_worker(&mut self, sw: SwRegId) -> Result<(), TargetError> {
        let victims: Vec<EventId> = self.open_events.iter().filter(|(_, (_, w))| *w == sw).map(|(e, _)| *e).collect();
        for event in victims {
            self.open_events.remove(&event);
            self.engine.event_finished(self.now, event, EventOutcome::WorkerFailed).map_err(Self::refused)?;
        }
        self.drain();
        Ok(())
    }

    fn open_client(&mut self, client: ClientId, origin: &str, frame: FrameType) -> Result<(), TargetError> {
        self.engine.client_opened(self.now, client, origin, frame).map_err(Self::refused)?;
        self.announced.clients.insert(client, (origin.to_string(), frame));
        self.drain();
        Ok(())
    }

    fn close_client(&mut self, client: ClientId) -> Result<(), TargetError> {
        self.engine.client_closed(self.now, client).map_err(Self::refused)?;
        self.announced.clients.remove(&client);
        self.drain();
        Ok(())
    }

    fn set_network(&mut self, network: NetworkState) -> Result<(), TargetError> {
        self.engine.set_network(self.now, network);
        self.announced.network = network;
        self.drain();
        Ok(())
    }

    fn set_power(&mut self, power: PowerState) -> Result<(), TargetError> {
        self.engine.set_power(self.now, power);
        self.announced.power = power;
        self.drain();
        Ok(())
    }

    fn set_permission(
        &mut self,
        origin: &str,
        name: PermissionName,
        state: PermissionState,
    ) -> Result<(), TargetError> {
        self.engine.set_permission(self.now, origin, name, state);
        self.announced.permissions.insert((origin.to_string(), name), state);
        self.drain();
        Ok(())
    }

    fn query_permission(&mut self, origin: &str, name: PermissionName) -> Result<PermissionState, TargetError> {
        let state = self.announced.permissions.get(&(origin.to_string(), name)).copied();
        Ok(match state.unwrap_or(PermissionState::Unset) {
            PermissionState::Unset => self.engine.policy().default_permission(name),
            s => s,
        })
    }

    fn set_engagement(&mut self, origin: &str, level: Engagement) -> Result<(), TargetError> {
        self.engine.set_engagement(self.now, origin, level);
        self.announced.engagement.insert(origin.to_string(), level);
        self.drain();
        Ok(())
    }

    fn emulate_offline(&mut self, sw: SwRegId, offline: bool) -> Result<(), TargetError> {
        self.engine.emulate_offline(self.now, sw, offline).map_err(Self::refused)?;
        self.drain();
        Ok(())
    }

    fn clear_origin(&mut self, origin: &str) -> Result<(), TargetError> {
        self.engine.origin_cleared(self.now, origin);
        self.announced.workers.retain(|_, (o, _)| o != origin);
        self.drain();
        Ok(())
    }

    fn restart(&mut self, at: Timestamp) -> Result<(), TargetError> {
        self.drain();
        self.now = self.now.max(at);
        let store = self.store.as_mut().ok_or_else(|| TargetError::Broken("no store is open".into()))?;
        store.reopen().map_err(|e| TargetError::Broken(format!("store reopen failed: {e}")))?;
        let snapshot = store.load().map_err(|e| TargetError::Broken(format!("store load failed: {e}")))?;
        let policy = ConfigurablePolicy::new(self.policy.clone());
        self.engine = Engine::restore(policy, self.now, snapshot)
            .map_err(|e| TargetError::Broken(format!("restore failed: {e}")))?;
        // Events in flight died with the process.
        self.open_events.clear();
        self.replies.clear();
        self.announce_environment()?;
        self.drain();
        Ok(())
    }

    fn fail_storage(&mut self) -> Result<(), TargetError> {
        self.engine.storage_failed(self.now, "injected by the scenario");
        self.open_events.clear();
        self.drain();
        Ok(())
    }

    fn call(&mut self, caller: Caller, sw: SwRegId, call: &Call) -> Result<Reply, TargetError> {
        let now = self.now;
        let request = match call {
            Call::SyncRegister { tag } => self.engine.register(now, caller, sw, tag),
            Call::GetTags { kind } => self.engine.get_tags(now, caller, sw, *kind),
            Call::PeriodicUnregister { tag } => self.engine.unregister_periodic(now, caller, sw, tag),
            Call::PeriodicRegister { tag, min_interval } => {
                // The binding converts `minInterval` ([EnforceRange] unsigned long long)
                // before the algorithm runs; a failed conversion rejects with TypeError.
                let value = match min_interval {
                    None => 0,
                    Some(v) => match sync_core::binding::enforce_range_u64(*v) {
                        Ok(v) => v,
                        Err(e) => return Ok(Reply::Rejected { name: "TypeError".into(), message: e.to_string() }),
                    },
                };
                self.engine.register_periodic(now, caller, sw, tag, value)
            }
        };
        self.reply_for(request)
    }

    fn settle(&mut self, event: EventHandle, outcome: EventOutcome) -> Result<(), TargetError> {
        let id = EventId(event.0);
        self.engine.event_finished(self.now, id, outcome).map_err(Self::refused)?;
        self.open_events.remove(&id);
        self.drain();
        Ok(())
    }

    fn dispatch_now(&mut self, key: &RegistrationKey) -> Result<(), TargetError> {
        self.engine.dispatch_now(self.now, key).map_err(Self::refused)?;
        self.drain();
        Ok(())
    }

    fn explain(&mut self, key: &RegistrationKey) -> Result<Explanation, TargetError> {
        self.drain();
        Ok(self.engine.explain(key))
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
