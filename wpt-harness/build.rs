//! Embeds the bundled suite (`scenarios/`, `expectations/`) in the binary, so
//! that an installed `wpt-harness` runs it from any directory, and records
//! the revision reports name in `run_info.revision`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// FNV-1a, 64 bits: names the directory the suite is unpacked into.
fn fnv(hash: &mut u64, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u64::from(*b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["scenarios", "expectations"] {
        println!("cargo:rerun-if-changed={dir}");
        collect(&root.join(dir), &mut files);
    }
    files.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut code = String::from(
        "/// The bundled suite: (path below the crate root, contents).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let rel = file.strip_prefix(&root).expect("below the crate root");
        let rel = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect::<Vec<_>>().join("/");
        let text = std::fs::read(file).expect("readable suite file");
        fnv(&mut hash, rel.as_bytes());
        fnv(&mut hash, &text);
        let _ = writeln!(code, "    ({rel:?}, include_str!({:?})),", file.display().to_string());
    }
    code.push_str("];\n");
    let _ = writeln!(code, "/// A hash of [`FILES`].\npub const HASH: &str = \"{hash:016x}\";");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("bundled_files.rs"), code).expect("writable OUT_DIR");

    // The revision: WPT_HARNESS_REVISION if set, else the git commit the
    // crate is built from, else the package version.
    println!("cargo:rerun-if-env-changed=WPT_HARNESS_REVISION");
    let revision = std::env::var("WPT_HARNESS_REVISION").ok().filter(|r| !r.trim().is_empty()).or_else(|| {
        let out = std::process::Command::new("git").args(["rev-parse", "HEAD"]).current_dir(&root).output().ok()?;
        let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !sha.is_empty()).then_some(sha)
    });
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    println!("cargo:rustc-env=WPT_HARNESS_BUILD_REVISION={}", revision.unwrap_or(format!("v{version}")));
}
