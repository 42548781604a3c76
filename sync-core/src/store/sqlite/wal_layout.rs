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
//! So an idle step ([`Store::idle`](crate::store::Store::idle), once per
//! session, after any fold or checkpoint that is due) extends the `-wal`
//! with zeros to [`CHECKPOINT_PAGES`] frames (4 MiB with 4 KiB pages) and
//! fsyncs it, once the session's commits have written [`LAYOUT_AFTER`]
//! frames: a store that keeps committing grows its `-wal` to that size
//! within the session anyway, and one that commits little (an idle profile
//! among many) keeps a small `-wal` and pays for its few appends. It writes
//! only past the file's end, which holds no frame, and zeros are never a valid
//! frame (a frame's salt must match the WAL header's), so SQLite's
//! recovery after a crash stops where it would have stopped anyway. Nothing
//! stored changes; a failure is logged and costs only the appends. A clean
//! close still deletes the WAL (`clean_close.rs` is unaffected); an erase
//! that truncates the WAL (`erase.rs`) asks for the layout again.

use super::sidecar::wal_path;
use super::{CHECKPOINT_PAGES, SqliteStore};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;

/// The WAL header's size in bytes.
const WAL_HEADER: u64 = 32;

/// A WAL frame header's size in bytes (each frame is this plus one page).
const FRAME_HEADER: u64 = 24;

/// WAL frames a session's commits write before the `-wal` is laid out.
pub const LAYOUT_AFTER: u64 = 100;

/// Zeros written per `write` call.
const CHUNK: usize = 64 * 1024;

impl SqliteStore {
    /// Whether the `-wal` still has to be laid out this session.
    pub(super) fn wal_layout_due(&self) -> bool {
        !self.wal_laid_out && self.wal.frames() >= LAYOUT_AFTER
    }

    /// Extends the `-wal` with zeros to [`CHECKPOINT_PAGES`] frames (see the
    /// [module docs](self)). Best effort: it is not tried again this session
    /// unless an erase truncates the WAL.
    pub(super) fn lay_out_wal(&mut self) {
        self.wal_laid_out = true;
        let page_size = match self.page_size() {
            Ok(size) => size,
            Err(error) => {
                tracing::debug!(%error, "could not read page_size; the WAL is not laid out");
                return;
            }
        };
        let frame = FRAME_HEADER.saturating_add(page_size);
        let target = WAL_HEADER.saturating_add(frame.saturating_mul(CHECKPOINT_PAGES));
        if let Err(error) = extend_with_zeros(&self.path, target) {
            tracing::debug!(%error, "could not lay the WAL out; the session's first commits append");
        }
    }
}

/// Extends `<db>-wal` (which SQLite keeps open and has created) with zeros
/// to `target` bytes, writing only past its current end, and fsyncs it.
fn extend_with_zeros(db: &Path, target: u64) -> std::io::Result<()> {
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
    file.sync_all()
}
