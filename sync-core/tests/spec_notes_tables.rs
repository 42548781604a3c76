//! The step → code tables of `spec-notes/one-off.md` and `spec-notes/periodic.md`
//! name code that exists: every backticked `engine/...` path is a file or folder
//! of this crate, and every backticked `Type::name` is a method or field of that
//! type in `sync-core` or `sync-policy` (the tables once cited a `Registry::find`
//! that no longer existed).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            out.push((path, text));
        }
    }
}

/// Backticked spans of a markdown text.
fn spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// `Type::name` at the start of a span, with a lowercase `name` (methods and fields, not variants).
fn member(span: &str) -> Option<(&str, &str)> {
    let (ty, rest) = span.split_once("::")?;
    let name: &str = rest.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next()?;
    let is_type = ty.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && ty.chars().all(char::is_alphanumeric);
    let is_member = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    (is_type && is_member).then_some((ty, name))
}

fn defines_type(text: &str, ty: &str) -> bool {
    [
        format!("impl {ty} "),
        format!("impl {ty}<"),
        format!("impl<P: Policy> {ty}<"),
        format!(" for {ty} "),
        format!("trait {ty}"),
        format!("struct {ty} "),
        format!("struct {ty}<"),
        format!("enum {ty} "),
    ]
    .iter()
    .any(|p| text.contains(p.as_str()))
}

fn has_member(text: &str, name: &str) -> bool {
    [format!("fn {name}("), format!("fn {name}<"), format!(" {name}: ")].iter().any(|p| text.contains(p.as_str()))
}

#[test]
fn the_step_tables_name_code_that_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    rust_files(&root.join("src"), &mut sources);
    rust_files(&root.join("../sync-policy/src"), &mut sources);
    let mut stale = Vec::new();
    let mut checked = 0;
    for note in ["one-off.md", "periodic.md"] {
        let path = root.join("../spec-notes").join(note);
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for span in spans(&text) {
            if let Some(rel) = span.strip_prefix("engine/") {
                checked += 1;
                if !root.join("src/engine").join(rel).exists() {
                    stale.push(format!("{note}: no file `{span}`"));
                }
            } else if let Some((ty, name)) = member(span) {
                checked += 1;
                let owners: Vec<_> = sources.iter().filter(|(_, t)| defines_type(t, ty)).collect();
                if !owners.iter().any(|(_, t)| has_member(t, name)) {
                    stale.push(format!("{note}: no `{ty}::{name}` ({} files define {ty})", owners.len()));
                }
            }
        }
    }
    assert!(stale.is_empty(), "stale references in spec-notes:\n{}", stale.join("\n"));
    assert!(checked > 30, "the tables lost their code references ({checked})");
}

#[test]
fn a_stale_reference_is_caught() {
    assert_eq!(member("Registry::find(sw, OneOff, tag)"), Some(("Registry", "find")));
    assert_eq!(member("Phase::Firing(event)"), None, "variants are not members");
    let sample = "struct Registry {\n    slots: Vec<u8>,\n}\nimpl Registry {\n    fn insert(&mut self) {}\n}\n";
    assert!(defines_type(sample, "Registry"));
    assert!(has_member(sample, "insert") && has_member(sample, "slots"));
    assert!(!has_member(sample, "find"), "a method that is gone is not found");
}
