//! The clean-close mark: what lets a restart skip `PRAGMA quick_check`.
//!
//! `quick_check` reads and checks every page of the file; at a million
//! registrations that was most of a restart's time. It guards against a file
//! damaged while nobody owned it (a torn copy, a bad sector, another program)
//! or by an owner that died in the middle of something. Neither applies to a
//! file whose last owner closed it cleanly and that nobody touched since. So:
//!
//! - When a store closes cleanly (its connection closed, so SQLite has
//!   checkpointed the WAL into the file and removed the `-wal`; no commit
//!   failed with anything but a full disk), it writes a **mark** into its
//!   sidecar lock file (`<file>-lock`, which it holds exclusively): the
//!   file's length and a 64-bit hash of its every byte.
//! - The next [`SqliteStore::open`](super::SqliteStore::open) reads the mark
//!   and clears it before anything else writes to the file. Only if the mark
//!   is there, no `-wal` with content sits beside the file, and the file's
//!   length and hash are still the marked ones, is `quick_check` skipped;
//!   every other open-time check (header, length, application id, schema
//!   version and shape) always runs.
//!
//! The mark is bound to the file's bytes, not to a flag: a file changed in
//! any way after the close (even with its length and modification time kept)
//! hashes differently and gets the full check. An owner that dies leaves no
//! mark (the open cleared it), so the next open checks in full. Hashing reads
//! the file once at close and once at open (tens of milliseconds at a million
//! rows, from the page cache), where `quick_check` took most of a second.
//! What the mark cannot vouch for is damage that happened *while the previous
//! owner had the file open* and that SQLite did not report; `load()` still
//! decodes and checks every row, and `sync-store check` runs the full
//! `quick_check` on demand (`spec-notes/durability.md` §5).

use super::lock::FileLock;
use super::sidecar::wal_has_frames;
use crate::store::StoreError;
use std::hash::{BuildHasher, Hasher};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The first word of a mark, with the format's version.
const MARK: &str = "bsync-clean-close-1";

/// Bytes read at a time while hashing the file.
const CHUNK: usize = 1 << 20;

/// Exclusive ownership of a store file (its lock) and the clean-close mark
/// written into the lock file when the owner is dropped after a clean run.
///
/// Declared after the connection in [`SqliteStore`](super::SqliteStore), so it
/// is dropped (and marks) only once the connection has closed.
#[derive(Debug)]
pub(super) struct Owner {
    lock: FileLock,
    path: PathBuf,
    /// Set once the store is open: a store that failed to open marks nothing.
    armed: bool,
    /// Set when a commit failed with something other than a full disk.
    faulted: bool,
}

impl Owner {
    /// Takes the file's lock (see [`FileLock::acquire`]).
    pub(super) fn acquire(path: &Path, shown: &str) -> Result<Owner, StoreError> {
        let lock = FileLock::acquire(path, shown)?;
        Ok(Owner { lock, path: path.to_path_buf(), armed: false, faulted: false })
    }

    /// Whether the previous owner closed the file cleanly and it is unchanged
    /// since (then `quick_check` may be skipped). Clears the mark either way,
    /// so an owner that dies leaves none.
    pub(super) fn take_clean_mark(&mut self) -> bool {
        let mut text = String::new();
        let mut file = self.lock.file();
        if file.seek(SeekFrom::Start(0)).is_err() || file.read_to_string(&mut text).is_err() || text.is_empty() {
            return false;
        }
        // If the mark cannot be cleared, it is not trusted (it could outlive a crash).
        if file.set_len(0).is_err() {
            return false;
        }
        let mut words = text.split_whitespace();
        let (Some(MARK), Some(len), Some(hash), None) = (words.next(), words.next(), words.next(), words.next()) else {
            return false;
        };
        if wal_has_frames(&self.path) {
            return false;
        }
        fingerprint(&self.path).is_ok_and(|(l, h)| len == l.to_string() && hash == format!("{h:016x}"))
    }

    /// The store is open: from now on a clean drop marks the file.
    pub(super) fn arm(&mut self) {
        self.armed = true;
    }

    /// A commit failed in a way that may have left the file damaged: the
    /// next open checks it in full.
    pub(super) fn fault(&mut self) {
        self.faulted = true;
    }
}

impl Drop for Owner {
    fn drop(&mut self) {
        // The connection has closed: a clean close left no `-wal` behind.
        if !self.armed || self.faulted || wal_has_frames(&self.path) {
            return;
        }
        let Ok((len, hash)) = fingerprint(&self.path) else { return };
        let mut file = self.lock.file();
        // Best effort: without a mark the next open checks in full.
        let written = file.seek(SeekFrom::Start(0)).and_then(|_| {
            file.set_len(0)?;
            file.write_all(format!("{MARK} {len} {hash:016x}\n").as_bytes())
        });
        if let Err(error) = written {
            tracing::debug!(%error, "could not write the clean-close mark; the next open runs quick_check");
        }
    }
}

/// The file's length and a hash of all its bytes (foldhash with a fixed
/// seed: fast, not cryptographic; the mark guards against accidents, and
/// whoever can rewrite the file can rewrite the mark too).
fn fingerprint(path: &Path) -> std::io::Result<(u64, u64)> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = foldhash::quality::FixedState::with_seed(0x4253_594E).build_hasher();
    let mut buf = vec![0u8; CHUNK];
    let mut len = 0u64;
    loop {
        // Whole chunks (a short read is continued), so the hash does not
        // depend on how the reads happened to split.
        let mut n = 0;
        while n < CHUNK {
            match file.read(&mut buf[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        hasher.write(&buf[..n]);
        len += n as u64;
        if n < CHUNK {
            break;
        }
    }
    hasher.write_u64(len);
    Ok((len, hasher.finish()))
}
