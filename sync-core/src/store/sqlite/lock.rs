//! Exclusive ownership of a store file: an OS file lock on a sidecar
//! `<file>-lock`, held for as long as the [`SqliteStore`](super::SqliteStore)
//! lives.
//!
//! Two writers on one file each hand out their own registration order
//! numbers, which leaves a file that no restart accepts (duplicate orders).
//! The lock turns that into a clear refusal at open: a second opener, in
//! this process or another, gets [`StoreError::Locked`].
//!
//! Why a sidecar file and not the database file itself:
//!
//! - SQLite locks the database with POSIX advisory (`fcntl`) locks, and POSIX
//!   drops *every* such lock a process holds on a file when *any* descriptor
//!   of that file is closed. A second descriptor of our own on the database
//!   would be a standing hazard to SQLite's locking; on the sidecar it is not.
//! - Windows file locks are mandatory: an exclusive lock over the database's
//!   bytes would block SQLite's own reads of them.
//! - `std::fs::File::try_lock` (`flock` on Unix, `LockFileEx` on Windows) is
//!   held per open file description, so a second open in the same process is
//!   refused too, and the OS releases it when the process dies (kill -9 leaves
//!   no stale lock).
//!
//! A lock is held by every copy of its descriptor, and a process that forks
//! (any thread's `std::process::Command::spawn`) gives the child copies until
//! the child calls `exec`. A store closed while another thread is spawning a
//! process therefore stays locked for that short window, and reopening it at
//! once would be refused although nobody owns it. So a refused lock is
//! retried for a short, bounded time ([`RETRY_FOR`]) before the open reports
//! [`StoreError::Locked`]; a real second owner is still refused, only later.
//!
//! The sidecar is created on first open and never removed: deleting a lock
//! file while someone may be about to lock it would let two owners hold two
//! different files. It holds no data, only the clean-close mark that lets the
//! next open skip `quick_check` (`clean_close.rs`); copying a store does not
//! need it (without it, the next open checks the file in full).

use crate::store::StoreError;
use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a refused lock is tried again before the open reports
/// [`StoreError::Locked`]: long enough for a forked child to reach `exec`.
const RETRY_FOR: Duration = Duration::from_millis(200);
/// The pause between two tries.
const RETRY_EVERY: Duration = Duration::from_millis(5);

/// The sidecar lock file of the store at `path`: `<path>-lock`.
pub fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push("-lock");
    PathBuf::from(name)
}

/// A held exclusive lock on a store file; released when dropped.
#[derive(Debug)]
pub(super) struct FileLock {
    /// The open sidecar; the lock lives as long as this descriptor.
    file: File,
}

impl FileLock {
    /// Takes the exclusive lock of the store at `path` (shown as `shown` in
    /// errors) without waiting: [`StoreError::Locked`] if someone holds it.
    pub(super) fn acquire(path: &Path, shown: &str) -> Result<FileLock, StoreError> {
        let sidecar = lock_path(path);
        let file =
            OpenOptions::new().read(true).write(true).create(true).truncate(false).open(&sidecar).map_err(|e| {
                StoreError::Io(format!("{shown}: opening the lock file {} failed: {e}", sidecar.display()))
            })?;
        let give_up = Instant::now() + RETRY_FOR;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(FileLock { file }),
                // Held: by another owner, or by a child process between fork and exec (module docs).
                Err(TryLockError::WouldBlock) if Instant::now() < give_up => std::thread::sleep(RETRY_EVERY),
                Err(TryLockError::WouldBlock) => return Err(StoreError::Locked { path: shown.to_string() }),
                Err(TryLockError::Error(e)) => {
                    return Err(StoreError::Io(format!("{shown}: locking {} failed: {e}", sidecar.display())));
                }
            }
        }
    }
}

impl FileLock {
    /// The locked sidecar, which holds the clean-close mark (`clean_close.rs`).
    pub(super) fn file(&self) -> &File {
        &self.file
    }
}
