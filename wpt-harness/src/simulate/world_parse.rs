//! Reads a world file (YAML). Every unusable value is reported as
//! `file:line:column: message`, like a scenario.
//!
//! ```yaml
//! name: commuter week
//! days: 7
//! seed: 42
//! trace:                      # any mix of the three; all rows are merged
//!   generator: commuter       # commuter | desktop | rural | offline
//!   file: commute.csv         # .csv or .yaml, relative to this file
//!   rows:
//!     - {at: 1d2h, network: offline}
//! sites:
//!   - name: mail
//!     count: 1                # N copies named mail-0 .. mail-(N-1)
//!     engagement: high        # or [{at: 0, level: high}, {at: 3d, level: none}]
//!     visits_per_day: 6       # used by generators
//!     visit_length: 5m
//!     oneoff: offline-visits  # never | offline-visits | every-visit
//!     periodic: 1h            # minInterval, or none
//!     fail_rate: 0.1
//!     run_time: 20s
//! ```

use super::error::SimError;
use super::generate::{self, Generator};
use super::trace_file;
use super::world::{Change, OneOffRule, Row, Site, World};
use crate::yaml::{self, Node, NodeError, Value};
use std::path::Path;
use sync_policy::Engagement;

/// Reads and checks a world file.
pub fn load(path: &Path) -> Result<World, SimError> {
    let text = std::fs::read_to_string(path).map_err(|e| SimError::io(path, &e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    parse(&text, &path.display().to_string(), dir)
}

/// Parses a world from `text`; `file` names it in errors and `dir` anchors
/// relative trace files.
pub fn parse(text: &str, file: &str, dir: &Path) -> Result<World, SimError> {
    let located = |e: NodeError| SimError::at(file, e.pos, e.message);
    let doc = yaml::parse(text).map_err(located)?;
    let map = doc.as_map().map_err(located)?;
    map.only(&["name", "days", "seed", "trace", "sites"]).map_err(located)?;
    let name = match map.get("name") {
        Some(n) => n.as_text().map_err(located)?,
        None => Path::new(file).file_stem().map_or("world".into(), |s| s.to_string_lossy().into_owned()),
    };
    let days_node = map.require("days").map_err(located)?;
    let days = days_node.as_u64().map_err(located)?;
    if days == 0 || days > 366 {
        return Err(SimError::at(file, days_node.pos, "days must be between 1 and 366"));
    }
    let seed = match map.get("seed") {
        Some(n) => n.as_u64().map_err(located)?,
        None => 0,
    };
    let sites_node = map.require("sites").map_err(located)?;
    let mut sites = Vec::new();
    let mut trace = Vec::new();
    for node in sites_node.as_seq().map_err(located)? {
        site(node, &mut sites, &mut trace).map_err(located)?;
    }
    if sites.is_empty() {
        return Err(SimError::at(file, sites_node.pos, "a world needs at least one site"));
    }
    for (i, a) in sites.iter().enumerate() {
        if sites[..i].iter().any(|b| b.name == a.name) {
            return Err(SimError::at(file, sites_node.pos, format!("two sites are named `{}`", a.name)));
        }
    }
    let mut world = World { name, days: days as u32, seed, sites, trace };
    if let Some(t) = map.get("trace") {
        read_trace(t, &mut world, file, dir)?;
    }
    world.sort_trace();
    Ok(world)
}

fn read_trace(node: &Node, world: &mut World, file: &str, dir: &Path) -> Result<(), SimError> {
    let located = |e: NodeError| SimError::at(file, e.pos, e.message);
    let map = node.as_map().map_err(located)?;
    map.only(&["generator", "file", "rows"]).map_err(located)?;
    if let Some(g) = map.get("generator") {
        let name = g.as_str().map_err(located)?;
        let generator = Generator::parse(name).ok_or_else(|| {
            SimError::at(file, g.pos, format!("unknown generator `{name}` (expected one of: {})", Generator::NAMES))
        })?;
        let rows = generate::generate(generator, world);
        world.trace.extend(rows);
    }
    if let Some(f) = map.get("file") {
        let rel = f.as_str().map_err(located)?;
        let path = dir.join(rel);
        let rows = trace_file::load(&path, &world.sites, world.end())?;
        world.trace.extend(rows);
    }
    if let Some(rows) = map.get("rows") {
        let rows = trace_file::rows_from_yaml(rows, &world.sites, world.end()).map_err(located)?;
        world.trace.extend(rows);
    }
    Ok(())
}

fn site(node: &Node, sites: &mut Vec<Site>, trace: &mut Vec<Row>) -> Result<(), NodeError> {
    let map = node.as_map()?;
    map.only(&[
        "name",
        "origin",
        "count",
        "engagement",
        "visits_per_day",
        "visit_length",
        "oneoff",
        "oneoff_tag",
        "periodic",
        "periodic_tag",
        "fail_rate",
        "run_time",
    ])?;
    let name = map.require("name")?.as_text()?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(map.require("name")?.error("a site name is letters, digits, `-` and `_`"));
    }
    let mut base = Site::new(&name);
    if let Some(o) = map.get("origin") {
        base.origin = o.as_text()?;
    }
    let mut changes = Vec::new();
    if let Some(e) = map.get("engagement") {
        match &e.value {
            Value::Seq(items) => {
                for item in items {
                    let m = item.as_map()?;
                    m.only(&["at", "level"])?;
                    let at = duration(m.require("at")?)?;
                    let level = engagement(m.require("level")?)?;
                    if at == 0 {
                        base.engagement = level;
                    } else {
                        changes.push((at, level));
                    }
                }
            }
            _ => base.engagement = engagement(e)?,
        }
    }
    if let Some(v) = map.get("visits_per_day") {
        base.visits_per_day = number(v, 0.0, 1000.0)?;
    }
    if let Some(v) = map.get("visit_length") {
        base.visit_length = duration(v)?;
    }
    if let Some(v) = map.get("oneoff") {
        base.oneoff = match v.as_str()? {
            "never" => OneOffRule::Never,
            "offline-visits" => OneOffRule::OfflineVisits,
            "every-visit" => OneOffRule::EveryVisit,
            other => {
                return Err(v.error(format!("unknown oneoff rule `{other}` (never, offline-visits, every-visit)")));
            }
        };
    }
    if let Some(v) = map.get("oneoff_tag") {
        base.oneoff_tag = v.as_text()?;
    }
    if let Some(v) = map.get("periodic") {
        base.periodic = match &v.value {
            Value::Str(s) if s == "none" => None,
            _ => Some(duration(v)?),
        };
    }
    if let Some(v) = map.get("periodic_tag") {
        base.periodic_tag = v.as_text()?;
    }
    if let Some(v) = map.get("fail_rate") {
        base.fail_rate = number(v, 0.0, 1.0)?;
    }
    if let Some(v) = map.get("run_time") {
        base.run_time = duration(v)?;
    }
    let count = match map.get("count") {
        Some(c) => {
            let n = c.as_u64()?;
            if n == 0 || n > 100_000 {
                return Err(c.error("count must be between 1 and 100000"));
            }
            Some(n)
        }
        None => None,
    };
    let copies: Vec<Site> = match count {
        None => vec![base],
        Some(n) => (0..n)
            .map(|i| {
                let mut s = base.clone();
                s.name = format!("{}-{i}", base.name);
                s.origin = if map.get("origin").is_some() {
                    format!("{}-{i}", base.origin)
                } else {
                    format!("https://{}.test", s.name)
                };
                s
            })
            .collect(),
    };
    for s in copies {
        let index = sites.len();
        for &(at, level) in &changes {
            trace.push(Row { at, change: Change::Engagement { site: index, level } });
        }
        sites.push(s);
    }
    Ok(())
}

/// A duration: an integer of milliseconds or a string like `1d2h30m`.
pub(crate) fn duration(node: &Node) -> Result<u64, NodeError> {
    match &node.value {
        Value::Int(_) => node.as_u64(),
        Value::Str(s) => sync_policy::parse_duration(s).map(|m| m.0).map_err(|e| node.error(e.to_string())),
        other => Err(node.error(format!("expected a duration like 2h or 1d30m, found {}", other.kind()))),
    }
}

/// An engagement level by name.
pub(crate) fn engagement(node: &Node) -> Result<Engagement, NodeError> {
    let text = node.as_str()?;
    engagement_name(text)
        .ok_or_else(|| node.error(format!("unknown engagement level `{text}` (none, minimal, low, medium, high, max)")))
}

/// Parses an engagement level name.
pub(crate) fn engagement_name(text: &str) -> Option<Engagement> {
    Some(match text {
        "none" => Engagement::None,
        "minimal" => Engagement::Minimal,
        "low" => Engagement::Low,
        "medium" => Engagement::Medium,
        "high" => Engagement::High,
        "max" => Engagement::Max,
        _ => return None,
    })
}

fn number(node: &Node, lo: f64, hi: f64) -> Result<f64, NodeError> {
    let v = match node.value {
        Value::Int(i) => i as f64,
        Value::Float(f) => f,
        ref other => return Err(node.error(format!("expected a number, found {}", other.kind()))),
    };
    if !(lo..=hi).contains(&v) {
        return Err(node.error(format!("expected a number between {lo} and {hi}, found {v}")));
    }
    Ok(v)
}

/// Looks a site up by name in a trace row.
pub(crate) fn site_index(sites: &[Site], name: &str) -> Option<usize> {
    sites.iter().position(|s| s.name == name)
}
