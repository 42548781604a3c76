//! Fault injection: for EVERY write k of a scripted workload (registrations,
//! events fired, failures with retries, periodic registrations, unregisters, a
//! worker unregistered), with an I/O error and with a full disk, reopening the
//! real SQLite file after the failure shows exactly what was acknowledged:
//! every registration in its latest acknowledged state, and nothing more.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use std::collections::{BTreeMap, HashMap};
use sync_core::Input;
use sync_core::store::{Fault, FaultyStore, MemoryStore, Mutation, Snapshot, SqliteStore, Store, StoreError};
use sync_core::{Action, DomErrorName, EventId, RegistrationKey, ReplyValue, RequestId, SwRegId};
use sync_policy::{EventOutcome, Millis, SyncKind};

/// A store that mirrors every batch that landed into memory.
struct Mirrored<S> {
    inner: S,
    landed: MemoryStore,
}

impl<S: Store> Store for Mirrored<S> {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        self.inner.load()
    }
    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        self.inner.apply(batch)?;
        self.landed.apply(batch)
    }
}

type Stack = Mirrored<FaultyStore<SqliteStore>>;

/// The workload's bookkeeping and the acknowledged state it checks against.
struct Run {
    rig: Rig<Stack>,
    /// The event in flight per tag.
    events: HashMap<String, EventId>,
    /// Register requests and the key each one is for.
    requests: HashMap<RequestId, RegistrationKey>,
    /// The engine's registrations as of the last drain whose write succeeded.
    acknowledged: BTreeMap<RegistrationKey, Seen>,
    /// When the last successful drain happened.
    acknowledged_at: sync_policy::Timestamp,
    /// Replies released after the failure.
    after_failure: Vec<Result<ReplyValue, DomErrorName>>,
}

impl Run {
    fn drain(&mut self) {
        let failed_before = self.rig.failed.is_some();
        let out = self.rig.drain();
        for d in dispatches(&out) {
            self.events.insert(d.tag.to_string(), d.event);
        }
        let replies = out.iter().filter_map(|a| match a {
            Action::Reply { request, result } => Some((*request, result.clone().map_err(|e| e.name))),
            _ => None,
        });
        if failed_before || self.rig.failed.is_some() {
            self.after_failure.extend(replies.filter(|(r, _)| self.requests.contains_key(r)).map(|(_, r)| r));
            return;
        }
        self.acknowledged = engine_view(&self.rig.engine);
        self.acknowledged_at = self.rig.now;
        for (request, result) in replies {
            if let (Some(key), Ok(ReplyValue::Registered)) = (self.requests.get(&request), result) {
                assert!(self.acknowledged.contains_key(key), "acknowledged {key:?} must be held");
            }
        }
    }

    fn register(&mut self, sw: u64, tag: &str) {
        let r = self.rig.register(sw, tag);
        self.requests.insert(r, RegistrationKey::new(SwRegId(sw), SyncKind::OneOff, tag));
    }

    fn register_periodic(&mut self, sw: u64, tag: &str, hours: u64) {
        let r = self.rig.register_periodic(sw, tag, Millis::from_hours(hours));
        self.requests.insert(r, RegistrationKey::new(SwRegId(sw), SyncKind::Periodic, tag));
    }

    fn finish(&mut self, tag: &str, outcome: EventOutcome) {
        if let Some(event) = self.events.remove(tag) {
            // Refused once the engine is disabled; that is part of what is tested elsewhere.
            let _ = self.rig.engine.handle(self.rig.now, Input::EventFinished { event, outcome }).map(drop);
        }
        self.drain();
    }

    fn advance(&mut self, by: Millis) {
        let target = self.rig.now.saturating_add(by);
        self.drain();
        while let Some(w) = self.rig.engine.poll_timeout() {
            if w.at > target {
                break;
            }
            self.rig.now = self.rig.now.max(w.at);
            self.rig.engine.handle_timeout(self.rig.now);
            self.drain();
        }
        self.rig.now = target;
        self.rig.engine.handle_timeout(target);
        self.drain();
    }
}

/// The scripted workload.
fn workload(run: &mut Run) {
    run.register(1, "a");
    run.drain();
    // Three callers before one drain: one write.
    run.register(1, "b");
    run.register(1, "c");
    run.register(2, "x");
    run.drain();
    run.finish("a", EventOutcome::Fulfilled);
    run.finish("b", EventOutcome::Rejected);
    run.finish("c", EventOutcome::TimedOut);
    run.register_periodic(1, "p", 12);
    run.register_periodic(2, "q", 24);
    run.drain();
    run.finish("x", EventOutcome::Rejected);
    run.advance(Millis::from_mins(5));
    run.finish("b", EventOutcome::Rejected);
    run.finish("c", EventOutcome::Fulfilled);
    run.register(1, "b");
    run.drain();
    run.finish("x", EventOutcome::Rejected);
    let r = run
        .rig
        .engine
        .handle(run.rig.now, Input::UnregisterPeriodic { caller: window(1), sw: SwRegId(1), tag: "p".into() })
        .unwrap()
        .request()
        .unwrap();
    run.requests.insert(r, RegistrationKey::new(SwRegId(1), SyncKind::Periodic, "p"));
    run.drain();
    run.register(2, "y");
    run.drain();
    run.advance(Millis::from_mins(15));
    run.finish("b", EventOutcome::Rejected);
    run.advance(Millis::from_hours(24));
    run.finish("q", EventOutcome::Fulfilled);
    run.finish("y", EventOutcome::Rejected);
    let _ = run.rig.engine.handle(run.rig.now, Input::WorkerUnregistered(SwRegId(2))).map(drop);
    run.drain();
    run.register(1, "z");
    run.drain();
}

fn run_with(store: FaultyStore<SqliteStore>) -> Run {
    let mut run = Run {
        rig: Rig::new(Mirrored { inner: store, landed: MemoryStore::new() }),
        events: HashMap::new(),
        requests: HashMap::new(),
        acknowledged: BTreeMap::new(),
        acknowledged_at: T0,
        after_failure: Vec::new(),
    };
    run.drain();
    workload(&mut run);
    run
}

#[test]
fn every_write_failing_leaves_exactly_the_acknowledged_state_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("count.db");
    let clean = run_with(FaultyStore::passthrough(SqliteStore::open(&path).unwrap()));
    let store = clean.rig.store;
    let writes = store.inner.writes();
    assert!(clean.rig.failed.is_none());
    assert!(writes >= 15, "the workload makes {writes} writes");
    println!("sweeping {writes} writes x 2 faults");
    drop(store);
    let on_disk = stored_view(&reopen(&path));
    assert!(same(&on_disk, &clean.acknowledged), "without faults the file matches the engine: {on_disk:?}");

    for k in 1..=writes {
        for fault in [Fault::Io, Fault::DiskFull] {
            let path = dir.path().join(format!("k{k}-{fault:?}.db"));
            let faulty = FaultyStore::failing_at(SqliteStore::open(&path).unwrap(), k, fault);
            let run = run_with(faulty);
            let mut store = run.rig.store;
            let context = format!("write {k} failing with {fault:?}");
            assert!(run.rig.failed.is_some(), "{context}: the failure reached the driver");
            assert!(run.rig.engine.is_disabled(), "{context}");
            assert!(
                run.after_failure.iter().all(|r| *r == Err(DomErrorName::UnknownError)),
                "{context}: nothing is acknowledged after the failure: {:?}",
                run.after_failure
            );
            let landed = sorted(store.landed.load().unwrap());
            drop(store);
            let on_disk = reopen(&path);
            assert_eq!(on_disk, landed, "{context}: the file holds exactly the batches that landed");
            let view = stored_view(&on_disk);
            assert!(
                same(&view, &run.acknowledged),
                "{context}: the file holds {view:?}, acknowledged {:?}",
                run.acknowledged
            );
            // A restart from the file (at the time of the last acknowledgement) recovers the acknowledged state.
            let rig = Rig::restore(SqliteStore::open(&path).unwrap(), run.acknowledged_at);
            let restored = engine_view(&rig.engine);
            assert!(same(&restored, &run.acknowledged), "{context}: restart gives {restored:?}");
        }
    }
}
