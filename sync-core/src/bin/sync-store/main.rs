//! `sync-store`: look at, check and salvage a Background Sync store file.
//!
//! ```text
//! sync-store check FILE               # exit 0: healthy; 1: problems (listed); 2: cannot read
//! sync-store inspect FILE             # schema version, row counts, registrations per origin
//! sync-store salvage FILE --out NEW   # copy what decodes to NEW; list what was left out
//! ```
//!
//! `check` and `inspect` only read the file (through SQLite's own locking), so
//! they work while a browser has it open. `salvage` refuses a file that a
//! store has open, and never writes to it.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use sync_core::store::sqlite::salvage::{self, Summary};

/// Look at, check and salvage a Background Sync store file.
#[derive(Debug, Parser)]
#[command(name = "sync-store", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Checks a store file without writing to it. Exit status 0: healthy
    /// (it opens, loads and restores); 1: problems, each listed; 2: the file
    /// cannot be read at all.
    Check {
        /// The store file.
        file: PathBuf,
    },
    /// Prints what a store file holds: schema version, rows per table, and
    /// registrations per origin and kind (after replaying the journal).
    Inspect {
        /// The store file.
        file: PathBuf,
    },
    /// Copies every registration of a damaged store file that decodes and
    /// restores into a new file, and lists each row left out and why.
    Salvage {
        /// The damaged store file (only read).
        file: PathBuf,
        /// The new file to write (must not exist).
        #[arg(long, value_name = "NEW")]
        out: PathBuf,
    },
}

fn print_summary(s: &Summary) {
    println!("schema version: {}", s.schema_version);
    println!("registrations table rows: {}", s.table_rows);
    println!("journal rows: {}", s.journal_rows);
    println!("origins rows: {}", s.origin_rows);
    let (one_off, periodic) = s.per_origin.values().fold((0, 0), |(a, b), c| (a + c[0], b + c[1]));
    println!("registrations: {} ({one_off} one-off, {periodic} periodic)", one_off + periodic);
    for (origin, [one_off, periodic]) in &s.per_origin {
        println!("  {origin}: {one_off} one-off, {periodic} periodic");
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check { file } => match salvage::check(&file) {
            Ok(report) if report.healthy() => {
                println!("{}: healthy", file.display());
                ExitCode::SUCCESS
            }
            Ok(report) => {
                println!("{}: {} problem(s)", file.display(), report.problems.len());
                for problem in &report.problems {
                    println!("  {problem}");
                }
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("sync-store: {e}");
                ExitCode::from(2)
            }
        },
        Command::Inspect { file } => match salvage::check(&file) {
            Ok(report) => {
                println!("file: {}", file.display());
                print_summary(&report.summary);
                println!("problems: {}", report.problems.len());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("sync-store: {e}");
                ExitCode::from(2)
            }
        },
        Command::Salvage { file, out } => match salvage::salvage(&file, &out) {
            Ok(report) => {
                println!("recovered: {} registrations, {} origin rows", report.recovered, report.origins_recovered);
                println!("renumbered: {}", report.renumbered);
                println!("skipped: {}", report.skipped.len());
                for skipped in &report.skipped {
                    println!("  {}: {}", skipped.row, skipped.reason);
                }
                println!("written: {}", out.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("sync-store: {e}");
                ExitCode::from(2)
            }
        },
    }
}
