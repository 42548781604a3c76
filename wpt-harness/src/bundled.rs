//! The bundled suite, built into the binary.
//!
//! The scenario files and expectations under `wpt-harness/scenarios/` and
//! `wpt-harness/expectations/` are embedded at build time (`build.rs`) and
//! unpacked on first use into a directory of the system's temporary
//! directory named after their hash, so that an installed binary runs the
//! suite from any directory, with or without the source tree.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

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
    let staging = tempfile::Builder::new().prefix(".wpt-harness-unpack").tempdir_in(parent)?;
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

/// The directory holding `scenarios/` and `expectations/`: the unpacked
/// copy, or the source tree when it cannot be unpacked.
pub fn root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("wpt-harness-suite-{}-{}", env!("CARGO_PKG_VERSION"), files::HASH));
        match unpack(&dir) {
            Ok(()) => dir,
            // The source tree, when it is still there; otherwise the
            // error comes from reading the first scenario.
            Err(_) => PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        }
    })
}

/// How many files are embedded.
pub fn file_count() -> usize {
    files::FILES.len()
}
