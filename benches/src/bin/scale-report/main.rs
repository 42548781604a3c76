//! `scale-report`: the engine against the Chromium-style baseline at growing
//! sizes, as a markdown table on stdout and a JSON file.
//!
//! ```text
//! cargo run --release -p sync-benches --bin scale-report -- [--max 1000000] [--json PATH]
//! ```
//!
//! Sizes are 1e3, 1e4, 1e5 and 1e6 up to `--max` (plus `--max` itself when it
//! is none of those). Every figure, and how it is measured, is described in
//! `benches/README.md`. CI runs it with `--max 10000`.

// The counting allocator is the one `unsafe` outside the C ABI: it forwards to `System`.
#[allow(unsafe_code)]
mod alloc;
mod apalis;
mod durable;
mod in_memory;
mod limit;
mod machine;
mod plots;
mod profiles;
mod report;
mod tables;

use clap::Parser;
use in_memory::Limit;
use report::{Figures, LimitFigures, Ratios, Report, SizeReport, Workload};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use sync_benches::fixture::{BaselineScheduler, EngineScheduler, Scheduler};
use sync_benches::workload::{PER_ORIGIN, TAG_BYTES};

#[global_allocator]
static GLOBAL: alloc::Counting = alloc::Counting;

/// Why the report could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A fixture could not be built.
    #[error(transparent)]
    Fixture(#[from] sync_benches::fixture::FixtureError),
    /// The SQLite store failed.
    #[error(transparent)]
    Store(#[from] sync_core::store::StoreError),
    /// The engine refused a snapshot.
    #[error(transparent)]
    Sync(#[from] sync_core::SyncError),
    /// The driver failed.
    #[error(transparent)]
    Driver(#[from] sync_core::driver::DriverError),
    /// The baseline's backend failed.
    #[error(transparent)]
    Backend(#[from] sync_benches::baseline::backend::BackendError),
    /// The baseline failed.
    #[error(transparent)]
    Baseline(#[from] sync_benches::baseline::BaselineError),
    /// A file or the runtime failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The JSON could not be written.
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// A consistency check of the measurement failed.
    #[error("check failed: {0}")]
    Check(String),
}

/// Scheduler throughput and scale: the engine against a full-scan baseline.
#[derive(Debug, Parser)]
#[command(name = "scale-report", version)]
struct Args {
    /// Largest size in registrations (at least 1000): sizes are 1e3, 1e4, 1e5, 1e6 up to it.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1_000..=10_000_000))]
    max: u64,
    /// Write the JSON report here.
    #[arg(long)]
    json: Option<PathBuf>,
    /// Directory for the SQLite files (default: a fresh directory in the system temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Skip the SQLite and driver figures (they are null in the JSON).
    #[arg(long)]
    no_disk: bool,
    /// Largest profile count of the many-profiles figure (1, 10, 100, 1000 up to it; 0 skips it).
    #[arg(long, default_value_t = 1000)]
    max_profiles: usize,
    /// Skip the apalis comparison.
    #[arg(long)]
    no_apalis: bool,
}

fn sizes(max: usize) -> Vec<usize> {
    let mut v: Vec<usize> = [1_000, 10_000, 100_000, 1_000_000].into_iter().filter(|&n| n <= max).collect();
    if v.last() != Some(&max) {
        v.push(max);
    }
    v
}

/// The in-memory figures of `S`, starting from `build` (timed, and counted by the allocator).
fn in_memory<S: Scheduler>(n: usize, build: impl FnOnce() -> Result<S, ReportError>) -> Result<Figures, ReportError> {
    let start = Instant::now();
    let (built, bytes) = alloc::measure(build);
    let build_secs = start.elapsed().as_secs_f64();
    let mut s = built?;
    if s.len() != n {
        return Err(ReportError::Check(format!("{} built {} of {n} registrations", S::NAME, s.len())));
    }
    let baseline = S::NAME == "baseline";
    let limit = Limit { ops: 300_000, budget: Duration::from_millis(1500) };
    let register = in_memory::register_new(&mut s, limit);
    let coalesced = in_memory::register_coalesced(&mut s, n, limit);
    let reps = match (baseline, n >= 1_000_000) {
        (false, false) => 9,
        (false, true) | (true, false) => 5,
        (true, true) => 3,
    };
    let (flip_us, flips) = in_memory::flip(&mut s, reps);
    if s.len() != n || s.rejections() > 0 {
        return Err(ReportError::Check(format!("{}: size {} or {} refusals", S::NAME, s.len(), s.rejections())));
    }
    let settle_budget = if baseline { Duration::from_millis(1500) } else { Duration::from_secs(600) };
    let drain = in_memory::drain(&mut s, settle_budget);
    if !drain.sampled && !s.is_empty() {
        return Err(ReportError::Check(format!("{}: {} left after the drain", S::NAME, s.len())));
    }
    Ok(Figures {
        build_secs,
        register_ops_per_sec: register.per_sec(),
        register_ns_per_op: register.ns_per_op,
        register_ops: register.ops,
        coalesced_ops_per_sec: coalesced.per_sec(),
        coalesced_ns_per_op: coalesced.ns_per_op,
        coalesced_ops: coalesced.ops,
        flip_first_dispatch_us: flip_us,
        flips,
        drain_per_sec: drain.per_sec,
        drain_settled: drain.settled,
        drain_sampled: drain.sampled,
        bytes_per_registration: bytes as f64 / n as f64,
        ..Figures::default()
    })
}

/// Fills in the disk figures, or leaves them null with a note.
fn disk(
    who: &str,
    f: &mut Figures,
    notes: &mut Vec<String>,
    n: usize,
    run: impl FnOnce() -> Result<durable::DiskFigures, ReportError>,
) {
    match run() {
        Ok(d) => {
            f.durable_fraction_1_rounds = d.acks_1.fractions(1);
            f.durable_fsync_us_1 = d.acks_1.fsync_us.clone();
            f.durable_fraction_64_rounds = d.acks_many.fractions(durable::CALLERS);
            f.durable_fsync_us_64 = d.acks_many.fsync_us.clone();
            f.restart_load_secs = Some(d.restart_secs);
            f.restart_fill_rows_per_sec = Some(d.fill_per_sec);
            f.durable_acks_per_sec_1 = Some(d.acks_1.per_sec);
            f.durable_acks_1 = d.acks_1.acks;
            f.durable_acks_per_sec_1_rounds = d.acks_1.rounds;
            f.durable_acks_per_sec_64 = Some(d.acks_many.per_sec);
            f.durable_acks_64 = d.acks_many.acks;
            f.durable_acks_per_sec_64_rounds = d.acks_many.rounds;
            f.restart_parts = d.restart_parts;
            f.durable_breakdown_1 = d.breakdown_1;
            f.durable_breakdown_64 = d.breakdown_many;
            if let Some(pool) = d.acks_1_pool {
                f.durable_fraction_1_pool_rounds = pool.fractions(1);
                f.durable_fsync_us_1_pool = pool.fsync_us.clone();
                f.durable_acks_per_sec_1_pool = Some(pool.per_sec);
                f.durable_acks_per_sec_1_pool_rounds = pool.rounds;
            }
            if d.failures > 0 {
                notes.push(format!("{who} at {n}: {} durable registrations did not resolve", d.failures));
            }
        }
        Err(e) => notes.push(format!("{who} at {n}: disk figures not measured: {e}")),
    }
}

fn measure_size(
    n: usize,
    dir: Option<&Path>,
    apalis: bool,
    notes: &mut Vec<String>,
) -> Result<SizeReport, ReportError> {
    eprintln!("[{n}] engine in memory");
    let mut engine = in_memory(n, || EngineScheduler::build_offline(n).map_err(ReportError::from))?;
    eprintln!("[{n}] baseline in memory");
    let mut baseline = in_memory(n, || BaselineScheduler::offline_pending(n).map_err(ReportError::from))?;
    let (mut limit, mut apalis_figures) = (None, None);
    if let Some(dir) = dir {
        // Per round; each figure is the median of `durable::ROUNDS` rounds.
        let one = durable::limit(10_000, 0.5);
        let many = durable::limit(200_000, 1.0);
        eprintln!("[{n}] fsync latency");
        let fsync = limit::measure(dir)?;
        eprintln!("[{n}] engine on disk");
        let engine_ns = engine.register_ns_per_op;
        disk("engine", &mut engine, notes, n, || durable::engine(n, dir, one, many, engine_ns));
        eprintln!("[{n}] baseline on disk");
        disk("baseline", &mut baseline, notes, n, || durable::baseline(n, dir, one, many));
        limit = Some(LimitFigures::of(fsync, &engine, &baseline));
        if apalis {
            eprintln!("[{n}] apalis on disk");
            match apalis::measure(dir, one, durable::limit(20_000, 1.0)) {
                Ok(mut a) => {
                    let over = |e: Option<f64>, a: f64| e.filter(|_| a > 0.0).map(|e| e / a);
                    a.engine_over_apalis_1 = over(engine.durable_acks_per_sec_1, a.jobs_per_sec_1);
                    a.engine_over_apalis_64 = over(engine.durable_acks_per_sec_64, a.jobs_per_sec_64);
                    apalis_figures = Some(a);
                }
                Err(e) => notes.push(format!("apalis at {n}: not measured: {e}")),
            }
        }
    }
    Ok(SizeReport { n, ratio: Ratios::of(&engine, &baseline), engine, baseline, limit, apalis: apalis_figures })
}

fn method_notes() -> Vec<String> {
    [
        "Workload: n one-off registrations, 100 per origin (one worker and one top-level window per origin), 16-byte tags, Chromium policy profile, log recording off; the clock does not advance.",
        "register/s and coalesced/s: median of 3 rounds of the round's mean; new tags go to a scratch worker unregistered every 100 (untimed), so n stays put; coalesced re-registers existing tags in a pseudo-random order. Each round stops at 100k ops or 0.5 s of timed work.",
        "flip: device offline with all n pending; time from set_network(online) to the first dispatch, median of several flips, each undone untimed.",
        "drain: device goes online, every registration is dispatched, then each event is settled as fulfilled (its registration removed); registrations per second over both phases. Baseline settle phases stop after 1.5 s and are extrapolated with each remaining settle at half the measured mean (in the baseline's favour): `drain_sampled`.",
        "bytes/reg: requested bytes live after building n registrations minus before, / n (counting global allocator; malloc overhead excluded). Engine built by n register() calls; baseline loaded the way Chromium's InitImpl loads.",
        "restart: SQLite file with n rows (engine) or n/100 per-worker blobs (baseline) on the --dir disk; open + load + rebuild, seconds.",
        "durable acks: engine through the tokio driver (2-thread runtime) with a SqliteStore (WAL, synchronous=FULL, group commit); baseline through one op-queue thread writing each worker's blob in its own FULL transaction. Each figure is the median of 3 rounds (each round in `*_rounds`): 1 caller for up to 0.5 s or 10k acks per round, 64 callers for up to 1 s or 200k acks per round; per-origin quota off; device offline so nothing fires.",
        "Ratios are baseline cost / engine cost: how many times faster (or smaller) the engine is.",
        "limit: the disk's fsync latency is measured at each size just before the durable figures (median of 300 rewrites of one WAL-sized frame in a laid-out file, each followed by fdatasync), and by short probes; 1 caller can be acknowledged at most 1/fsync times a second, 64 callers at most 64/fsync (one fsync per group commit). A 64-caller round is set against the mean of the probes (100 fsyncs or 0.2 s) just before and after it; a 1-caller round is cut into 10 slices of acks, each after a probe of 20 fsyncs (or 20 ms), and set against the median of its probes' fsyncs, so probe and commits see the disk at the same moments. The fraction is the median of the rounds'.",
        "breakdown: per commit over one durable figure's rounds; statements, COMMIT (WAL write + fsync), fold and checkpoint (inside commits) and idle upkeep (folds and checkpoints the driver ran while quiet, off the commit path, counted over the figure's whole stretch including the quiet between rounds) are timed inside SqliteStore; engine is its in-memory register() cost at that size times acks per commit (an estimate); turnaround is the rest of the wall time.",
        "apalis: apalis-sqlite 1.0 (sqlx 0.9), schema from SqliteStorage::setup, every pooled connection WAL + synchronous=FULL; one job per registration pushed with TaskSink::push; measured once, at the largest size; same round rules as the durable figures (64 callers: up to 1 s or 20k jobs per round).",
        "profiles: N profiles (1, 10, 100, 1000), each its own SQLite file, SqliteStore and driver, on one 2-worker tokio runtime (at most 4 blocking threads), 100 offline registrations each; threads, resident KB per profile (VmRSS with them minus before, / N) and context switches per second of all but the main thread over 2 s of idle time.",
        "A durable fraction is graded only when every round is at most 1: above 1, the fsync probes between rounds saw a slower disk than the commits did (other work on the disk), and the target says \"not measured\"; the breakdown's `fsync_share` (COMMIT time / wall time, measured with the acks) still stands.",
        "Targets are graded only at the size they name (1e6 registrations, 1000 profiles); a run that stops short says \"not measured\".",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect()
}

fn run(args: &Args) -> Result<Report, ReportError> {
    let started = Instant::now();
    let machine = machine::Machine::detect();
    let max = args.max as usize;
    let temp = if args.no_disk || args.dir.is_some() { None } else { Some(tempfile::tempdir()?) };
    let dir: Option<PathBuf> = if args.no_disk {
        None
    } else {
        match &args.dir {
            Some(d) => {
                std::fs::create_dir_all(d)?;
                Some(tempfile::tempdir_in(d)?.keep())
            }
            None => temp.as_ref().map(|t| t.path().to_path_buf()),
        }
    };
    let mut notes = method_notes();
    let mut reports: Vec<SizeReport> = Vec::new();
    for n in sizes(max) {
        // apalis's queue does not grow with n: it is measured once, at the largest size.
        let apalis = !args.no_apalis && n == max;
        let mut s = measure_size(n, dir.as_deref(), apalis, &mut notes)?;
        if let Some(first) = reports.first() {
            for (f, base) in [(&mut s.engine, &first.engine), (&mut s.baseline, &first.baseline)] {
                f.register_growth_vs_1e3 = Some(f.register_ns_per_op / base.register_ns_per_op);
                f.coalesced_growth_vs_1e3 = Some(f.coalesced_ns_per_op / base.coalesced_ns_per_op);
            }
        } else {
            for f in [&mut s.engine, &mut s.baseline] {
                f.register_growth_vs_1e3 = Some(1.0);
                f.coalesced_growth_vs_1e3 = Some(1.0);
            }
        }
        reports.push(s);
    }
    let mut profile_figures = Vec::new();
    if let Some(d) = &dir {
        let counts: Vec<usize> = [1, 10, 100, 1000].into_iter().filter(|&c| c <= args.max_profiles).collect();
        if !counts.is_empty() {
            eprintln!("profiles {counts:?}");
            profile_figures = profiles::measure(d, &counts)?;
        }
    }
    if let (Some(d), None) = (&dir, &temp) {
        // A kept directory under --dir: remove the files, they are large.
        let _ = std::fs::remove_dir_all(d);
    }
    let targets = report::targets(&reports, &profile_figures);
    Ok(Report {
        schema: 2,
        machine,
        max,
        run_seconds: started.elapsed().as_secs_f64(),
        load_average_at_end: machine::load_average(),
        workload: Workload {
            per_origin: PER_ORIGIN,
            tag_bytes: TAG_BYTES,
            policy: "chromium",
            durable_callers: durable::CALLERS,
            sqlite_dir: dir.map(|d| d.display().to_string()),
        },
        sizes: reports,
        profiles: profile_figures,
        targets,
        notes,
    })
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(report) => {
            println!("{}", report::table(&report));
            println!("run time: {:.1} s", report.run_seconds);
            if let Some(path) = &args.json {
                let written = serde_json::to_string_pretty(&report)
                    .map_err(ReportError::from)
                    .and_then(|text| std::fs::write(path, text + "\n").map_err(ReportError::from));
                if let Err(e) = written {
                    eprintln!("scale-report: writing {}: {e}", path.display());
                    return std::process::ExitCode::FAILURE;
                }
                println!("JSON: {}", path.display());
                match plots::write(&report, path) {
                    Ok(written) => {
                        for p in written {
                            println!("plot: {}", p.display());
                        }
                    }
                    Err(e) => {
                        eprintln!("scale-report: writing the plots beside {}: {e}", path.display());
                        return std::process::ExitCode::FAILURE;
                    }
                }
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("scale-report: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
