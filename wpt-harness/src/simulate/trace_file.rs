//! Device traces from files: CSV or YAML, one row per change.
//!
//! CSV (`at,change,site,value`; a header line and `#` comments are skipped):
//!
//! ```text
//! 2h,network,,offline        # online | metered | offline | captive
//! 3h,battery_saver,,on
//! 3h,charging,,off
//! 1h,visit,news,10m          # the length defaults to the site's visit_length
//! 5d,engagement,news,none
//! ```
//!
//! YAML: a list of rows, each `at` plus one change:
//! `{at: 2h, network: offline}`, `{at: 3h, battery_saver: on}`,
//! `{at: 3h, charging: off}`, `{at: 1h, visit: news, for: 10m}`,
//! `{at: 5d, engagement: {news: none}}`.

use super::error::SimError;
use super::world::{Change, Link, Row, Site};
use super::world_parse::{duration, engagement, engagement_name, site_index};
use crate::yaml::{self, Node, NodeError};
use std::path::Path;

/// Reads a trace file; `.csv` is CSV, anything else YAML.
pub fn load(path: &Path, sites: &[Site], end: u64) -> Result<Vec<Row>, SimError> {
    let text = std::fs::read_to_string(path).map_err(|e| SimError::io(path, &e))?;
    let file = path.display().to_string();
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) {
        parse_csv(&text, &file, sites, end)
    } else {
        let located = |e: NodeError| SimError::at(&file, e.pos, e.message);
        let doc = yaml::parse(&text).map_err(located)?;
        rows_from_yaml(&doc, sites, end).map_err(located)
    }
}

/// Parses CSV rows; errors name `file:line`.
pub fn parse_csv(text: &str, file: &str, sites: &[Site], end: u64) -> Result<Vec<Row>, SimError> {
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() || (i == 0 && line.starts_with("at,")) {
            continue;
        }
        let error = |message: String| SimError::TraceCsv { file: file.to_string(), line: i + 1, message };
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        if cells.len() != 4 {
            return Err(error(format!("expected 4 cells (at,change,site,value), found {}", cells.len())));
        }
        let at = sync_policy::parse_duration(cells[0]).map_err(|e| error(format!("at: {e}")))?.0;
        if at > end {
            return Err(error(format!("`{}` is after the end of the world", cells[0])));
        }
        let site = |name: &str| site_index(sites, name).ok_or_else(|| error(format!("no site named `{name}`")));
        let change =
            match cells[1] {
                "network" => Change::Network(Link::parse(cells[3]).ok_or_else(|| {
                    error(format!("unknown network `{}` (online, metered, offline, captive)", cells[3]))
                })?),
                "battery_saver" => {
                    Change::BatterySaver(switch(cells[3]).ok_or_else(|| error("expected on or off".into()))?)
                }
                "charging" => Change::Charging(switch(cells[3]).ok_or_else(|| error("expected on or off".into()))?),
                "visit" => {
                    let s = site(cells[2])?;
                    let length = if cells[3].is_empty() {
                        sites[s].visit_length
                    } else {
                        sync_policy::parse_duration(cells[3]).map_err(|e| error(format!("visit length: {e}")))?.0
                    };
                    Change::Visit { site: s, length }
                }
                "engagement" => {
                    let s = site(cells[2])?;
                    let level = engagement_name(cells[3])
                        .ok_or_else(|| error(format!("unknown engagement level `{}`", cells[3])))?;
                    Change::Engagement { site: s, level }
                }
                other => {
                    return Err(error(format!(
                        "unknown change `{other}` (network, battery_saver, charging, visit, engagement)"
                    )));
                }
            };
        rows.push(Row { at, change });
    }
    Ok(rows)
}

fn switch(text: &str) -> Option<bool> {
    match text {
        "on" | "true" | "yes" => Some(true),
        "off" | "false" | "no" => Some(false),
        _ => None,
    }
}

/// Parses YAML rows (a list of mappings).
pub fn rows_from_yaml(node: &Node, sites: &[Site], end: u64) -> Result<Vec<Row>, NodeError> {
    let mut rows = Vec::new();
    for item in node.as_seq()? {
        let map = item.as_map()?;
        map.only(&["at", "network", "battery_saver", "charging", "visit", "for", "engagement"])?;
        let at_node = map.require("at")?;
        let at = duration(at_node)?;
        if at > end {
            return Err(at_node.error("this row is after the end of the world"));
        }
        let mut changes = Vec::new();
        if let Some(n) = map.get("network") {
            let text = n.as_str()?;
            let link = Link::parse(text)
                .ok_or_else(|| n.error(format!("unknown network `{text}` (online, metered, offline, captive)")))?;
            changes.push(Change::Network(link));
        }
        if let Some(n) = map.get("battery_saver") {
            changes.push(Change::BatterySaver(n.as_bool()?));
        }
        if let Some(n) = map.get("charging") {
            changes.push(Change::Charging(n.as_bool()?));
        }
        if let Some(n) = map.get("visit") {
            let name = n.as_text()?;
            let site = site_index(sites, &name).ok_or_else(|| n.error(format!("no site named `{name}`")))?;
            let length = match map.get("for") {
                Some(f) => duration(f)?,
                None => sites[site].visit_length,
            };
            changes.push(Change::Visit { site, length });
        } else if let Some(f) = map.get("for") {
            return Err(f.error("`for` goes with `visit`"));
        }
        if let Some(n) = map.get("engagement") {
            for (name, pos, level) in n.as_map()?.entries {
                let site =
                    site_index(sites, &name).ok_or_else(|| NodeError::at(pos, format!("no site named `{name}`")))?;
                changes.push(Change::Engagement { site, level: engagement(level)? });
            }
        }
        if changes.is_empty() {
            return Err(item.error("a row needs a change: network, battery_saver, charging, visit or engagement"));
        }
        rows.extend(changes.into_iter().map(|change| Row { at, change }));
    }
    Ok(rows)
}
