//! Test kit for the tokio driver: a store that records (and can hold or fail)
//! its commits, a scripted dispatcher, and a driver on tokio's paused clock.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use sync_core::Input;
use sync_core::driver::{Driver, TokioClock};
use sync_core::store::{MemoryStore, Mutation, Snapshot, Store, StoreError};
use sync_core::{Caller, ClientId, Dispatch, Engine, LogRecord, SwRegId};
use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, PolicyConfig, Timestamp};
use tokio::sync::{broadcast, mpsc};

pub const A: &str = "https://a.test";
pub const B: &str = "https://b.test";
pub const C: &str = "https://c.test";
pub const R1: SwRegId = SwRegId(1);
pub const R2: SwRegId = SwRegId(2);
pub const R3: SwRegId = SwRegId(3);
pub const W1: ClientId = ClientId(1);
pub const W2: ClientId = ClientId(2);
pub const W3: ClientId = ClientId(3);
pub const T0: Timestamp = Timestamp(1_800_000_000_000);

/// What happened, in order, across the store thread and the test's tasks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// A commit landed with this many mutations.
    Commit(usize),
    /// A reply reached its caller.
    Reply(String),
}

/// The state a [`SharedStore`] keeps outside the driver.
#[derive(Default)]
pub struct StoreState {
    pub inner: MemoryStore,
    pub journal: Vec<Entry>,
    pub batches: Vec<Vec<Mutation>>,
    /// Fail every commit from now on.
    pub fail: bool,
    /// Hold each commit until the test sends a token; announce each hold.
    pub gate: Option<(std::sync::mpsc::Receiver<()>, mpsc::UnboundedSender<()>)>,
}

/// A [`Store`] whose state the test can read while the driver owns it.
#[derive(Clone, Default)]
pub struct SharedStore(pub Arc<Mutex<StoreState>>);

impl SharedStore {
    pub fn new() -> SharedStore {
        SharedStore::default()
    }

    /// Commits that landed.
    pub fn commits(&self) -> usize {
        self.0.lock().unwrap().batches.len()
    }

    pub fn journal(&self) -> Vec<Entry> {
        self.0.lock().unwrap().journal.clone()
    }

    pub fn note(&self, entry: Entry) {
        self.0.lock().unwrap().journal.push(entry);
    }

    pub fn snapshot(&self) -> Snapshot {
        self.0.lock().unwrap().inner.load().unwrap()
    }

    /// Makes every later commit wait for a token. Returns (token sender, "a commit is waiting" receiver).
    pub fn hold_commits(&self) -> (std::sync::mpsc::Sender<()>, mpsc::UnboundedReceiver<()>) {
        let (release, gate) = std::sync::mpsc::channel();
        let (waiting_tx, waiting) = mpsc::unbounded_channel();
        self.0.lock().unwrap().gate = Some((gate, waiting_tx));
        (release, waiting)
    }

    pub fn fail_commits(&self) {
        self.0.lock().unwrap().fail = true;
    }
}

impl Store for SharedStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        self.0.lock().unwrap().inner.load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        // Wait for the test's token outside the lock.
        let gate = self.0.lock().unwrap().gate.take();
        if let Some((release, waiting)) = gate {
            let _ = waiting.send(());
            let _ = release.recv();
            self.0.lock().unwrap().gate = Some((release, waiting));
        }
        let mut state = self.0.lock().unwrap();
        if state.fail {
            return Err(StoreError::Io("disk full (test)".into()));
        }
        state.inner.apply(batch)?;
        state.batches.push(batch.to_vec());
        state.journal.push(Entry::Commit(batch.len()));
        Ok(())
    }

    /// A held commit may take any time: the driver puts it on the blocking
    /// pool, as it does a commit that runs upkeep, and not on the thread the
    /// test needs to release it.
    fn commit_runs_upkeep(&self, _batch: &[Mutation]) -> bool {
        self.0.lock().unwrap().gate.is_some()
    }
}

/// What the scripted dispatcher does with an event.
#[derive(Clone, Copy, Debug)]
pub enum Script {
    /// Resolve after this long with this outcome.
    After(Duration, EventOutcome),
    /// Never resolve.
    Hang,
    /// Panic.
    Panic,
}

/// A dispatcher that follows a script per origin (default: fulfil at once)
/// and reports each event it receives.
#[derive(Clone)]
pub struct Scripted {
    pub scripts: Arc<Mutex<HashMap<String, Vec<Script>>>>,
    pub seen: mpsc::UnboundedSender<Dispatch>,
    /// Dispatch futures dropped before they finished (cancelled, or panicked).
    pub unfinished: Arc<AtomicUsize>,
}

/// Counts a dispatch future dropped before it finished.
struct Unfinished(Arc<AtomicUsize>, bool);

impl Drop for Unfinished {
    fn drop(&mut self) {
        if !self.1 {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
}

impl Scripted {
    pub fn new() -> (Scripted, mpsc::UnboundedReceiver<Dispatch>) {
        let (seen, rx) = mpsc::unbounded_channel();
        (Scripted { scripts: Arc::default(), seen, unfinished: Arc::default() }, rx)
    }

    /// Queue scripts for an origin's next events, in order; after they run
    /// out, the last one repeats.
    /// How many dispatch futures were dropped before they finished.
    pub fn unfinished(&self) -> usize {
        self.unfinished.load(Ordering::SeqCst)
    }

    pub fn script(&self, origin: &str, scripts: &[Script]) {
        self.scripts.lock().unwrap().insert(origin.to_string(), scripts.to_vec());
    }

    fn next(&self, origin: &str) -> Script {
        let mut all = self.scripts.lock().unwrap();
        match all.get_mut(origin) {
            Some(list) if list.len() > 1 => list.remove(0),
            Some(list) if list.len() == 1 => list[0],
            _ => Script::After(Duration::ZERO, EventOutcome::Fulfilled),
        }
    }
}

impl sync_core::driver::Dispatcher for Scripted {
    async fn dispatch(&self, event: Dispatch) -> EventOutcome {
        let script = self.next(event.origin.as_str());
        let _ = self.seen.send(event);
        let mut guard = Unfinished(Arc::clone(&self.unfinished), false);
        match script {
            Script::After(d, outcome) => {
                tokio::time::sleep(d).await;
                guard.1 = true;
                outcome
            }
            Script::Hang => std::future::pending().await,
            Script::Panic => panic!("scripted dispatcher panic"),
        }
    }
}

/// An engine with origins A, B and C, each with an active worker and an open window.
pub fn engine() -> Engine {
    let mut e = Engine::new(ConfigurablePolicy::new(PolicyConfig::chromium()), T0);
    for (sw, origin, client) in [(R1, A, W1), (R2, B, W2), (R3, C, W3)] {
        e.handle(T0, Input::AddWorker { sw, origin: origin.to_string(), active: true }).unwrap();
        e.handle(T0, Input::ClientOpened { client, origin: origin.to_string(), frame: FrameType::TopLevel }).unwrap();
    }
    e
}

/// A driver on tokio's clock (pause time first) around [`engine`].
pub fn start(store: SharedStore, dispatcher: Scripted) -> Driver<SharedStore> {
    Driver::builder(store, dispatcher).clock(TokioClock::new(T0)).spawn(engine())
}

/// `n` concurrent `register("tag-{i}")` calls by window `W1` on `R1`, each its own task.
pub fn spawn_registrations(
    sync: &sync_core::driver::Handle,
    n: usize,
) -> Vec<tokio::task::JoinHandle<Result<sync_core::ReplyValue, sync_core::DomError>>> {
    (0..n)
        .map(|i| {
            let sync = sync.clone();
            tokio::spawn(async move { sync.register(page(W1), R1, &format!("tag-{i}")).await })
        })
        .collect()
}

/// Waits for every call and requires each to resolve `Registered`.
pub async fn all_registered(calls: Vec<tokio::task::JoinHandle<Result<sync_core::ReplyValue, sync_core::DomError>>>) {
    for call in calls {
        assert_eq!(call.await.unwrap(), Ok(sync_core::ReplyValue::Registered));
    }
}

pub fn page(client: ClientId) -> Caller {
    Caller::Client(client)
}

/// The next log record with this name (skipping others), within `within` of virtual time.
pub async fn wait_log(rx: &mut broadcast::Receiver<LogRecord>, name: &str, within: Duration) -> LogRecord {
    let found = tokio::time::timeout(within, async {
        loop {
            match rx.recv().await {
                Ok(r) if r.name() == name => return r,
                Ok(_) => continue,
                Err(e) => panic!("log stream ended: {e}"),
            }
        }
    })
    .await;
    found.unwrap_or_else(|_| panic!("no {name:?} record within {within:?}"))
}

/// The next dispatch the dispatcher saw, within `within` of virtual time.
pub async fn wait_dispatch(rx: &mut mpsc::UnboundedReceiver<Dispatch>, within: Duration) -> Dispatch {
    tokio::time::timeout(within, rx.recv())
        .await
        .unwrap_or_else(|_| panic!("no dispatch within {within:?}"))
        .expect("dispatcher gone")
}

/// The virtual time now, as the driver's clock reads it.
pub fn elapsed_since(start: tokio::time::Instant) -> Duration {
    tokio::time::Instant::now() - start
}
