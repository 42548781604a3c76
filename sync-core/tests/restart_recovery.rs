//! Restart from the SQLite file: every registration comes back with its
//! state, attempt count and due time; an event in flight when the process
//! died comes back pending without using up its attempt; back-off delays
//! survive because due times are wall-clock.
#![cfg(feature = "sqlite")]

mod sqlite_kit;
use sqlite_kit::*;
use sync_core::Input;
use sync_core::store::{SqliteStore, Store, StoredPhase};
use sync_core::{DispatchKind, Explanation, RegistrationKey, SwRegId};
use sync_policy::{EventOutcome, Millis, NetworkState, SyncKind, WaitReason};

fn mins(m: u64) -> Millis {
    Millis::from_mins(m)
}

fn key(tag: &str) -> RegistrationKey {
    RegistrationKey::new(SwRegId(1), SyncKind::OneOff, tag)
}

/// Fails the only event among `actions`.
fn fail_the_dispatch(rig: &mut Rig<SqliteStore>, actions: &[sync_core::Action]) {
    let d = dispatches(actions);
    assert_eq!(d.len(), 1, "{actions:?}");
    rig.engine.handle(rig.now, Input::EventFinished { event: d[0].event, outcome: EventOutcome::Rejected }).unwrap();
    rig.drain();
}

#[test]
fn every_registration_comes_back_with_state_attempts_and_due_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut rig = Rig::new(SqliteStore::open(&path).unwrap());
    // "twice": failed twice, waiting 15 minutes.
    rig.register(1, "twice");
    let out = rig.drain();
    fail_the_dispatch(&mut rig, &out);
    let out = rig.advance(mins(5));
    fail_the_dispatch(&mut rig, &out);
    let twice_due = rig.now.saturating_add(mins(15));
    // "once": failed once, waiting 5 minutes.
    rig.now = rig.now.saturating_add(mins(1));
    rig.register(1, "once");
    let out = rig.drain();
    fail_the_dispatch(&mut rig, &out);
    let once_due = rig.now.saturating_add(mins(5));
    // A periodic registration, and a one-off held back offline.
    rig.register_periodic(2, "daily", Millis::from_hours(24));
    rig.engine.handle(rig.now, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    rig.register(1, "offline");
    rig.drain();
    assert!(rig.failed.is_none());
    let before = engine_view(&rig.engine);
    assert_eq!(before.len(), 4);
    let rig_now = rig.now;
    drop(rig);

    // The file holds the due times as wall-clock instants.
    let stored = reopen(&path);
    let row = |tag: &str| stored.registrations.iter().find(|r| &*r.key.tag == tag).unwrap().clone();
    assert_eq!((row("once").phase, row("once").attempts, row("once").due), (StoredPhase::Waiting, 1, once_due));
    assert_eq!((row("twice").phase, row("twice").attempts, row("twice").due), (StoredPhase::Waiting, 2, twice_due));
    assert_eq!(row("offline").phase, StoredPhase::Pending);

    let restart_at = rig_now.saturating_add(mins(1));
    let mut rig = Rig::restore(SqliteStore::open(&path).unwrap(), restart_at);
    rig.engine.handle(restart_at, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    rig.drain();
    assert_eq!(engine_view(&rig.engine), before, "same states, attempts and caps");
    assert_eq!(
        rig.engine.explain(&key("once")),
        Explanation::WaitingUntil { at: once_due, reason: WaitReason::BackOff }
    );
    assert_eq!(
        rig.engine.explain(&key("twice")),
        Explanation::WaitingUntil { at: twice_due, reason: WaitReason::BackOff }
    );
}

#[test]
fn an_event_in_flight_at_death_comes_back_pending_with_its_attempt_unused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut rig = Rig::new(SqliteStore::open(&path).unwrap());
    rig.register(1, "a");
    let out = rig.drain();
    fail_the_dispatch(&mut rig, &out);
    let out = rig.advance(mins(5));
    let second = dispatches(&out);
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].attempt, 1, "the second attempt is in flight");
    let died_at = rig.now;
    drop(rig); // the process dies with the event in flight

    let stored = reopen(&path);
    assert_eq!(stored.registrations[0].attempts, 1, "firing is not stored; the failed attempt is");
    let mut rig = Rig::restore(SqliteStore::open(&path).unwrap(), died_at.saturating_add(mins(1)));
    let out = rig.drain();
    let again = dispatches(&out);
    assert_eq!(again.len(), 1, "pending again, and online: it fires at once");
    assert_eq!(again[0].attempt, 1, "the interrupted attempt was not used up");
    assert_eq!(again[0].kind, DispatchKind::Sync { last_chance: false });
    rig.engine
        .handle(rig.now, Input::EventFinished { event: again[0].event, outcome: EventOutcome::Fulfilled })
        .unwrap();
    rig.drain();
    drop(rig);
    assert!(reopen(&path).registrations.is_empty());
}

#[test]
fn back_off_delays_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.db");
    let mut rig = Rig::new(SqliteStore::open(&path).unwrap());
    rig.register(1, "a");
    let out = rig.drain();
    fail_the_dispatch(&mut rig, &out);
    let due = rig.now.saturating_add(mins(5));
    drop(rig);

    // Restart 2 minutes in: nothing fires until the stored due time.
    let mut rig = Rig::restore(SqliteStore::open(&path).unwrap(), T0.saturating_add(mins(2)));
    assert!(dispatches(&rig.drain()).is_empty());
    assert_eq!(rig.engine.poll_timeout().map(|w| w.at), Some(due));
    assert!(dispatches(&rig.advance(mins(2))).is_empty());
    let out = rig.advance(mins(1));
    assert_eq!(dispatches(&out).len(), 1, "fires at the original due time");
    drop(rig);

    // Restart long after the due time passed while the browser was down: fires at once.
    let mut store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.load().unwrap().registrations[0].due, due);
    let mut rig = Rig::restore(store, T0.saturating_add(Millis::from_hours(5)));
    assert_eq!(dispatches(&rig.drain()).len(), 1);
}
