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
use sync_core::{Action, Caller, ClientId, Engine, EventId, RegistrationKey, RequestId, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, NetworkState, PermissionName, PermissionState,
    PolicyConfig, PowerState, SyncKind, Timestamp,
};

const ORIGINS: [&str; 3] = ["https://a.test", "https://b.test", "https://c.test"];

#[derive(Clone, Debug)]
enum Op {
    AddWorker(u64, usize, bool),
    Activate(u64),
    Unregister(u64),
    ClearOrigin(usize),
    OpenClient(u64, usize, FrameType),
    CloseClient(u64),
    Register(u64, CallerPick, String),
    RegisterPeriodic(u64, CallerPick, String, u64),
    UnregisterPeriodic(u64, CallerPick, String),
    GetTags(u64, CallerPick, bool),
    Network(bool, bool),
    Power(bool, bool, Option<u8>),
    Permission(usize, usize, usize),
    Engagement(usize, usize),
    EmulateOffline(u64, bool),
    Finish(u64, EventOutcome),
    FinishInFlight(usize, EventOutcome),
    DispatchNow(u64, bool, String),
    Advance(u64),
    Backwards(u64),
    Restart,
    StorageFailed,
}

#[derive(Clone, Copy, Debug)]
enum CallerPick {
    Client(u64),
    Worker(u64),
    Embedder,
}

fn tag() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "c", "", "über", "𝄞"]).prop_map(str::to_string),
        1 => "[a-z]{0,12}",
        1 => Just("x".repeat(10_241)),
    ]
}

fn caller() -> impl Strategy<Value = CallerPick> {
    prop_oneof![
        3 => (0u64..6).prop_map(CallerPick::Client),
        1 => (0u64..5).prop_map(CallerPick::Worker),
        1 => Just(CallerPick::Embedder),
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

fn op() -> impl Strategy<Value = Op> {
    let sw = 0u64..5;
    prop_oneof![
        2 => (sw.clone(), 0..ORIGINS.len(), any::<bool>()).prop_map(|(s, o, a)| Op::AddWorker(s, o, a)),
        1 => sw.clone().prop_map(Op::Activate),
        1 => sw.clone().prop_map(Op::Unregister),
        1 => (0..ORIGINS.len()).prop_map(Op::ClearOrigin),
        2 => (0u64..6, 0..ORIGINS.len(), frame()).prop_map(|(c, o, f)| Op::OpenClient(c, o, f)),
        1 => (0u64..6).prop_map(Op::CloseClient),
        6 => (sw.clone(), caller(), tag()).prop_map(|(s, c, t)| Op::Register(s, c, t)),
        3 => (sw.clone(), caller(), tag(), prop_oneof![Just(0u64), Just(1000), Just(1 << 53), Just(u64::MAX), any::<u64>()])
            .prop_map(|(s, c, t, m)| Op::RegisterPeriodic(s, c, t, m)),
        1 => (sw.clone(), caller(), tag()).prop_map(|(s, c, t)| Op::UnregisterPeriodic(s, c, t)),
        2 => (sw.clone(), caller(), any::<bool>()).prop_map(|(s, c, p)| Op::GetTags(s, c, p)),
        2 => (any::<bool>(), any::<bool>()).prop_map(|(o, m)| Op::Network(o, m)),
        1 => (any::<bool>(), any::<bool>(), prop::option::of(0u8..=100)).prop_map(|(s, c, l)| Op::Power(s, c, l)),
        2 => (0..ORIGINS.len(), 0..3usize, 0..4usize).prop_map(|(o, n, s)| Op::Permission(o, n, s)),
        1 => (0..ORIGINS.len(), 0..6usize).prop_map(|(o, e)| Op::Engagement(o, e)),
        1 => (sw.clone(), any::<bool>()).prop_map(|(s, o)| Op::EmulateOffline(s, o)),
        1 => (0u64..40, outcome()).prop_map(|(e, o)| Op::Finish(e, o)),
        4 => (any::<usize>(), outcome()).prop_map(|(i, o)| Op::FinishInFlight(i, o)),
        1 => (sw.clone(), any::<bool>(), tag()).prop_map(|(s, p, t)| Op::DispatchNow(s, p, t)),
        4 => prop::sample::select(vec![0u64, 1, 1000, 60_000, 180_000, 300_000, 3_600_000, 43_200_000, 90_000_000])
            .prop_map(Op::Advance),
        1 => (1u64..100_000_000).prop_map(Op::Backwards),
        1 => Just(Op::Restart),
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
}

impl World {
    fn caller(&self, c: CallerPick) -> Caller {
        match c {
            CallerPick::Client(i) => Caller::Client(ClientId(i)),
            CallerPick::Worker(i) => Caller::Worker(SwRegId(i)),
            CallerPick::Embedder => Caller::Embedder,
        }
    }

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
                    assert!(keys.contains(&d.key()), "dispatch for a live registration");
                    self.in_flight.push(d.event);
                }
                Action::Log(_) => {}
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

    fn apply(&mut self, op: Op) {
        let t = Timestamp(self.now);
        match op {
            Op::AddWorker(s, o, a) => {
                let _ = self.engine.add_worker(t, SwRegId(s), ORIGINS[o], a);
            }
            Op::Activate(s) => {
                let _ = self.engine.worker_activated(t, SwRegId(s));
            }
            Op::Unregister(s) => {
                if self.engine.worker_unregistered(t, SwRegId(s)).is_ok() {
                    self.emulated.remove(&s);
                }
            }
            Op::ClearOrigin(o) => {
                self.engine.origin_cleared(t, ORIGINS[o]);
                let live: BTreeSet<u64> = self.engine.workers().into_iter().map(|s| s.0).collect();
                self.emulated.retain(|s, _| live.contains(s));
            }
            Op::OpenClient(c, o, f) => {
                let _ = self.engine.client_opened(t, ClientId(c), ORIGINS[o], f);
            }
            Op::CloseClient(c) => {
                let _ = self.engine.client_closed(t, ClientId(c));
            }
            Op::Register(s, c, tag) => {
                let r = self.engine.register(t, self.caller(c), SwRegId(s), &tag);
                self.issue(r);
            }
            Op::RegisterPeriodic(s, c, tag, m) => {
                let r = self.engine.register_periodic(t, self.caller(c), SwRegId(s), &tag, m);
                self.issue(r);
            }
            Op::UnregisterPeriodic(s, c, tag) => {
                let r = self.engine.unregister_periodic(t, self.caller(c), SwRegId(s), &tag);
                self.issue(r);
            }
            Op::GetTags(s, c, p) => {
                let kind = if p { SyncKind::Periodic } else { SyncKind::OneOff };
                let r = self.engine.get_tags(t, self.caller(c), SwRegId(s), kind);
                self.issue(r);
            }
            Op::Network(online, metered) => {
                self.online = online;
                self.engine.set_network(t, NetworkState { online, metered });
            }
            Op::Power(saver, charging, level) => {
                self.engine.set_power(t, PowerState { battery_saver: saver, charging, battery_percent: level })
            }
            Op::Permission(o, n, s) => {
                let state = [
                    PermissionState::Granted,
                    PermissionState::Denied,
                    PermissionState::Prompt,
                    PermissionState::Unset,
                ][s];
                self.engine.set_permission(t, ORIGINS[o], PermissionName::ALL[n], state);
            }
            Op::Engagement(o, e) => {
                let level = [
                    Engagement::None,
                    Engagement::Minimal,
                    Engagement::Low,
                    Engagement::Medium,
                    Engagement::High,
                    Engagement::Max,
                ][e];
                self.engine.set_engagement(t, ORIGINS[o], level);
            }
            Op::EmulateOffline(s, off) => {
                if self.engine.emulate_offline(t, SwRegId(s), off).is_ok() {
                    let n = self.emulated.entry(s).or_default();
                    if off {
                        *n += 1;
                    } else {
                        *n = n.saturating_sub(1);
                    }
                }
            }
            Op::Finish(e, o) => {
                let _ = self.engine.event_finished(t, EventId(e), o);
            }
            Op::FinishInFlight(i, o) => {
                if !self.in_flight.is_empty() {
                    let e = self.in_flight.remove(i % self.in_flight.len());
                    let _ = self.engine.event_finished(t, e, o);
                }
            }
            Op::DispatchNow(s, p, tag) => {
                let kind = if p { SyncKind::Periodic } else { SyncKind::OneOff };
                let _ = self.engine.dispatch_now(t, &RegistrationKey::new(SwRegId(s), kind, &tag));
            }
            Op::Advance(ms) => {
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
            Op::Backwards(ms) => self.engine.handle_timeout(Timestamp(self.now.saturating_sub(ms))),
            Op::Restart => {
                // Request ids are per engine instance: everything issued so far was answered.
                assert_eq!(self.issued, self.answered, "every page call was answered before the restart");
                self.issued.clear();
                self.answered.clear();
                let snapshot = self.store.load().unwrap();
                let mut engine =
                    Engine::restore(policy(self.policy), t, snapshot).expect("a consistent store restores");
                engine.set_network(t, NetworkState { online: self.online, metered: false });
                self.engine = engine;
                self.in_flight.clear();
                self.emulated.clear();
            }
            Op::StorageFailed => self.engine.storage_failed(t, "injected"),
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
        ops in prop::collection::vec(op(), 1..120),
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
        };
        world.engine.add_worker(Timestamp(t0), SwRegId(0), ORIGINS[0], true).unwrap();
        world.engine.client_opened(Timestamp(t0), ClientId(0), ORIGINS[0], FrameType::TopLevel).unwrap();
        for (i, op) in ops.into_iter().enumerate() {
            let op = if fail_at == Some(i) { Op::StorageFailed } else { op };
            world.apply(op);
            STEPS.fetch_add(1, Ordering::Relaxed);
        }
        if std::env::var_os("FUZZ_REPORT").is_some() {
            eprintln!("fuzz_engine: {} engine steps so far", STEPS.load(Ordering::Relaxed));
        }
        prop_assert_eq!(&world.issued, &world.answered, "every page call was answered");
    }
}
