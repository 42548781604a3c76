//! Shared helpers of the SQLite store tests: rows, an engine wired to a store
//! through group commit, and a view of a store's contents to compare.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use sync_core::Input;
use sync_core::commit::drain_committed;
use sync_core::store::{Snapshot, SqliteStore, Store, StoredOrigin, StoredPeriodic, StoredPhase, StoredRegistration};
use sync_core::{Action, Caller, ClientId, Engine, Origin, RegistrationKey, RegistrationState, RequestId, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, FrameType, Millis, PermissionName, PermissionState, PolicyConfig, SyncKind,
    Timestamp,
};

pub const A: &str = "https://a.test";
pub const B: &str = "https://b.test";
pub const T0: Timestamp = Timestamp(1_800_000_000_000);

/// A one-off pending row.
pub fn one_off(sw: u64, tag: &str, seq: u64) -> StoredRegistration {
    StoredRegistration {
        key: RegistrationKey::new(SwRegId(sw), SyncKind::OneOff, tag),
        origin: Origin::new(A),
        phase: StoredPhase::Pending,
        attempts: 0,
        max_attempts: 3,
        due: Timestamp(0),
        seq,
        periodic: None,
    }
}

/// A periodic pending row.
pub fn periodic(sw: u64, tag: &str, seq: u64, min_interval: u64) -> StoredRegistration {
    StoredRegistration {
        key: RegistrationKey::new(SwRegId(sw), SyncKind::Periodic, tag),
        periodic: Some(StoredPeriodic { min_interval: Millis(min_interval), anchor: T0 }),
        ..one_off(sw, tag, seq)
    }
}

pub fn origin_row(origin: &str, last: Option<u64>) -> StoredOrigin {
    StoredOrigin { origin: Origin::new(origin), last_periodic: last.map(Timestamp) }
}

/// A snapshot in a canonical order, for comparisons.
pub fn sorted(mut s: Snapshot) -> Snapshot {
    s.registrations.sort_by(|a, b| a.key.cmp(&b.key));
    s.origins.sort_by(|a, b| a.origin.cmp(&b.origin));
    s
}

/// A fresh store file named `name` in a new temporary directory; returns the
/// directory (keep it alive), the file's path (for reopening) and the store.
pub fn fresh_store(name: &str) -> (tempfile::TempDir, std::path::PathBuf, SqliteStore) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join(name);
    let store = SqliteStore::open(&path).expect("open a fresh store");
    (dir, path, store)
}

/// Reopens the file and loads everything in it.
pub fn reopen(path: &Path) -> Snapshot {
    let mut store = SqliteStore::open(path).expect("reopen");
    sorted(store.load().expect("load"))
}

/// The bytes of a file, to show it was not modified.
pub fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("read file")
}

/// The policy of the store tests: Chromium's, with periodic sync allowed.
pub fn policy() -> ConfigurablePolicy {
    ConfigurablePolicy::new(PolicyConfig::chromium())
}

/// Announces worker 1 (origin A) and 2 (origin B), a window for each, and grants periodic sync.
pub fn announce<P: sync_policy::Policy>(engine: &mut Engine<P>, now: Timestamp) {
    for (sw, client, origin) in [(1, 1, A), (2, 2, B)] {
        engine.handle(now, Input::AddWorker { sw: SwRegId(sw), origin: origin.to_string(), active: true }).unwrap();
        engine
            .handle(
                now,
                Input::ClientOpened {
                    client: ClientId(client),
                    origin: origin.to_string(),
                    frame: FrameType::TopLevel,
                },
            )
            .unwrap();
        engine
            .handle(
                now,
                Input::Permission {
                    origin: origin.to_string(),
                    name: PermissionName::PeriodicBackgroundSync,
                    state: PermissionState::Granted,
                },
            )
            .unwrap();
        engine.handle(now, Input::Engagement { origin: origin.to_string(), level: Engagement::High }).unwrap();
    }
}

/// The caller of worker `sw`'s window.
pub fn window(sw: u64) -> Caller {
    Caller::Client(ClientId(sw))
}

/// An engine wired to a store through group commit, on a virtual clock.
pub struct Rig<S: Store> {
    pub engine: Engine,
    pub store: S,
    pub now: Timestamp,
    /// Everything released so far, in order.
    pub released: Vec<Action>,
    /// Set once a commit failed.
    pub failed: Option<sync_core::store::StoreError>,
}

impl<S: Store> Rig<S> {
    /// A fresh engine at T0 (workers announced) over `store`.
    pub fn new(store: S) -> Rig<S> {
        let mut engine = Engine::new(policy(), T0);
        announce(&mut engine, T0);
        Rig { engine, store, now: T0, released: Vec::new(), failed: None }
    }

    /// An engine restored from `store` at `now` (workers announced).
    pub fn restore(mut store: S, now: Timestamp) -> Rig<S> {
        let snapshot = store.load().expect("load");
        let mut engine = Engine::restore(policy(), now, snapshot).expect("restore");
        announce(&mut engine, now);
        Rig { engine, store, now, released: Vec::new(), failed: None }
    }

    /// One group-commit drain; returns what it released.
    pub fn drain(&mut self) -> Vec<Action> {
        let effects = match drain_committed(&mut self.engine, &mut self.store) {
            Ok(effects) => effects,
            Err(failed) => {
                self.failed.get_or_insert(failed.error);
                failed.effects
            }
        };
        let out: Vec<Action> = effects.into_iter().map(Action::from).collect();
        self.released.extend(out.iter().cloned());
        out
    }

    /// Advances the clock, waking the engine at every timeout on the way, draining each time.
    pub fn advance(&mut self, by: Millis) -> Vec<Action> {
        let target = self.now.saturating_add(by);
        let mut out = self.drain();
        while let Some(w) = self.engine.poll_timeout() {
            if w.at > target {
                break;
            }
            self.now = self.now.max(w.at);
            self.engine.handle_timeout(self.now);
            out.extend(self.drain());
        }
        self.now = target;
        self.engine.handle_timeout(target);
        out.extend(self.drain());
        out
    }

    pub fn register(&mut self, sw: u64, tag: &str) -> RequestId {
        self.engine
            .handle(self.now, Input::Register { caller: window(sw), sw: SwRegId(sw), tag: tag.into() })
            .unwrap()
            .request()
            .unwrap()
    }

    pub fn register_periodic(&mut self, sw: u64, tag: &str, min_interval: Millis) -> RequestId {
        self.engine
            .handle(
                self.now,
                Input::RegisterPeriodic {
                    caller: window(sw),
                    sw: SwRegId(sw),
                    tag: tag.into(),
                    min_interval: min_interval.0,
                },
            )
            .unwrap()
            .request()
            .unwrap()
    }

    /// The released reply to a request, if any.
    pub fn reply(&self, request: RequestId) -> Option<Result<sync_core::ReplyValue, sync_core::DomError>> {
        self.released.iter().find_map(|a| match a {
            Action::Reply { request: r, result } if *r == request => Some(result.clone()),
            _ => None,
        })
    }
}

/// A registration's phase as seen from outside.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SeenPhase {
    Pending,
    Waiting,
    /// In flight (engine only): never stored, so it matches the stored phase it
    /// fired from (pending, or waiting whose retry came due).
    Firing,
}

/// What a registration looks like from outside: the engine's listing, or a stored row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    pub phase: SeenPhase,
    pub attempts: u32,
    pub max_attempts: u32,
    pub min_interval: Option<u64>,
}

/// Whether two views hold the same registrations in matching states.
pub fn same(a: &BTreeMap<RegistrationKey, Seen>, b: &BTreeMap<RegistrationKey, Seen>) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|((ka, x), (kb, y))| {
            ka == kb
                && (x.phase == y.phase || x.phase == SeenPhase::Firing || y.phase == SeenPhase::Firing)
                && (x.attempts, x.max_attempts, x.min_interval) == (y.attempts, y.max_attempts, y.min_interval)
        })
}

/// The engine's registrations of workers 1 and 2.
pub fn engine_view<P: sync_policy::Policy>(engine: &Engine<P>) -> BTreeMap<RegistrationKey, Seen> {
    let mut out = BTreeMap::new();
    for sw in [SwRegId(1), SwRegId(2)] {
        for info in engine.registrations(sw) {
            let phase = match info.state {
                RegistrationState::Pending => SeenPhase::Pending,
                RegistrationState::Waiting => SeenPhase::Waiting,
                RegistrationState::Firing | RegistrationState::ReregisteredWhileFiring => SeenPhase::Firing,
                other => panic!("a registration state this kit does not compare yet: {other:?}"),
            };
            let seen = Seen {
                phase,
                attempts: info.attempts,
                max_attempts: info.max_attempts,
                min_interval: info.min_interval,
            };
            out.insert(info.key, seen);
        }
    }
    out
}

/// A store's registrations in the same terms.
pub fn stored_view(snapshot: &Snapshot) -> BTreeMap<RegistrationKey, Seen> {
    snapshot
        .registrations
        .iter()
        .map(|r| {
            let phase = match r.phase {
                StoredPhase::Pending => SeenPhase::Pending,
                StoredPhase::Waiting => SeenPhase::Waiting,
            };
            let seen = Seen {
                phase,
                attempts: r.attempts,
                max_attempts: r.max_attempts,
                min_interval: r.periodic.map(|p| p.min_interval.0),
            };
            (r.key.clone(), seen)
        })
        .collect()
}

/// Dispatches among released actions.
pub fn dispatches(actions: &[Action]) -> Vec<sync_core::Dispatch> {
    actions.iter().filter_map(|a| if let Action::Dispatch(d) = a { Some(d.clone()) } else { None }).collect()
}

/// Rows in `table` of the file, read behind the store's back.
pub fn count_rows(path: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open for counting");
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).expect("count")
}

/// Schema version 1 exactly as it shipped, to build version-1 files by hand.
pub const V1_SQL: &str = "CREATE TABLE registrations (
              sw INTEGER NOT NULL,
              kind INTEGER NOT NULL,
              tag TEXT NOT NULL,
              origin TEXT NOT NULL,
              seq INTEGER NOT NULL,
              phase INTEGER NOT NULL,
              attempts INTEGER NOT NULL,
              max_attempts INTEGER NOT NULL,
              due INTEGER NOT NULL,
              min_interval INTEGER,
              anchor INTEGER,
              PRIMARY KEY (sw, kind, tag)
          ) STRICT, WITHOUT ROWID;
          CREATE TABLE origins (
              origin TEXT NOT NULL PRIMARY KEY,
              last_periodic INTEGER
          ) STRICT, WITHOUT ROWID;";

/// Writes a store file at schema version 1 holding `rows` and `origins`, as a
/// build of that version would have left it (closed, WAL checkpointed).
pub fn v1_file(path: &Path, rows: &[StoredRegistration], origins: &[StoredOrigin]) {
    let mut conn = rusqlite::Connection::open(path).expect("create v1 file");
    conn.pragma_update(None, "journal_mode", "WAL").expect("wal");
    let tx = conn.transaction().expect("tx");
    tx.execute_batch(V1_SQL).expect("v1 schema");
    tx.pragma_update(None, "application_id", 0x4253_594E).expect("application_id");
    tx.pragma_update(None, "user_version", 1).expect("user_version");
    // Unsigned values are stored bit for bit in SQLite's signed integers.
    let b = |v: u64| v as i64;
    for r in rows {
        tx.execute(
            "INSERT INTO registrations VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            rusqlite::params![
                b(r.key.sw.0),
                match r.key.kind {
                    SyncKind::OneOff => 0,
                    SyncKind::Periodic => 1,
                },
                &*r.key.tag,
                r.origin.as_str(),
                b(r.seq),
                match r.phase {
                    StoredPhase::Pending => 0,
                    StoredPhase::Waiting => 1,
                },
                r.attempts,
                r.max_attempts,
                b(r.due.0),
                r.periodic.map(|p| b(p.min_interval.0)),
                r.periodic.map(|p| b(p.anchor.0)),
            ],
        )
        .expect("v1 row");
    }
    for o in origins {
        tx.execute(
            "INSERT INTO origins VALUES (?1, ?2)",
            rusqlite::params![o.origin.as_str(), o.last_periodic.map(|t| b(t.0))],
        )
        .expect("v1 origin");
    }
    tx.commit().expect("commit v1");
}
