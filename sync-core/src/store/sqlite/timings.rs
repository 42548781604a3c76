//! Where a [`SqliteStore`](super::SqliteStore)'s commits spend their time:
//! cumulative wall-clock durations of each part of [`Store::apply`](crate::store::Store::apply),
//! kept by the store so the scale report can break one commit down.
//!
//! The parts do not overlap and, with the driver's own turnaround and the
//! engine's work, add up to the time between two acknowledgements:
//!
//! - `statements`: the batch's `INSERT`/`DELETE` statements (SQLite's page
//!   cache only: nothing reaches the disk before `COMMIT`);
//! - `commit`: `COMMIT` itself: the WAL frames are written and the WAL is
//!   fsynced (`synchronous=FULL`), which is what makes the batch durable;
//! - `fold`: folding the journal into `registrations`, in the batches that do;
//! - `checkpoint`: copying the WAL back into the database file once it has
//!   grown past [`CHECKPOINT_PAGES`] pages (what SQLite's automatic
//!   checkpoint does inside `COMMIT`; the store runs it itself, right after
//!   the commit, so it is timed apart);
//! - `upkeep`: folds and checkpoints put off from the commits and run by
//!   [`Store::idle`](crate::store::Store::idle) while the driver is quiet
//!   (not part of any commit).

use rusqlite::Connection;
use rusqlite::hooks::Wal;
use rusqlite::wal::CheckpointMode;
use std::ffi::c_int;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// WAL pages after which a commit is followed by a passive checkpoint
/// (SQLite's own `wal_autocheckpoint` default).
pub const CHECKPOINT_PAGES: u64 = 1000;

/// How far past its usual point a store whose upkeep is put off to idle
/// time lets the journal grow before a commit folds it: 4 × the fold threshold.
///
/// The WAL is not let grow past [`CHECKPOINT_PAGES`]: a commit that appends to
/// the end of a growing WAL file pays for the file's new size in its fsync
/// (the file system commits its metadata too), where a WAL that restarts after
/// each checkpoint rewrites frames the file already holds. So a commit still
/// checkpoints at [`CHECKPOINT_PAGES`]; an idle step checkpoints earlier.
pub const DEFERRED_FACTOR: u64 = 4;

/// Cumulative time and counts of a store's commits, in parts that do not overlap:
/// the statements, `COMMIT` (WAL write and fsync), folds, and the WAL checkpoints
/// that follow SQLite's automatic-checkpoint rule ([`CHECKPOINT_PAGES`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreTimings {
    /// Batches committed.
    pub commits: u64,
    /// Time in the batches' statements.
    pub statements: Duration,
    /// Time in `COMMIT` (WAL write and fsync).
    pub commit: Duration,
    /// Journal folds done inside batches.
    pub folds: u64,
    /// Time in those folds.
    pub fold: Duration,
    /// WAL checkpoints run after commits.
    pub checkpoints: u64,
    /// Time in those checkpoints.
    pub checkpoint: Duration,
    /// WAL frames (pages) the commits appended.
    pub wal_frames: u64,
    /// Upkeep steps run by `idle` (a fold or a checkpoint each).
    pub upkeeps: u64,
    /// Time in them.
    pub upkeep: Duration,
}

/// What the connection's WAL hook counts (it runs inside `COMMIT`, so it
/// shares these with the store through atomics).
#[derive(Debug)]
pub(super) struct WalCounters {
    /// WAL frames appended by commits.
    frames: AtomicU64,
    /// WAL pages after the last commit.
    last_pages: AtomicU64,
    /// Checkpoints run.
    checkpoints: AtomicU64,
    /// Nanoseconds in them.
    checkpoint_nanos: AtomicU64,
}

impl Default for WalCounters {
    fn default() -> Self {
        WalCounters {
            frames: AtomicU64::new(0),
            last_pages: AtomicU64::new(0),
            checkpoints: AtomicU64::new(0),
            checkpoint_nanos: AtomicU64::new(0),
        }
    }
}

impl WalCounters {
    /// `timings` with the hook's counts added, and its checkpoint time taken
    /// out of `commit` (the hook runs inside `COMMIT`).
    pub(super) fn add_to(&self, mut timings: StoreTimings) -> StoreTimings {
        let checkpoint = Duration::from_nanos(self.checkpoint_nanos.load(Ordering::Relaxed));
        timings.checkpoints = self.checkpoints.load(Ordering::Relaxed);
        timings.checkpoint = checkpoint;
        timings.commit = timings.commit.saturating_sub(checkpoint);
        timings.wal_frames = self.frames.load(Ordering::Relaxed);
        timings
    }

    /// WAL frames the commits appended since the store was opened.
    pub(super) fn frames(&self) -> u64 {
        self.frames.load(Ordering::Relaxed)
    }

    /// WAL pages after the last commit (0 once a checkpoint let the WAL restart).
    pub(super) fn wal_pages(&self) -> u64 {
        self.last_pages.load(Ordering::Relaxed)
    }

    /// A checkpoint outside a commit copied the whole WAL back: the next
    /// commit starts the WAL over.
    pub(super) fn checkpointed(&self) {
        self.last_pages.store(0, Ordering::Relaxed);
    }
}

/// Replaces SQLite's automatic checkpoint with the same rule (a passive
/// checkpoint once the WAL holds [`CHECKPOINT_PAGES`] pages) run by a hook
/// that also times it and counts the frames each commit appends.
pub(super) fn install_wal_hook(conn: &mut Connection) -> rusqlite::Result<Arc<WalCounters>> {
    let counters = Arc::new(WalCounters::default());
    let shared = Arc::clone(&counters);
    conn.wal_hook(Some(move |wal: &mut Wal, pages: c_int| {
        let pages = u64::try_from(pages).unwrap_or(0);
        let last = shared.last_pages.swap(pages, Ordering::Relaxed);
        // The WAL restarts from its first frame after a checkpoint.
        let appended = if pages >= last { pages - last } else { pages };
        shared.frames.fetch_add(appended, Ordering::Relaxed);
        if pages >= CHECKPOINT_PAGES {
            let start = Instant::now();
            // Passive, as SQLite's own: never waits for readers. A failure leaves the WAL longer.
            match wal.checkpoint_v2(CheckpointMode::PASSIVE) {
                // All of it copied back: the next commit starts the WAL over.
                Ok((log, copied)) if copied >= log => shared.last_pages.store(0, Ordering::Relaxed),
                Ok(_) => {}
                Err(error) => tracing::debug!(%error, "WAL checkpoint failed; the next commit tries again"),
            }
            let nanos = u64::try_from(start.elapsed().as_nanos()).unwrap_or(u64::MAX);
            shared.checkpoints.fetch_add(1, Ordering::Relaxed);
            shared.checkpoint_nanos.fetch_add(nanos, Ordering::Relaxed);
        }
        Ok(())
    }))?;
    Ok(counters)
}
