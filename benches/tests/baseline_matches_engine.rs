//! The baseline and the engine, run on the same policy through one scripted
//! workload, dispatch the same registrations at the same times, with the same
//! `lastChance`, and report the same tags: the baseline is comparable for the
//! operations the benchmarks measure.

use std::collections::{BTreeMap, BTreeSet};
use sync_benches::baseline::Baseline;
use sync_benches::baseline::backend::DiscardBackend;
use sync_benches::workload::{OFFLINE, ONLINE, T0, client, origin_name, policy_config, sw};
use sync_core::Input;
use sync_core::{Action, Caller, DispatchKind, Engine, EventId, ReplyValue};
use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, Millis, SyncKind, Timestamp};

type Fired = BTreeSet<(u64, String, bool)>;

struct Both {
    engine: Engine,
    baseline: Baseline<DiscardBackend>,
    now: Timestamp,
    engine_events: BTreeMap<(u64, String), EventId>,
    baseline_events: BTreeMap<(u64, String), u64>,
}

impl Both {
    fn new(origins: u64) -> Both {
        let mut engine = Engine::new(ConfigurablePolicy::new(policy_config()), T0);
        engine.set_log_recording(false);
        let mut baseline = Baseline::new(ConfigurablePolicy::new(policy_config()), T0, DiscardBackend::default());
        for o in 0..origins {
            let name = origin_name(o);
            engine.handle(T0, Input::AddWorker { sw: sw(o), origin: name.to_string(), active: true }).unwrap();
            engine
                .handle(
                    T0,
                    Input::ClientOpened { client: client(o), origin: name.to_string(), frame: FrameType::TopLevel },
                )
                .unwrap();
            baseline.add_worker(T0, sw(o), &name, true);
            baseline.client_opened(T0, client(o), &name, FrameType::TopLevel);
        }
        Both { engine, baseline, now: T0, engine_events: BTreeMap::new(), baseline_events: BTreeMap::new() }
    }

    /// Drains both; returns what each dispatched.
    fn drain(&mut self) -> (Fired, Fired) {
        let mut e = Fired::new();
        while let Some(action) = self.engine.poll_action() {
            match action {
                Action::Dispatch(d) => {
                    let last = matches!(d.kind, DispatchKind::Sync { last_chance: true });
                    e.insert((d.sw.0, d.tag.to_string(), last));
                    self.engine_events.insert((d.sw.0, d.tag.to_string()), d.event);
                }
                Action::Reply { result, .. } => assert!(result.is_ok(), "engine rejected a call: {result:?}"),
                _ => {}
            }
        }
        let mut b = Fired::new();
        while let Some(d) = self.baseline.poll_dispatch() {
            b.insert((d.sw.0, d.tag.clone(), d.last_chance));
            self.baseline_events.insert((d.sw.0, d.tag), d.event);
        }
        (e, b)
    }

    fn register(&mut self, o: u64, tag: &str) -> (Fired, Fired) {
        self.engine
            .handle(self.now, Input::Register { caller: Caller::Client(client(o)), sw: sw(o), tag: tag.into() })
            .unwrap();
        self.baseline.register(self.now, client(o), sw(o), tag).unwrap();
        self.drain()
    }

    fn network(&mut self, online: bool) -> (Fired, Fired) {
        let state = if online { ONLINE } else { OFFLINE };
        self.engine.handle(self.now, Input::Network(state)).unwrap();
        self.baseline.set_network(self.now, state);
        self.drain()
    }

    fn settle(&mut self, o: u64, tag: &str, outcome: EventOutcome) -> (Fired, Fired) {
        let key = (sw(o).0, tag.to_owned());
        let e = self.engine_events.remove(&key).expect("engine dispatched it");
        let b = self.baseline_events.remove(&key).expect("baseline dispatched it");
        self.engine.handle(self.now, Input::EventFinished { event: e, outcome }).unwrap();
        self.baseline.event_finished(self.now, b, outcome).unwrap();
        self.drain()
    }

    fn advance(&mut self, by: Millis) -> (Fired, Fired) {
        let target = self.now.saturating_add(by);
        let mut fired = self.drain();
        while let Some(w) = self.engine.poll_timeout().filter(|w| w.at <= target) {
            self.now = self.now.max(w.at);
            self.engine.handle_timeout(self.now);
            let (e, _) = self.drain();
            fired.0.extend(e);
        }
        while let Some(at) = [SyncKind::OneOff, SyncKind::Periodic]
            .into_iter()
            .filter_map(|k| self.baseline.scheduled(k))
            .filter(|&at| at <= target)
            .min()
        {
            self.baseline.handle_timeout(at);
            let (_, b) = self.drain();
            fired.1.extend(b);
        }
        self.now = target;
        self.engine.handle_timeout(target);
        self.baseline.handle_timeout(target);
        let (e, b) = self.drain();
        fired.0.extend(e);
        fired.1.extend(b);
        fired
    }

    fn tags(&mut self, o: u64) -> (Vec<String>, Vec<String>) {
        let request = self
            .engine
            .handle(self.now, Input::GetTags { caller: Caller::Client(client(o)), sw: sw(o), kind: SyncKind::OneOff })
            .unwrap()
            .request()
            .unwrap();
        let mut e = Vec::new();
        while let Some(action) = self.engine.poll_action() {
            if let Action::Reply { request: r, result: Ok(ReplyValue::Tags(t)) } = action {
                assert_eq!(r, request);
                e = t.iter().map(|t| t.to_string()).collect();
            }
        }
        let b = self.baseline.get_tags(self.now, client(o), sw(o), SyncKind::OneOff).unwrap();
        (e, b)
    }
}

fn set(items: &[(u64, &str, bool)]) -> Fired {
    items.iter().map(|&(o, t, l)| (sw(o).0, t.to_owned(), l)).collect()
}

#[test]
fn both_dispatch_the_same_registrations_through_a_scripted_workload() {
    let mut w = Both::new(3);
    // Offline: registrations wait; a coalesced re-registration changes nothing.
    w.network(false);
    for (o, t) in [(0, "c"), (0, "a"), (0, "b"), (1, "d"), (2, "e")] {
        assert_eq!(w.register(o, t), (Fired::new(), Fired::new()));
    }
    assert_eq!(w.register(0, "a"), (Fired::new(), Fired::new()));
    let (e, b) = w.tags(0);
    assert_eq!(e, vec!["a", "b", "c"]);
    assert_eq!(e, b);
    assert_eq!((w.engine.len(), w.baseline.len()), (5, 5));

    // The flip fires everything pending, in both.
    let (e, b) = w.network(true);
    let all = set(&[(0, "a", false), (0, "b", false), (0, "c", false), (1, "d", false), (2, "e", false)]);
    assert_eq!(e, all);
    assert_eq!(b, all);

    // Successes go; failures wait 5 minutes, then 15, then fire as last chance.
    assert_eq!(w.settle(0, "a", EventOutcome::Fulfilled), (Fired::new(), Fired::new()));
    w.settle(0, "b", EventOutcome::Rejected);
    w.settle(0, "c", EventOutcome::Rejected);
    w.settle(1, "d", EventOutcome::Fulfilled);
    w.settle(2, "e", EventOutcome::WorkerFailed);
    assert_eq!(w.advance(Millis::from_mins(4)), (Fired::new(), Fired::new()));
    let (e, b) = w.advance(Millis::from_mins(1));
    let retry = set(&[(0, "b", false), (0, "c", false), (2, "e", false)]);
    assert_eq!((&e, &b), (&retry, &retry));

    // Online: a new tag fires at once; re-registering a firing one makes it fire again after it settles.
    let fresh = set(&[(1, "f", false)]);
    assert_eq!(w.register(1, "f"), (fresh.clone(), fresh));
    assert_eq!(w.register(0, "b"), (Fired::new(), Fired::new()));
    let again = set(&[(0, "b", false)]);
    assert_eq!(w.settle(0, "b", EventOutcome::Rejected), (again.clone(), again));
    w.settle(1, "f", EventOutcome::Fulfilled);

    // Second failures wait 15 minutes (then the last chance); b, reset by the re-registration, waits 5.
    w.settle(0, "c", EventOutcome::Rejected);
    w.settle(2, "e", EventOutcome::Rejected);
    w.settle(0, "b", EventOutcome::Rejected);
    assert_eq!(w.advance(Millis::from_mins(4)), (Fired::new(), Fired::new()));
    let b_again = set(&[(0, "b", false)]);
    assert_eq!(w.advance(Millis::from_mins(1)), (b_again.clone(), b_again));
    w.settle(0, "b", EventOutcome::Fulfilled);
    assert_eq!(w.advance(Millis::from_mins(9)), (Fired::new(), Fired::new()));
    let (e, b) = w.advance(Millis::from_mins(1));
    let last = set(&[(0, "c", true), (2, "e", true)]);
    assert_eq!((&e, &b), (&last, &last));

    // Last chances that fail are dropped; nothing is left.
    w.settle(0, "c", EventOutcome::Rejected);
    w.settle(2, "e", EventOutcome::Rejected);
    assert_eq!(w.advance(Millis::from_hours(2)), (Fired::new(), Fired::new()));
    assert_eq!((w.engine.len(), w.baseline.len()), (0, 0));
    assert_eq!(w.tags(0), (Vec::<String>::new(), Vec::new()));

    // Offline again, then back: nothing pending, nothing fires.
    w.network(false);
    assert_eq!(w.register(2, "g"), (Fired::new(), Fired::new()));
    let g = set(&[(2, "g", false)]);
    assert_eq!(w.network(true), (g.clone(), g));
}
