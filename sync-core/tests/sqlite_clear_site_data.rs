//! "Clear site data", unregistering a service worker and revoking the
//! periodic permission erase the origin's rows from the store file itself:
//! once the store is closed, neither the database file nor a `-wal` next to
//! it holds the origin or its tags (`spec-notes/durability.md` §9, F4). Rows of other origins stay.
#![cfg(feature = "sqlite")]

mod sqlite_kit;

use sqlite_kit::{A, T0, one_off, policy, reopen};
use std::path::Path;
use sync_core::Input;
use sync_core::commit::{Effect, drain_committed};
use sync_core::store::{Mutation, SqliteStore, Store};
use sync_core::{Caller, ClientId, Engine, Origin, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, FrameType, NetworkState, PermissionName, PermissionState, PolicyConfig,
    RevocationAction,
};

const SECRET: &str = "https://clinic-hiv-testing.example";
const TAG: &str = "appointment-reminder";
const PERIODIC_TAG: &str = "lab-results-ready";
const DAY: u64 = 86_400_000;

/// Whether `needle` occurs in `path`'s bytes (a missing file holds nothing).
fn holds(path: &Path, needle: &str) -> bool {
    let Ok(bytes) = std::fs::read(path) else { return false };
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn wal(path: &Path) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-wal");
    name.into()
}

/// Neither the file nor its WAL holds any of `needles`.
fn assert_erased(path: &Path, needles: &[&str]) {
    for file in [path.to_path_buf(), wal(path)] {
        for needle in needles {
            assert!(!holds(&file, needle), "{} still holds {needle:?}", file.display());
        }
    }
}

/// An engine with the secret origin (worker 1, one-off and periodic
/// registrations) and an unrelated origin A (worker 2), offline so nothing
/// fires, over a store at `path` with every write committed.
fn filled(path: &Path, fold_between: bool) -> (Engine, SqliteStore) {
    filled_with(path, fold_between, policy())
}

fn filled_with(path: &Path, fold_between: bool, policy: ConfigurablePolicy) -> (Engine, SqliteStore) {
    let mut store = SqliteStore::open(path).unwrap();
    let mut engine = Engine::new(policy, T0);
    engine.handle(T0, Input::Network(NetworkState { online: false, metered: false })).unwrap();
    for (sw, origin) in [(1, SECRET), (2, A)] {
        engine.handle(T0, Input::AddWorker { sw: SwRegId(sw), origin: origin.to_string(), active: true }).unwrap();
        engine
            .handle(
                T0,
                Input::ClientOpened { client: ClientId(sw), origin: origin.to_string(), frame: FrameType::TopLevel },
            )
            .unwrap();
        engine
            .handle(
                T0,
                Input::Permission {
                    origin: origin.to_string(),
                    name: PermissionName::PeriodicBackgroundSync,
                    state: PermissionState::Granted,
                },
            )
            .unwrap();
        engine.handle(T0, Input::Engagement { origin: origin.to_string(), level: Engagement::High }).unwrap();
    }
    for round in 0..3 {
        engine
            .handle(
                T0,
                Input::Register {
                    caller: Caller::Client(ClientId(1)),
                    sw: SwRegId(1),
                    tag: format!("{TAG}-{round}").into(),
                },
            )
            .unwrap();
        engine
            .handle(
                T0,
                Input::RegisterPeriodic {
                    caller: Caller::Client(ClientId(1)),
                    sw: SwRegId(1),
                    tag: format!("{PERIODIC_TAG}-{round}").into(),
                    min_interval: DAY,
                },
            )
            .unwrap();
        engine
            .handle(
                T0,
                Input::Register {
                    caller: Caller::Client(ClientId(2)),
                    sw: SwRegId(2),
                    tag: format!("keep-{round}").into(),
                },
            )
            .unwrap();
        drain_committed(&mut engine, &mut store).unwrap();
        if fold_between && round == 1 {
            // Some rows in `registrations`, the rest in the journal.
            assert!(store.compact().unwrap() > 0);
        }
    }
    assert!(holds(path, SECRET) || holds(&wal(path), SECRET), "the secret origin was written");
    (engine, store)
}

fn check_after_close(path: &Path, store: SqliteStore, needles: &[&str], kept: usize) {
    drop(store);
    assert_erased(path, needles);
    let snapshot = reopen(path);
    assert_eq!(snapshot.registrations.len(), kept, "{snapshot:?}");
    assert!(snapshot.registrations.iter().all(|r| r.origin.as_str() == A));
}

#[test]
fn clearing_site_data_erases_the_origin_from_the_file() {
    for fold_between in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.db");
        let (mut engine, mut store) = filled(&path, fold_between);
        engine.handle(T0, Input::OriginCleared(SECRET.to_string())).unwrap();
        drain_committed(&mut engine, &mut store).unwrap();
        // Already gone from the file and the WAL while the store is open.
        assert_erased(&path, &[SECRET, TAG, PERIODIC_TAG]);
        check_after_close(&path, store, &[SECRET, TAG, PERIODIC_TAG], 3);
    }
}

#[test]
fn unregistering_a_worker_erases_its_rows_from_the_file() {
    for fold_between in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.db");
        let (mut engine, mut store) = filled(&path, fold_between);
        engine.handle(T0, Input::WorkerUnregistered(SwRegId(1))).unwrap();
        drain_committed(&mut engine, &mut store).unwrap();
        assert_erased(&path, &[SECRET, TAG, PERIODIC_TAG]);
        check_after_close(&path, store, &[SECRET, TAG, PERIODIC_TAG], 3);
    }
}

#[test]
fn revoking_the_periodic_permission_erases_the_periodic_tags_from_the_file() {
    for fold_between in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("profile.db");
        // The spec's rule: a revoked permission removes the periodic registrations
        // (Chromium keeps them, so nothing is deleted there).
        let mut config = PolicyConfig::chromium();
        config.periodic.on_permission_revoked = RevocationAction::Remove;
        let (mut engine, mut store) = filled_with(&path, fold_between, ConfigurablePolicy::new(config));
        engine
            .handle(
                T0,
                Input::Permission {
                    origin: SECRET.to_string(),
                    name: PermissionName::PeriodicBackgroundSync,
                    state: PermissionState::Denied,
                },
            )
            .unwrap();
        drain_committed(&mut engine, &mut store).unwrap();
        // The one-off registrations of the origin stay; its periodic tags go.
        drop(store);
        assert_erased(&path, &[PERIODIC_TAG]);
        let snapshot = reopen(&path);
        assert_eq!(snapshot.registrations.len(), 6, "3 one-off of the origin, 3 of A");
        assert!(snapshot.registrations.iter().all(|r| r.periodic.is_none() || r.origin.as_str() == A));
    }
}

#[test]
fn a_completed_registration_leaves_no_tag_behind_after_close() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.db");
    let (mut engine, mut store) = filled(&path, true);
    // Going online fires the one-off events; each one that succeeds is deleted.
    engine.handle(T0, Input::Network(NetworkState { online: true, metered: false })).unwrap();
    let mut events = Vec::new();
    for effect in drain_committed(&mut engine, &mut store).unwrap() {
        if let Effect::Dispatch(d) = effect {
            events.push(d.event);
        }
    }
    assert_eq!(events.len(), 6, "three one-off events per origin");
    for event in events {
        engine.handle(T0, Input::EventFinished { event, outcome: sync_policy::EventOutcome::Fulfilled }).unwrap();
    }
    drain_committed(&mut engine, &mut store).unwrap();
    drop(store);
    assert_erased(&path, &[TAG]);
}

#[test]
fn a_folded_journal_leaves_no_copy_of_a_key_erased_later() {
    // The fold copies the journal's puts inside SQLite and empties the journal with one
    // `DELETE`; `secure_delete` zeroes every journal copy, the superseded ones too, so
    // erasing the key afterwards leaves none behind.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("profile.db");
    let mut store = SqliteStore::open(&path).unwrap();
    let secret = |seq| {
        let mut row = one_off(1, TAG, seq);
        row.origin = Origin::new(SECRET);
        row
    };
    for seq in 1..=3 {
        store
            .apply(&[Mutation::Put(secret(seq)), Mutation::Put(one_off(2, &format!("keep-{seq}"), 10 + seq))])
            .unwrap();
    }
    assert_eq!(store.compact().unwrap(), 6, "the key put three times, three other keys");
    store.apply(&[Mutation::DeleteWorker(SwRegId(1)), Mutation::DeleteOrigin(Origin::new(SECRET))]).unwrap();
    check_after_close(&path, store, &[SECRET, TAG], 3);
}
