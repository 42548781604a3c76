//! Fuzzing the engine with arbitrary input sequences, nonsense orders included
//! (unknown ids, results for events that never ran, time going backwards,
//! duplicate activations, restarts, storage failure). After every step:
//! - nothing panicked;
//! - every page call is answered exactly once;
//! - a dispatch names a live registration and never happens while offline;
//! - attempts never exceed the maximum;
//! - the store holds exactly the engine's registrations (memory never diverges from disk).
//!
//! CI runs `FUZZ_CASES` (default 64) sequences of up to 120 steps; the long run
//! is `FUZZ_CASES=20000 cargo test --release -p sync-core --test fuzz_engine`.

use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

/// Engine steps taken by every case of this run (printed with `FUZZ_REPORT=1`).
static STEPS: AtomicU64 = AtomicU64::new(0);
use sync_core::store::{MemoryStore, Store};
use sync_core::{Action, Caller, ClientId, Engine, EventId, Input, RegistrationKey, RequestId, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState,
    PolicyConfig, PowerState, SyncKind, Timestamp,
};

const ORIGINS: [&str; 3] = ["https://a.test", "https://b.test", "https://c.test"];

/// One fuzzing step: an engine input, or something the world does around the engine.
#[derive(Clone, Debug)]
enum Step {
    /// Fed as is through `Engine::handle`.
    Input(Input),
    /// Settle one of the events the engine actually dispatched.
    FinishInFlight(usize, EventOutcome),
    Advance(u64),
    Backwards(u64),
    Restart,
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "c", "", "über", "𝄞"]).prop_map(str::to_string),
        1 => "[a-z]{0,12}",
        1 => Just("x".repeat(10_241)),
    ]
}

fn caller() -> impl Strategy<Value = Caller> {
    prop_oneof![
        3 => (0u64..6).prop_map(|c| Caller::Client(ClientId(c))),
        1 => (0u64..5).prop_map(|s| Caller::Worker(SwRegId(s))),
        1 => Just(Caller::Embedder),
    ]
}

fn outcome() -> impl Strategy<Value = EventOutcome> {
    prop::sample::select(vec![
        EventOutcome::Fulfilled,
        EventOutcome::Rejected,
        EventOutcome::TimedOut,
        EventOutcome::WorkerFailed,
    ])
}

fn frame() -> impl Strategy<Value = FrameType> {
    prop::sample::select(FrameType::ALL.to_vec())
}

fn origin() -> impl Strategy<Value = String> {
    prop::sample::select(ORIGINS.to_vec()).prop_map(str::to_string)
}

fn kind() -> impl Strategy<Value = SyncKind> {
    prop_oneof![Just(SyncKind::OneOff), Just(SyncKind::Periodic)]
}

/// Every `Input` variant, with ids and values drawn so that most refer to
/// nothing, some collide, and some are out of range.
fn input() -> impl Strategy<Value = Input> {
    let sw = (0u64..5).prop_map(SwRegId);
    let permission = prop::sample::select(vec![
        PermissionState::Granted,
        PermissionState::Denied,
        PermissionState::Prompt,
        PermissionState::Unset,
    ]);
    let engagement = prop::sample::select(vec![
        Engagement::None,
        Engagement::Minimal,
        Engagement::Low,
        Engagement::Medium,
        Engagement::High,
        Engagement::Max,
    ]);
    prop_oneof![
        2 => (sw.clone(), origin(), any::<bool>()).prop_map(|(sw, origin, active)| Input::AddWorker { sw, origin, active }),
        1 => sw.clone().prop_map(Input::WorkerActivated),
        1 => sw.clone().prop_map(Input::WorkerUnregistered),
        1 => origin().prop_map(Input::OriginCleared),
        2 => (0u64..6, origin(), frame()).prop_map(|(c, origin, frame)| Input::ClientOpened { client: ClientId(c), origin, frame }),
        1 => (0u64..6).prop_map(|c| Input::ClientClosed(ClientId(c))),
        6 => (sw.clone(), caller(), tag()).prop_map(|(sw, caller, tag)| Input::Register { caller, sw, tag: tag.into() }),
        3 => (sw.clone(), caller(), tag(), prop_oneof![Just(0u64), Just(1000), Just(1 << 53), Just(u64::MAX), any::<u64>()])
            .prop_map(|(sw, caller, tag, min_interval)| Input::RegisterPeriodic { caller, sw, tag: tag.into(), min_interval }),
        1 => (sw.clone(), caller(), tag()).prop_map(|(sw, caller, tag)| Input::UnregisterPeriodic { caller, sw, tag: tag.into() }),
        2 => (sw.clone(), caller(), kind()).prop_map(|(sw, caller, kind)| Input::GetTags { caller, sw, kind }),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(online, metered)| Input::Network(NetworkState { online, metered })),
        1 => (any::<bool>(), any::<bool>(), prop::option::of(0u8..=100)).prop_map(|(battery_saver, charging, battery_percent)| {
            Input::Power(PowerState { battery_saver, charging, battery_percent })
        }),
        2 => (origin(), prop::sample::select(PermissionName::ALL.to_vec()), permission)
            .prop_map(|(origin, name, state)| Input::Permission { origin, name, state }),
        1 => (origin(), engagement).prop_map(|(origin, level)| Input::Engagement { origin, level }),
        1 => (sw.clone(), any::<bool>()).prop_map(|(sw, offline)| Input::EmulateOffline { sw, offline }),
        1 => (0u64..40, outcome()).prop_map(|(e, outcome)| Input::EventFinished { event: EventId(e), outcome }),
        1 => (sw.clone(), kind(), tag()).prop_map(|(sw, kind, tag)| Input::DispatchNow(RegistrationKey::new(sw, kind, &tag))),
        1 => (sw, kind(), tag(), any::<bool>())
            .prop_map(|(sw, kind, tag, last_chance)| Input::DispatchSynthetic { sw, kind, tag, last_chance }),
        1 => any::<bool>().prop_map(|enabled| Input::Switch { enabled }),
        1 => Just(Input::StorageWiped {}),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        30 => input().prop_map(Step::Input),
        4 => (any::<usize>(), outcome()).prop_map(|(i, o)| Step::FinishInFlight(i, o)),
        4 => prop::sample::select(vec![0u64, 1, 1000, 60_000, 180_000, 300_000, 3_600_000, 43_200_000, 90_000_000])
            .prop_map(Step::Advance),
        1 => (1u64..100_000_000).prop_map(Step::Backwards),
        1 => Just(Step::Restart),
    ]
}

fn policy(i: u8) -> ConfigurablePolicy {
    let mut c = if i.is_multiple_of(2) { PolicyConfig::chromium() } else { PolicyConfig::spec() };
    if i.is_multiple_of(3) {
        c.limits.max_concurrent_per_origin = Some(1);
        c.limits.max_concurrent_total = Some(3);
        c.register.max_registrations_per_origin = Some(4);
    }
    ConfigurablePolicy::new(c)
}

struct World {
    engine: Engine,
    store: MemoryStore,
    now: u64,
    policy: u8,
    online: bool,
    emulated: HashMap<u64, u32>,
    issued: BTreeSet<RequestId>,
    answered: BTreeSet<RequestId>,
    in_flight: Vec<EventId>,
    /// Events of DevTools' emulated dispatch: they name no registration.
    synthetic: BTreeSet<EventId>,
}

impl World {
    fn issue(&mut self, r: RequestId) {
        assert!(self.issued.insert(r), "request ids are unique");
    }

    fn drain(&mut self) {
        while let Some(a) = self.engine.poll_action() {
            match a {
                Action::Persist(m) => self.store.apply(std::slice::from_ref(&m)).unwrap(),
                Action::Reply { request, .. } => {
                    assert!(self.issued.contains(&request), "reply to an unknown request");
                    assert!(self.answered.insert(request), "a request is answered once");
                }
                Action::Dispatch(d) => {
                    assert!(self.online, "nothing fires while offline");
                    assert_eq!(
                        self.emulated.get(&d.sw.0).copied().unwrap_or(0),
                        0,
                        "nothing fires on an offline worker"
                    );
                    let keys: Vec<RegistrationKey> =
                        self.engine.registrations(d.sw).into_iter().map(|i| i.key).collect();
                    assert!(
                        self.synthetic.contains(&d.event) || keys.contains(&d.key()),
                        "dispatch for a live registration (or an emulated one)"
                    );
                    self.in_flight.push(d.event);
                }
                Action::Log(_) => {}
                other => panic!("an action the fuzzer does not check yet: {other:?}"),
            }
        }
    }

    fn check(&mut self) {
        if self.engine.is_disabled() {
            return;
        }
        let mut in_engine = BTreeSet::new();
        for sw in self.engine.workers() {
            for info in self.engine.registrations(sw) {
                assert!(info.attempts <= info.max_attempts.max(3), "attempts within the maximum");
                assert!(in_engine.insert(info.key), "at most one registration per key");
            }
        }
        let in_store: BTreeSet<RegistrationKey> =
            self.store.load().unwrap().registrations.into_iter().map(|r| r.key).collect();
        assert_eq!(in_engine, in_store, "memory and store hold the same registrations");
    }

    fn apply(&mut self, step: Step) {
        let t = Timestamp(self.now);
        match step {
            Step::Input(input) => {
                // What the world learns from an accepted input.
                let emulation = match &input {
                    Input::EmulateOffline { sw, offline } => Some((sw.0, *offline)),
                    _ => None,
                };
                let network = match &input {
                    Input::Network(state) => Some(state.online),
                    _ => None,
                };
                let forgets_workers = matches!(input, Input::WorkerUnregistered(_) | Input::OriginCleared(_));
                let synthetic = matches!(input, Input::DispatchSynthetic { .. });
                match self.engine.handle(t, input) {
                    Ok(handled) => {
                        if let Some(r) = handled.request() {
                            self.issue(r);
                        }
                        if let (true, Some(e)) = (synthetic, handled.event()) {
                            self.synthetic.insert(e);
                        }
                        if let Some((sw, off)) = emulation {
                            let n = self.emulated.entry(sw).or_default();
                            if off {
                                *n += 1;
                            } else {
                                *n = n.saturating_sub(1);
                            }
                        }
                        if let Some(online) = network {
                            self.online = online;
                        }
                        if forgets_workers {
                            let live: BTreeSet<u64> = self.engine.workers().into_iter().map(|s| s.0).collect();
                            self.emulated.retain(|s, _| live.contains(s));
                        }
                    }
                    Err(_) => assert!(network.is_none(), "a network change is never refused"),
                }
            }
            Step::FinishInFlight(i, o) => {
                if !self.in_flight.is_empty() {
                    let event = self.in_flight.remove(i % self.in_flight.len());
                    let _ = self.engine.handle(t, Input::EventFinished { event, outcome: o });
                }
            }
            Step::Advance(ms) => {
                let target = self.now.saturating_add(ms);
                let mut wakes = 0;
                while let Some(w) = self.engine.poll_timeout() {
                    if w.at.0 > target || wakes > 10_000 {
                        break;
                    }
                    self.now = self.now.max(w.at.0);
                    self.engine.handle_timeout(Timestamp(self.now));
                    self.drain();
                    wakes += 1;
                }
                self.now = target;
                self.engine.handle_timeout(Timestamp(target));
            }
            Step::Backwards(ms) => self.engine.handle_timeout(Timestamp(self.now.saturating_sub(ms))),
            Step::Restart => {
                // Request ids are per engine instance: everything issued so far was answered.
                assert_eq!(self.issued, self.answered, "every page call was answered before the restart");
                self.issued.clear();
                self.answered.clear();
                let snapshot = self.store.load().unwrap();
                let mut engine =
                    Engine::restore(policy(self.policy), t, snapshot).expect("a consistent store restores");
                engine
                    .handle(t, Input::Network(NetworkState { online: self.online, metered: false }))
                    .expect("a network change is never refused");
                self.engine = engine;
                self.in_flight.clear();
                self.emulated.clear();
            }
        }
        self.drain();
        self.check();
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: None,
        .. ProptestConfig::default()
    })]
    #[test]
    fn arbitrary_input_sequences_keep_the_invariants(
        policy_pick in 0u8..6,
        steps in prop::collection::vec(step(), 1..120),
        fail_at in prop::option::weighted(0.1, 0usize..120),
    ) {
        let t0 = 1_800_000_000_000u64;
        let mut world = World {
            engine: Engine::new(policy(policy_pick), Timestamp(t0)),
            store: MemoryStore::new(),
            now: t0,
            policy: policy_pick,
            online: true,
            emulated: HashMap::new(),
            issued: BTreeSet::new(),
            answered: BTreeSet::new(),
            in_flight: Vec::new(),
            synthetic: BTreeSet::new(),
        };
        let start = [
            Input::AddWorker { sw: SwRegId(0), origin: ORIGINS[0].into(), active: true },
            Input::ClientOpened { client: ClientId(0), origin: ORIGINS[0].into(), frame: FrameType::TopLevel },
        ];
        for input in start {
            world.engine.handle(Timestamp(t0), input).unwrap();
        }
        for (i, step) in steps.into_iter().enumerate() {
            let step = if fail_at == Some(i) { Step::Input(Input::StorageFailed { reason: "injected".into() }) } else { step };
            world.apply(step);
            STEPS.fetch_add(1, Ordering::Relaxed);
        }
        if std::env::var_os("FUZZ_REPORT").is_some() {
            eprintln!("fuzz_engine: {} engine steps so far", STEPS.load(Ordering::Relaxed));
        }
        prop_assert_eq!(&world.issued, &world.answered, "every page call was answered");
    }
}
