//! `wpt-harness`: runs the Background Sync conformance suite.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
