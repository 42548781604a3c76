//! Property test: the engine against a deliberately simple reference model (a
//! `Vec` of registrations scanned linearly), over random sequences of register,
//! periodic register/unregister, network changes, time, event results, worker
//! unregistration and restarts.
//!
//! The model predicts one-off dispatches exactly (Chromium profile, no event
//! time limit in play) and checks periodic dispatches against invariants:
//! never earlier than the effective interval, and no two periodic events of
//! one origin closer than the origin gap unless they are in the same round.
//! After every step: at most one registration per key (getTags equals the
//! model), nothing fires while offline, no dispatch without a registration,
//! attempts never exceed the maximum, and a reply never precedes its persist.
//!
//! `PROPTEST_CASES` raises the number of cases (CI default: 48).

use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use sync_core::store::{MemoryStore, Mutation, Store};
use sync_core::{Action, Caller, ClientId, DispatchKind, Engine, EventId, ReplyValue, SwRegId};
use sync_policy::{
    ConfigurablePolicy, EventOutcome, FrameType, Millis, NetworkState, PermissionName, PermissionState, PolicyConfig,
    SyncKind, Timestamp,
};

const ORIGIN: &str = "https://model.test";
const SW: SwRegId = SwRegId(1);
const WIN: ClientId = ClientId(1);
const T0: u64 = 1_800_000_000_000;
const TAGS: [&str; 3] = ["a", "b", "c"];
const HOUR: u64 = 3_600_000;
const MAX_ATTEMPTS: u32 = 3;

#[derive(Clone, Debug)]
enum Transition {
    Register(usize),
    RegisterPeriodic(usize, u64),
    UnregisterPeriodic(usize),
    SetOnline(bool),
    Advance(u64),
    Finish(usize, EventOutcome),
    WorkerUnregistered,
    Restart,
}

/// Transition generator; the model lives in the system under test, where it
/// can see which event the engine dispatched for which registration.
#[derive(Clone, Debug)]
struct Gen;

impl ReferenceStateMachine for Gen {
    type State = Gen;
    type Transition = Transition;

    fn init_state() -> BoxedStrategy<Gen> {
        Just(Gen).boxed()
    }

    fn transitions(_: &Gen) -> BoxedStrategy<Transition> {
        let outcome = prop_oneof![
            3 => Just(EventOutcome::Fulfilled),
            3 => Just(EventOutcome::Rejected),
            1 => Just(EventOutcome::TimedOut),
            1 => Just(EventOutcome::WorkerFailed),
        ];
        prop_oneof![
            4 => (0..TAGS.len()).prop_map(Transition::Register),
            2 => ((0..TAGS.len()), prop_oneof![Just(0u64), Just(1000), Just(13 * HOUR)])
                .prop_map(|(t, m)| Transition::RegisterPeriodic(t, m)),
            1 => (0..TAGS.len()).prop_map(Transition::UnregisterPeriodic),
            2 => any::<bool>().prop_map(Transition::SetOnline),
            4 => prop_oneof![Just(1_000u64), Just(60_000), Just(300_000), Just(900_000), Just(HOUR), Just(12 * HOUR), Just(13 * HOUR)]
                .prop_map(Transition::Advance),
            5 => (any::<usize>(), outcome).prop_map(|(i, o)| Transition::Finish(i, o)),
            1 => Just(Transition::WorkerUnregistered),
            1 => Just(Transition::Restart),
        ]
        .boxed()
    }

    fn apply(state: Gen, _: &Transition) -> Gen {
        state
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MState {
    Pending,
    Waiting(u64),
    Firing { last_chance: bool, rereg: bool },
}

#[derive(Clone, Debug)]
struct MReg {
    kind: SyncKind,
    tag: &'static str,
    state: MState,
    attempts: u32,
    min_interval: u64,
    anchor: u64,
    /// The next periodic dispatch is exempt from the interval and gap (a retry or a re-fire).
    exempt: bool,
}

struct Sut {
    engine: Engine,
    store: MemoryStore,
    now: u64,
    online: bool,
    model: Vec<MReg>,
    in_flight: Vec<(EventId, SyncKind, &'static str)>,
    last_round: Option<u64>,
}

fn config() -> PolicyConfig {
    let mut c = PolicyConfig::chromium();
    // Outcomes come only from Finish transitions.
    c.oneshot.max_event_duration = Millis::from_hours(24 * 1000);
    c.periodic.max_event_duration = Millis::from_hours(24 * 1000);
    c
}

fn periodic_interval(min: u64) -> u64 {
    let floor = 12 * HOUR;
    if min <= floor { floor } else { min.div_ceil(floor) * floor }
}

fn retry_delay(attempts: u32) -> u64 {
    5 * 60_000 * 3u64.pow(attempts - 1)
}

impl Sut {
    fn new() -> Sut {
        let now = T0;
        let mut engine = Engine::new(ConfigurablePolicy::new(config()), Timestamp(now));
        announce(&mut engine, now, true);
        Sut {
            engine,
            store: MemoryStore::new(),
            now,
            online: true,
            model: Vec::new(),
            in_flight: Vec::new(),
            last_round: None,
        }
    }

    fn find(&self, kind: SyncKind, tag: &str) -> Option<usize> {
        self.model.iter().position(|r| r.kind == kind && r.tag == tag)
    }

    /// Drains the engine, applying persists, and checks every dispatch against the model.
    fn drain(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        let mut expected: Vec<&'static str> = Vec::new();
        if self.online {
            for r in &self.model {
                let due = match r.state {
                    MState::Pending => true,
                    MState::Waiting(at) => at <= self.now,
                    MState::Firing { .. } => false,
                };
                if r.kind == SyncKind::OneOff && due {
                    expected.push(r.tag);
                }
            }
        }
        while let Some(a) = self.engine.poll_action() {
            match &a {
                Action::Persist(m) => self.store.apply(std::slice::from_ref(m)).unwrap(),
                Action::Dispatch(d) => self.observe_dispatch(d),
                _ => {}
            }
            out.push(a);
        }
        let mut fired: Vec<&'static str> = out
            .iter()
            .filter_map(|a| match a {
                Action::Dispatch(d) if matches!(d.kind, DispatchKind::Sync { .. }) => {
                    TAGS.iter().copied().find(|t| *t == &*d.tag)
                }
                _ => None,
            })
            .collect();
        fired.sort();
        expected.sort();
        assert_eq!(fired, expected, "one-off dispatches differ from the model at t+{}ms", self.now - T0);
        out
    }

    fn observe_dispatch(&mut self, d: &sync_core::Dispatch) {
        assert!(self.online, "nothing fires while offline");
        let kind = d.key().kind;
        let idx = self.find(kind, &d.tag).expect("no dispatch without a registration");
        let now = self.now;
        let r = &mut self.model[idx];
        assert!(!matches!(r.state, MState::Firing { .. }), "at most one event in flight per registration");
        let tag = r.tag;
        match d.kind {
            DispatchKind::Sync { last_chance } => {
                assert!(d.attempt < MAX_ATTEMPTS, "attempts never exceed the max");
                assert_eq!(d.attempt, r.attempts);
                assert_eq!(last_chance, r.attempts + 1 >= MAX_ATTEMPTS);
                r.state = MState::Firing { last_chance, rereg: false };
            }
            DispatchKind::PeriodicSync => {
                if !r.exempt && d.attempt == 0 {
                    assert!(now >= r.anchor + periodic_interval(r.min_interval), "periodic fired before its interval");
                    if let Some(last) = self.last_round {
                        assert!(now == last || now >= last + 12 * HOUR, "periodic events of one origin too close");
                    }
                    self.last_round = Some(now);
                }
                r.exempt = false;
                r.state = MState::Firing { last_chance: false, rereg: false };
            }
        }
        self.in_flight.push((d.event, kind, tag));
    }

    fn register(&mut self, kind: SyncKind, tag: &'static str, min: u64) {
        let request = match kind {
            SyncKind::OneOff => self.engine.register(Timestamp(self.now), Caller::Client(WIN), SW, tag),
            SyncKind::Periodic => self.engine.register_periodic(Timestamp(self.now), Caller::Client(WIN), SW, tag, min),
        };
        let is_new = match self.find(kind, tag) {
            None => {
                let anchor = self.now;
                self.model.push(MReg {
                    kind,
                    tag,
                    state: MState::Pending,
                    attempts: 0,
                    min_interval: min,
                    anchor,
                    exempt: false,
                });
                true
            }
            Some(i) => {
                let r = &mut self.model[i];
                if kind == SyncKind::Periodic && r.min_interval != min {
                    r.min_interval = min;
                } else if let MState::Firing { last_chance, .. } = r.state {
                    r.state = MState::Firing { last_chance, rereg: true };
                }
                false
            }
        };
        let actions = self.drain();
        let reply_at = actions
            .iter()
            .position(
                |a| matches!(a, Action::Reply { request: r, result: Ok(ReplyValue::Registered) } if *r == request),
            )
            .expect("register resolves");
        if is_new {
            let persist_at = actions
                .iter()
                .position(|a| matches!(a, Action::Persist(Mutation::Put(row)) if &*row.key.tag == tag && row.key.kind == kind))
                .expect("a new registration is persisted");
            assert!(persist_at < reply_at, "a reply never precedes its persist");
        }
    }

    fn finish(&mut self, pick: usize, outcome: EventOutcome) {
        if self.in_flight.is_empty() {
            return;
        }
        let (event, kind, tag) = self.in_flight.remove(pick % self.in_flight.len());
        self.engine.event_finished(Timestamp(self.now), event, outcome).unwrap();
        if let Some(i) = self.find(kind, tag) {
            let now = self.now;
            let r = &mut self.model[i];
            let MState::Firing { last_chance, rereg } = r.state else { panic!("model out of sync") };
            let success = outcome == EventOutcome::Fulfilled;
            match kind {
                SyncKind::OneOff if rereg => {
                    r.state = MState::Pending;
                    r.attempts = 0;
                }
                SyncKind::OneOff if success || last_chance => {
                    self.model.remove(i);
                }
                SyncKind::OneOff => {
                    r.attempts += 1;
                    r.state = MState::Waiting(now + retry_delay(r.attempts));
                }
                SyncKind::Periodic if rereg => {
                    // Chromium profile: fires again at once, exempt from the gap.
                    r.state = MState::Pending;
                    r.attempts = 0;
                    r.exempt = true;
                }
                SyncKind::Periodic if success => {
                    r.state = MState::Pending;
                    r.attempts = 0;
                    r.anchor = now;
                }
                SyncKind::Periodic => {
                    r.attempts += 1;
                    if r.attempts >= MAX_ATTEMPTS {
                        r.attempts = 0;
                        r.anchor = now;
                        r.state = MState::Pending;
                    } else {
                        r.exempt = true;
                        r.state = MState::Pending;
                    }
                }
            }
        }
        self.drain();
    }

    fn check_tags(&mut self) {
        for kind in [SyncKind::OneOff, SyncKind::Periodic] {
            let request = self.engine.get_tags(Timestamp(self.now), Caller::Embedder, SW, kind);
            let actions = self.drain();
            let mut got: Vec<String> = actions
                .iter()
                .find_map(|a| match a {
                    Action::Reply { request: r, result: Ok(ReplyValue::Tags(t)) } if *r == request => {
                        Some(t.iter().map(|t| t.to_string()).collect())
                    }
                    _ => None,
                })
                .expect("getTags resolves");
            let mut want: Vec<String> =
                self.model.iter().filter(|r| r.kind == kind).map(|r| r.tag.to_string()).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{kind:?} registrations differ from the model");
        }
    }
}

fn announce(engine: &mut Engine, now: u64, online: bool) {
    let t = Timestamp(now);
    engine.add_worker(t, SW, ORIGIN, true).unwrap();
    let _ = engine.client_opened(t, WIN, ORIGIN, FrameType::TopLevel);
    engine.set_permission(t, ORIGIN, PermissionName::PeriodicBackgroundSync, PermissionState::Granted);
    engine.set_network(t, NetworkState { online, metered: false });
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = Gen;

    fn init_test(_: &Gen) -> Sut {
        Sut::new()
    }

    fn apply(mut s: Sut, _: &Gen, transition: Transition) -> Sut {
        match transition {
            Transition::Register(t) => s.register(SyncKind::OneOff, TAGS[t], 0),
            Transition::RegisterPeriodic(t, m) => s.register(SyncKind::Periodic, TAGS[t], m),
            Transition::UnregisterPeriodic(t) => {
                s.engine.unregister_periodic(Timestamp(s.now), Caller::Client(WIN), SW, TAGS[t]);
                if let Some(i) = s.find(SyncKind::Periodic, TAGS[t]) {
                    s.model.remove(i);
                    s.in_flight.retain(|(_, k, tag)| !(*k == SyncKind::Periodic && *tag == TAGS[t]));
                }
                s.drain();
            }
            Transition::SetOnline(online) => {
                s.online = online;
                s.engine.set_network(Timestamp(s.now), NetworkState { online, metered: false });
                s.drain();
            }
            Transition::Advance(by) => {
                let target = s.now + by;
                loop {
                    s.drain();
                    match s.engine.poll_timeout() {
                        Some(w) if w.at.0 <= target => {
                            s.now = s.now.max(w.at.0);
                            s.engine.handle_timeout(Timestamp(s.now));
                        }
                        _ => break,
                    }
                }
                s.now = target;
                s.engine.handle_timeout(Timestamp(target));
                s.drain();
            }
            Transition::Finish(i, outcome) => s.finish(i, outcome),
            Transition::WorkerUnregistered => {
                s.engine.worker_unregistered(Timestamp(s.now), SW).unwrap();
                s.drain();
                // Results of its events are ignored; the worker comes back empty.
                for (event, _, _) in std::mem::take(&mut s.in_flight) {
                    s.engine.event_finished(Timestamp(s.now), event, EventOutcome::Fulfilled).unwrap();
                }
                s.model.clear();
                announce(&mut s.engine, s.now, s.online);
                s.drain();
            }
            Transition::Restart => {
                let snapshot = s.store.load().unwrap();
                s.engine = Engine::restore(ConfigurablePolicy::new(config()), Timestamp(s.now), snapshot).unwrap();
                announce(&mut s.engine, s.now, s.online);
                s.in_flight.clear();
                for r in &mut s.model {
                    // Firing is never stored: back to the state before the event. The
                    // interrupted event is not used up, so it fires again at once: for a
                    // periodic registration that re-fire belongs to the cycle that was
                    // already due (even when a re-register during the event changed
                    // `minInterval`, which counts from the next cycle), so it is exempt
                    // from the interval and the origin gap.
                    if let MState::Firing { .. } = r.state {
                        r.state = MState::Pending;
                        if r.kind == SyncKind::Periodic {
                            r.exempt = true;
                        }
                    }
                }
                s.drain();
            }
        }
        s.check_tags();
        s
    }
}

prop_state_machine! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        max_shrink_iters: 2000,
        .. ProptestConfig::default()
    })]
    #[test]
    fn engine_matches_the_reference_model(sequential 1..60 => Sut);
}

#[test]
fn model_helpers_are_consistent() {
    assert_eq!(periodic_interval(0), 12 * HOUR);
    assert_eq!(periodic_interval(13 * HOUR), 24 * HOUR);
    assert_eq!(retry_delay(1), 300_000);
    assert_eq!(retry_delay(2), 900_000);
}
