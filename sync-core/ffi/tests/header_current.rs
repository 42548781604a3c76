//! The checked-in `include/background_sync.h` is what cbindgen generates from
//! the current source. Set `BGSYNC_BLESS=1` to rewrite it.

use std::path::Path;

#[test]
fn checked_in_header_matches_a_fresh_generation() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("cbindgen.toml reads");
    let bindings = cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header");
    let tmp = tempfile::tempdir().expect("temp dir");
    let fresh_path = tmp.path().join("background_sync.h");
    bindings.write_to_file(&fresh_path);
    let fresh = std::fs::read_to_string(&fresh_path).expect("fresh header reads");
    let checked_in_path = crate_dir.join("include/background_sync.h");
    if std::env::var_os("BGSYNC_BLESS").is_some() {
        std::fs::write(&checked_in_path, &fresh).expect("header writes");
        return;
    }
    let checked_in = std::fs::read_to_string(&checked_in_path).unwrap_or_default();
    assert!(
        checked_in == fresh,
        "include/background_sync.h is stale; regenerate it with\n  \
         BGSYNC_BLESS=1 cargo test --release -p sync-ffi --test header_current\n\
         first differing line: {:?}",
        checked_in.lines().zip(fresh.lines()).find(|(a, b)| a != b)
    );
}
