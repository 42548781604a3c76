//! Times one journal fold: a file with `N` rows folded into `registrations`
//! (made once in `DIR` and copied for each run), then `J` more rows appended
//! to the journal in commits of 64, then one `SqliteStore::compact()`.
//!
//! Two workloads (`PATTERN`):
//!
//! - `spread` (the default): the workload's keys spread over many workers,
//!   so the fold's inserts land all over the table;
//! - `scale`: the scale report's 64-caller durable rounds: 64 workers past
//!   every filled one (`caller_origin`), each appending increasing tags
//!   (`durable_tag`), one row per caller per commit. The filled file already
//!   holds one earlier round of theirs, so the fold appends at the end of 64
//!   key ranges, as the report's later folds do.
//!
//! It prints the fold's wall time, the WAL frames and checkpoints of its
//! commit, and the CPU time of the thread that ran it (user and system,
//! steadier than wall time on a shared machine). Under callgrind, `--toggle-collect='*SqliteStore*compact*'`
//! counts the fold alone.
//!
//! ```text
//! cargo build --release -p sync-benches --example fold_probe
//! target/release/examples/fold_probe /dev/shm 1000000 65536
//! PATTERN=scale target/release/examples/fold_probe /dev/shm 1000000 65536
//! ```
use std::time::Instant;
use sync_benches::fixture::EngineScheduler;
use sync_benches::workload::{SCRATCH, origin_name, sw};
use sync_core::store::{Mutation, SqliteStore, Store, StoredPhase, StoredRegistration};
use sync_core::{Origin, RegistrationKey};
use sync_policy::{SyncKind, Timestamp};

/// Callers of the scale report's durable rounds.
const CALLERS: u64 = 64;

/// The rows the scale report's 64 callers append in round `round`, `per`
/// each, in commit order (one row per caller per commit), numbered from `seq`.
fn scale_rows(round: u64, per: u64, seq: u64) -> Vec<StoredRegistration> {
    let origins: Vec<Origin> = (0..CALLERS).map(|c| Origin::new(&origin_name(SCRATCH + 1 + c))).collect();
    let mut out = Vec::new();
    for i in 0..per {
        for c in 0..CALLERS {
            let tag = format!("d{round}{c:02}{i:012}");
            out.push(StoredRegistration {
                key: RegistrationKey::new(sw(SCRATCH + 1 + c), SyncKind::OneOff, &tag),
                origin: origins[c as usize].clone(),
                phase: StoredPhase::Pending,
                attempts: 0,
                max_attempts: 3,
                due: Timestamp(0),
                seq: seq + out.len() as u64,
                periodic: None,
            });
        }
    }
    out
}

/// CPU time this thread has run, user and system (Linux: `/proc/thread-self/schedstat`), in ns.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let dir = std::path::PathBuf::from(&a[1]);
    let n: usize = a[2].parse().unwrap();
    let j: usize = a[3].parse().unwrap();
    let scale = std::env::var("PATTERN").is_ok_and(|p| p == "scale");
    let name = if scale { format!("fold-scale-{n}-{j}") } else { format!("fold-{n}") };
    let path = dir.join(format!("{name}.db"));
    let (mut rows, extra) = if scale {
        let per = (j as u64).div_ceil(CALLERS);
        let mut rows = EngineScheduler::rows(n, false);
        rows.extend(scale_rows(1, per, n as u64 + 1));
        (rows, scale_rows(2, per, n as u64 + 1 + per * CALLERS))
    } else {
        let mut rows = EngineScheduler::rows(n + j, false);
        let extra = rows.split_off(n);
        (rows, extra)
    };
    // A copy of the filled file, kept between runs (`NAME.db.filled`), so a profile sees the fold only.
    let filled = dir.join(format!("{name}.db.filled"));
    if !filled.exists() {
        let mut store = SqliteStore::open(&filled).unwrap();
        rows.sort_unstable_by(|a, b| a.key.cmp(&b.key));
        let rows: Vec<Mutation> = rows.into_iter().map(Mutation::Put).collect();
        for batch in rows.chunks(10_000) {
            store.apply(batch).unwrap();
        }
        store.compact().unwrap();
    }
    for suffix in ["", "-wal", "-shm", "-lock"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    std::fs::copy(&filled, &path).unwrap();
    let mut store = SqliteStore::open(&path).unwrap();
    store.set_fold_threshold(u64::MAX);
    let extra: Vec<Mutation> = extra.into_iter().map(Mutation::Put).collect();
    let t = Instant::now();
    for batch in extra.chunks(CALLERS as usize) {
        store.apply(batch).unwrap();
    }
    let appended = t.elapsed();
    let before = store.timings();
    let cpu_before = thread_cpu_ns();
    let t = Instant::now();
    let folded = store.compact().unwrap();
    let fold = t.elapsed();
    let cpu = thread_cpu_ns().zip(cpu_before).map(|(a, b)| a.saturating_sub(b) as f64 / 1e6);
    let after = store.timings();
    println!(
        "appended {} rows in {:.1} ms; fold of {folded} rows: {:.1} ms ({:.2} us/row), {} WAL frames, {} checkpoints ({:.1} ms), CPU {:.1} ms",
        extra.len(),
        appended.as_secs_f64() * 1e3,
        fold.as_secs_f64() * 1e3,
        fold.as_secs_f64() * 1e6 / folded.max(1) as f64,
        after.wal_frames - before.wal_frames,
        after.checkpoints - before.checkpoints,
        (after.checkpoint - before.checkpoint).as_secs_f64() * 1e3,
        cpu.unwrap_or(f64::NAN),
    );
}
