//! The report: its JSON shape, the targets, and the printed table.

use crate::machine::Machine;
use serde::Serialize;

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
}

/// One target of issue 8, evaluated at the largest size measured.
#[derive(Clone, Debug, Serialize)]
pub struct Target {
    /// What is measured.
    pub name: &'static str,
    /// The target, as written in the issue.
    pub target: &'static str,
    /// The figure.
    pub measured: Option<f64>,
    /// Its unit.
    pub unit: &'static str,
    /// The size it was measured at.
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
    /// Issue 8's targets.
    pub targets: Vec<Target>,
    /// How figures were measured, and anything that went wrong.
    pub notes: Vec<String>,
}

/// Evaluates the targets on the largest size measured.
pub fn targets(sizes: &[SizeReport]) -> Vec<Target> {
    let Some(last) = sizes.last() else { return Vec::new() };
    let (e, n) = (&last.engine, last.n);
    let at_least = |v: Option<f64>, t: f64| v.map(|v| v >= t);
    let at_most = |v: Option<f64>, t: f64| v.map(|v| v <= t);
    let mk = |name, target, measured: Option<f64>, unit, met| Target { name, target, measured, unit, at_n: n, met };
    vec![
        mk(
            "register throughput in memory",
            ">= 2M ops/s at 1e6",
            Some(e.register_ops_per_sec),
            "ops/s",
            at_least(Some(e.register_ops_per_sec), 2e6),
        ),
        mk(
            "register per-op growth 1e3 -> 1e6",
            "<= 2x",
            e.register_growth_vs_1e3,
            "x",
            at_most(e.register_growth_vs_1e3, 2.0),
        ),
        mk(
            "connectivity flip to first dispatch, all pending",
            "<= 1 ms at 1e6",
            Some(e.flip_first_dispatch_us),
            "us",
            at_most(Some(e.flip_first_dispatch_us), 1000.0),
        ),
        mk(
            "faster than the baseline per decision (min of register, coalesced, flip, drain)",
            ">= 1000x at 1e6",
            Some(last.ratio.min_decision),
            "x",
            at_least(Some(last.ratio.min_decision), 1000.0),
        ),
        mk(
            "durable acks, 64 concurrent callers",
            ">= 100k/s",
            e.durable_acks_per_sec_64,
            "acks/s",
            at_least(e.durable_acks_per_sec_64, 1e5),
        ),
        mk("restart from SQLite", "<= 2 s at 1e6", e.restart_load_secs, "s", at_most(e.restart_load_secs, 2.0)),
        mk(
            "memory per registration, 16-byte tag",
            "<= 256 bytes",
            Some(e.bytes_per_registration),
            "bytes",
            at_most(Some(e.bytes_per_registration), 256.0),
        ),
    ]
}

fn si(v: f64) -> String {
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

fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
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
    out.push_str(
        "\n`*` sampled settle phase (see notes).\n\n| target | goal | measured | at | met |\n|---|---|---|---|---|\n",
    );
    for t in &report.targets {
        let met = match t.met {
            Some(true) => "yes",
            Some(false) => "NO",
            None => "not measured",
        };
        out.push_str(&format!(
            "| {} | {} | {} {} | {} | {} |\n",
            t.name,
            t.target,
            opt(t.measured, si),
            t.unit,
            t.at_n,
            met
        ));
    }
    out
}
