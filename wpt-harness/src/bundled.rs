//! The bundled suite, built into the binary.
//!
//! The scenario files and expectations under `wpt-harness/scenarios/` and
//! `wpt-harness/expectations/` are embedded at build time (`build.rs`) and
//! unpacked on first use into a directory of the system's temporary
//! directory named after their hash, so that an installed binary runs the
//! suite from any directory, with or without the source tree. The binary
//! holds a shared lock on its copy while it runs and removes the copies of
//! older suites that nobody uses ([`stale_copies`]), so that rebuilds do not
//! pile up copies.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::SystemTime;

pub mod stale_copies;

mod files {
    include!(concat!(env!("OUT_DIR"), "/bundled_files.rs"));
}

/// The revision of the bundled suite: `WPT_HARNESS_REVISION` at build time,
/// else the git commit the binary was built from, else `v` + the version.
pub const REVISION: &str = env!("WPT_HARNESS_BUILD_REVISION");

/// Marks a complete unpacked copy.
const COMPLETE: &str = ".complete";

fn unpack(dir: &Path) -> std::io::Result<()> {
    if dir.join(COMPLETE).exists() {
        return Ok(());
    }
    let parent = dir.parent().unwrap_or(dir);
    std::fs::create_dir_all(parent)?;
    // Unpack next to the final place, then rename: concurrent runs never
    // see half a suite.
    let staging = tempfile::Builder::new().prefix(stale_copies::STAGING_PREFIX).tempdir_in(parent)?;
    for (rel, text) in files::FILES {
        let path = staging.path().join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, text)?;
    }
    std::fs::write(staging.path().join(COMPLETE), files::HASH)?;
    let staged = staging.keep();
    match std::fs::rename(&staged, dir) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staged);
            if dir.join(COMPLETE).exists() { Ok(()) } else { Err(e) }
        }
    }
}

/// Takes the shared lock on a complete copy and marks it as used now;
/// `None` when the copy is not (or no longer) complete.
fn hold(dir: &Path) -> Option<File> {
    let marker = dir.join(COMPLETE);
    let file = File::options().read(true).write(true).open(&marker).or_else(|_| File::open(&marker)).ok()?;
    // Best effort: where the file system has no locks, the marker's time
    // alone keeps the copy from being removed.
    let _ = file.lock_shared();
    // A copy being removed was renamed away before we got the lock.
    if !marker.exists() {
        return None;
    }
    let _ = file.set_modified(SystemTime::now());
    Some(file)
}

/// The directory holding `scenarios/` and `expectations/`: the unpacked
/// copy, or the source tree when it cannot be unpacked.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    // The shared lock on the copy, held for the life of the process.
    static HELD: OnceLock<File> = OnceLock::new();
    ROOT.get_or_init(|| {
        let parent = std::env::temp_dir();
        let dir = parent.join(format!("{}{}-{}", stale_copies::PREFIX, env!("CARGO_PKG_VERSION"), files::HASH));
        // Twice: a copy another process removed between the unpack and the
        // lock is unpacked again.
        for _ in 0..2 {
            if unpack(&dir).is_err() {
                break;
            }
            if let Some(lock) = hold(&dir) {
                let _ = HELD.set(lock);
                stale_copies::remove_stale(&parent, &dir, SystemTime::now());
                return dir;
            }
        }
        // The source tree, when it is still there; otherwise the error
        // comes from reading the first scenario.
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    })
}

/// How many files are embedded.
pub fn file_count() -> usize {
    files::FILES.len()
}
