//! The policy simulator: the real engine under several policies, run over
//! the same simulated week on virtual time, with the figures a browser team
//! compares them by.
//!
//! `wpt-harness simulate WORLD.yaml --profile chromium --profile spec
//! --profile my.toml --out DIR` reads a world ([`world_parse`]), runs each
//! profile ([`runner`]), computes the same figures for each ([`metrics`]),
//! prints a comparison table with a verdict per figure ([`table`]) and writes
//! `DIR/report.html`, three SVG plots and `DIR/figures.json`.
//!
//! Everything follows from the world's seed: the generated trace, and each
//! event's outcome (keyed by site, registration and attempt, so every
//! profile meets the same fate for the same attempt).

pub mod cli;
pub mod error;
pub mod generate;
pub mod metrics;
pub mod profile;
pub mod record;
pub mod report_html;
pub mod report_json;
pub mod report_svg;
pub mod rng;
pub mod runner;
pub mod table;
pub mod trace_file;
pub mod world;
pub mod world_parse;

pub use error::SimError;
pub use metrics::Figures;
pub use profile::SimProfile;
pub use record::Run;
pub use world::World;

/// The outcome of a simulation: each profile's run and figures, in the order given.
#[derive(Clone, Debug)]
pub struct Simulation {
    /// The world.
    pub world: World,
    /// Each profile's raw record.
    pub runs: Vec<Run>,
    /// Each profile's figures.
    pub figures: Vec<Figures>,
}

/// Runs every profile over `world`.
pub fn simulate(world: &World, profiles: &[SimProfile]) -> Result<Simulation, SimError> {
    let mut runs = Vec::with_capacity(profiles.len());
    for p in profiles {
        runs.push(runner::run(world, p)?);
    }
    let figures = runs.iter().map(|r| metrics::figures(world, r)).collect();
    Ok(Simulation { world: world.clone(), runs, figures })
}
