//! Laying the `-wal` file out ahead of the commits, so they overwrite it
//! instead of appending to it.
//!
//! A commit's durability is one fsync of the WAL. When its frame lands past
//! the file's end, the file grows, and the fsync also commits the file
//! system's metadata (the new size and blocks): measured on the benchmark
//! machine, about 1.7× the fsync of the same write over bytes the file
//! already holds (`benches/README.md`, "Where a durable ack's time goes").
//! SQLite deletes the WAL when the store closes and only reuses its frames
//! after a checkpoint, so each session's first commits (up to
//! [`CHECKPOINT_PAGES`] frames) append.
//!
//! Two steps keep the commits off the file's end:
//!
//! - **Growing ahead, on the commit path.** Once the session's commits have
//!   written [`GROW_AFTER`] frames, a commit whose frames would come within
//!   [`GROW_HEADROOM`] frames of the file's known end first extends the
//!   `-wal` with [`GROW_CHUNK`] frames of zeros, up to [`CHECKPOINT_PAGES`]
//!   frames in all, and does not fsync them itself: the commit's own fsync
//!   of the `-wal` makes them durable with its frames. One commit in
//!   [`GROW_CHUNK`] frames pays for a larger append; the others overwrite.
//!   A store that commits a few frames a session never grows its `-wal`.
//! - **Laying out, while idle.** An idle step ([`Store::idle`](crate::store::Store::idle),
//!   once per session, after any fold or checkpoint that is due) extends
//!   the `-wal` with zeros to [`CHECKPOINT_PAGES`] frames (4 MiB with 4 KiB
//!   pages) in one go and fsyncs it, once the commits have written
//!   [`LAYOUT_AFTER`] frames, so a store that pauses reaches its steady size
//!   before its next burst.
//!
//! Both write only past the file's end, which holds no frame, and zeros are
//! never a valid frame (a frame's salt must match the WAL header's), so
//! SQLite's recovery after a crash stops where it would have stopped
//! anyway, whether or not the zeros reached the disk. Nothing stored
//! changes; a failure is logged and costs only the appends. A clean close
//! still deletes the WAL (`clean_close.rs` is unaffected); an erase that
//! truncates the WAL (`erase.rs`) starts both over.

use super::sidecar::wal_path;
use super::{CHECKPOINT_PAGES, SqliteStore};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// The WAL header's size in bytes.
const WAL_HEADER: u64 = 32;

/// A WAL frame header's size in bytes (each frame is this plus one page).
const FRAME_HEADER: u64 = 24;

/// WAL frames a session's commits write before an idle step lays the `-wal` out.
pub const LAYOUT_AFTER: u64 = 100;

/// WAL frames a session's commits write before a commit grows the `-wal` ahead of itself.
pub const GROW_AFTER: u64 = 16;

/// Frames of zeros a commit adds when it grows the `-wal` (256 KiB with 4 KiB pages).
pub const GROW_CHUNK: u64 = 64;

/// A commit grows the `-wal` when its frames would start within this many frames of the known end.
pub const GROW_HEADROOM: u64 = 8;

/// Zeros written per `write` call.
const CHUNK: usize = 64 * 1024;

impl SqliteStore {
    /// Whether the `-wal` still has to be laid out this session.
    pub(super) fn wal_layout_due(&self) -> bool {
        self.wal_extent < CHECKPOINT_PAGES && self.wal.frames() >= LAYOUT_AFTER
    }

    /// Extends the `-wal` with zeros to [`CHECKPOINT_PAGES`] frames and
    /// fsyncs it (see the [module docs](self)). Best effort: it is not tried
    /// again this session unless an erase truncates the WAL.
    pub(super) fn lay_out_wal(&mut self) {
        self.extend_wal(CHECKPOINT_PAGES, Sync::Now);
        self.wal_extent = CHECKPOINT_PAGES;
    }

    /// Before a commit: grows the `-wal` ahead of the commit's frames when
    /// they would come near its end (see the [module docs](self)). Best
    /// effort: after a failure the session's commits append.
    pub(super) fn grow_wal_ahead(&mut self) {
        let pages = self.wal.wal_pages();
        if self.wal_extent >= CHECKPOINT_PAGES
            || self.wal.frames() < GROW_AFTER
            || pages.saturating_add(GROW_HEADROOM) < self.wal_extent
        {
            return;
        }
        let target = pages.max(self.wal_extent).saturating_add(GROW_CHUNK).min(CHECKPOINT_PAGES);
        self.wal_extent = if self.extend_wal(target, Sync::WithCommit) { target } else { CHECKPOINT_PAGES };
    }

    /// Extends the `-wal` with zeros to `frames` frames; returns whether it did.
    fn extend_wal(&self, frames: u64, sync: Sync) -> bool {
        let page_size = match self.page_size() {
            Ok(size) => size,
            Err(error) => {
                tracing::debug!(%error, "could not read page_size; the WAL is not extended");
                return false;
            }
        };
        let frame = FRAME_HEADER.saturating_add(page_size);
        let target = WAL_HEADER.saturating_add(frame.saturating_mul(frames));
        match extend_with_zeros(&self.path, target, sync) {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(%error, "could not extend the WAL; the session's commits append");
                false
            }
        }
    }
}

/// When zeros written past the `-wal`'s end reach the disk.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sync {
    /// Fsynced before returning.
    Now,
    /// With the next commit's fsync of the `-wal` (same file, so the same flush).
    WithCommit,
}

/// Extends `<db>-wal` (which SQLite keeps open and has created) with zeros
/// to `target` bytes, writing only past its current end.
fn extend_with_zeros(db: &Path, target: u64, sync: Sync) -> std::io::Result<()> {
    // Not created here: without a `-wal` (not WAL mode) there is nothing to lay out.
    let mut file = std::fs::OpenOptions::new().write(true).open(wal_path(db))?;
    let mut at = file.metadata()?.len();
    if at >= target {
        return Ok(());
    }
    file.seek(SeekFrom::Start(at))?;
    let zeros = vec![0u8; CHUNK];
    while at < target {
        let n = usize::try_from(target - at).unwrap_or(CHUNK).min(CHUNK);
        file.write_all(&zeros[..n])?;
        at += n as u64;
    }
    // Dropping the descriptor is harmless to SQLite's locks: they are on the
    // database file and the `-shm`, never on the `-wal`.
    if sync == Sync::Now {
        file.sync_all()?;
    }
    Ok(())
}
