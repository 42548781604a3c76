//! The command line: `wpt-harness [run] [PATHS...] [options]`.

use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use sync_policy::{PolicyConfig, Profile};
use wpt_harness::expectations::Expectations;
use wpt_harness::policy::RunProfile;
use wpt_harness::report::{RunInfo, html_report, wptreport};
use wpt_harness::suite::{self, RunOptions};
use wpt_harness::targets::{EngineTarget, ExecTarget, Target};

/// Runs the Background Sync conformance suite (scenario files on virtual time).
#[derive(Debug, Parser)]
#[command(name = "wpt-harness", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run scenarios (what `wpt-harness` with no subcommand does).
    Run(RunArgs),
    /// Compare policies over a simulated world (a week of a device and its sites).
    Simulate(wpt_harness::simulate::cli::SimulateArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario files or directories, searched for *.yaml [default: the bundled suite]
    paths: Vec<PathBuf>,
    /// Policy for scenarios that do not pin one: chromium, spec, or a policy file (TOML or JSON)
    #[arg(long, value_name = "chromium|spec|FILE", default_value = "chromium")]
    profile: String,
    /// Run only subtests whose "<test> <subtest>" contains TEXT
    #[arg(long, value_name = "TEXT")]
    filter: Option<String>,
    /// Write wptreport.json (wpt.fyi's format) to PATH
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// Write the HTML report (one self-contained file) to PATH
    #[arg(long, value_name = "PATH")]
    html: Option<PathBuf>,
    /// Expectations file (TOML; repeatable) [default: the bundled known-engine-bugs.toml]
    #[arg(long, value_name = "PATH")]
    expectations: Vec<PathBuf>,
    /// What to run the scenarios against (chromium: /usr/bin/chromium, headless; exec: an adapter process, see PROTOCOL.md)
    #[arg(long, value_name = "TARGET", default_value = "engine", value_parser = ["engine", "chromium", "exec"])]
    target: String,
    /// With --target exec: the adapter's command line, started with `sh -c` for every subtest
    #[arg(long, value_name = "COMMAND")]
    adapter: Option<String>,
    /// With --target exec: seconds to wait for each adapter answer before the subtest is TIMEOUT
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    adapter_timeout: f64,
    /// With --target chromium: compare every observable subtest with the engine (chromium profile)
    #[arg(long)]
    diff: bool,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

fn profile(arg: &str) -> Result<RunProfile, String> {
    if let Ok(p) = arg.parse::<Profile>() {
        return Ok(RunProfile::Builtin(p));
    }
    let path = PathBuf::from(arg);
    if !path.exists() {
        return Err(format!("--profile {arg:?}: not chromium, spec, or an existing policy file"));
    }
    let config = PolicyConfig::from_path(&path).map_err(|e| e.to_string())?;
    Ok(RunProfile::File { path, config: Box::new(config) })
}

fn expectations(paths: &[PathBuf]) -> Result<Expectations, String> {
    if paths.is_empty() {
        let bundled = suite::bundled_expectations();
        return if bundled.exists() {
            Expectations::load(&bundled).map_err(|e| e.to_string())
        } else {
            Ok(Expectations::none())
        };
    }
    let mut all = Expectations::none();
    for p in paths {
        all.extend(Expectations::load(p).map_err(|e| e.to_string())?);
    }
    Ok(all)
}

fn write_file(path: &PathBuf, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run(args: RunArgs) -> Result<bool, String> {
    let profile = profile(&args.profile)?;
    let expectations = expectations(&args.expectations)?;
    let paths = if args.paths.is_empty() { vec![suite::bundled_scenarios()] } else { args.paths.clone() };
    let files = suite::discover(&paths).map_err(|e| e.to_string())?;
    if args.target == "chromium" {
        return run_chromium(&args, &files, &profile);
    } else if args.diff {
        return Err("--diff needs --target chromium".into());
    }
    if args.adapter.is_some() && args.target != "exec" {
        return Err("--adapter needs --target exec".into());
    }
    let mut target: Box<dyn Target> = match args.target.as_str() {
        "engine" => Box::new(EngineTarget::new()),
        "exec" => {
            let command = args.adapter.clone().ok_or("--target exec needs --adapter \"<command line>\"")?;
            if !(args.adapter_timeout > 0.0 && args.adapter_timeout.is_finite()) {
                return Err(format!("--adapter-timeout {}: not a positive number of seconds", args.adapter_timeout));
            }
            Box::new(ExecTarget::new(command, std::time::Duration::from_secs_f64(args.adapter_timeout)))
        }
        other => return Err(format!("unknown target {other:?}")),
    };
    let options = RunOptions { profile: profile.clone(), filter: args.filter.clone() };
    let terminal = std::io::stdout().is_terminal();
    let time_start = now_ms();
    let mut progress = |i: usize, n: usize, test: &str| {
        if terminal {
            let mut out = std::io::stdout();
            let _ = write!(out, "\r\x1b[K[{}/{n}] {test}", i + 1);
            let _ = out.flush();
        }
    };
    let results = suite::run(&files, &options, target.as_mut(), &mut progress);
    let time_end = now_ms();
    if terminal {
        print!("\r\x1b[K");
    }
    let verdict = suite::judge(&results, &expectations);
    for u in &verdict.unexpected {
        println!("{}", u.line);
    }
    for s in &verdict.stale {
        eprintln!("warning: {s}");
    }
    let (product, version) = target.product();
    let info = RunInfo { product, version, target: target.name().to_string(), profile: profile.to_string() };
    if let Some(path) = &args.json {
        let report = wptreport(&results, &expectations, &info, time_start, time_end);
        let text = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        write_file(path, &text)?;
    }
    if let Some(path) = &args.html {
        write_file(path, &html_report(&results, &verdict, &expectations, &info))?;
    }
    if verdict.subtests == 0 {
        println!("no subtests ran: a run with zero tests fails");
    }
    if verdict.expected_failures > 0 {
        println!(
            "{} of the passed results are expected failures listed in the expectations",
            verdict.expected_failures
        );
    }
    println!("{} passed, {} failed", verdict.passed, verdict.failed);
    Ok(verdict.ok())
}

fn run_chromium(args: &RunArgs, files: &[suite::SuiteFile], profile: &RunProfile) -> Result<bool, String> {
    use wpt_harness::targets::chromium::{DEFAULT_BINARY, suite_run};
    let request = suite_run::CliRequest {
        files,
        profile,
        filter: args.filter.as_deref(),
        diff: args.diff,
        json: args.json.as_deref(),
        html: args.html.as_deref(),
    };
    let terminal = std::io::stdout().is_terminal();
    let mut progress = |i: usize, n: usize, test: &str| {
        if terminal {
            print!("\r\x1b[K[{}/{n}] {test}", i + 1);
            let _ = std::io::stdout().flush();
        }
    };
    let (lines, ok) = suite_run::execute(&request, std::path::Path::new(DEFAULT_BINARY), &mut progress)?;
    if terminal {
        print!("\r\x1b[K");
    }
    for line in lines {
        println!("{line}");
    }
    Ok(ok)
}

/// `wpt-harness simulate`: prints the comparison table, or the error (exit code 2).
fn simulate(args: &wpt_harness::simulate::cli::SimulateArgs) -> ExitCode {
    match wpt_harness::simulate::cli::execute(args) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("wpt-harness simulate: {e}");
            ExitCode::from(2)
        }
    }
}

/// Parses the command line and runs.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let args = match cli.command {
        Some(Command::Run(args)) => args,
        Some(Command::Simulate(args)) => return simulate(&args),
        None => cli.run,
    };
    match run(args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(message) => {
            eprintln!("wpt-harness: {message}");
            ExitCode::from(2)
        }
    }
}
