//! Property test, Firezone style: the engine against a deliberately dumb
//! reference model, over random sequences of inputs generated from the model's
//! own state.
//!
//! The world has two origins, three service worker registrations (two of
//! origin A, one of origin B) and one window per origin that opens and closes.
//! Transitions are chosen from what the reference state makes meaningful:
//! registers go through an open window of the worker's origin, periodic
//! unregisters pick tags the model holds, storage fails only while it works,
//! and so on. Time, network changes, event results, worker unregistration,
//! clearing an origin, storage failure and restarts from the store are all
//! transitions. The engine is fed only [`sync_core::Input`] values through
//! `Engine::handle`.
//!
//! The model is a `Vec` of registrations scanned linearly. It predicts one-off
//! dispatches exactly (Chromium profile, no event time limit in play) and checks
//! periodic dispatches against invariants: never earlier than the effective
//! interval, and no two periodic events of one origin closer than the origin
//! gap unless they are in the same round. After every step: getTags of every
//! worker equals the model, nothing fires while offline or disabled, no
//! dispatch without a registration, attempts never exceed the maximum, a reply
//! never precedes its persist, and a disabled engine rejects page calls.
//!
//! `PROPTEST_CASES` raises the number of cases (CI default: 48).

use proptest::prelude::*;
use proptest_state_machine::{ReferenceStateMachine, StateMachineTest, prop_state_machine};
use sync_core::store::{MemoryStore, Mutation, Store};
use sync_core::{
    Action, Caller, ClientId, DispatchKind, DomErrorName, Engine, EventId, Input, ReplyValue, RequestId, SwRegId,
};
use sync_policy::{
    ConfigurablePolicy, EventOutcome, FrameType, Millis, NetworkState, PermissionName, PermissionState, PolicyConfig,
    SyncKind, Timestamp,
};

const ORIGINS: [&str; 2] = ["https://a.model.test", "https://b.model.test"];
/// Each worker's origin (an index into `ORIGINS`).
const WORKERS: [usize; 3] = [0, 0, 1];
const TAGS: [&str; 3] = ["a", "b", "c"];
const T0: u64 = 1_800_000_000_000;
const HOUR: u64 = 3_600_000;
const MAX_ATTEMPTS: u32 = 3;

fn sw_id(sw: usize) -> SwRegId {
    SwRegId(sw as u64 + 1)
}

fn window_id(origin: usize) -> ClientId {
    ClientId(origin as u64 + 1)
}

#[derive(Clone, Debug)]
enum Transition {
    Register { sw: usize, tag: usize },
    RegisterPeriodic { sw: usize, tag: usize, min: u64 },
    UnregisterPeriodic { sw: usize, tag: usize },
    OpenWindow(usize),
    CloseWindow(usize),
    SetOnline(bool),
    Advance(u64),
    Finish(usize, EventOutcome),
    WorkerUnregistered(usize),
    OriginCleared(usize),
    StorageFailed,
    Restart,
}

/// The reference state the generator reads: the facts that make a transition
/// meaningful. What fires when is the system-side model's business.
#[derive(Clone, Debug)]
struct World {
    window_open: [bool; 2],
    online: bool,
    disabled: bool,
    /// (worker, tag) pairs of periodic registrations the page made and did not remove.
    periodic: Vec<(usize, usize)>,
    /// Whether any event may be in flight (something was registered since the last storage failure).
    may_fire: bool,
}

impl ReferenceStateMachine for World {
    type State = World;
    type Transition = Transition;

    fn init_state() -> BoxedStrategy<World> {
        Just(World { window_open: [true, true], online: true, disabled: false, periodic: Vec::new(), may_fire: false })
            .boxed()
    }

    fn transitions(state: &World) -> BoxedStrategy<Transition> {
        let open_workers: Vec<usize> = (0..WORKERS.len()).filter(|&sw| state.window_open[WORKERS[sw]]).collect();
        let outcome = prop_oneof![
            3 => Just(EventOutcome::Fulfilled),
            3 => Just(EventOutcome::Rejected),
            1 => Just(EventOutcome::TimedOut),
            1 => Just(EventOutcome::WorkerFailed),
        ];
        let advance = prop_oneof![
            Just(1_000u64),
            Just(60_000),
            Just(300_000),
            Just(900_000),
            Just(HOUR),
            Just(12 * HOUR),
            Just(13 * HOUR)
        ];
        let mut choices: Vec<(u32, BoxedStrategy<Transition>)> = vec![
            (2, Just(Transition::SetOnline(!state.online)).boxed()),
            (4, advance.prop_map(Transition::Advance).boxed()),
            (1, (0..WORKERS.len()).prop_map(Transition::WorkerUnregistered).boxed()),
            (1, (0..ORIGINS.len()).prop_map(Transition::OriginCleared).boxed()),
            (if state.disabled { 4 } else { 1 }, Just(Transition::Restart).boxed()),
        ];
        if !open_workers.is_empty() {
            let ws = open_workers.clone();
            choices.push((
                5,
                (proptest::sample::select(ws), 0..TAGS.len())
                    .prop_map(|(sw, tag)| Transition::Register { sw, tag })
                    .boxed(),
            ));
            choices.push((
                2,
                (
                    proptest::sample::select(open_workers),
                    0..TAGS.len(),
                    prop_oneof![Just(0u64), Just(1000), Just(13 * HOUR)],
                )
                    .prop_map(|(sw, tag, min)| Transition::RegisterPeriodic { sw, tag, min })
                    .boxed(),
            ));
        }
        if !state.periodic.is_empty() {
            choices.push((
                1,
                proptest::sample::select(state.periodic.clone())
                    .prop_map(|(sw, tag)| Transition::UnregisterPeriodic { sw, tag })
                    .boxed(),
            ));
        }
        for origin in 0..ORIGINS.len() {
            let t = if state.window_open[origin] {
                Transition::CloseWindow(origin)
            } else {
                Transition::OpenWindow(origin)
            };
            choices.push((1, Just(t).boxed()));
        }
        if state.may_fire {
            choices.push((5, (any::<usize>(), outcome).prop_map(|(i, o)| Transition::Finish(i, o)).boxed()));
        }
        if !state.disabled {
            choices.push((1, Just(Transition::StorageFailed).boxed()));
        }
        proptest::strategy::Union::new_weighted(choices).boxed()
    }

    /// What the generator guarantees, checked again while shrinking removes steps.
    fn preconditions(state: &World, t: &Transition) -> bool {
        match *t {
            Transition::Register { sw, .. } | Transition::RegisterPeriodic { sw, .. } => state.window_open[WORKERS[sw]],
            Transition::UnregisterPeriodic { sw, tag } => state.periodic.contains(&(sw, tag)),
            Transition::OpenWindow(o) => !state.window_open[o],
            Transition::CloseWindow(o) => state.window_open[o],
            Transition::SetOnline(online) => online != state.online,
            Transition::Finish(..) => state.may_fire,
            Transition::StorageFailed => !state.disabled,
            Transition::Advance(_)
            | Transition::WorkerUnregistered(_)
            | Transition::OriginCleared(_)
            | Transition::Restart => true,
        }
    }

    fn apply(mut state: World, t: &Transition) -> World {
        match *t {
            Transition::Register { .. } => state.may_fire |= !state.disabled,
            Transition::RegisterPeriodic { sw, tag, .. } => {
                if !state.disabled {
                    state.may_fire = true;
                    if !state.periodic.contains(&(sw, tag)) {
                        state.periodic.push((sw, tag));
                    }
                }
            }
            Transition::UnregisterPeriodic { sw, tag } => {
                if !state.disabled {
                    state.periodic.retain(|&p| p != (sw, tag));
                }
            }
            Transition::OpenWindow(o) => state.window_open[o] = true,
            Transition::CloseWindow(o) => state.window_open[o] = false,
            Transition::SetOnline(online) => state.online = online,
            Transition::WorkerUnregistered(sw) => {
                if !state.disabled {
                    state.periodic.retain(|&(w, _)| w != sw);
                }
            }
            Transition::OriginCleared(o) => {
                if !state.disabled {
                    state.periodic.retain(|&(w, _)| WORKERS[w] != o);
                }
            }
            Transition::StorageFailed => {
                state.disabled = true;
                state.may_fire = false;
            }
            Transition::Restart => {
                state.disabled = false;
                state.may_fire = true;
            }
            Transition::Advance(_) | Transition::Finish(..) => {}
        }
        state
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MState {
    Pending,
    Waiting(u64),
    Firing { last_chance: bool, rereg: bool },
}

/// One registration of the model.
#[derive(Clone, Debug)]
struct MReg {
    sw: usize,
    kind: SyncKind,
    tag: &'static str,
    state: MState,
    attempts: u32,
    min_interval: u64,
    anchor: u64,
    /// The next periodic dispatch is exempt from the interval and gap (a retry or a re-fire).
    exempt: bool,
}

/// The system under test with the dumb model beside it.
struct Sut {
    engine: Engine,
    store: MemoryStore,
    now: u64,
    online: bool,
    disabled: bool,
    window_open: [bool; 2],
    model: Vec<MReg>,
    in_flight: Vec<(EventId, usize, SyncKind, &'static str)>,
    /// Per origin: the time of its last periodic round.
    last_round: [Option<u64>; 2],
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
        let mut s = Sut {
            engine: Engine::new(ConfigurablePolicy::new(config()), Timestamp(T0)),
            store: MemoryStore::new(),
            now: T0,
            online: true,
            disabled: false,
            window_open: [true, true],
            model: Vec::new(),
            in_flight: Vec::new(),
            last_round: [None, None],
        };
        s.announce();
        s
    }

    fn input(&mut self, input: Input) -> Result<sync_core::Handled, sync_core::SyncError> {
        self.engine.handle(Timestamp(self.now), input)
    }

    fn page_call(&mut self, input: Input) -> RequestId {
        self.input(input).expect("page calls are always accepted").request().expect("a page call has a request id")
    }

    /// Tells a fresh or restored engine about the world: workers, permissions, windows, network.
    fn announce(&mut self) {
        for (sw, &origin) in WORKERS.iter().enumerate() {
            let add = Input::AddWorker { sw: sw_id(sw), origin: ORIGINS[origin].into(), active: true };
            self.input(add).expect("a worker is announced");
        }
        for (o, origin) in ORIGINS.iter().enumerate() {
            let grant = Input::Permission {
                origin: (*origin).into(),
                name: PermissionName::PeriodicBackgroundSync,
                state: PermissionState::Granted,
            };
            self.input(grant).expect("permissions always apply");
            if self.window_open[o] {
                let open =
                    Input::ClientOpened { client: window_id(o), origin: (*origin).into(), frame: FrameType::TopLevel };
                self.input(open).expect("a window opens");
            }
        }
        self.input(Input::Network(NetworkState { online: self.online, metered: false })).expect("network applies");
    }

    fn find(&self, sw: usize, kind: SyncKind, tag: &str) -> Option<usize> {
        self.model.iter().position(|r| r.sw == sw && r.kind == kind && r.tag == tag)
    }

    /// Drains the engine, applying persists, and checks every dispatch against the model.
    fn drain(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        let mut expected: Vec<(usize, &'static str)> = Vec::new();
        if self.online && !self.disabled {
            for r in &self.model {
                let due = match r.state {
                    MState::Pending => true,
                    MState::Waiting(at) => at <= self.now,
                    MState::Firing { .. } => false,
                };
                if r.kind == SyncKind::OneOff && due {
                    expected.push((r.sw, r.tag));
                }
            }
        }
        while let Some(a) = self.engine.poll_action() {
            match &a {
                Action::Persist(m) => self.store.apply(std::slice::from_ref(m)).expect("the memory store applies"),
                Action::Dispatch(d) => self.observe_dispatch(d),
                _ => {}
            }
            out.push(a);
        }
        let mut fired: Vec<(usize, &'static str)> = out
            .iter()
            .filter_map(|a| match a {
                Action::Dispatch(d) if matches!(d.kind, DispatchKind::Sync { .. }) => {
                    let sw = (d.key().sw.0 - 1) as usize;
                    TAGS.iter().copied().find(|t| *t == &*d.tag).map(|t| (sw, t))
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
        assert!(!self.disabled, "nothing fires while disabled");
        let key = d.key();
        let sw = (key.sw.0 - 1) as usize;
        let idx = self.find(sw, key.kind, &d.tag).expect("no dispatch without a registration");
        let now = self.now;
        let origin = WORKERS[sw];
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
                    if let Some(last) = self.last_round[origin] {
                        assert!(now == last || now >= last + 12 * HOUR, "periodic events of one origin too close");
                    }
                    self.last_round[origin] = Some(now);
                }
                r.exempt = false;
                r.state = MState::Firing { last_chance: false, rereg: false };
            }
        }
        self.in_flight.push((d.event, sw, key.kind, tag));
    }

    fn register(&mut self, sw: usize, kind: SyncKind, tag: &'static str, min: u64) {
        let caller = Caller::Client(window_id(WORKERS[sw]));
        let input = match kind {
            SyncKind::OneOff => Input::Register { caller, sw: sw_id(sw), tag: tag.into() },
            SyncKind::Periodic => Input::RegisterPeriodic { caller, sw: sw_id(sw), tag: tag.into(), min_interval: min },
        };
        let request = self.page_call(input);
        if self.disabled {
            let actions = self.drain();
            assert!(!actions.iter().any(|a| matches!(a, Action::Persist(_))), "a disabled engine persists nothing");
            assert_eq!(rejection(&actions, request), Some(DomErrorName::UnknownError), "a disabled engine rejects");
            return;
        }
        let is_new = match self.find(sw, kind, tag) {
            None => {
                self.model.push(MReg {
                    sw,
                    kind,
                    tag,
                    state: MState::Pending,
                    attempts: 0,
                    min_interval: min,
                    anchor: self.now,
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
                .position(|a| {
                    matches!(a, Action::Persist(Mutation::Put(row))
                        if &*row.key.tag == tag && row.key.kind == kind && row.key.sw == sw_id(sw))
                })
                .expect("a new registration is persisted");
            assert!(persist_at < reply_at, "a reply never precedes its persist");
        }
    }

    fn unregister_periodic(&mut self, sw: usize, tag: &'static str) {
        // From the page when its window is open, else from the service worker's own scope.
        let origin = WORKERS[sw];
        let caller =
            if self.window_open[origin] { Caller::Client(window_id(origin)) } else { Caller::Worker(sw_id(sw)) };
        let request = self.page_call(Input::UnregisterPeriodic { caller, sw: sw_id(sw), tag: tag.into() });
        let actions = self.drain();
        if self.disabled {
            assert_eq!(rejection(&actions, request), Some(DomErrorName::UnknownError), "a disabled engine rejects");
            return;
        }
        assert!(
            actions.iter().any(|a| matches!(a, Action::Reply { request: r, result: Ok(_) } if *r == request)),
            "unregister resolves"
        );
        if let Some(i) = self.find(sw, SyncKind::Periodic, tag) {
            self.model.remove(i);
            self.in_flight.retain(|&(_, w, k, t)| !(w == sw && k == SyncKind::Periodic && t == tag));
        }
    }

    fn finish(&mut self, pick: usize, outcome: EventOutcome) {
        if self.in_flight.is_empty() {
            return;
        }
        let (event, sw, kind, tag) = self.in_flight.remove(pick % self.in_flight.len());
        self.input(Input::EventFinished { event, outcome }).expect("an event in flight settles");
        if let Some(i) = self.find(sw, kind, tag) {
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

    /// A worker goes away (unregistered, or its origin cleared): its registrations
    /// go, results of its events are ignored, and it comes back empty.
    fn forget_worker(&mut self, sw: usize) {
        self.model.retain(|r| r.sw != sw);
        let (gone, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut self.in_flight).into_iter().partition(|f| f.1 == sw);
        self.in_flight = kept;
        for (event, ..) in gone {
            self.input(Input::EventFinished { event, outcome: EventOutcome::Fulfilled })
                .expect("the result of a removed registration's event is ignored, not refused");
        }
        let add = Input::AddWorker { sw: sw_id(sw), origin: ORIGINS[WORKERS[sw]].into(), active: true };
        self.input(add).expect("the worker comes back");
        self.drain();
    }

    fn check_tags(&mut self) {
        for sw in 0..WORKERS.len() {
            for kind in [SyncKind::OneOff, SyncKind::Periodic] {
                let request = self.page_call(Input::GetTags { caller: Caller::Embedder, sw: sw_id(sw), kind });
                let actions = self.drain();
                if self.disabled {
                    assert_eq!(
                        rejection(&actions, request),
                        Some(DomErrorName::UnknownError),
                        "disabled getTags rejects"
                    );
                    continue;
                }
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
                    self.model.iter().filter(|r| r.sw == sw && r.kind == kind).map(|r| r.tag.to_string()).collect();
                got.sort();
                want.sort();
                assert_eq!(got, want, "{kind:?} registrations of worker {sw} differ from the model");
            }
        }
    }
}

/// The DOMException a page call's reply rejected with, if it did.
fn rejection(actions: &[Action], request: RequestId) -> Option<DomErrorName> {
    actions.iter().find_map(|a| match a {
        Action::Reply { request: r, result: Err(e) } if *r == request => Some(e.name),
        _ => None,
    })
}

impl StateMachineTest for Sut {
    type SystemUnderTest = Sut;
    type Reference = World;

    fn init_test(_: &World) -> Sut {
        Sut::new()
    }

    fn apply(mut s: Sut, _: &World, transition: Transition) -> Sut {
        match transition {
            Transition::Register { sw, tag } => s.register(sw, SyncKind::OneOff, TAGS[tag], 0),
            Transition::RegisterPeriodic { sw, tag, min } => s.register(sw, SyncKind::Periodic, TAGS[tag], min),
            Transition::UnregisterPeriodic { sw, tag } => s.unregister_periodic(sw, TAGS[tag]),
            Transition::OpenWindow(o) => {
                let open =
                    Input::ClientOpened { client: window_id(o), origin: ORIGINS[o].into(), frame: FrameType::TopLevel };
                s.input(open).expect("a closed window opens");
                s.window_open[o] = true;
                s.drain();
            }
            Transition::CloseWindow(o) => {
                s.input(Input::ClientClosed(window_id(o))).expect("an open window closes");
                s.window_open[o] = false;
                s.drain();
            }
            Transition::SetOnline(online) => {
                s.online = online;
                s.input(Input::Network(NetworkState { online, metered: false })).expect("network applies");
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
            Transition::WorkerUnregistered(sw) => {
                if s.disabled {
                    // Storage is gone: the engine cannot record the removal, and the
                    // generator does not ask it to.
                } else {
                    s.input(Input::WorkerUnregistered(sw_id(sw))).expect("a known worker unregisters");
                    s.drain();
                    s.forget_worker(sw);
                }
            }
            Transition::OriginCleared(o) => {
                if !s.disabled {
                    s.input(Input::OriginCleared(ORIGINS[o].into())).expect("clearing an origin applies");
                    s.drain();
                    for sw in (0..WORKERS.len()).filter(|&sw| WORKERS[sw] == o) {
                        s.forget_worker(sw);
                    }
                }
            }
            Transition::StorageFailed => {
                s.input(Input::StorageFailed { reason: "injected".into() }).expect("a storage failure applies");
                s.disabled = true;
                // The engine dropped its events in flight; their results can no longer arrive.
                s.in_flight.clear();
                s.drain();
                assert!(s.engine.poll_timeout().is_none(), "a disabled engine asks to be woken never");
            }
            Transition::Restart => {
                let snapshot = s.store.load().expect("the memory store loads");
                s.engine = Engine::restore(ConfigurablePolicy::new(config()), Timestamp(s.now), snapshot)
                    .expect("what was acknowledged restores");
                s.disabled = false;
                s.announce();
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
