//! The files SQLite keeps beside a store's database file.

use std::path::{Path, PathBuf};

/// The write-ahead log of the database at `path`: `<path>-wal`.
pub(super) fn wal_path(path: &Path) -> PathBuf {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    PathBuf::from(wal)
}

/// Whether a write-ahead log with content sits next to the file.
pub(super) fn wal_has_frames(path: &Path) -> bool {
    std::fs::metadata(wal_path(path)).is_ok_and(|m| m.len() > 0)
}
