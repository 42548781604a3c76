//! `crash_test`: kill -9 a process in the middle of durable traffic, reopen
//! its SQLite file, and check that nothing acknowledged was lost and nothing
//! unacknowledged appeared.
//!
//! The parent re-executes itself as a child (`--child`) that runs random
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
//! cargo run --release -p sync-core --bin crash_test                  # CI size: 50 points
//! cargo run --release -p sync-core --bin crash_test -- --points 1000 # the full run
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

#[cfg(feature = "sqlite")]
mod child;
#[cfg(feature = "sqlite")]
mod parent;
#[cfg(feature = "sqlite")]
mod protocol;
#[cfg(feature = "sqlite")]
mod rng;

use std::process::ExitCode;

#[cfg(feature = "sqlite")]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.iter().any(|a| a == "--child") { child::run(&args) } else { parent::run(&args) };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("crash_test: {message}");
            ExitCode::from(2)
        }
    }
}

#[cfg(not(feature = "sqlite"))]
fn main() -> ExitCode {
    eprintln!("crash_test needs the `sqlite` feature");
    ExitCode::from(2)
}

/// The value of `--name` in `args`, parsed.
#[cfg(feature = "sqlite")]
fn flag<T: std::str::FromStr>(args: &[String], name: &str) -> Result<Option<T>, String> {
    match args.iter().position(|a| a == name) {
        None => Ok(None),
        Some(i) => {
            let value = args.get(i + 1).ok_or_else(|| format!("{name} needs a value"))?;
            value.parse().map(Some).map_err(|_| format!("{name}: cannot parse {value:?}"))
        }
    }
}
