//! The `simulate` subcommand: arguments, and writing the outputs.

use super::error::SimError;
use super::profile::SimProfile;
use super::{Simulation, report_html, report_json, report_svg, simulate, table, world_parse};
use std::path::{Path, PathBuf};

/// `wpt-harness simulate WORLD.yaml [--profile P]... [--out DIR]`.
#[derive(Debug, Clone, clap::Args)]
pub struct SimulateArgs {
    /// The world file (YAML)
    pub world: PathBuf,
    /// A policy to compare: chromium, spec, or a policy file (TOML or JSON); repeatable [default: chromium and spec]
    #[arg(long, value_name = "chromium|spec|FILE")]
    pub profile: Vec<String>,
    /// Write report.html, figures.json and the SVG plots into DIR
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// The files a simulation writes, by name.
pub const OUTPUTS: [&str; 5] = ["report.html", "figures.json", "timeline.svg", "latency.svg", "wakeups.svg"];

/// Runs the subcommand: returns the console table.
pub fn execute(args: &SimulateArgs) -> Result<String, SimError> {
    let world = world_parse::load(&args.world)?;
    let names =
        if args.profile.is_empty() { vec!["chromium".to_string(), "spec".to_string()] } else { args.profile.clone() };
    let profiles = names.iter().map(|n| SimProfile::resolve(n)).collect::<Result<Vec<_>, _>>()?;
    let sim = simulate(&world, &profiles)?;
    if let Some(dir) = &args.out {
        write_outputs(&sim, dir)?;
    }
    Ok(table::render(&sim.figures))
}

/// Writes the HTML report, the JSON figures and the SVG plots into `dir`.
pub fn write_outputs(sim: &Simulation, dir: &Path) -> Result<(), SimError> {
    std::fs::create_dir_all(dir).map_err(|e| SimError::io(dir, &e))?;
    let json = report_json::render(sim)
        .map_err(|e| SimError::Io { path: dir.join("figures.json").display().to_string(), message: e.to_string() })?;
    let files = [
        (OUTPUTS[0], report_html::render(sim)),
        (OUTPUTS[1], json),
        (OUTPUTS[2], report_svg::timeline(sim)),
        (OUTPUTS[3], report_svg::latency(sim)),
        (OUTPUTS[4], report_svg::wakeups(sim)),
    ];
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| SimError::io(&path, &e))?;
    }
    Ok(())
}
