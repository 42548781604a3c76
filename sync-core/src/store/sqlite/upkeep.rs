//! Upkeep off the commit path: the journal fold and the WAL checkpoint that a
//! commit would otherwise run inline, done instead by [`Store::idle`] while
//! the driver is quiet, once [`Store::defer_upkeep`] asked for it.
//!
//! - A commit still folds itself once the journal holds [`DEFERRED_FACTOR`]
//!   fold thresholds of rows: under a load that never lets the driver be
//!   quiet, the journal stays bounded (and so does `load()`'s replay of it).
//!   A commit still checkpoints once the WAL holds
//!   [`CHECKPOINT_PAGES`](super::CHECKPOINT_PAGES) pages, as SQLite's own rule
//!   does, so the WAL file stops growing and commits rewrite its frames
//!   instead of appending (see [`DEFERRED_FACTOR`]); an idle step
//!   checkpoints before that.
//! - An idle step is a fold ([`SqliteStore::compact`], its own transaction)
//!   when the journal has reached the threshold, else a passive checkpoint
//!   of the WAL, else, once per session that has committed a little,
//!   laying the `-wal` file out so later commits overwrite it instead of
//!   appending (`wal_layout.rs`).
//!   None of them changes what is stored, and none holds an
//!   acknowledgement: every acknowledged batch was committed
//!   (`synchronous=FULL`) before its reply went out. A crash in any of them
//!   leaves the last committed state, as a crash in `compact` always did.
//! - A fold that fails (a full disk, a journal row that does not decode)
//!   changes nothing and is tried again one threshold of rows later, as a
//!   fold inside a batch is.

use super::error_map::store_error;
use super::{CHECKPOINT_PAGES, DEFERRED_FACTOR, SqliteStore, journaled};
use crate::store::{Mutation, Store, StoreError};
use std::time::Instant;

impl SqliteStore {
    /// Whether a fold, a checkpoint or the WAL layout waits for an idle step.
    pub(super) fn upkeep_pending(&self) -> bool {
        self.deferred
            && (self.fold_due() || (self.wal.wal_pages() > 0 && !self.checkpoint_blocked) || self.wal_layout_due())
    }

    /// Whether committing `batch` now also folds the journal, checkpoints the
    /// WAL, clears erased rows out of it, or first builds the erase index
    /// from a long journal ([`Store::commit_runs_upkeep`]).
    pub(super) fn upkeep_in_commit(&self, batch: &[Mutation]) -> bool {
        let clears = batch
            .iter()
            .any(|m| matches!(m, Mutation::DeleteWorker(_) | Mutation::DeleteOrigin(_) | Mutation::DeleteAll));
        // The first delete after an open reads every journal row's key (`erase.rs`).
        let builds_index = self.index.is_none()
            && self.journal_rows >= INDEX_BUILD_ROWS
            && batch.iter().any(|m| matches!(m, Mutation::Delete(_)));
        // A mutation writes a page or two; the commit that brings the WAL to the bound checkpoints after it.
        let frames = u64::try_from(batch.len()).unwrap_or(u64::MAX).saturating_mul(2).saturating_add(2);
        let checkpoints = self.wal.wal_pages().saturating_add(frames) >= CHECKPOINT_PAGES;
        clears || builds_index || checkpoints || self.folds_with(batch)
    }

    /// Whether committing `batch` folds the journal: it reaches the fold
    /// point, which with upkeep put off is [`DEFERRED_FACTOR`] thresholds on.
    pub(super) fn folds_with(&self, batch: &[Mutation]) -> bool {
        let appending = journaled(batch);
        let fold_at = if self.deferred { deferred_fold_at(self.fold_at, self.fold_threshold) } else { self.fold_at };
        appending > 0 && self.journal_rows.saturating_add(appending) >= fold_at
    }

    fn fold_due(&self) -> bool {
        self.journal_rows > 0 && self.journal_rows >= self.fold_at
    }

    /// One upkeep step (see the [module docs](self)); returns whether more is due.
    pub(super) fn upkeep_step(&mut self) -> Result<bool, StoreError> {
        let start = Instant::now();
        let result = if self.fold_due() {
            self.compact().map(|rows| tracing::debug!(rows, "journal folded while idle")).inspect_err(|_| {
                // Tried again one threshold later, as a fold inside a batch is.
                self.fold_at = self.journal_rows.saturating_add(self.fold_threshold);
            })
        } else if self.wal.wal_pages() > 0 && !self.checkpoint_blocked {
            self.checkpoint_now()
        } else if self.wal_layout_due() {
            self.lay_out_wal();
            Ok(())
        } else {
            Ok(())
        };
        self.timings.upkeeps += 1;
        self.timings.upkeep += start.elapsed();
        if result.is_err() {
            // As after a failed commit: the next open checks the file in full.
            self.owner.fault();
        }
        result.map(|()| self.upkeep_due())
    }

    /// A passive checkpoint: copies the WAL back into the file, so the next
    /// commit starts the WAL over.
    fn checkpoint_now(&mut self) -> Result<(), StoreError> {
        let (busy, log, copied): (i64, i64, i64) = self
            .conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .map_err(|e| {
                // Not retried before the next commit; commits checkpoint themselves past the bound.
                self.checkpoint_blocked = true;
                store_error(&self.shown, "checkpointing the WAL", &e)
            })?;
        if busy == 0 && copied >= log {
            self.wal.checkpointed();
        } else {
            self.checkpoint_blocked = true;
        }
        Ok(())
    }
}

/// Journal rows from which building the erase index counts as upkeep: reading
/// that many keys takes a few hundred microseconds or more.
const INDEX_BUILD_ROWS: u64 = 1024;

/// The bound past which a commit folds itself, with upkeep put off: the
/// usual fold point plus `DEFERRED_FACTOR - 1` thresholds.
pub(super) fn deferred_fold_at(fold_at: u64, threshold: u64) -> u64 {
    fold_at.saturating_add(threshold.saturating_mul(DEFERRED_FACTOR - 1))
}
