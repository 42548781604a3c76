//! Removing the unpacked copies of older suites.
//!
//! Every change to the bundled suite changes its hash, and so the directory
//! it is unpacked into (`wpt-harness-suite-<version>-<hash>`, about 670 KB).
//! Left alone, each rebuild would leave one more copy in the temporary
//! directory. A binary that holds its own copy removes the others, but only
//! what is provably one of ours and not in use:
//!
//! - the name is `wpt-harness-suite-<version>-<16 hex digits>` and the entry
//!   is a directory, not a link;
//! - its completion marker holds exactly that hash (what [`super`] writes);
//! - the marker was last touched [`UNUSED_FOR`] ago or longer (a binary
//!   touches its marker when it starts using the copy), which also spares
//!   copies of older binaries that do not lock;
//! - no process holds the marker's shared lock (a binary holds it for as
//!   long as it runs; the check takes the exclusive lock without waiting).
//!
//! The copy is renamed away under the lock (an atomic step: a binary
//! looking for it then unpacks it again) and then deleted. Half-written
//! staging directories of interrupted unpacks are removed after the same
//! time. Only the owner can rename an entry in a sticky temporary
//! directory, so other users' copies are never touched.

use std::fs::{File, TryLockError};
use std::path::Path;
use std::time::{Duration, SystemTime};

/// The start of the name of every unpacked copy.
pub(super) const PREFIX: &str = "wpt-harness-suite-";

/// The start of the name of a staging directory (an unpack in progress).
pub(super) const STAGING_PREFIX: &str = ".wpt-harness-unpack";

/// A copy whose marker was not touched for this long may be removed.
pub const UNUSED_FOR: Duration = Duration::from_secs(60 * 60);

/// The hash in a copy's directory name, when the name is one of ours.
fn hash_of(name: &str) -> Option<&str> {
    let rest = name.strip_prefix(PREFIX)?;
    let (version, hash) = rest.rsplit_once('-')?;
    let ours = !version.is_empty() && hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    ours.then_some(hash)
}

fn older_than(path: &Path, now: SystemTime, age: Duration) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| now.duration_since(t).is_ok_and(|d| d >= age))
}

/// Removes `dir` by renaming it into a fresh staging name first.
fn remove(parent: &Path, dir: &Path) -> bool {
    let Some(name) = dir.file_name() else { return false };
    let doomed = parent.join(format!("{STAGING_PREFIX}-stale-{}-{}", std::process::id(), name.to_string_lossy()));
    if std::fs::rename(dir, &doomed).is_err() {
        return false;
    }
    let _ = std::fs::remove_dir_all(&doomed);
    true
}

/// Removes the stale copies in `parent` other than `keep` (see the module
/// docs); returns how many were removed. Errors are skipped: a copy that
/// cannot be checked is kept.
pub fn remove_stale(parent: &Path, keep: &Path, now: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(parent) else { return 0 };
    let mut removed = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        if path == keep || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(STAGING_PREFIX) {
            if older_than(&path, now, UNUSED_FOR) && remove(parent, &path) {
                removed += 1;
            }
            continue;
        }
        let Some(hash) = hash_of(&name) else { continue };
        let marker = path.join(super::COMPLETE);
        if std::fs::read_to_string(&marker).ok().as_deref() != Some(hash) || !older_than(&marker, now, UNUSED_FOR) {
            continue;
        }
        let Ok(file) = File::open(&marker) else { continue };
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock | TryLockError::Error(_)) => continue,
        }
        // Under the lock: nobody started using it since the check.
        if older_than(&marker, now, UNUSED_FOR) && remove(parent, &path) {
            removed += 1;
        }
    }
    removed
}
