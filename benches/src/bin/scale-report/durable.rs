//! The on-disk figures: restart load time from SQLite, and durable
//! acknowledged registrations per second with 1 and 64 concurrent callers.
//!
//! - Engine: a `SqliteStore` file filled with the workload's `n` pending
//!   rows; restart = `SqliteStore::open` + `load()` + `Engine::restore`. The
//!   restored engine (offline) then runs inside the tokio driver on a
//!   2-thread runtime; callers await `Handle::register`, which resolves only
//!   after the registration is committed (group commit, `synchronous=FULL`).
//! - Baseline: a SQLite file with one blob per worker (`n / 100` blobs);
//!   restart = open + read every blob + decode + `InitImpl`'s scans. Callers
//!   send to one op-queue thread (Chromium's `BackgroundSyncOpScheduler`
//!   serializes operations), which runs each `register` to completion: its
//!   scans, the group re-encode and one durable blob write.
//!
//! Both use Chromium's policy with the per-origin quota off (each caller
//! registers thousands of tags on its own origin).

use crate::ReportError;
use crate::in_memory::Limit;
use crate::report::{Breakdown, RestartParts};
use std::future::Future;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use sync_benches::baseline::backend::SqliteBackend;
use sync_benches::baseline::proto;
use sync_benches::fixture::{BaselineScheduler, EngineScheduler, baseline_groups};
use sync_benches::workload::{OFFLINE, SCRATCH, client, origin_name, policy_config, sw};
use sync_core::driver::{Clock, Driver, DriverConfig, SystemClock};
use sync_core::store::sqlite::StoreTimings;
use sync_core::store::{Mutation, Snapshot, SqliteStore, Store, StoreError};
use sync_core::{Caller, Dispatch, Engine, Input};
use sync_policy::{ConfigurablePolicy, EventOutcome, PolicyConfig};
use tokio::sync::oneshot;

/// Most concurrent callers.
pub const CALLERS: u64 = 64;

/// Rounds per durable figure; the figure is their median (the disk's fsync
/// latency on a shared machine drifts from second to second).
pub const ROUNDS: u64 = 3;

/// Chromium's policy without the per-origin quota.
pub fn durable_config() -> PolicyConfig {
    let mut config = policy_config();
    config.register.max_registrations_per_origin = None;
    config
}

/// Origin index of durable caller `c`.
fn caller_origin(c: u64) -> u64 {
    SCRATCH + 1 + c
}

/// A unique 16-byte tag for caller `c`, op `i` of round `round` (below 10).
fn durable_tag(round: u64, c: u64, i: u64) -> String {
    format!("d{round}{c:02}{i:012}")
}

/// Restart and durable figures of one scheduler at one size.
#[derive(Clone, Debug, Default)]
pub struct DiskFigures {
    /// Open + load + restore, in seconds.
    pub restart_secs: f64,
    /// Rows written per second while filling the file (bulk, not per ack).
    pub fill_per_sec: f64,
    /// Acknowledged registrations per second with 1 caller.
    pub acks_1: Acks,
    /// With [`CALLERS`] callers.
    pub acks_many: Acks,
    /// Engine only: 1 caller again, with every commit on tokio's blocking
    /// pool (`DriverConfig::inline_commit_max` 0), where the default commits
    /// single registrations on the driver's thread once commits prove quick.
    pub acks_1_pool: Option<Acks>,
    /// Calls that did not resolve.
    pub failures: u64,
    /// Engine only: the restart in parts.
    pub restart_parts: Option<RestartParts>,
    /// Engine only: one commit's time in parts, 1 caller.
    pub breakdown_1: Option<Breakdown>,
    /// Engine only: the same with [`CALLERS`] callers.
    pub breakdown_many: Option<Breakdown>,
}

/// One durable figure: [`ROUNDS`] timed rounds.
#[derive(Clone, Debug, Default)]
pub struct Acks {
    /// Median of the rounds' acknowledgements per second.
    pub per_sec: f64,
    /// Each round's acknowledgements per second, in the order run.
    pub rounds: Vec<f64>,
    /// Acknowledgements over all rounds.
    pub acks: u64,
    /// Calls that did not resolve, over all rounds.
    pub failures: u64,
    /// Wall time of all rounds, seconds.
    pub wall_secs: f64,
    /// Median fsync latency (µs) of each probe: before each round and after
    /// the last, or with slices, the same as `round_fsync_us` (empty when not probed).
    pub fsync_us: Vec<f64>,
    /// The fsync latency (µs) each round is set against (see [`rounds`]).
    pub round_fsync_us: Vec<f64>,
}

impl Acks {
    /// Each round's rate as a fraction of `callers` ÷ fsync, the fsync being
    /// the one the round is set against (see [`rounds`]).
    pub fn fractions(&self, callers: u64) -> Vec<f64> {
        self.rounds
            .iter()
            .zip(&self.round_fsync_us)
            .map(|(rate, &fsync)| if fsync > 0.0 { rate * fsync / (callers as f64 * 1e6) } else { 0.0 })
            .collect()
    }
}

impl DiskFigures {
    /// The figures from the restart time, the fill rate and the two ack figures.
    fn new(restart_secs: f64, fill_per_sec: f64, one: Acks, many: Acks) -> DiskFigures {
        let failures = one.failures + many.failures;
        DiskFigures {
            restart_secs,
            fill_per_sec,
            acks_1: one,
            acks_many: many,
            acks_1_pool: None,
            failures,
            restart_parts: None,
            breakdown_1: None,
            breakdown_many: None,
        }
    }
}

/// A [`SqliteStore`] that publishes its [`StoreTimings`] after every commit,
/// so the report can read them while the driver owns the store.
struct TimedStore {
    inner: SqliteStore,
    shared: Arc<Mutex<StoreTimings>>,
}

impl Store for TimedStore {
    fn load(&mut self) -> Result<Snapshot, StoreError> {
        self.inner.load()
    }

    fn apply(&mut self, batch: &[Mutation]) -> Result<(), StoreError> {
        let result = self.inner.apply(batch);
        self.publish();
        result
    }

    fn defer_upkeep(&mut self) {
        self.inner.defer_upkeep();
    }

    fn upkeep_due(&self) -> bool {
        self.inner.upkeep_due()
    }

    fn idle(&mut self) -> Result<bool, StoreError> {
        let result = self.inner.idle();
        self.publish();
        result
    }

    fn commit_runs_upkeep(&self, batch: &[Mutation]) -> bool {
        self.inner.commit_runs_upkeep(batch)
    }
}

impl TimedStore {
    fn publish(&self) {
        if let Ok(mut t) = self.shared.lock() {
            *t = self.inner.timings();
        }
    }
}

fn read(shared: &Mutex<StoreTimings>) -> StoreTimings {
    shared.lock().map(|t| *t).unwrap_or_default()
}

/// One commit's time in parts over a stretch of rounds: the store's timings
/// between `before` and `after`, the engine's work estimated from its
/// in-memory cost per registration, and the rest (the driver's turnaround).
fn breakdown(before: StoreTimings, after: StoreTimings, acks: &Acks, wall_secs: f64, engine_ns: f64) -> Breakdown {
    let commits = after.commits.saturating_sub(before.commits).max(1) as f64;
    let us = |a: Duration, b: Duration| a.saturating_sub(b).as_secs_f64() * 1e6 / commits;
    let acks_per_commit = acks.acks as f64 / commits;
    let wall_us = wall_secs * 1e6 / commits;
    let statements_us = us(after.statements, before.statements);
    let commit_us = us(after.commit, before.commit);
    let fold_us = us(after.fold, before.fold);
    let checkpoint_us = us(after.checkpoint, before.checkpoint);
    let upkeep_us = us(after.upkeep, before.upkeep);
    let engine_us = engine_ns * acks_per_commit / 1e3;
    Breakdown {
        commits: after.commits.saturating_sub(before.commits),
        acks_per_commit,
        wall_us,
        engine_us,
        statements_us,
        commit_fsync_us: commit_us,
        fold_us,
        checkpoint_us,
        upkeep_us,
        upkeeps: after.upkeeps.saturating_sub(before.upkeeps),
        turnaround_us: (wall_us - engine_us - statements_us - commit_us - fold_us - checkpoint_us - upkeep_us).max(0.0),
        folds: after.folds.saturating_sub(before.folds),
        checkpoints: after.checkpoints.saturating_sub(before.checkpoints),
        wal_frames_per_commit: after.wal_frames.saturating_sub(before.wal_frames) as f64 / commits,
        fsync_share: if wall_us > 0.0 { commit_us / wall_us } else { 0.0 },
    }
}

/// Runs up to `limit.ops` registrations spread over `callers` concurrent
/// callers, each stopping at the deadline, with tags numbered from `first_tag`
/// per caller; returns (acks, failures, seconds).
async fn acks<F, Fut>(callers: u64, limit: Limit, round: u64, first_tag: u64, register: F) -> (u64, u64, f64)
where
    F: Fn(u64, String) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let per_caller = (limit.ops / callers).max(1);
    let start = Instant::now();
    let deadline = start + limit.budget;
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..callers {
        let register = register.clone();
        tasks.spawn(async move {
            let (mut ok, mut failed) = (0u64, 0u64);
            for i in first_tag..first_tag + per_caller {
                if Instant::now() >= deadline {
                    break;
                }
                if register(c, durable_tag(round, c, i)).await {
                    ok += 1;
                } else {
                    failed += 1;
                }
            }
            (ok, failed)
        });
    }
    let (mut ok, mut failed) = (0, 0);
    while let Some(done) = tasks.join_next().await {
        let (o, f) = done.unwrap_or((0, 1));
        ok += o;
        failed += f;
    }
    (ok, failed, start.elapsed().as_secs_f64())
}

/// Slices of a 1-caller round, each after a short fsync probe (see [`rounds`]).
pub const SLICES_1: u64 = 10;

/// [`ROUNDS`] rounds of [`acks`], each with its own tags (rounds `first..`),
/// with fsync probes in `probe` (a directory on the same disk); probe time is
/// not counted in `wall_secs`.
///
/// With `slices` 1, a probe runs before each round and after the last, and
/// each round is set against the mean of the two probes beside it. With more
/// slices, each round is cut into that many stretches of acks, each after a
/// short probe ([`crate::limit::probe_slice`]), and the round is set against
/// the median of all its probes' fsyncs: probe and commits then see the disk
/// at the same moments, which matters when other work shares it.
pub async fn rounds<F, Fut>(
    callers: u64,
    limit: Limit,
    first: u64,
    slices: u64,
    probe: Option<&Path>,
    register: F,
) -> Acks
where
    F: Fn(u64, String) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = bool> + Send,
{
    let mut out = Acks::default();
    let mut probed = Duration::ZERO;
    let run_probe = |out: &mut Acks| {
        let t = Instant::now();
        if let Some(dir) = probe {
            // A failed probe leaves the fractions unset; the rates stand.
            if let Ok(us) = crate::limit::probe(dir) {
                out.fsync_us.push(us);
            }
        }
        t.elapsed()
    };
    let slices = slices.max(1);
    let slice = Limit { ops: (limit.ops / slices).max(1), budget: limit.budget / u32::try_from(slices).unwrap_or(1) };
    let start = Instant::now();
    for round in first..first + ROUNDS {
        let (mut ok, mut failed, mut secs, mut samples) = (0, 0, 0.0, Vec::new());
        if slices == 1 {
            probed += run_probe(&mut out);
        }
        for s in 0..slices {
            if slices > 1
                && let Some(dir) = probe
            {
                let t = Instant::now();
                if let Ok(mut us) = crate::limit::probe_slice(dir) {
                    samples.append(&mut us);
                }
                probed += t.elapsed();
            }
            let per_caller = (slice.ops / callers).max(1);
            let (o, f, t) = acks(callers, slice, round, s * per_caller, register.clone()).await;
            ok += o;
            failed += f;
            secs += t;
        }
        out.rounds.push(if secs > 0.0 { ok as f64 / secs } else { 0.0 });
        out.acks += ok;
        out.failures += failed;
        if slices > 1 && !samples.is_empty() {
            samples.sort_by(f64::total_cmp);
            out.round_fsync_us.push(samples[samples.len() / 2]);
        }
    }
    let mut sorted = out.rounds.clone();
    sorted.sort_by(f64::total_cmp);
    out.per_sec = sorted.get(sorted.len() / 2).copied().unwrap_or(0.0);
    if slices == 1 {
        probed += run_probe(&mut out);
        if out.fsync_us.len() == out.rounds.len() + 1 {
            out.round_fsync_us = out.fsync_us.windows(2).map(|p| (p[0] + p[1]) / 2.0).collect();
        } else {
            out.fsync_us.clear();
        }
    } else {
        out.fsync_us = out.round_fsync_us.clone();
    }
    if out.round_fsync_us.len() != out.rounds.len() {
        out.round_fsync_us.clear();
    }
    out.wall_secs = start.elapsed().saturating_sub(probed).as_secs_f64();
    out
}

/// Adds the [`CALLERS`] callers' workers and windows to a running driver;
/// returns the register call each caller makes.
async fn announce_callers(
    handle: &sync_core::driver::Handle,
) -> Result<
    impl Fn(u64, String) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send>> + Clone + Send + 'static,
    ReportError,
> {
    for c in 0..CALLERS {
        let o = caller_origin(c);
        handle.add_worker(sw(o), &origin_name(o), true).await?;
        handle.client_opened(client(o), &origin_name(o), sync_policy::FrameType::TopLevel).await?;
    }
    let handle = handle.clone();
    Ok(move |c: u64, tag: String| {
        let handle = handle.clone();
        Box::pin(async move {
            let o = caller_origin(c);
            handle.register(Caller::Client(client(o)), sw(o), &tag).await.is_ok()
        }) as std::pin::Pin<Box<dyn Future<Output = bool> + Send>>
    })
}

fn runtime() -> Result<tokio::runtime::Runtime, ReportError> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}

/// The engine's restart and durable figures at size `n`, with files in `dir`.
///
/// `engine_ns` is the engine's in-memory cost of one `register()` at this
/// size, used to estimate its share of each commit's time.
pub fn engine(n: usize, dir: &Path, one: Limit, many: Limit, engine_ns: f64) -> Result<DiskFigures, ReportError> {
    let path = dir.join(format!("engine-{n}.db"));
    let fill_start = Instant::now();
    {
        let mut store = SqliteStore::open(&path)?;
        // Setup, not measured: key order makes SQLite's inserts appends.
        let mut rows = EngineScheduler::rows(n, false);
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let rows: Vec<Mutation> = rows.into_iter().map(Mutation::Put).collect();
        for batch in rows.chunks(10_000) {
            store.apply(batch)?;
        }
    }
    let fill_per_sec = n as f64 / fill_start.elapsed().as_secs_f64();

    let start = Instant::now();
    let mut store = SqliteStore::open(&path)?;
    let opened = Instant::now();
    let snapshot = store.load()?;
    let loaded = Instant::now();
    let now = SystemClock.now();
    let mut engine = Engine::restore(ConfigurablePolicy::new(durable_config()), now, snapshot)?;
    let restart_secs = start.elapsed().as_secs_f64();
    let parts = RestartParts {
        open_secs: (opened - start).as_secs_f64(),
        open_quick_check: store.checked_in_full(),
        load_secs: (loaded - opened).as_secs_f64(),
        restore_secs: loaded.elapsed().as_secs_f64(),
    };
    if engine.len() != n {
        return Err(ReportError::Check(format!("restored {} of {n} registrations", engine.len())));
    }

    engine.set_log_recording(false);
    engine.handle(now, Input::Network(OFFLINE))?;
    let mut stray = 0;
    while let Some(action) = engine.poll_action() {
        if matches!(action, sync_core::Action::Persist(_) | sync_core::Action::Dispatch(_)) {
            stray += 1;
        }
    }
    if stray > 0 {
        return Err(ReportError::Check(format!("{stray} persists or dispatches after restoring offline")));
    }
    let shared = Arc::new(Mutex::new(store.timings()));
    let store = TimedStore { inner: store, shared: Arc::clone(&shared) };
    let (acks_1, acks_many, b1, bm, acks_pool) = runtime()?.block_on(async move {
        let dispatcher = |_event: Dispatch| async { EventOutcome::Fulfilled };
        let driver = Driver::builder(store, dispatcher).spawn(engine);
        let register = announce_callers(&driver.handle()).await?;
        let t0 = read(&shared);
        let a1 = rounds(1, one, 0, SLICES_1, Some(dir), register.clone()).await;
        let t1 = read(&shared);
        let am = rounds(CALLERS, many, ROUNDS, 1, Some(dir), register).await;
        let t2 = read(&shared);
        let mut store = driver.shutdown().await?.store;
        let b1 = breakdown(t0, t1, &a1, a1.wall_secs, engine_ns);
        let bm = breakdown(t1, t2, &am, am.wall_secs, engine_ns);
        // The same store and file, restored again, under a driver that commits everything
        // on the blocking pool (not timed: a restart is measured above).
        let mut engine = Engine::restore(ConfigurablePolicy::new(durable_config()), SystemClock.now(), store.load()?)?;
        engine.set_log_recording(false);
        engine.handle(SystemClock.now(), Input::Network(OFFLINE))?;
        while engine.poll_action().is_some() {}
        let config = DriverConfig { inline_commit_max: 0, ..DriverConfig::default() };
        let driver = Driver::builder(store, dispatcher).config(config).spawn(engine);
        let register = announce_callers(&driver.handle()).await?;
        let ap = rounds(1, one, 2 * ROUNDS, SLICES_1, Some(dir), register).await;
        driver.shutdown().await?;
        Ok::<_, ReportError>((a1, am, b1, bm, ap))
    })?;
    let mut figures = DiskFigures::new(restart_secs, fill_per_sec, acks_1, acks_many);
    figures.failures += acks_pool.failures;
    figures.acks_1_pool = Some(acks_pool);
    figures.restart_parts = Some(parts);
    figures.breakdown_1 = Some(b1);
    figures.breakdown_many = Some(bm);
    Ok(figures)
}

/// The baseline's restart and durable figures at size `n`, with files in `dir`.
pub fn baseline(n: usize, dir: &Path, one: Limit, many: Limit) -> Result<DiskFigures, ReportError> {
    let path = dir.join(format!("baseline-{n}.db"));
    let fill_start = Instant::now();
    {
        let mut backend = SqliteBackend::open(&path)?;
        let mut values = Vec::new();
        for (sw, group) in baseline_groups(n, false) {
            let mut blob = Vec::new();
            proto::encode_group(&group, &mut blob);
            values.push((sw, blob));
        }
        backend.store_many(&values)?;
    }
    let fill_per_sec = n as f64 / fill_start.elapsed().as_secs_f64();

    let start = Instant::now();
    let backend = SqliteBackend::open(&path)?;
    let mut sched = BaselineScheduler::load_offline(backend, n, durable_config())?;
    let restart_secs = start.elapsed().as_secs_f64();
    if sched.baseline.len() != n {
        return Err(ReportError::Check(format!("baseline restored {} of {n}", sched.baseline.len())));
    }
    for c in 0..CALLERS {
        sched.announce(caller_origin(c));
    }
    // The op queue: one thread runs each operation to completion, in order.
    let (tx, rx) = std::sync::mpsc::channel::<(u64, String, oneshot::Sender<bool>)>();
    let queue = std::thread::spawn(move || {
        for (c, tag, reply) in rx {
            let ok = sched.register_on(caller_origin(c), &tag);
            // The caller may have gone; nothing to do then.
            let _ = reply.send(ok);
        }
    });
    let register = move |c: u64, tag: String| {
        let tx = tx.clone();
        async move {
            let (reply, answer) = oneshot::channel();
            if tx.send((c, tag, reply)).is_err() {
                return false;
            }
            answer.await.unwrap_or(false)
        }
    };
    let (acks_1, acks_many) = runtime()?.block_on(async move {
        let a1 = rounds(1, one, 0, SLICES_1, Some(dir), register.clone()).await;
        let am = rounds(CALLERS, many, ROUNDS, 1, Some(dir), register).await;
        (a1, am)
    });
    queue.join().map_err(|_| ReportError::Check("the baseline op queue panicked".into()))?;
    Ok(DiskFigures::new(restart_secs, fill_per_sec, acks_1, acks_many))
}

/// Budget helper: a limit of `ops` operations or `secs` seconds.
pub fn limit(ops: u64, secs: f64) -> Limit {
    Limit { ops, budget: Duration::from_secs_f64(secs) }
}
