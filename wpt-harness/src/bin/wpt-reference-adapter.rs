//! The reference adapter: this repository's engine behind the adapter
//! protocol (`wpt-harness/PROTOCOL.md`), exactly as the in-process `engine`
//! target drives it (SQLite store for restarts included).
//!
//! `wpt-harness run --target exec --adapter wpt-reference-adapter` must give
//! the same result for every subtest as `--target engine`; a test checks it.

use std::process::ExitCode;
use wpt_harness::protocol::messages::{Capabilities, Implementation};
use wpt_harness::protocol::server::serve;
use wpt_harness::targets::EngineTarget;

fn main() -> ExitCode {
    let implementation = Implementation {
        name: "background-sync (reference adapter)".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let mut target = EngineTarget::new();
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    match serve(&mut target, implementation, Capabilities::all(), stdin, stdout) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wpt-reference-adapter: {e}");
            ExitCode::FAILURE
        }
    }
}
