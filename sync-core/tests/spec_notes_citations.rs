//! The `spec-notes/` map spec steps to code. A note that names a function the
//! code no longer has misleads the next reader, so every backticked
//! `Type::function` or `module::function` citation in `spec-notes/*.md` must
//! name a function that exists:
//! - `Type::function`: some source file declares `fn function` and has an
//!   `impl` (or `trait`) block for `Type`;
//! - `Type::field`: some source file declares `struct Type` with that field;
//! - `module::function` or `path/module.rs::function`: a source file
//!   `module.rs` or `module/mod.rs` declares `fn function`.
//!
//! Citations of items outside this workspace (`std::`, `tokio::`, Chromium's
//! C++ such as `BackgroundSyncManager::`) are written without backticks or
//! listed in `FOREIGN` below.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Type or module names that belong to other code bases (Chromium, std, crates).
const FOREIGN: &[&str] = &[
    "std",
    "core",
    "tokio",
    "rusqlite",
    "serde",
    "proptest",
    "criterion",
    "tracing",
    "BackgroundSyncManager",
    "BackgroundSyncControllerImpl",
    "PeriodicBackgroundSyncPermissionContext",
    "BackgroundSyncLauncher",
    "BackgroundSyncProxy",
    "BackgroundSyncContextImpl",
    "BackgroundSyncScheduler",
    "BackgroundSyncParameters",
    "BackgroundSyncRegistration",
    "BackgroundSyncMetrics",
    "ServiceWorkerRegistration",
    "SyncManager",
    "PeriodicSyncManager",
];

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("sync-core sits in the workspace").to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every `A::b` inside backticks, with `b` a function name (lower case).
fn citations(markdown: &str) -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for span in markdown.split('`').skip(1).step_by(2) {
        let bytes = span.as_bytes();
        let mut i = 0;
        while let Some(at) = span[i..].find("::") {
            let sep = i + at;
            let start = span[..sep].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
            let end = span[sep + 2..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(span.len(), |p| sep + 2 + p);
            let mut owner = &span[start..sep];
            // `path/to/file.rs::name` cites a function of that file.
            if owner == "rs" && span[..start].ends_with('.') {
                let stem_end = start - 1;
                let stem_start =
                    span[..stem_end].rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(0, |p| p + 1);
                owner = &span[stem_start..stem_end];
            }
            let item = &span[sep + 2..end];
            // Only the last two segments of a path, and only functions.
            let followed_by_path = span[end..].starts_with("::");
            let preceded_by_path = start >= 2 && &bytes[start - 2..start] == b"::";
            let is_fn = item.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c == '_');
            if !owner.is_empty() && !item.is_empty() && is_fn && !followed_by_path {
                let root_of_foreign_path = preceded_by_path && FOREIGN.iter().any(|f| span[..start].starts_with(f));
                if !root_of_foreign_path && !FOREIGN.contains(&owner) {
                    found.insert((owner.to_string(), item.to_string()));
                }
            }
            i = sep + 2;
        }
    }
    found
}

fn declares_fn(source: &str, name: &str) -> bool {
    source.contains(&format!("fn {name}(")) || source.contains(&format!("fn {name}<"))
}

fn declares_type(source: &str, ty: &str) -> bool {
    [format!("struct {ty} "), format!("struct {ty}<"), format!("struct {ty}("), format!("enum {ty} ")]
        .iter()
        .any(|d| source.contains(d.as_str()))
}

fn declares_field(source: &str, name: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        line.starts_with(&format!("{name}:"))
    })
}

fn has_impl_for(source: &str, ty: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim_start();
        let words = |l: &str| l.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).any(|w| w == ty);
        (line.starts_with("impl") || line.starts_with("pub trait") || line.starts_with("trait")) && words(line)
    })
}

#[test]
fn every_function_cited_in_the_spec_notes_exists() {
    let root = workspace();
    let mut files = Vec::new();
    for krate in ["sync-core", "sync-policy", "wpt-harness", "benches"] {
        rust_files(&root.join(krate), &mut files);
    }
    let sources: Vec<(PathBuf, String)> =
        files.into_iter().filter_map(|p| std::fs::read_to_string(&p).ok().map(|s| (p, s))).collect();
    assert!(sources.len() > 50, "the workspace's sources were found");

    let mut notes: Vec<PathBuf> = std::fs::read_dir(root.join("spec-notes"))
        .expect("spec-notes/ exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    notes.sort();
    let mut checked = 0;
    let mut missing = Vec::new();
    for note in &notes {
        let text = std::fs::read_to_string(note).expect("a note reads");
        for (owner, item) in citations(&text) {
            checked += 1;
            let is_type = owner.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            let exists = sources.iter().any(|(path, source)| {
                if is_type {
                    (declares_fn(source, &item) && has_impl_for(source, &owner))
                        || (declares_type(source, &owner) && declares_field(source, &item))
                } else {
                    let module = path.file_stem().is_some_and(|s| s == owner.as_str())
                        || (path.file_stem().is_some_and(|s| s == "mod")
                            && path.parent().and_then(|d| d.file_name()).is_some_and(|d| d == owner.as_str()));
                    module && declares_fn(source, &item)
                }
            });
            if !exists {
                missing.push(format!("{}: `{owner}::{item}`", note.file_name().unwrap_or_default().to_string_lossy()));
            }
        }
    }
    assert!(checked > 10, "the notes cite code ({checked} citations found)");
    assert!(missing.is_empty(), "spec-notes cite functions that do not exist:\n{}", missing.join("\n"));
}

#[test]
fn citations_are_found_where_they_are_written() {
    let found = citations(
        "see `Engine::handle`, `register::create_one_off` and `tests/retry.rs::backs_off`, not std::fs::read or `a::B`",
    );
    let want: BTreeSet<(String, String)> =
        [("Engine", "handle"), ("register", "create_one_off"), ("retry", "backs_off")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
    assert_eq!(found, want);
}
