//! The report: its JSON shape, the targets, and the printed table.

use crate::apalis::ApalisFigures;
use crate::limit::Fsync;
use crate::machine::Machine;
use crate::profiles::ProfileFigures;
use serde::Serialize;

/// One durable commit's time, in parts (µs per commit, averaged over the
/// rounds of one durable figure). See `benches/README.md`.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Breakdown {
    /// Commits over the rounds.
    pub commits: u64,
    /// Acknowledgements per commit (the group commit's batch size).
    pub acks_per_commit: f64,
    /// Wall time per commit: the rounds' wall time ÷ commits.
    pub wall_us: f64,
    /// The engine's work for one batch, estimated: its in-memory `register()`
    /// cost at this size × acks per commit.
    pub engine_us: f64,
    /// The batch's SQLite statements (page cache only).
    pub statements_us: f64,
    /// `COMMIT`: WAL frames written and fsynced.
    pub commit_fsync_us: f64,
    /// Journal folds, spread over every commit.
    pub fold_us: f64,
    /// WAL checkpoints inside commits, spread over every commit.
    pub checkpoint_us: f64,
    /// Folds and checkpoints the driver ran while quiet (`Store::idle`, off
    /// the commit path), spread over every commit. Counted over the figure's
    /// whole stretch, also the quiet time between its rounds, so it can
    /// exceed what the rounds' wall time holds; turnaround is what is left
    /// of the wall time after it.
    pub upkeep_us: f64,
    /// Upkeep steps in the stretch.
    pub upkeeps: u64,
    /// What is left: the driver's turnaround (channel hops, waking callers,
    /// the hand-off to and from the blocking pool, gathering the next batch).
    pub turnaround_us: f64,
    /// Journal folds in the rounds.
    pub folds: u64,
    /// WAL checkpoints in the rounds.
    pub checkpoints: u64,
    /// WAL frames (pages) each commit appended, on average.
    pub wal_frames_per_commit: f64,
    /// `commit_fsync_us ÷ wall_us`: the share of the wall time spent in the
    /// commit's own WAL write and fsync, measured at the same moments as the
    /// acks (unlike the probe, which runs between rounds).
    pub fsync_share: f64,
}

/// The engine's restart in parts, seconds.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct RestartParts {
    /// `SqliteStore::open`: the lock, the read-only inspection (header, shape,
    /// and `PRAGMA quick_check` of every page unless a clean-close mark
    /// vouches for the file), WAL mode, migrations.
    pub open_secs: f64,
    /// Whether that open ran `quick_check` (`SqliteStore::checked_in_full`).
    pub open_quick_check: bool,
    /// `load()`: every row read and checked, the journal replayed.
    pub load_secs: f64,
    /// `Engine::restore`: the tables and schedules rebuilt from the snapshot.
    pub restore_secs: f64,
}

/// The durable figures against the disk's limit, measured in the same run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LimitFigures {
    /// The disk's fsync latency, measured just before the durable figures.
    pub fsync: Fsync,
    /// 1 ÷ fsync: the most acknowledgements per second one caller can get.
    pub limit_1: f64,
    /// 64 ÷ fsync: the most 64 callers can get with one fsync per group commit.
    pub limit_64: f64,
    /// Engine, 1 caller: the median of the rounds' fractions (each round's
    /// acks/s ÷ 1/fsync, fsync from the probes on either side of it).
    pub engine_fraction_1: Option<f64>,
    /// Each round's fraction, 1 caller.
    pub engine_fraction_1_rounds: Vec<f64>,
    /// Engine, 64 callers: the median of the rounds' fractions of 64/fsync.
    pub engine_fraction_64: Option<f64>,
    /// Each round's fraction, 64 callers.
    pub engine_fraction_64_rounds: Vec<f64>,
    /// Engine, 1 caller, every commit on the blocking pool
    /// (`DriverConfig::inline_commit_max` 0): the median of the rounds'
    /// fractions. Not graded: the targets use the default configuration.
    pub engine_fraction_1_pool: Option<f64>,
    /// Each round's fraction, 1 caller, every commit on the pool.
    pub engine_fraction_1_pool_rounds: Vec<f64>,
    /// The baseline's, 1 caller.
    pub baseline_fraction_1: Option<f64>,
    /// The baseline's, 64 callers.
    pub baseline_fraction_64: Option<f64>,
}

/// The median of `v` (`None` when empty).
pub fn median(v: &[f64]) -> Option<f64> {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s.get(s.len() / 2).copied()
}

impl LimitFigures {
    /// The fractions of `engine` and `baseline` against `fsync`.
    pub fn of(fsync: Fsync, engine: &Figures, baseline: &Figures) -> LimitFigures {
        let (l1, l64) = (fsync.limit(1), fsync.limit(64));
        LimitFigures {
            engine_fraction_1: median(&engine.durable_fraction_1_rounds),
            engine_fraction_1_rounds: engine.durable_fraction_1_rounds.clone(),
            engine_fraction_64: median(&engine.durable_fraction_64_rounds),
            engine_fraction_64_rounds: engine.durable_fraction_64_rounds.clone(),
            engine_fraction_1_pool: median(&engine.durable_fraction_1_pool_rounds),
            engine_fraction_1_pool_rounds: engine.durable_fraction_1_pool_rounds.clone(),
            baseline_fraction_1: median(&baseline.durable_fraction_1_rounds),
            baseline_fraction_64: median(&baseline.durable_fraction_64_rounds),
            limit_1: l1,
            limit_64: l64,
            fsync,
        }
    }
}

/// Every figure of one scheduler at one size. Disk figures are `null` when
/// skipped (`--no-disk`) or when they failed (see `notes`).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figures {
    /// Time to build the `n` registrations of the offline fixture, in seconds
    /// (engine: `n` `register()` calls from empty; baseline: loaded as `InitImpl` loads).
    pub build_secs: f64,
    /// `register()` of a new tag, operations per second.
    pub register_ops_per_sec: f64,
    /// The same as ns per operation.
    pub register_ns_per_op: f64,
    /// ns per operation at this size ÷ ns per operation at 1e3.
    pub register_growth_vs_1e3: Option<f64>,
    /// Operations timed.
    pub register_ops: u64,
    /// `register()` of an existing tag (coalesced), operations per second.
    pub coalesced_ops_per_sec: f64,
    /// The same as ns per operation.
    pub coalesced_ns_per_op: f64,
    /// ns per operation at this size ÷ ns per operation at 1e3.
    pub coalesced_growth_vs_1e3: Option<f64>,
    /// Operations timed.
    pub coalesced_ops: u64,
    /// Device back online → first dispatch, median, µs.
    pub flip_first_dispatch_us: f64,
    /// Flips timed.
    pub flips: u64,
    /// Registrations per second through a full drain (online, dispatch all, settle each).
    pub drain_per_sec: f64,
    /// Events settled for real.
    pub drain_settled: u64,
    /// Whether the settle phase was sampled and extrapolated.
    pub drain_sampled: bool,
    /// Live bytes after building `n` registrations minus before, ÷ `n` (16-byte tags).
    pub bytes_per_registration: f64,
    /// Restart: open the SQLite file, load `n` registrations, rebuild the scheduler; seconds.
    pub restart_load_secs: Option<f64>,
    /// Rows per second while filling that file in bulk (not per acknowledgement).
    pub restart_fill_rows_per_sec: Option<f64>,
    /// Durable acknowledged registrations per second, 1 caller: the median of the rounds.
    pub durable_acks_per_sec_1: Option<f64>,
    /// Acknowledgements counted over all rounds, 1 caller.
    pub durable_acks_1: u64,
    /// Each round's durable acknowledgements per second, 1 caller, in the order run.
    pub durable_acks_per_sec_1_rounds: Vec<f64>,
    /// Durable acknowledged registrations per second, 64 concurrent callers: the median of the rounds.
    pub durable_acks_per_sec_64: Option<f64>,
    /// Acknowledgements counted over all rounds, 64 callers.
    pub durable_acks_64: u64,
    /// Each round's durable acknowledgements per second, 64 callers, in the order run.
    pub durable_acks_per_sec_64_rounds: Vec<f64>,
    /// Per 1-caller round, the median fsync latency (µs) of the short probes
    /// interleaved with its slices of acks.
    pub durable_fsync_us_1: Vec<f64>,
    /// Each 1-caller round as a fraction of 1 ÷ fsync (its interleaved probes).
    pub durable_fraction_1_rounds: Vec<f64>,
    /// Median fsync latency (µs) of the probe before each 64-caller round and after the last.
    pub durable_fsync_us_64: Vec<f64>,
    /// Each 64-caller round as a fraction of 64 ÷ fsync (the probes on either side).
    pub durable_fraction_64_rounds: Vec<f64>,
    /// Engine only: durable acknowledgements per second, 1 caller, with
    /// every commit on tokio's blocking pool (`DriverConfig::inline_commit_max`
    /// 0; the figures above use the default, which commits single
    /// registrations on the driver's thread once commits prove quick).
    pub durable_acks_per_sec_1_pool: Option<f64>,
    /// Each such round's acknowledgements per second.
    pub durable_acks_per_sec_1_pool_rounds: Vec<f64>,
    /// Each such round's fsync (µs) from its interleaved probes.
    pub durable_fsync_us_1_pool: Vec<f64>,
    /// Each such round as a fraction of 1 ÷ fsync.
    pub durable_fraction_1_pool_rounds: Vec<f64>,
    /// Engine only: `restart_load_secs` in parts.
    pub restart_parts: Option<RestartParts>,
    /// Engine only: one commit's time in parts, 1 caller.
    pub durable_breakdown_1: Option<Breakdown>,
    /// Engine only: one commit's time in parts, 64 callers.
    pub durable_breakdown_64: Option<Breakdown>,
}

/// How many times better the engine is than the baseline (baseline cost ÷ engine cost).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Ratios {
    /// `register()` of a new tag.
    pub register: f64,
    /// Coalesced `register()`.
    pub coalesced: f64,
    /// Flip to first dispatch.
    pub flip: f64,
    /// Drain rate.
    pub drain: f64,
    /// Smallest of the four decision ratios above.
    pub min_decision: f64,
    /// Bytes per registration (baseline ÷ engine).
    pub memory: f64,
    /// Restart load time.
    pub restart: Option<f64>,
    /// Durable acks, 1 caller.
    pub durable_1: Option<f64>,
    /// Durable acks, 64 callers.
    pub durable_64: Option<f64>,
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 { a / b } else { 0.0 }
}

fn opt_ratio(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

impl Ratios {
    /// The ratios of one size.
    pub fn of(engine: &Figures, baseline: &Figures) -> Ratios {
        let register = ratio(baseline.register_ns_per_op, engine.register_ns_per_op);
        let coalesced = ratio(baseline.coalesced_ns_per_op, engine.coalesced_ns_per_op);
        let flip = ratio(baseline.flip_first_dispatch_us, engine.flip_first_dispatch_us);
        let drain = ratio(engine.drain_per_sec, baseline.drain_per_sec);
        Ratios {
            register,
            coalesced,
            flip,
            drain,
            min_decision: register.min(coalesced).min(flip).min(drain),
            memory: ratio(baseline.bytes_per_registration, engine.bytes_per_registration),
            restart: opt_ratio(baseline.restart_load_secs, engine.restart_load_secs),
            durable_1: opt_ratio(engine.durable_acks_per_sec_1, baseline.durable_acks_per_sec_1),
            durable_64: opt_ratio(engine.durable_acks_per_sec_64, baseline.durable_acks_per_sec_64),
        }
    }
}

/// All figures at one size.
#[derive(Clone, Debug, Serialize)]
pub struct SizeReport {
    /// Registrations present.
    pub n: usize,
    /// The engine.
    pub engine: Figures,
    /// The Chromium-style baseline.
    pub baseline: Figures,
    /// Engine vs baseline.
    pub ratio: Ratios,
    /// The durable figures against the disk's limit (`null` without disk figures).
    pub limit: Option<LimitFigures>,
    /// apalis with its SQLite backend, enqueueing the same workload durably
    /// (`null` without disk figures, and at sizes other than the largest).
    pub apalis: Option<ApalisFigures>,
}

/// One target, graded only at the size it names.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// What is measured.
    pub name: &'static str,
    /// The issue that set it.
    pub issue: u32,
    /// The target, as written in the issue.
    pub target: &'static str,
    /// The figure at `at_n` (`null` when that size was not run).
    pub measured: Option<f64>,
    /// Its unit.
    pub unit: &'static str,
    /// The size the target names (registrations, or profiles).
    pub at_n: usize,
    /// Whether it is met (`null` when not measured).
    pub met: Option<bool>,
}

/// The workload description.
#[derive(Clone, Debug, Serialize)]
pub struct Workload {
    /// Registrations per origin.
    pub per_origin: usize,
    /// Tag length in bytes.
    pub tag_bytes: usize,
    /// Policy profile.
    pub policy: &'static str,
    /// Concurrent callers of the second durable figure.
    pub durable_callers: u64,
    /// Where the SQLite files went.
    pub sqlite_dir: Option<String>,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Shape version of this JSON.
    pub schema: u32,
    /// The machine.
    pub machine: Machine,
    /// `--max`.
    pub max: usize,
    /// Wall time of the whole run, seconds.
    pub run_seconds: f64,
    /// The 1-minute load average at the end of the run.
    pub load_average_at_end: Option<f64>,
    /// The workload.
    pub workload: Workload,
    /// Per size, smallest first.
    pub sizes: Vec<SizeReport>,
    /// Many profiles in one process, one entry per profile count.
    pub profiles: Vec<ProfileFigures>,
    /// The targets of issues 8 and 20, each graded at the size it names.
    pub targets: Vec<Target>,
    /// How figures were measured, and anything that went wrong.
    pub notes: Vec<String>,
}

/// The size every registration target names.
pub const TARGET_N: usize = 1_000_000;

/// The profile count the profile targets name.
pub const TARGET_PROFILES: usize = 1000;

/// Grades every target at the size it names; a size not run is "not measured".
pub fn targets(sizes: &[SizeReport], profiles: &[ProfileFigures]) -> Vec<Target> {
    let at = sizes.iter().find(|s| s.n == TARGET_N);
    let e = at.map(|s| &s.engine);
    let lim = at.and_then(|s| s.limit.as_ref());
    let grade = |v: Option<f64>, ok: &dyn Fn(f64) -> bool| v.map(ok);
    let mk = |name, issue, target, measured: Option<f64>, unit, at_n, met| Target {
        name,
        issue,
        target,
        measured,
        unit,
        at_n,
        met,
    };
    let reg = |f: &dyn Fn(&Figures) -> Option<f64>| e.and_then(f);
    let register = reg(&|e| Some(e.register_ops_per_sec));
    let growth = reg(&|e| e.register_growth_vs_1e3);
    let flip = reg(&|e| Some(e.flip_first_dispatch_us));
    let min_decision = at.map(|s| s.ratio.min_decision);
    // A fraction above 1 is impossible: the probes between rounds saw a slower disk than the
    // commits did (other work on the disk). Such a figure is not graded.
    let valid = |rounds: &[f64]| !rounds.is_empty() && rounds.iter().all(|&f| f <= 1.0);
    let f64_ = lim.filter(|l| valid(&l.engine_fraction_64_rounds)).and_then(|l| l.engine_fraction_64);
    let f1 = lim.filter(|l| valid(&l.engine_fraction_1_rounds)).and_then(|l| l.engine_fraction_1);
    let restart = reg(&|e| e.restart_load_secs);
    let bytes = reg(&|e| Some(e.bytes_per_registration));
    let mut out = vec![
        mk(
            "register throughput in memory",
            8,
            ">= 2M ops/s",
            register,
            "ops/s",
            TARGET_N,
            grade(register, &|v| v >= 2e6),
        ),
        mk("register per-op growth 1e3 -> 1e6", 8, "<= 2x", growth, "x", TARGET_N, grade(growth, &|v| v <= 2.0)),
        mk(
            "connectivity flip to first dispatch, all pending",
            8,
            "<= 1 ms",
            flip,
            "us",
            TARGET_N,
            grade(flip, &|v| v <= 1000.0),
        ),
        mk(
            "faster than the baseline per decision (min of register, coalesced, flip, drain)",
            8,
            ">= 1000x",
            min_decision,
            "x",
            TARGET_N,
            grade(min_decision, &|v| v >= 1000.0),
        ),
        mk(
            "durable acks, 64 callers, fraction of 64/fsync",
            20,
            ">= 0.35",
            f64_,
            "",
            TARGET_N,
            grade(f64_, &|v| v >= 0.35),
        ),
        mk("durable acks, 1 caller, fraction of 1/fsync", 20, ">= 0.8", f1, "", TARGET_N, grade(f1, &|v| v >= 0.8)),
        mk(
            "restart (load 1e6 into a ready engine)",
            20,
            "<= 0.5 s",
            restart,
            "s",
            TARGET_N,
            grade(restart, &|v| v <= 0.5),
        ),
        mk(
            "memory per registration, 16-byte tag",
            20,
            "<= 128 bytes",
            bytes,
            "bytes",
            TARGET_N,
            grade(bytes, &|v| v <= 128.0),
        ),
    ];
    let p = profiles.iter().find(|p| p.profiles == TARGET_PROFILES);
    let one = profiles.iter().find(|p| p.profiles == 1);
    let threads = p.zip(one).map(|(p, one)| (p.threads as f64) - (one.threads as f64));
    let wakeups = p.map(|p| p.idle_wakeups_per_sec);
    let kb = p.map(|p| p.resident_kb_per_profile);
    out.push(mk(
        "threads added from 1 to 1000 profiles",
        20,
        "0",
        threads,
        "threads",
        TARGET_PROFILES,
        grade(threads, &|v| v <= 0.0),
    ));
    out.push(mk(
        "wake-ups per second, 1000 idle profiles",
        20,
        "0",
        wakeups,
        "/s",
        TARGET_PROFILES,
        grade(wakeups, &|v| v <= 0.0),
    ));
    out.push(mk(
        "resident memory per idle profile",
        20,
        "<= 256 KB",
        kb,
        "KB",
        TARGET_PROFILES,
        grade(kb, &|v| v <= 256.0),
    ));
    out
}

pub(crate) fn si(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2}M", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.1}k", v / 1e3)
    } else if v >= 10.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

pub(crate) fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.map_or_else(|| "n/a".to_owned(), f)
}

fn row(n: usize, who: &str, f: &Figures) -> String {
    format!(
        "| {n} | {who} | {} | {} | {} | {} | {:.1} | {}{} | {:.0} | {} | {} | {} |",
        si(f.register_ops_per_sec),
        opt(f.register_growth_vs_1e3, |g| format!("{g:.2}x")),
        si(f.coalesced_ops_per_sec),
        opt(f.coalesced_growth_vs_1e3, |g| format!("{g:.2}x")),
        f.flip_first_dispatch_us,
        si(f.drain_per_sec),
        if f.drain_sampled { "*" } else { "" },
        f.bytes_per_registration,
        opt(f.restart_load_secs, |s| format!("{s:.3}")),
        opt(f.durable_acks_per_sec_1, si),
        opt(f.durable_acks_per_sec_64, si),
    )
}

fn times(v: f64) -> String {
    format!("{}x", si(v))
}

/// The markdown table of the whole report.
pub fn table(report: &Report) -> String {
    let mut out = String::new();
    out.push_str(
        "| registrations | scheduler | register/s | growth | coalesced/s | growth | flip→dispatch µs | drain/s | bytes/reg | restart s | durable acks/s, 1 caller | durable acks/s, 64 callers |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for s in &report.sizes {
        out.push_str(&row(s.n, "engine", &s.engine));
        out.push('\n');
        out.push_str(&row(s.n, "baseline", &s.baseline));
        out.push('\n');
        let r = &s.ratio;
        out.push_str(&format!(
            "| {} | engine ÷ baseline | {} | | {} | | {} | {} | {:.2}x less | {} | {} | {} |\n",
            s.n,
            times(r.register),
            times(r.coalesced),
            times(r.flip),
            times(r.drain),
            r.memory,
            opt(r.restart, times),
            opt(r.durable_1, times),
            opt(r.durable_64, times),
        ));
    }
    let sampled = report.sizes.iter().any(|s| s.engine.drain_sampled || s.baseline.drain_sampled);
    if sampled {
        out.push_str("\n`*` sampled settle phase, extrapolated in the baseline's favour (see notes).\n");
    }
    out.push_str(&crate::tables::limit_table(report));
    out.push_str(&crate::tables::profile_table(report));
    out.push_str("\n| target | issue | goal | measured | at | met |\n|---|---|---|---|---|---|\n");
    for t in &report.targets {
        let met = match t.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "not measured",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} {} | {} | {} |\n",
            t.name,
            t.issue,
            t.target,
            opt(t.measured, si),
            t.unit,
            t.at_n,
            met
        ));
    }
    out
}
