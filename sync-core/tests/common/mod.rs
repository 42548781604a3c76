//! Test kit: an engine on a virtual clock with one origin, one active worker
//! and one top-level window, and helpers to drain and classify actions.
#![allow(dead_code)]

use sync_core::Input;
use sync_core::store::{MemoryStore, Mutation, Store};
use sync_core::{Action, Caller, ClientId, Dispatch, DomErrorName, Engine, LogRecord, ReplyValue, RequestId, SwRegId};
use sync_policy::{ConfigurablePolicy, FrameType, Millis, PolicyConfig, Profile, Timestamp};

pub const A: &str = "https://a.test";
pub const B: &str = "https://b.test";
pub const R1: SwRegId = SwRegId(1);
pub const R2: SwRegId = SwRegId(2);
pub const W1: ClientId = ClientId(1);
pub const W2: ClientId = ClientId(2);
pub const T0: Timestamp = Timestamp(1_800_000_000_000);

/// Everything one drain produced, in order.
#[derive(Debug, Default)]
pub struct Drained {
    pub actions: Vec<Action>,
}

impl Drained {
    pub fn dispatches(&self) -> Vec<Dispatch> {
        self.actions.iter().filter_map(|a| if let Action::Dispatch(d) = a { Some(d.clone()) } else { None }).collect()
    }
    pub fn persists(&self) -> Vec<Mutation> {
        self.actions.iter().filter_map(|a| if let Action::Persist(m) = a { Some(m.clone()) } else { None }).collect()
    }
    pub fn logs(&self) -> Vec<LogRecord> {
        self.actions.iter().filter_map(|a| if let Action::Log(l) = a { Some(l.clone()) } else { None }).collect()
    }
    pub fn log_names(&self) -> Vec<&'static str> {
        self.logs().iter().map(|l| l.name()).collect()
    }
    pub fn reply(&self, request: RequestId) -> Option<Result<ReplyValue, sync_core::DomError>> {
        self.actions.iter().find_map(|a| match a {
            Action::Reply { request: r, result } if *r == request => Some(result.clone()),
            _ => None,
        })
    }
    /// The error name a request was rejected with (panics if it resolved: tests only).
    pub fn rejected(&self, request: RequestId) -> DomErrorName {
        match self.reply(request) {
            Some(Err(e)) => e.name,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }
    pub fn resolved(&self, request: RequestId) -> bool {
        matches!(self.reply(request), Some(Ok(_)))
    }
    pub fn tags(&self, request: RequestId) -> Vec<String> {
        match self.reply(request) {
            Some(Ok(ReplyValue::Tags(t))) => t.iter().map(|t| t.to_string()).collect(),
            other => panic!("expected tags, got {other:?}"),
        }
    }
}

/// An engine on a virtual clock, with a memory store that every drain commits to.
pub struct Kit {
    pub engine: Engine,
    pub now: Timestamp,
    pub store: MemoryStore,
}

impl Kit {
    pub fn with_config(config: PolicyConfig) -> Kit {
        let mut engine = Engine::new(ConfigurablePolicy::new(config), T0);
        engine.handle(T0, Input::AddWorker { sw: R1, origin: A.to_string(), active: true }).unwrap();
        engine
            .handle(T0, Input::ClientOpened { client: W1, origin: A.to_string(), frame: FrameType::TopLevel })
            .unwrap();
        Kit { engine, now: T0, store: MemoryStore::new() }
    }

    pub fn chromium() -> Kit {
        Kit::with_config(PolicyConfig::for_profile(Profile::Chromium))
    }

    pub fn spec() -> Kit {
        Kit::with_config(PolicyConfig::for_profile(Profile::Spec))
    }

    /// Drains every action; persists are applied to the store in order, and the
    /// test asserts that no reply ever comes before a persist queued with it.
    pub fn drain(&mut self) -> Drained {
        let mut out = Drained::default();
        while let Some(a) = self.engine.poll_action() {
            if let Action::Persist(m) = &a {
                self.store.apply(std::slice::from_ref(m)).unwrap();
            }
            out.actions.push(a);
        }
        out
    }

    /// Advances the virtual clock by `by`, waking the engine at every timeout on the way.
    pub fn advance(&mut self, by: Millis) -> Drained {
        let target = self.now.saturating_add(by);
        let mut out = self.drain();
        loop {
            match self.engine.poll_timeout() {
                Some(w) if w.at <= target => {
                    self.now = self.now.max(w.at);
                    self.engine.handle_timeout(self.now);
                    out.actions.extend(self.drain().actions);
                }
                _ => break,
            }
        }
        self.now = target;
        self.engine.handle_timeout(target);
        out.actions.extend(self.drain().actions);
        out
    }

    pub fn register(&mut self, tag: &str) -> (RequestId, Drained) {
        let r = self
            .engine
            .handle(self.now, Input::Register { caller: Caller::Client(W1), sw: R1, tag: tag.into() })
            .unwrap()
            .request()
            .unwrap();
        (r, self.drain())
    }

    pub fn register_periodic(&mut self, tag: &str, min_interval: u64) -> (RequestId, Drained) {
        let r = self
            .engine
            .handle(
                self.now,
                Input::RegisterPeriodic { caller: Caller::Client(W1), sw: R1, tag: tag.into(), min_interval },
            )
            .unwrap()
            .request()
            .unwrap();
        (r, self.drain())
    }

    pub fn tags(&mut self, kind: sync_policy::SyncKind) -> Vec<String> {
        let r = self
            .engine
            .handle(self.now, Input::GetTags { caller: Caller::Client(W1), sw: R1, kind })
            .unwrap()
            .request()
            .unwrap();
        self.drain().tags(r)
    }

    pub fn offline(&mut self) {
        self.engine
            .handle(self.now, Input::Network(sync_policy::NetworkState { online: false, metered: false }))
            .unwrap();
    }

    pub fn online(&mut self) -> Drained {
        self.engine
            .handle(self.now, Input::Network(sync_policy::NetworkState { online: true, metered: false }))
            .unwrap();
        self.drain()
    }

    pub fn settle(&mut self, d: &Dispatch, outcome: sync_policy::EventOutcome) -> Drained {
        self.engine.handle(self.now, Input::EventFinished { event: d.event, outcome }).unwrap();
        self.drain()
    }
}

pub fn mins(m: u64) -> Millis {
    Millis::from_mins(m)
}

pub fn hours(h: u64) -> Millis {
    Millis::from_hours(h)
}

impl Kit {
    pub fn grant_periodic(&mut self) {
        self.engine
            .handle(
                self.now,
                Input::Permission {
                    origin: A.to_string(),
                    name: sync_policy::PermissionName::PeriodicBackgroundSync,
                    state: sync_policy::PermissionState::Granted,
                },
            )
            .unwrap();
    }

    pub fn set_permission(
        &mut self,
        name: sync_policy::PermissionName,
        state: sync_policy::PermissionState,
    ) -> Drained {
        self.engine.handle(self.now, Input::Permission { origin: A.to_string(), name, state }).unwrap();
        self.drain()
    }

    pub fn key(&self, kind: sync_policy::SyncKind, tag: &str) -> sync_core::RegistrationKey {
        sync_core::RegistrationKey::new(R1, kind, tag)
    }
}

/// A config derived from a profile with an edit applied.
pub fn config_with(profile: Profile, edit: impl FnOnce(&mut PolicyConfig)) -> PolicyConfig {
    let mut c = PolicyConfig::for_profile(profile);
    edit(&mut c);
    c
}
