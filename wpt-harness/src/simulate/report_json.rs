//! `figures.json`: every figure of every profile, for scripts.

use super::Simulation;
use super::table;
use serde::Serialize;

#[derive(Serialize)]
struct WorldSummary<'a> {
    name: &'a str,
    days: u32,
    seed: u64,
    sites: usize,
    trace_rows: usize,
}

#[derive(Serialize)]
struct Document<'a> {
    world: WorldSummary<'a>,
    profiles: &'a [super::Figures],
    verdicts: Vec<String>,
}

/// The JSON document of a simulation.
pub fn render(sim: &Simulation) -> Result<String, serde_json::Error> {
    let names: Vec<String> = sim.figures.iter().map(|f| f.profile.clone()).collect();
    let verdicts = table::rows(&sim.figures).iter().filter_map(|r| table::verdict(r, &names)).collect();
    let doc = Document {
        world: WorldSummary {
            name: &sim.world.name,
            days: sim.world.days,
            seed: sim.world.seed,
            sites: sim.world.sites.len(),
            trace_rows: sim.world.trace.len(),
        },
        profiles: &sim.figures,
        verdicts,
    };
    serde_json::to_string_pretty(&doc)
}
