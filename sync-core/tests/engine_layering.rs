//! The engine's module layering, read from its own `use` lines:
//! - nothing under `engine/` imports the storage folder (the persisted rows
//!   come from `record.rs`, below both);
//! - the engine's parts (`index`, `table/`, `schedule/`, `flights`, `wakeup`)
//!   never import the engine hub or the algorithms, and `index` and `wakeup`
//!   import no other part: the parts form no cycle;
//! - the hub (`engine/mod.rs`) imports no algorithm, so the algorithms, which
//!   are engine methods and import the hub, form no cycle with it.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())).flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `use` declarations of a source text, outside `#[cfg(test)]` modules.
fn uses(text: &str) -> Vec<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or_default();
    code.split(';')
        .map(str::trim)
        .filter_map(|s| {
            s.lines()
                .map(str::trim)
                .find(|l| ["use ", "pub use ", "pub(crate) use ", "pub(super) use "].iter().any(|p| l.starts_with(p)))
        })
        .map(|l| l.split_once("use ").map_or(String::new(), |(_, rest)| rest.to_string()))
        .collect()
}

/// Offending `use` lines per file: those for which `bad` holds.
fn offenders(files: &[PathBuf], bad: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        for u in uses(&text) {
            if bad(&u) {
                out.push(format!("{}: use {u}", file.display()));
            }
        }
    }
    out
}

fn engine_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine")
}

#[test]
fn the_engine_never_imports_the_store() {
    let mut files = Vec::new();
    rust_files(&engine_dir(), &mut files);
    assert!(files.len() > 15, "engine files not found");
    let found = offenders(&files, |u| u.starts_with("crate::store"));
    assert!(found.is_empty(), "engine/ imports store/:\n{}", found.join("\n"));
}

#[test]
fn the_parts_do_not_import_the_hub_or_the_algorithms() {
    let dir = engine_dir();
    let mut parts = vec![dir.join("index.rs"), dir.join("flights.rs"), dir.join("wakeup.rs")];
    rust_files(&dir.join("table"), &mut parts);
    rust_files(&dir.join("schedule"), &mut parts);
    let hub = |u: &str| {
        u == "super::Engine"
            || u.starts_with("super::{")
            || u.starts_with("crate::engine::Engine")
            || u.starts_with("crate::engine::{")
            || u.contains("algorithms")
            || u.contains("placement")
    };
    let found = offenders(&parts, hub);
    assert!(found.is_empty(), "a part imports the engine hub:\n{}", found.join("\n"));
    let leaves = [dir.join("index.rs"), dir.join("wakeup.rs")];
    let found = offenders(&leaves, |u| u.starts_with("super::") || u.starts_with("crate::engine"));
    assert!(found.is_empty(), "a leaf imports another part:\n{}", found.join("\n"));
}

#[test]
fn the_hub_imports_no_algorithm() {
    let hub = [engine_dir().join("mod.rs")];
    let algorithm = |u: &str| {
        ["algorithms", "placement", "restore", "handle"].iter().any(|m| {
            u.starts_with(m) || u.starts_with(&format!("self::{m}")) || u.starts_with(&format!("crate::engine::{m}"))
        })
    };
    let found = offenders(&hub, algorithm);
    assert!(found.is_empty(), "the hub imports an algorithm:\n{}", found.join("\n"));
}

#[test]
fn the_use_scanner_sees_what_it_must() {
    let sample = "use super::Engine;\nuse crate::store::{Mutation, StoredOrigin};\npub(crate) use x::Y;\npub use algorithms::Z;\n\
                  #[cfg(test)]\nmod tests {\n    use crate::store::Mutation;\n}\n";
    assert_eq!(uses(sample), vec!["super::Engine", "crate::store::{Mutation, StoredOrigin}", "x::Y", "algorithms::Z"]);
}
