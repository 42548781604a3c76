//! The parent: spawns, kills and checks, point after point.

use super::protocol::decode;
use super::rng::Rng;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;
use sync_core::store::{MemoryStore, Mutation, SqliteStore, Store};

/// Each child starts this much later than the one before (wall-clock ms), so
/// time moves forward across restarts as it does in a browser.
const POINT_SPACING_MS: u64 = 30 * 24 * 3_600_000;
const START_MS: u64 = 1_800_000_000_000;

/// What one child reported before it died.
#[derive(Default)]
struct Report {
    /// Mutations of batches whose commit was acknowledged, in order.
    acked: Vec<Mutation>,
    /// `ack` lines read.
    ack_lines: u64,
    /// `folded` lines read: journal folds that completed.
    folds: u64,
    /// The last batch begun and fully announced but not acknowledged: it may have landed, whole.
    in_doubt: Option<Vec<Mutation>>,
    /// A line the child printed that is not part of the protocol.
    garbage: Option<String>,
}

/// Reads one child's stdout until EOF, killing it after `kill_after` lines
/// (`begin`, `intent` or `ack`: the kill lands before, during or after a commit).
fn supervise(child: &mut std::process::Child, kill_after: u64) -> Result<Report, String> {
    let stdout = child.stdout.take().ok_or("no stdout from the child")?;
    let mut reader = BufReader::new(stdout);
    let mut report = Report::default();
    // The batch being announced: (expected intent lines, intents so far, acks so far).
    let mut batch: Option<(usize, Vec<Mutation>, usize)> = None;
    let mut killed = false;
    let mut lines = 0u64;
    if kill_after == 0 {
        child.kill().map_err(|e| format!("kill: {e}"))?;
        killed = true;
    }
    let mut line = String::new();
    loop {
        line.clear();
        let n = reader.read_line(&mut line).map_err(|e| format!("reading the child: {e}"))?;
        if n == 0 || !line.ends_with('\n') {
            break; // EOF, or a line cut by the kill: it was never complete, so never counted.
        }
        let text = line.trim_end();
        lines += 1;
        if !killed && lines >= kill_after {
            child.kill().map_err(|e| format!("kill: {e}"))?;
            killed = true;
        }
        if let Some(count) = text.strip_prefix("begin ") {
            let expected = count.parse().map_err(|_| format!("bad line {text:?}"))?;
            batch = Some((expected, Vec::new(), 0));
        } else if let Some(m) = text.strip_prefix("intent ") {
            let (_, intents, _) = batch.as_mut().ok_or("intent outside a batch")?;
            intents.push(decode(m).ok_or_else(|| format!("bad line {text:?}"))?);
        } else if let Some(m) = text.strip_prefix("ack ") {
            let (expected, intents, acks) = batch.as_mut().ok_or("ack outside a batch")?;
            if decode(m).as_ref() != intents.get(*acks) {
                return Err(format!("ack {acks} does not match its intent: {text:?}"));
            }
            if *acks == 0 {
                // The commit returned: the whole batch is acknowledged.
                if intents.len() != *expected {
                    return Err("ack before the batch was fully announced".into());
                }
                report.acked.extend(intents.iter().cloned());
            }
            *acks += 1;
            report.ack_lines += 1;
        } else if text == "folded" {
            report.folds += 1;
        } else {
            report.garbage = Some(text.to_string());
        }
    }
    // A batch fully announced whose commit was not acknowledged may or may not be on disk.
    if let Some((expected, intents, 0)) = batch
        && intents.len() == expected
    {
        report.in_doubt = Some(intents);
    }
    let status = child.wait().map_err(|e| format!("wait: {e}"))?;
    if !killed {
        // The child only stops when killed: it ended on its own, so it failed.
        return Err(format!("the child stopped by itself ({status}) after {lines} lines"));
    }
    Ok(report)
}

/// A comparable view of a snapshot: every row, by key.
fn view(store: &mut MemoryStore) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let s = store.load().unwrap_or_default();
    let regs = s.registrations.iter().map(|r| (format!("{:?}", r.key), format!("{r:?}"))).collect();
    let origins = s.origins.iter().map(|o| (o.origin.to_string(), format!("{o:?}"))).collect();
    (regs, origins)
}

/// Counts, per key, rows of the file that match neither the acknowledged state
/// nor the acknowledged state plus the in-doubt batch.
fn compare(
    file: &BTreeMap<String, String>,
    acked: &BTreeMap<String, String>,
    with_doubt: &BTreeMap<String, String>,
) -> (u64, u64) {
    let (mut lost, mut phantom) = (0, 0);
    for (k, v) in acked {
        let f = file.get(k);
        if f != Some(v) && f != with_doubt.get(k) {
            lost += 1;
        }
    }
    for (k, v) in file {
        if !acked.contains_key(k) && with_doubt.get(k) != Some(v) {
            phantom += 1;
        }
    }
    (lost, phantom)
}

struct Totals {
    acknowledged: u64,
    lost: u64,
    phantom: u64,
    torn: u64,
    doubt_landed: u64,
    doubt_total: u64,
    folds: u64,
}

/// Journal rows at which the children fold (small, so kills land in folds too).
const FOLD_THRESHOLD: u64 = 24;

/// The parent's options.
#[derive(Debug, clap::Args)]
pub struct Options {
    /// Kill points to run.
    #[arg(long, default_value_t = 50)]
    points: u64,
    /// Seed of the random traffic and kill points (printed on every run, to replay one).
    #[arg(long)]
    seed: Option<u64>,
    /// Where the SQLite file goes [default: a fresh temporary directory, removed on success].
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Most child lines read before a kill.
    #[arg(long, default_value_t = 600)]
    max_lines: u64,
    /// Journal rows at which the child's store folds its journal into `registrations`.
    #[arg(long, default_value_t = FOLD_THRESHOLD)]
    fold_threshold: u64,
    /// A line per point.
    #[arg(long)]
    verbose: bool,
}

/// Runs every point and prints the totals.
pub fn run(options: &Options) -> Result<ExitCode, String> {
    let points = options.points;
    let seed: u64 = match options.seed {
        Some(s) => s,
        None => {
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1)
        }
    };
    let max_lines = options.max_lines;
    let fold_threshold = options.fold_threshold;
    let verbose = options.verbose;
    let (dir, remove_dir) = match options.dir.clone() {
        Some(d) => (d, false),
        None => (std::env::temp_dir().join(format!("crash-test-{}-{seed}", std::process::id())), true),
    };
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let db = dir.join("crash.db");
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    println!("crash_test: seed {seed}, points {points}, fold threshold {fold_threshold}, file {}", db.display());
    let started = Instant::now();
    let mut rng = Rng::new(seed);
    let mut model = load_model(&db)?;
    let mut t = Totals { acknowledged: 0, lost: 0, phantom: 0, torn: 0, doubt_landed: 0, doubt_total: 0, folds: 0 };
    for point in 0..points {
        // About one point in twenty dies before its first line (during open or restore).
        let kill_after = if rng.below(20) == 0 { 0 } else { 1 + rng.below(max_lines) };
        let mut child = Command::new(&exe)
            .args(["child", "--db"])
            .arg(&db)
            .args(["--seed", &rng.next_u64().to_string()])
            .args(["--start-ms", &(START_MS + point * POINT_SPACING_MS).to_string()])
            .args(["--fold-threshold", &fold_threshold.to_string()])
            .stdout(Stdio::piped())
            .stdin(Stdio::null())
            .spawn()
            .map_err(|e| format!("spawning the child: {e}"))?;
        let report = supervise(&mut child, kill_after)?;
        if let Some(g) = &report.garbage {
            return Err(format!("point {point}: the child printed {g:?}"));
        }
        for m in &report.acked {
            model.apply_one(m);
        }
        let mut with_doubt = model.clone();
        for m in report.in_doubt.iter().flatten() {
            with_doubt.apply_one(m);
        }
        // Reopen the file as the next start-up would, and compare.
        let mut file_store = SqliteStore::open(&db).map_err(|e| format!("point {point}: reopening: {e}"))?;
        let snapshot = file_store.load().map_err(|e| format!("point {point}: loading: {e}"))?;
        drop(file_store);
        let mut file = MemoryStore::new();
        file.apply(&snapshot.registrations.iter().cloned().map(Mutation::Put).collect::<Vec<_>>())
            .and_then(|()| file.apply(&snapshot.origins.iter().cloned().map(Mutation::PutOrigin).collect::<Vec<_>>()))
            .map_err(|e| e.to_string())?;
        let (file_regs, file_origins) = view(&mut file);
        let (acked_regs, acked_origins) = view(&mut model);
        let (doubt_regs, doubt_origins) = view(&mut with_doubt);
        let (lost_r, phantom_r) = compare(&file_regs, &acked_regs, &doubt_regs);
        let (lost_o, phantom_o) = compare(&file_origins, &acked_origins, &doubt_origins);
        let whole = (file_regs == acked_regs && file_origins == acked_origins)
            || (file_regs == doubt_regs && file_origins == doubt_origins);
        let (lost, phantom) = (lost_r + lost_o, phantom_r + phantom_o);
        if !whole && lost == 0 && phantom == 0 {
            t.torn += 1;
        }
        if report.in_doubt.is_some() {
            t.doubt_total += 1;
            if file_regs == doubt_regs && file_origins == doubt_origins && doubt_regs != acked_regs {
                t.doubt_landed += 1;
            }
        }
        t.acknowledged += report.ack_lines;
        t.folds += report.folds;
        t.lost += lost;
        t.phantom += phantom;
        if verbose || lost + phantom > 0 || !whole {
            println!(
                "point {point}: killed at line {kill_after} after {} acks, {} rows on file, lost {lost}, phantom {phantom}{}",
                report.ack_lines,
                file_regs.len(),
                if whole { "" } else { ", NOT a whole-batch state" }
            );
        }
        // The next point starts from what is on the file.
        model = file;
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "in-doubt batches (begun, killed before acknowledged): {}, landed whole: {}, torn states: {}; \
         journal folds completed: {}; {secs:.1} s",
        t.doubt_total, t.doubt_landed, t.torn, t.folds
    );
    println!("points: {points}, acknowledged: {}, lost: {}, phantom: {}", t.acknowledged, t.lost, t.phantom);
    let ok = t.lost == 0 && t.phantom == 0 && t.torn == 0;
    if ok && remove_dir {
        let _ = std::fs::remove_dir_all(&dir);
    } else if !ok {
        eprintln!("crash_test: FAILED; the file is kept at {}", db.display());
    }
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// The state a previous run left in `db` (an empty model for a new file).
fn load_model(db: &Path) -> Result<MemoryStore, String> {
    let mut model = MemoryStore::new();
    if db.exists() {
        let mut store = SqliteStore::open(db).map_err(|e| e.to_string())?;
        let s = store.load().map_err(|e| e.to_string())?;
        for r in s.registrations {
            model.apply_one(&Mutation::Put(r));
        }
        for o in s.origins {
            model.apply_one(&Mutation::PutOrigin(o));
        }
    }
    Ok(model)
}
