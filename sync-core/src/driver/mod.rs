//! The tokio driver: a ready-made event loop around [`Engine`] for embedders
//! that run tokio (feature `tokio`, on by default), the way `quinn` wraps
//! `quinn-proto`.
//!
//! One tokio task owns the engine and the [`Store`]. Cloneable [`Handle`]s send
//! it page-side calls, environment changes and DevTools-style queries; the
//! embedder fires events through its [`Dispatcher`] and hears about what
//! happens through an optional [`Delegate`] and the log stream.
//!
//! # Smallest working program
//!
//! ```
//! use sync_core::driver::{Driver, Environment};
//! use sync_core::store::MemoryStore;
//! use sync_core::{Caller, ClientId, Dispatch, SwRegId};
//! use sync_policy::{ConfigurablePolicy, EventOutcome, FrameType, NetworkState, PowerState};
//!
//! #[tokio::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // Fire each event at the service worker; here every event succeeds.
//!     let dispatcher = |event: Dispatch| async move {
//!         println!("firing {:?} at {:?} ({})", event.tag, event.sw, event.origin);
//!         EventOutcome::Fulfilled
//!     };
//!     // Load the store (use SqliteStore on disk), restore the engine, start the task.
//!     // The device's state now, as the OS reports it: nothing restored fires before
//!     // the driver knows it (a start while offline burns no attempt).
//!     let network = NetworkState { online: true, metered: false };
//!     let environment = Environment { network, power: PowerState::default() };
//!     let driver = Driver::builder(MemoryStore::new(), dispatcher).restore(ConfigurablePolicy::default(), environment).await?;
//!     let sync = driver.handle();
//!     let mut log = sync.subscribe_log();
//!
//!     // The browser tells the driver about service workers and windows...
//!     sync.add_worker(SwRegId(1), "https://example.com", true).await?;
//!     sync.client_opened(ClientId(1), "https://example.com", FrameType::TopLevel).await?;
//!     // ...and forwards the page's `registration.sync.register("outbox")`.
//!     sync.register(Caller::Client(ClientId(1)), SwRegId(1), "outbox").await.map_err(|e| e.to_string())?;
//!
//!     // Online: the event fires at once; watch it complete.
//!     while let Ok(record) = log.recv().await {
//!         println!("{} {}", record.tag, record.name());
//!         if record.name() == "Sync completed" {
//!             break;
//!         }
//!     }
//!     // Stop, get the store back, and learn when to wake a closed browser.
//!     let stopped = driver.shutdown().await?;
//!     assert!(stopped.store.is_empty() && stopped.wakeup.is_none());
//!     Ok(())
//! }
//! ```
//!
//! # Call order inside the task
//!
//! Each turn of the task:
//! 1. End the events whose time limit ran out on the monotonic clock (drop
//!    their dispatcher futures, report them `TimedOut`), then, if
//!    [`Engine::poll_timeout`] has passed, call [`Engine::handle_timeout`].
//! 2. Take every input that is ready (up to [`DriverConfig::max_inputs_per_turn`]):
//!    handle calls, event results from dispatcher tasks, finished commits.
//!    Each is stamped with the clock's `now` when taken (held just before
//!    the wall-clock deadline of an event still within its time limit).
//! 3. Drain [`Engine::poll_action`] through the commit protocol
//!    ([`crate::commit`]): `Persist` goes into the next batch; `Reply`,
//!    `Dispatch` and `Log` queued after an uncommitted `Persist` are held
//!    until it is committed, the others go out at once; all in order.
//! 4. If no commit is in flight, commit the whole batch in **one**
//!    [`Store::apply`] on tokio's blocking pool. Inputs keep arriving while it
//!    runs; they form the next batch (group commit).
//! 5. Once nothing has come in for [`DriverConfig::upkeep_after`] and no
//!    batch waits, run one step of the store's put-off upkeep
//!    ([`Store::idle`]) on the blocking pool; a batch that comes meanwhile
//!    waits for that step, as it would for a commit in flight.
//! 6. Sleep until the next input, commit, event result, upkeep step or
//!    `poll_timeout()` (recomputed every turn).
//!
//! # Guarantees
//!
//! - **Durable before acknowledged.** A page call resolves only after every
//!   mutation the engine queued before its reply is committed.
//!   Events fire, and log records go out, on the same rule: nothing is fired
//!   for a registration that is not on disk, and a log record never describes
//!   a change the store has not seen.
//! - **Group commit.** Each commit carries everything queued since the last
//!   one; at most one commit is in flight at a time, and mutations are applied
//!   in the order the engine emitted them.
//! - **Storage failure.** When a commit fails, the engine is told
//!   ([`Input::StorageFailed`]): replies that waited for it, and every later
//!   page call, reject with `UnknownError`; events in flight are cancelled and
//!   nothing more is fired; the [`Delegate`] is told. A restart from the store
//!   recovers what was acknowledged.
//! - **Event deadlines.** Each [`Dispatch`](crate::Dispatch) runs in its own
//!   task, so a stuck event never delays another origin's. Its time limit
//!   (`deadline` minus the engine's time when it was emitted) runs on tokio's
//!   monotonic clock, so a wall-clock step neither extends nor shortens it.
//!   When it runs out, the dispatcher future is dropped and the event counts
//!   as `TimedOut`; a result that arrives later is dropped. A panicking
//!   dispatcher counts as `WorkerFailed`.
//! - **Contained delegate panics.** A panicking [`Delegate`] method loses that
//!   notification only; the task goes on and still returns the store.
//! - **Robust to callers.** A caller that stops waiting for its reply, or a
//!   log subscriber that goes away, never disturbs the task.
//! - **Graceful shutdown** ([`Driver::shutdown`]): later calls fail with
//!   [`DriverError::Closed`] (page calls reject with [`SHUT_DOWN`]); inputs
//!   already queued are handled; dispatcher futures in flight are dropped and
//!   their outcomes never reported, so those registrations are pending in the
//!   store (firing is never stored) and fire again at the next start; the
//!   in-flight commit and the rest of the batch are committed; the store comes
//!   back with a [`WakeupHint`]. When every handle is dropped the task stops
//!   the same way.

mod across;
mod clock;
mod command;
mod commit_place;
mod deadlines;
mod delegate;
mod dispatcher;
mod environment;
mod error;
mod handle;
mod log_stream;
mod task;
mod wakeup;

pub use across::{earliest_wakeup, wakeup_across};
pub use clock::{Clock, SystemClock, TokioClock};
pub use command::Answer;
pub use delegate::{DefaultDelegate, Delegate};
pub use dispatcher::Dispatcher;
pub use environment::Environment;
pub use error::{DriverError, SHUT_DOWN, StartError};
pub use handle::Handle;
pub use wakeup::{WakeupHint, WakeupReason};

use crate::engine::Engine;
use crate::input::Input;
use crate::privacy::LogPrivacy;
use crate::store::Store;
use command::Command;
use std::sync::Arc;
use std::time::Duration;
use sync_policy::Policy;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// Tuning of a driver. The defaults suit a browser profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DriverConfig {
    /// Calls that may wait in the input channel before callers wait to send (default 1024).
    pub channel_capacity: usize,
    /// Log records a slow subscriber may fall behind before it loses the oldest (default 1024).
    pub log_capacity: usize,
    /// Inputs taken per turn before the engine is drained (default 256).
    pub max_inputs_per_turn: usize,
    /// Before a commit starts, how many times the task yields to let callers
    /// that are already runnable (typically those whose replies the last commit
    /// released) deliver their next calls into the same batch; it stops early
    /// as soon as a yield brings nothing (default 4; 0 commits at once).
    pub commit_yields: usize,
    /// Longest single sleep: the wall clock is re-read at least this often, so a
    /// clock change is noticed (default 60 s).
    pub max_sleep: Duration,
    /// Store upkeep (journal folds, WAL checkpoints) off the commit path: the
    /// store is asked to put it off ([`Store::defer_upkeep`]) and the task runs
    /// it ([`Store::idle`], one bounded step at a time on the blocking pool)
    /// once no input or commit has come for this long (default 25 ms).
    /// `None` leaves it inside the commits.
    pub upkeep_after: Option<Duration>,
    /// Batches of at most this many mutations may commit on the driver
    /// task's own thread instead of tokio's blocking pool, and so may larger
    /// ones when no input waits in the task's channel (default 4; 0: no
    /// commit runs on the task's thread). See `commit_place.rs` for when they do.
    ///
    /// A commit on the pool costs two thread hand-offs (to a pool thread and
    /// back to a worker). Between one caller's calls the threads involved are
    /// asleep, so each hand-off wakes a sleeping CPU: about 45 µs a commit on
    /// the 2-core benchmark machine, a third of a one-caller durable
    /// acknowledgement (`benches/README.md`). Inline, that is saved, but the
    /// runtime thread running the driver is held for the commit's write and
    /// fsync (on a multi-thread runtime the other workers take its queued
    /// tasks; on a current-thread runtime nothing else runs meanwhile), and
    /// the task takes no input meanwhile. So only small batches or batches
    /// with nothing behind them, whose store does not say they run upkeep
    /// ([`Store::commit_runs_upkeep`]), while plain commits take less than
    /// [`DriverConfig::inline_commit_budget`].
    /// Set 0 for a store whose `apply` waits on work of the driver's own
    /// runtime, or when the runtime thread must never be held.
    pub inline_commit_max: usize,
    /// Batches commit on the driver's thread only while the store's recent
    /// plain commits take less than this on average (default 500 µs,
    /// half of tokio's 1 ms timer tick: a held thread delays the runtime's
    /// timers by less than a tick; zero: never). A disk slower than that, or
    /// one that turns slow, commits on the blocking pool.
    pub inline_commit_budget: Duration,
}

impl Default for DriverConfig {
    fn default() -> Self {
        DriverConfig {
            channel_capacity: 1024,
            log_capacity: 1024,
            max_inputs_per_turn: 256,
            commit_yields: 4,
            max_sleep: Duration::from_secs(60),
            upkeep_after: Some(Duration::from_millis(25)),
            inline_commit_max: 4,
            inline_commit_budget: Duration::from_micros(500),
        }
    }
}

/// What a stopped driver hands back.
#[derive(Debug)]
pub struct Stopped<S> {
    /// The store, with everything acknowledged committed.
    pub store: S,
    /// When the closed browser should be woken, and why (see [`WakeupHint`]).
    pub wakeup: Option<WakeupHint>,
}

/// A running driver: its [`Handle`] plus the right to shut it down.
#[derive(Debug)]
pub struct Driver<S> {
    handle: Handle,
    task: JoinHandle<Result<Stopped<S>, DriverError>>,
}

/// Builds a [`Driver`]: store and dispatcher first, then optionally a clock,
/// a delegate and a configuration, then [`Builder::restore`] or [`Builder::spawn`].
pub struct Builder<S, D> {
    store: S,
    dispatcher: D,
    clock: Arc<dyn Clock>,
    delegate: Arc<dyn Delegate>,
    config: DriverConfig,
    log_privacy: Option<LogPrivacy>,
}

impl<S> Driver<S>
where
    S: Store + Send + 'static,
{
    /// Starts building a driver around `store`, firing events through `dispatcher`.
    pub fn builder<D: Dispatcher>(store: S, dispatcher: D) -> Builder<S, D> {
        Builder {
            store,
            dispatcher,
            clock: Arc::new(SystemClock),
            delegate: Arc::new(DefaultDelegate),
            config: DriverConfig::default(),
            log_privacy: None,
        }
    }

    /// A handle for calls; clone it freely.
    pub fn handle(&self) -> Handle {
        self.handle.clone()
    }

    /// Shuts down gracefully (see the [module docs](self)) and returns the
    /// store and the wake-up hint.
    pub async fn shutdown(self) -> Result<Stopped<S>, DriverError> {
        // The task may already be stopping or gone; the join below tells.
        let _ = self.handle.tx.send(Command::Shutdown).await;
        drop(self.handle);
        match self.task.await {
            Ok(result) => result,
            Err(e) => Err(DriverError::Crashed(e.to_string())),
        }
    }
}

impl<S, D> Builder<S, D>
where
    S: Store + Send + 'static,
    D: Dispatcher,
{
    /// Reads `now` from this clock instead of the system clock.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Sends notifications to this delegate.
    pub fn delegate(mut self, delegate: impl Delegate) -> Self {
        self.delegate = Arc::new(delegate);
        self
    }

    /// How [`restore`](Self::restore)d engines show origins and tags in
    /// `tracing` output. Default: redacted with a fresh random key per start;
    /// pass a secret per-profile key for hashes that stay stable across
    /// starts (see [`LogPrivacy`]).
    pub fn log_privacy(mut self, privacy: LogPrivacy) -> Self {
        self.log_privacy = Some(privacy);
        self
    }

    /// Uses this configuration.
    pub fn config(mut self, config: DriverConfig) -> Self {
        self.config = config;
        self
    }

    /// Loads the store on the blocking pool, restores an engine from it at the
    /// clock's `now` with `policy`, applies the device's current `environment`
    /// before anything can fire, and spawns the driver task. Announce the
    /// service workers and open clients through the handle next.
    pub async fn restore<P: Policy + 'static>(
        self,
        policy: P,
        environment: Environment,
    ) -> Result<Driver<S>, StartError> {
        let Builder { mut store, dispatcher, clock, delegate, config, log_privacy } = self;
        let (store, loaded) = tokio::task::spawn_blocking(move || {
            let loaded = store.load();
            (store, loaded)
        })
        .await
        .map_err(|e| StartError::Join(e.to_string()))?;
        let now = clock.now();
        let mut engine = Engine::restore(policy, now, loaded?).map_err(StartError::Restore)?;
        // The driver does IO, so it may read OS randomness: a fresh key per start
        // unless the embedder gave its own (privacy.rs).
        engine.set_log_privacy(log_privacy.unwrap_or_else(LogPrivacy::random));
        // Stated before the task runs, so no restored registration fires on a network it assumed.
        for input in [Input::Network(environment.network), Input::Power(environment.power)] {
            engine.handle(now, input).map_err(StartError::Restore)?;
        }
        Ok(Builder { store, dispatcher, clock, delegate, config, log_privacy }.spawn(engine))
    }

    /// Spawns the driver task around an engine the caller built (its state
    /// must match the store's, and its network and power state must already
    /// be the device's: an engine restored from a store fires what is due as
    /// soon as the task runs). Must be called inside a tokio runtime.
    pub fn spawn<P: Policy + 'static>(mut self, engine: Engine<P>) -> Driver<S> {
        if self.config.upkeep_after.is_some() {
            self.store.defer_upkeep();
        }
        let (tx, rx) = mpsc::channel(self.config.channel_capacity.max(1));
        let logs = log_stream::LogStream::new(self.config.log_capacity);
        let handle = Handle { tx, logs: logs.clone() };
        let driver_task = task::Task {
            engine,
            store: Some(self.store),
            dispatcher: Arc::new(self.dispatcher),
            clock: self.clock,
            delegate: self.delegate,
            config: self.config,
            rx,
            logs,
            state: task::State::default(),
        };
        Driver { handle, task: tokio::spawn(driver_task.run()) }
    }
}
