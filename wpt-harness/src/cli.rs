//! The command line: `wpt-harness [run] [PATHS...] [options]`.

use clap::{Args, Parser, Subcommand};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};
use sync_policy::{PolicyConfig, Profile};
use wpt_harness::expectations::{Expectations, RunKeys};
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
    /// Write wptrunner metadata (`.ini` expectations) from wptreport.json files, as `wpt update-expectations` does.
    UpdateExpectations(UpdateArgs),
}

#[derive(Debug, Args)]
struct UpdateArgs {
    /// wptreport.json files written by `wpt-harness run --json` (several: conditions on what tells the runs apart)
    #[arg(required = true)]
    reports: Vec<PathBuf>,
    /// The metadata directory to write (`<dir>/<test path>.ini`); pass it to `run --expectations`
    #[arg(long, value_name = "DIR", default_value = "metadata")]
    metadata: PathBuf,
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
    #[arg(long, value_name = "PATH", alias = "log-wptreport")]
    json: Option<PathBuf>,
    /// Write the HTML report (one self-contained file) to PATH
    #[arg(long, value_name = "PATH")]
    html: Option<PathBuf>,
    /// Expectations: a wptrunner metadata directory, an .ini file, or a TOML file (repeatable) [default: the bundled expectations/]
    #[arg(long, value_name = "PATH")]
    expectations: Vec<PathBuf>,
    /// What to run the scenarios against (chromium: headless, see --chromium; exec: an adapter process, see PROTOCOL.md)
    #[arg(long, value_name = "TARGET", default_value = "engine", value_parser = ["engine", "chromium", "exec"])]
    target: String,
    /// With --target chromium: the browser binary [default: $CHROMIUM_PATH, else /usr/bin/chromium]
    #[arg(long, value_name = "PATH")]
    chromium: Option<PathBuf>,
    /// With --target exec: the adapter's command line, started with `sh -c` for every subtest
    #[arg(long, value_name = "COMMAND")]
    adapter: Option<String>,
    /// With --target exec: seconds to wait for each adapter answer before the subtest is TIMEOUT
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    adapter_timeout: f64,
    /// With --target chromium: compare every observable subtest with the engine (chromium profile); a difference is FAIL unless expected
    #[arg(long)]
    diff: bool,
    /// With --diff: write the differential report (both traces of every subtest) as JSON to PATH
    #[arg(long, value_name = "PATH")]
    diff_json: Option<PathBuf>,
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
        let mut all = Expectations::none();
        for bundled in [suite::bundled_expectations(), suite::bundled_metadata()] {
            if bundled.exists() {
                all.extend(Expectations::load(&bundled).map_err(|e| e.to_string())?);
            }
        }
        return Ok(all);
    }
    let mut all = Expectations::none();
    for p in paths {
        all.extend(Expectations::load(p).map_err(|e| e.to_string())?);
    }
    Ok(all)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Refuses flag combinations that cannot apply, before anything runs.
fn check_flags(args: &RunArgs) -> Result<(), String> {
    if args.diff && args.target != "chromium" {
        return Err("--diff needs --target chromium".into());
    }
    if args.diff_json.is_some() && !args.diff {
        return Err("--diff-json needs --diff (without it, --json writes wptreport.json)".into());
    }
    if args.adapter.is_some() && args.target != "exec" {
        return Err("--adapter needs --target exec".into());
    }
    if args.chromium.is_some() && args.target != "chromium" {
        return Err("--chromium needs --target chromium".into());
    }
    for path in [&args.json, &args.html, &args.diff_json].into_iter().flatten() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            return Err(format!("cannot write {}: no directory {}", path.display(), dir.display()));
        }
    }
    Ok(())
}

/// The browser: `--chromium`, else `$CHROMIUM_PATH`, else the default.
fn chromium_binary(flag: Option<&Path>) -> PathBuf {
    use wpt_harness::targets::chromium::DEFAULT_BINARY;
    flag.map(Path::to_path_buf)
        .or_else(|| std::env::var_os("CHROMIUM_PATH").filter(|v| !v.is_empty()).map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from(DEFAULT_BINARY))
}

/// Progress on stderr: a line that rewrites itself on a terminal, one line
/// per test otherwise (CI logs).
fn progress_printer() -> impl FnMut(usize, usize, &str) {
    let terminal = std::io::stderr().is_terminal();
    move |i: usize, n: usize, test: &str| {
        let mut err = std::io::stderr();
        if terminal {
            let _ = write!(err, "\r\x1b[K[{}/{n}] {test}", i + 1);
        } else {
            let _ = writeln!(err, "[{}/{n}] {test}", i + 1);
        }
        let _ = err.flush();
    }
}

fn clear_progress() {
    if std::io::stderr().is_terminal() {
        eprint!("\r\x1b[K");
    }
}

/// What a run produced, whatever the target.
struct Ran {
    results: Vec<suite::TestResult>,
    product: (String, String),
    target: String,
    /// Lines printed before the summary (the diff counts).
    notes: Vec<String>,
}

fn run(args: RunArgs) -> Result<bool, String> {
    check_flags(&args)?;
    let profile = profile(&args.profile)?;
    let raw_expectations = expectations(&args.expectations)?;
    let paths = if args.paths.is_empty() { vec![suite::bundled_scenarios()] } else { args.paths.clone() };
    let files = suite::discover(&paths).map_err(|e| e.to_string())?;
    let revision = suite_revision(&args.paths);
    // The keys expectation conditions see; the profile is the one asked for
    // (a --diff run always compares under the chromium profile).
    let profile_name = if args.diff { "chromium".to_string() } else { profile.to_string() };
    let time_start = now_ms();
    let mut progress = progress_printer();
    let ran = match args.target.as_str() {
        "chromium" => {
            use wpt_harness::targets::chromium::{ChromiumTarget, suite_run};
            let mut target = ChromiumTarget::new(&chromium_binary(args.chromium.as_deref()))?;
            let keys = RunKeys::for_run("chromium", "chromium", &profile_name, args.diff);
            let exp = raw_expectations.clone().for_run(keys);
            if args.diff {
                let started = std::time::Instant::now();
                let (entries, target) = suite_run::run_diff(&files, args.filter.as_deref(), target, &mut progress);
                let c = suite_run::counts(&entries);
                let seconds = started.elapsed().as_secs();
                if let Some(path) = &args.diff_json {
                    let report = suite_run::diff_json(&entries, &target.product(), seconds);
                    write_file(path, &serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?)?;
                }
                let note = format!(
                    "chromium diff: {} observable, {} agree, {} differ, {} not observable, {} errors ({seconds} s)",
                    c.observable, c.agree, c.differ, c.not_observable, c.errors
                );
                Ran {
                    results: suite_run::diff_results(&entries),
                    product: target.product(),
                    target: "chromium".into(),
                    notes: vec![note],
                }
            } else {
                let results =
                    suite_run::run_tests(&files, &profile, args.filter.as_deref(), &exp, &mut target, &mut progress);
                Ran { results, product: target.product(), target: "chromium".into(), notes: vec![] }
            }
        }
        name => {
            let mut target: Box<dyn Target> = match name {
                "engine" => Box::new(EngineTarget::new()),
                "exec" => {
                    let command = args.adapter.clone().ok_or("--target exec needs --adapter \"<command line>\"")?;
                    if !(args.adapter_timeout > 0.0 && args.adapter_timeout.is_finite()) {
                        return Err(format!(
                            "--adapter-timeout {}: not a positive number of seconds",
                            args.adapter_timeout
                        ));
                    }
                    Box::new(ExecTarget::new(command, std::time::Duration::from_secs_f64(args.adapter_timeout)))
                }
                other => return Err(format!("unknown target {other:?}")),
            };
            let keys = RunKeys::for_run(&target.product().0, name, &profile_name, false);
            let options = RunOptions {
                profile: profile.clone(),
                filter: args.filter.clone(),
                expectations: raw_expectations.clone().for_run(keys),
            };
            let results = suite::run(&files, &options, target.as_mut(), &mut progress);
            Ran { results, product: target.product(), target: target.name().to_string(), notes: vec![] }
        }
    };
    let time_end = now_ms();
    clear_progress();
    // Judge with the product the run reported (an adapter names itself).
    let keys = RunKeys::for_run(&ran.product.0, &ran.target, &profile_name, args.diff);
    let expectations = raw_expectations.for_run(keys);
    let mut verdict = suite::judge(&ran.results, &expectations);
    // Entries are checked against the tests of the paths given; the bundled
    // expectations only when the bundled suite runs.
    if !args.expectations.is_empty() || args.paths.is_empty() {
        verdict.stale = expectations.unmatched(&suite::catalog(&files));
    }
    for u in &verdict.unexpected {
        println!("{}", u.line);
    }
    for s in &verdict.stale {
        eprintln!("warning: {s}");
    }
    let info = RunInfo {
        product: ran.product.0.clone(),
        version: ran.product.1.clone(),
        target: ran.target.clone(),
        profile: profile_name,
        revision,
        diff: args.diff,
    };
    if let Some(path) = &args.json {
        let report = wptreport(&ran.results, &verdict, &info, time_start, time_end);
        write_file(path, &serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?)?;
    }
    if let Some(path) = &args.html {
        write_file(path, &html_report(&ran.results, &verdict, &expectations, &info))?;
    }
    for note in &ran.notes {
        println!("{note}");
    }
    if verdict.passed == 0 && verdict.failed == 0 {
        println!("no subtests ran: a run with zero tests fails");
    }
    if verdict.expected_failures > 0 {
        println!(
            "{} of the passed results are expected failures listed in the expectations",
            verdict.expected_failures
        );
    }
    println!("{}", verdict.summary());
    Ok(verdict.ok())
}

/// `run_info.revision`: the git commit of the scenarios given on the
/// command line when they are in a git checkout, else the revision the
/// binary was built from (which is the bundled suite's).
fn suite_revision(paths: &[PathBuf]) -> String {
    let from_git = paths.first().and_then(|p| {
        let dir = if p.is_dir() { p.clone() } else { p.parent().map(Path::to_path_buf)? };
        let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
        let out = std::process::Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(dir)
            .stderr(std::process::Stdio::null())
            .output()
            .ok()?;
        let sha = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !sha.is_empty()).then_some(sha)
    });
    from_git.unwrap_or_else(|| wpt_harness::bundled::REVISION.to_string())
}

/// `wpt-harness update-expectations`.
fn update_expectations(args: &UpdateArgs) -> Result<(), String> {
    use wpt_harness::expectations::update;
    let reports = args.reports.iter().map(|p| update::read_report(p)).collect::<Result<Vec<_>, _>>()?;
    let (written, removed) = update::write_metadata(&reports, &args.metadata)?;
    for f in &written {
        println!("wrote {}", f.display());
    }
    for f in &removed {
        println!("removed {} (its tests now pass)", f.display());
    }
    println!("{} metadata files written, {} removed, under {}", written.len(), removed.len(), args.metadata.display());
    Ok(())
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
        Some(Command::UpdateExpectations(args)) => {
            return match update_expectations(&args) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("wpt-harness update-expectations: {e}");
                    ExitCode::from(2)
                }
            };
        }
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
