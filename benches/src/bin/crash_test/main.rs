//! `crash_test`: kill -9 a process in the middle of durable traffic, reopen
//! its SQLite file, and check that nothing acknowledged was lost and nothing
//! unacknowledged appeared.
//!
//! The parent re-executes itself as a child (the hidden `child` subcommand) that runs random
//! register / fire / finish traffic through the engine, the SQLite store and
//! group commit, on one file that every point reuses. Before each commit the
//! child prints the batch it is about to write (`begin`, then one `intent`
//! line per mutation); once the commit returned it prints one `ack` line per
//! mutation, each flushed: those are the acknowledged registration states.
//! A `folded` line follows a commit (or `compact()`) that folded the journal.
//! The parent kills the child with SIGKILL after a random number of lines
//! (sometimes before the first, so also during open and restore), reads what the child printed, reopens
//! the file and compares it with the acknowledged state. The last batch the
//! child began may or may not have landed, but only whole: the file must equal
//! the acknowledged state, or the acknowledged state plus that batch.
//!
//! ```text
//! cargo run --release -p sync-benches --bin crash_test                  # CI size: 50 points
//! cargo run --release -p sync-benches --bin crash_test -- --points 1000 # the full run
//! cargo run --release -p sync-benches --bin crash_test -- --help
//! ```
//!
//! Options: `--points N`, `--seed S` (printed on every run, to replay one),
//! `--dir D` (where the file goes; default a fresh temporary directory, removed
//! on success), `--max-lines M` (most lines read before a kill, default 600),
//! `--fold-threshold F` (journal rows at which the child's store folds its
//! journal into `registrations`, default 24, so kills also land inside folds;
//! the child also calls `compact()` now and then), `--verbose` (a line per point). Output ends with
//! `points: N, acknowledged: A, lost: 0, phantom: 0`; the exit status is
//! non-zero if anything was lost, appeared, or landed torn.

mod child;
mod parent;
mod protocol;
mod rng;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Kill -9 a process in the middle of durable traffic, reopen its SQLite file,
/// and check that nothing acknowledged was lost and nothing unacknowledged appeared.
#[derive(Debug, Parser)]
#[command(name = "crash_test", version)]
struct Cli {
    #[command(flatten)]
    parent: parent::Options,
    /// The child a point runs (started by the parent, not by hand).
    #[command(subcommand)]
    child: Option<Mode>,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Random traffic on one SQLite file until killed (the parent starts it).
    #[command(hide = true)]
    Child(child::Options),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.child {
        Some(Mode::Child(options)) => child::run(options),
        None => parent::run(&cli.parent),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("crash_test: {message}");
            ExitCode::from(2)
        }
    }
}
