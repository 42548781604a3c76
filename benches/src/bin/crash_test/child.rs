//! The child: random traffic through engine + SQLite store + group commit,
//! reporting every batch before and after its commit (and `folded` after a
//! commit or `compact()` that folded the journal), until it is killed.

use super::protocol::encode;
use super::rng::Rng;
use std::io::Write;
use std::process::ExitCode;
use sync_core::Input;
use sync_core::commit::{CommitQueue, Effect};
use sync_core::store::{SqliteStore, Store};
use sync_core::{Caller, ClientId, Engine, EventId, SwRegId};
use sync_policy::{
    ConfigurablePolicy, Engagement, EventOutcome, FrameType, Millis, NetworkState, PermissionName, PermissionState,
    Timestamp,
};

/// Workers 1..=WORKERS, worker n on origin `https://on.test` with window client n.
const WORKERS: u64 = 3;
/// One-off tags per worker: small, so re-registrations and replacements happen.
const TAGS: u64 = 40;
/// Periodic tags per worker.
const PERIODIC_TAGS: u64 = 4;

fn origin(sw: u64) -> String {
    format!("https://o{sw}.test")
}

/// Announces worker `sw` with its window, periodic permission and engagement.
fn announce(engine: &mut Engine, now: Timestamp, sw: u64) -> Result<(), String> {
    let o = origin(sw);
    engine
        .handle(now, Input::AddWorker { sw: SwRegId(sw), origin: o.clone(), active: true })
        .map_err(|e| e.to_string())?;
    // Opening an already-open client is refused; that is fine on re-announce.
    let _ =
        engine.handle(now, Input::ClientOpened { client: ClientId(sw), origin: o.clone(), frame: FrameType::TopLevel });
    engine
        .handle(
            now,
            Input::Permission {
                origin: o.clone(),
                name: PermissionName::PeriodicBackgroundSync,
                state: PermissionState::Granted,
            },
        )
        .map_err(|e| e.to_string())?;
    engine.handle(now, Input::Engagement { origin: o.clone(), level: Engagement::High }).map_err(|e| e.to_string())?;
    Ok(())
}

struct Child {
    engine: Engine,
    store: SqliteStore,
    /// Upkeep is put off to `idle()` (see `run`).
    deferred: bool,
    now: Timestamp,
    rng: Rng,
    in_flight: Vec<EventId>,
    commits: CommitQueue,
    out: std::io::Stdout,
}

impl Child {
    /// One group commit, reported: the batch before the write, one `ack` per mutation after.
    fn drain(&mut self) -> Result<(), String> {
        let mut effects = self.commits.absorb(&mut self.engine);
        if let Some(batch) = self.commits.next_batch() {
            let lines: Vec<String> = batch.mutations().iter().map(encode).collect();
            let mut block = format!("begin {}\n", lines.len());
            for l in &lines {
                block.push_str("intent ");
                block.push_str(l);
                block.push('\n');
            }
            self.print(&block)?;
            let folds_before = self.store.folds();
            let outcome = batch.write(&mut self.store);
            effects.extend(self.commits.finish(&mut self.engine, batch, outcome).map_err(|f| f.to_string())?);
            for l in &lines {
                self.print(&format!("ack {l}\n"))?;
            }
            if self.store.folds() > folds_before {
                // This commit also folded the journal.
                self.print("folded\n")?;
            }
        }
        for effect in effects {
            if let Effect::Dispatch(d) = effect {
                self.in_flight.push(d.event);
            }
        }
        Ok(())
    }

    fn print(&mut self, text: &str) -> Result<(), String> {
        let mut out = self.out.lock();
        out.write_all(text.as_bytes()).and_then(|()| out.flush()).map_err(|e| format!("stdout: {e}"))
    }

    fn step(&mut self) -> Result<(), String> {
        let sw = 1 + self.rng.below(WORKERS);
        let caller = Caller::Client(ClientId(sw));
        match self.rng.below(100) {
            0..45 => {
                // Up to 8 concurrent callers share one commit.
                for _ in 0..1 + self.rng.below(8) {
                    let sw = 1 + self.rng.below(WORKERS);
                    let tag = format!("t{}", self.rng.below(TAGS));
                    self.engine
                        .handle(
                            self.now,
                            Input::Register { caller: Caller::Client(ClientId(sw)), sw: SwRegId(sw), tag: tag.into() },
                        )
                        .map_err(|e| e.to_string())?;
                }
            }
            45..75 => {
                if !self.in_flight.is_empty() {
                    let i = self.rng.below(self.in_flight.len() as u64) as usize;
                    let event = self.in_flight.swap_remove(i);
                    let outcome = match self.rng.below(10) {
                        0..5 => EventOutcome::Fulfilled,
                        5..9 => EventOutcome::Rejected,
                        _ => EventOutcome::TimedOut,
                    };
                    // Refused when it already timed out or its registration went away: fine.
                    let _ = self.engine.handle(self.now, Input::EventFinished { event, outcome });
                }
            }
            75..85 => {
                self.now = self.now.saturating_add(Millis::from_mins(self.rng.below(20)));
                self.engine.handle_timeout(self.now);
            }
            85..90 => {
                let tag = format!("p{}", self.rng.below(PERIODIC_TAGS));
                let hours = 12 + self.rng.below(37);
                self.engine
                    .handle(
                        self.now,
                        Input::RegisterPeriodic {
                            caller,
                            sw: SwRegId(sw),
                            tag: tag.into(),
                            min_interval: Millis::from_hours(hours).0,
                        },
                    )
                    .map_err(|e| e.to_string())?;
            }
            90..93 => {
                let tag = format!("p{}", self.rng.below(PERIODIC_TAGS));
                self.engine
                    .handle(self.now, Input::UnregisterPeriodic { caller, sw: SwRegId(sw), tag: tag.into() })
                    .map_err(|e| e.to_string())?;
            }
            93..94 => {
                // Folding changes nothing a load sees; a kill during it must not either. A
                // store with upkeep put off does a step of it instead: a fold or a checkpoint.
                let folds_before = self.store.folds();
                if self.deferred {
                    self.store.idle().map_err(|e| e.to_string())?;
                } else {
                    self.store.compact().map_err(|e| e.to_string())?;
                }
                if self.store.folds() > folds_before {
                    self.print("folded\n")?;
                }
            }
            94..95 => {
                self.engine.handle(self.now, Input::WorkerUnregistered(SwRegId(sw))).map_err(|e| e.to_string())?;
                self.drain()?;
                announce(&mut self.engine, self.now, sw)?;
            }
            _ => {
                let online = self.rng.below(4) != 0;
                self.engine
                    .handle(self.now, Input::Network(NetworkState { online, metered: false }))
                    .map_err(|e| e.to_string())?;
            }
        }
        self.drain()
    }
}

/// The child's options (the parent passes all of them).
#[derive(Debug, clap::Args)]
pub struct Options {
    /// The SQLite file.
    #[arg(long)]
    db: std::path::PathBuf,
    /// Seed of this child's traffic.
    #[arg(long)]
    seed: u64,
    /// The engine's clock at start (ms since the epoch).
    #[arg(long)]
    start_ms: u64,
    /// Journal rows at which the store folds.
    #[arg(long)]
    fold_threshold: u64,
    /// Steps before stopping, if not killed first.
    #[arg(long, default_value_t = 1_000_000)]
    ops: u64,
}

/// Runs traffic until killed (or `ops` steps).
pub fn run(options: &Options) -> Result<ExitCode, String> {
    let db = &options.db;
    let seed = options.seed;
    let now = Timestamp(options.start_ms);
    let fold_threshold = options.fold_threshold;
    let ops = options.ops;
    let mut store = SqliteStore::open(db).map_err(|e| e.to_string())?;
    store.set_fold_threshold(fold_threshold);
    // Every other child puts its upkeep off, as the tokio driver has it do, so kills
    // also land in idle folds and checkpoints and in commits that fold at the bound.
    let deferred = seed % 2 == 1;
    if deferred {
        store.defer_upkeep();
    }
    let snapshot = store.load().map_err(|e| e.to_string())?;
    let mut engine =
        Engine::restore(ConfigurablePolicy::default(), now, snapshot).map_err(|e| format!("restore: {e}"))?;
    engine.set_log_recording(false);
    for sw in 1..=WORKERS {
        announce(&mut engine, now, sw)?;
    }
    let mut child = Child {
        engine,
        store,
        deferred,
        now,
        rng: Rng::new(seed),
        in_flight: Vec::new(),
        commits: CommitQueue::new(),
        out: std::io::stdout(),
    };
    child.drain()?;
    for _ in 0..ops {
        child.step()?;
    }
    Ok(ExitCode::SUCCESS)
}
